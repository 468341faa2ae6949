"""Inputs the suite leaves out for now: each reproduces a defect another engineer of issue 10 is fixing.

Each filter names its defect and owner; the integrator deletes a filter (and its uses) after merging
the fix, so that the suite covers those inputs again. Nothing here is a defect of the suite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import registry
from handlers.callback_data import unpack

if TYPE_CHECKING:
    from tests.properties.filing import Where

SMALL_ID = 2**31


def _small_id(argument: str) -> bool:
    return argument.isascii() and argument.isdigit() and int(argument) < SMALL_ID


def until_malformed_callback_arguments_fixed(data: str) -> bool:
    """Keep button data whose arguments are all small ids (or that is not ours at all).

    Defect (resilience): data of a real flow and action with an argument that is not a non-negative
    integer (`rpt:cat:`, `rpt:cat:x`) raises BadCallbackError out of the engine, and one of 2^63 or
    more raises OverflowError from SQLite, instead of the polite "button no longer valid" answer.
    """
    callback = unpack(data)
    return callback is None or all(_small_id(argument) for argument in callback.args)


def until_unknown_command_mid_flow_fixed(command: str) -> bool:
    """Keep only commands some flow declares (and /start, /cancel, /menu).

    Defect (engine/flows, "keyboard per question"): an unknown command during a conversation is
    answered with "did not understand" and the main menu keyboard, while the conversation stays on
    its question: the keyboard shown no longer belongs to the question being asked.
    """
    return command in {c for f in registry.flows() for c in f.commands} | {"start", "cancel", "menu"}


def until_back_clears_abandoned_fields_fixed(first: Where, later: Where | None) -> bool:
    """Keep report plans that answer the location question the same way when it is asked again after Back.

    Defect (engine/flows, "Back clearing abandoned draft fields"): type an address, tap Back, then
    send a location: the draft keeps both, the summary shows "位置：已发送" only, and the stored
    report also carries the abandoned address.
    """
    return later is None or ((first.point is None) == (later.point is None)
                             and (first.address is None) == (later.address is None))
