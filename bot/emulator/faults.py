"""Faults the emulator can inject into Bot API calls, in the order they are scripted.

Each fault answers one matching call: a flood wait (429 with `retry_after`, and Telegram's rule
that calls before it ends are refused again), a server error, a connection dropped before the
call is processed, or one dropped after it was processed (the message went out, the answer was
lost). Fractional `retry_after` values keep tests fast; Telegram sends whole seconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import Enum

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendLocation"})


class FaultKind(Enum):
    """How a call fails."""

    FLOOD = "flood"  # 429 Too Many Requests with retry_after
    ERROR = "error"  # an HTTP error answer (500, 502, 400 ...)
    DROP = "drop"  # the connection closes before the call is processed
    DROP_AFTER = "drop_after"  # the call is processed, then the connection closes before the answer


@dataclass(frozen=True)
class Fault:
    """One failure, for the next call of one of `methods`."""

    kind: FaultKind
    methods: frozenset[str] = SEND_METHODS
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: float = 1


def flood(retry_after: float, methods: Collection[str] = SEND_METHODS) -> Fault:
    """A flood wait of `retry_after` seconds."""
    return Fault(FaultKind.FLOOD, frozenset(methods), 429, f"Too Many Requests: retry after {retry_after}",
                 retry_after)


def server_error(status: int = 500, methods: Collection[str] = SEND_METHODS) -> Fault:
    """A 5xx answer."""
    return Fault(FaultKind.ERROR, frozenset(methods), status)


def refusal(description: str, methods: Collection[str], status: int = 400) -> Fault:
    """A 4xx answer, e.g. 'Bad Request: query is too old' for answerCallbackQuery."""
    return Fault(FaultKind.ERROR, frozenset(methods), status, description)


def dropped(methods: Collection[str] = SEND_METHODS) -> Fault:
    """A connection closed before the call reached the server."""
    return Fault(FaultKind.DROP, frozenset(methods))


def dropped_after(methods: Collection[str] = SEND_METHODS) -> Fault:
    """A connection closed after the server carried the call out."""
    return Fault(FaultKind.DROP_AFTER, frozenset(methods))


@dataclass
class FaultPlan:
    """The scripted faults still to serve, and what was served."""

    pending: deque[Fault] = field(default_factory=deque)
    served: list[Fault] = field(default_factory=list)

    def add(self, faults: Iterable[Fault]) -> None:
        """Script more faults, after those already waiting."""
        self.pending.extend(faults)

    def take(self, method: str) -> Fault | None:
        """Return (and use up) the first waiting fault for `method`, if any."""
        for fault in self.pending:
            if method in fault.methods:
                self.pending.remove(fault)
                self.served.append(fault)
                return fault
        return None
