"""Sequences the property suite found or checked on purpose, kept as plain tests of every property.

Each runs the same checks as the properties (an answer to every input, no crash, no forbidden
write, keyboards of the current question) on a fixed list of actions.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from handlers.events import EventKind
from tests.properties import actions as a
from tests.properties.exploration import explore
from tests.properties.world import BY_NAME

REPORT, SETTINGS = a.Start(4), a.Start(19)  # by menu label: 📣 我要反映, ⚙️ 设置


def test_a_resident_forging_a_handling_button_on_someone_elses_report_changes_nothing(world: Path) -> None:
    steps = [a.Type("你好"), a.PressForged("rph:acc:1"), a.PressForged("rph:rej:1"), a.PressForged("rph:who:1")]

    asyncio.run(explore(world, BY_NAME["resident"], steps))


def test_a_cadre_of_another_village_pressing_this_villages_report_buttons_changes_nothing(world: Path) -> None:
    steps = [a.Type("你好"), a.PressForged("rph:acc:1"), a.PressForged("rph:start:1"), a.PressForged("rph:card:1")]

    asyncio.run(explore(world, BY_NAME["other_village_cadre"], steps))


def test_a_stranger_who_shares_a_roster_phone_then_acts_as_that_person(world: Path) -> None:
    steps = [a.Type("hi"), a.ShareContact("+8613800000001", own=True), SETTINGS, a.Press(0), a.Press(1)]

    asyncio.run(explore(world, BY_NAME["stranger"], steps))


def test_a_forwarded_contact_of_a_villager_does_not_bind_a_stranger(world: Path) -> None:
    steps = [a.Command("start"), a.ShareContact("+8613800000009", own=False), a.Type("李书记"), a.Press(0)]

    asyncio.run(explore(world, BY_NAME["stranger"], steps))


def test_a_report_draft_survives_restarts_and_redelivery_and_lapses_after_a_day(world: Path) -> None:
    steps = [REPORT, a.Press(0), a.Restart(), a.Replay(), a.Type("好" * 5000), a.Type("路灯坏了"),
             a.SendMedia(EventKind.DOCUMENT, mime_type="application/x-msdownload"), a.Restart(), a.Wait(25.0),
             a.SendMedia(EventKind.PHOTO), a.PressStale(0)]

    asyncio.run(explore(world, BY_NAME["household_head"], steps))


def test_odd_text_locations_and_media_mid_report_are_answered(world: Path) -> None:
    steps = [REPORT, a.Press(3), a.Type("\u202e\u200b😀"), a.Type("\x00\x1b"), a.SendOther(),
             a.SendLocation(1e6, -1e6), a.SendMedia(EventKind.VOICE, size=10**9), a.Press(0),
             a.SendLocation(95.0, 200.0), a.TypeLabel(0), a.Command("start", "abc def")]

    asyncio.run(explore(world, BY_NAME["household_head"], steps))
