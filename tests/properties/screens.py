"""What the phone shows must fit where the person is: answers to every input, keyboards of the question."""

from __future__ import annotations

from bot.telegram_layout import inline_rows
from handlers import registry
from handlers.callback_data import unpack
from handlers.keyboards import BACK_LABEL, CANCEL_LABEL, MENU_LABEL, NAV
from handlers.menu import SECTION_LABELS
from tests.properties.phone import Phone
from tests.properties.snapshots import Row


def unanswered(phone: Phone) -> list[str]:
    """Return a problem when the input got no visible answer, or an answer with unrendered text."""
    if not any(str(r.text).strip() or r.attachment is not None for r in phone.replies):
        return [f"no answer: {phone.replies}"]
    return [f"unrendered text: {r.text!r}" for r in phone.replies if not isinstance(r.text, str)]


def stray_keyboards(phone: Phone, record: Row | None) -> list[str]:
    """Return a problem for each key or button shown that belongs to neither the current question nor the menu.

    The reply keyboard stays on the phone until a reply replaces it, so it is judged by where the
    person was when it was sent; the main menu's keys may stay under a question with inline buttons
    (typing a menu label there is the engine's business), but a question's own keys may not outlive it.
    """
    where = None if record is None else (str(record["flow"]), str(record["state"]))
    if phone.keyboard_changed:
        phone.keyboard_at = where
    question_keys = set(phone.keyboard_labels()) - _menu_labels(phone)
    if where is not None:  # Back and Cancel answer every question
        question_keys -= {phone.renderer.text(label, "zh_CN") for label in (BACK_LABEL, CANCEL_LABEL)}
    problems = []
    if question_keys and phone.keyboard_at != where:
        problems.append(f"keys {sorted(question_keys)} of {phone.keyboard_at} still shown in {where}")
    return problems + _stray_buttons(phone, where)


def _stray_buttons(phone: Phone, where: tuple[str, str] | None) -> list[str]:
    """Return a problem for each inline button of the question that is neither its flow's nor Back/Cancel."""
    # an edit redraws the message whose button was pressed (say, an old card), not the question
    asking = next((r for r in reversed(phone.replies) if inline_rows(r) and not r.edit), None)
    if asking is None or where is None:
        return []
    shown = [b.data for row in inline_rows(asking) for b in row]
    return [f"button {data!r} shown while in {where}" for data in shown
            if (callback := unpack(data)) is None or callback.flow not in (where[0], NAV)]


def _menu_labels(phone: Phone) -> set[str]:
    """Return every label of the menu's keyboards: flows, sections, and the way home."""
    labels = [f.menu.label for f in registry.flows() if f.menu] + [*SECTION_LABELS.values(), MENU_LABEL]
    return {phone.renderer.text(label, "zh_CN") for label in labels}
