"""Runs A and B of the Lab's compare mode, trained in step.

The guarantee: a run of a pair takes its step from iteration ``i`` only once its
partner is at ``i`` or beyond, so neither is ever more than one iteration ahead
of the other, whatever the partner is doing (refreshing a view, queued, compiling,
paused, being built).  A partner that is behind (a run B started while A had
trained, a run restarted from the pretrained one) trains alone until it catches
up.  Play and Pause act on the pair (:attr:`Pair.playing`), so a paused partner
is a pair that pauses; only a partner that cannot train (stopped, freed, failed,
diverged, or paired with another run) lets the other train on alone.
The pair shares one scheduler slot (:attr:`Pair.key`): both runs train or queue
together, and neither holds a slot the other waits for.
"""
from __future__ import annotations

import threading
from typing import Protocol


class Member(Protocol):
    key: str

    def pair_iteration(self, pair: "Pair") -> int | None: ...

    def snapshot(self): ...


class Pair:
    """Two runs trained in step, sharing one Play state and one scheduler slot."""

    def __init__(self, first: Member, second: Member, playing: bool) -> None:
        self.members = (first, second)
        self.key = f"{first.key}|{second.key}"
        self.playing = playing  # the pair's Play state: Play on either run plays both, Pause pauses both
        self._stepped = threading.Condition()

    def partner(self, member: Member) -> Member:
        first, second = self.members
        return second if member is first else first

    def holds(self, member: Member, at: int) -> bool:
        """Whether ``member``, about to step from iteration ``at``, must wait for its partner."""
        there = self.partner(member).pair_iteration(self)
        return there is not None and there < at

    def wait_turn(self, member: Member, at: int, timeout: float) -> bool:
        """Wait (at most ``timeout`` s, so the caller keeps answering commands) until ``member`` may step."""
        with self._stepped:
            return self._stepped.wait_for(lambda: not self.holds(member, at), timeout)

    def stepped(self) -> None:
        """A member took a step: wake its partner if it waits."""
        with self._stepped:
            self._stepped.notify_all()

    def lagging(self, member: Member, at: int) -> bool:
        """The partner is more than a step behind or not training: ``member`` waits for it, say so."""
        partner = self.partner(member)
        there = partner.pair_iteration(self)
        return there is not None and (there < at - 1 or partner.snapshot().state != "playing")
