"""Phone numbers in one normal form, so a roster entry and a Telegram contact match."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().·]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
# Telegram sends contacts' numbers without the plus sign; a bare foreign number is at least 10 digits.
# A bare number starting with 1 is a mainland mobile or a typo, never accepted as North American.
_BARE_INTERNATIONAL = re.compile(r"[2-9]\d{9,14}")


def normalise_phone(raw: str) -> str:
    """Return the phone in E.164 form, e.g. `+8613800138000`.

    Accepts spaces, dashes and brackets, a leading `+86`, `86` or `0086`, and
    other international numbers with a leading `+` or `00`.

    Raises:
        ValueError: the text is not a phone number.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MAINLAND_MOBILE.fullmatch(digits):
        return "+86" + digits
    if _INTERNATIONAL.fullmatch(digits) and not digits.startswith("+86"):
        return digits
    if _BARE_INTERNATIONAL.fullmatch(digits):
        return "+" + digits
    raise ValueError(raw)


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number for logs and lists: `+86138****8000`."""
    if len(phone) < 8:
        return "****"
    return phone[:-8] + "****" + phone[-4:]


def dialled(phone: str) -> str:
    """Return the number as one dials it in mainland China: `+8613800138000` → `13800138000`; others as stored."""
    return phone.removeprefix("+86") if phone.startswith("+86") else phone
