"""Choice data: `flow:action[:arg...]`, parsed without trusting it.

Whatever the data says, the service called checks permissions again: a client
can send any data it likes. The limit here is generous and the same for every
channel; a channel whose buttons carry less swaps longer data for a short signed
token in its adapter (bot/callback_tokens.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 1024  # a bound against garbage; each channel adapter handles its own, smaller, limit
SEPARATOR = ":"
# Ids live in `Integer` columns: 32 bits in PostgreSQL, and SQLite refuses anything past 2**63 with an
# OverflowError, so a larger number can name nothing we hold.
MAX_ID = 2**31 - 1
# ASCII digits only: int() would also take "1_0", " 7" and other scripts' digits.
_NUMBER = re.compile(r"[0-9]{1,10}")


class BadCallbackError(ValueError):
    """The data is not ours or not in the expected shape."""


@dataclass(frozen=True)
class Callback:
    """Parsed button data."""

    flow: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int:
        """Return argument `index` as a number from 0 to MAX_ID; anything else is not ours."""
        return parse_number(self.arg(index))

    def arg(self, index: int = 0) -> str:
        """Return argument `index`."""
        try:
            return self.args[index]
        except IndexError:
            raise BadCallbackError(self) from None


def parse_number(text: str) -> int:
    """Return a number carried in button data, from 0 to MAX_ID.

    Raises:
        BadCallbackError: it is not plain digits, or too large for any id we hold.
    """
    if not _NUMBER.fullmatch(text) or int(text) > MAX_ID:
        raise BadCallbackError(text)
    return int(text)


def pack(flow: str, action: str, *args: str | int) -> str:
    """Encode button data."""
    parts = [flow, action, *(str(a) for a in args)]
    if any(SEPARATOR in p or not p for p in parts[:2]) or any(SEPARATOR in p for p in parts[2:]):
        raise ValueError(f"bad callback parts: {parts}")
    data = SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
    return data


def unpack(data: str | None) -> Callback | None:
    """Decode button data; None when it is not in our shape."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    if len(parts) < 2 or not all(parts[:2]):
        return None
    return Callback(parts[0], parts[1], tuple(parts[2:]))
