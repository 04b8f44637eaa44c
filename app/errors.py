"""What a page says of an error: its code and fields in the student's language, never the library's English.

The library's message goes to the server's log; ``error_<code>`` of ``app/i18n.py`` is what a page shows.
"""
from __future__ import annotations

import errno
from typing import Mapping

from app.i18n import TEXTS, text

# A failed write by its errno: the system's English and the server's paths stay in the log.
OS_CODES = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EFBIG: "disk_full",
            errno.EACCES: "no_permission", errno.EPERM: "no_permission", errno.EROFS: "no_permission"}
# Fields whose value is the key of a text of its own (a setting's name, a reading of values).
NAMED = {"setting": "ctl_", "reading": "reading_"}


def coded(error: BaseException) -> tuple[str, dict]:
    """``error``'s code and fields: its own, an OSError's from its errno, else ``unexpected`` with its kind."""
    code = getattr(error, "code", "")
    if isinstance(code, str) and f"error_{code}" in TEXTS:
        return code, dict(getattr(error, "fields", {}))
    if isinstance(error, OSError) and error.errno in OS_CODES:
        return OS_CODES[error.errno], {}
    return "unexpected", {"kind": type(error).__name__}


def say(code: str, fields: Mapping, lang: str) -> str:
    """The text of error ``code`` in ``lang``, its named fields said in ``lang`` too (an unknown code: unexpected)."""
    if f"error_{code}" not in TEXTS:
        code, fields = "unexpected", {"kind": code}
    return text(f"error_{code}", lang, **{name: _named(name, value, lang) for name, value in fields.items()})


def _named(name: str, value, lang: str):
    key = f"{NAMED[name]}{value}" if name in NAMED else ""
    return text(key, lang) if key in TEXTS else value
