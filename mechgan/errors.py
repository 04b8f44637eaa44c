"""Errors a page may show: a ``code`` and ``fields`` the app says in the student's language.

The English message is for the command line and the logs; ``app/i18n.py`` holds
``error_<code>`` in English and French, with ``fields`` as its blanks.
"""
from __future__ import annotations


class CodedError(Exception):
    """An error that names its problem by ``code`` (a key of the app's texts) and ``fields`` (its values)."""

    code: str = ""
    fields: dict = {}

    def __init__(self, message: str, code: str = "", **fields) -> None:
        super().__init__(message)
        self.code, self.fields = code or type(self).code, fields


class Refusal(CodedError, ValueError):
    """Input mechgan refuses (a value, a file, a name), said by its code."""
