"""The menu shows each person only what they can use."""

from __future__ import annotations

from bot.i18n import Catalogs
from handlers.menu import SECTION_LABELS, Menu
from handlers.registry import flows
from handlers.texts import spoken
from village.people import Person
from village.roles import Role, RoleGrant

SCORE, BOARD = "😊 My household score", "🖼 Group board"


def shown(person: Person) -> set[str]:
    return {f.menu.label.msgid for f in Menu(flows()).flows_for(person) if f.menu}


def test_a_newcomer_without_household_or_group_sees_neither_score_nor_board() -> None:
    newcomer = Person(1, 1, "刘新来", None, roles=(RoleGrant(Role.RESIDENT, 1),))

    assert {SCORE, BOARD}.isdisjoint(shown(newcomer))


def test_a_resident_of_a_household_sees_score_and_board() -> None:
    resident = Person(1, 1, "张阿婆", None, household_id=1, group_id=1, roles=(RoleGrant(Role.RESIDENT, 1),))

    assert {SCORE, BOARD} <= shown(resident)


def test_a_cadre_without_household_sees_every_board_but_no_score() -> None:
    cadre = Person(1, 1, "李书记", None, roles=(RoleGrant(Role.CADRE, 1),))

    assert BOARD in shown(cadre)
    assert SCORE not in shown(cadre)


def test_every_menu_label_stays_one_entry_when_typed_without_its_emoji() -> None:
    catalogs = Catalogs.load("zh_CN")
    labels = [f.menu.label for f in flows() if f.menu] + list(SECTION_LABELS.values())
    for locale in ("zh_CN", "en"):
        words = [spoken(catalogs.text(label, locale)) for label in labels]
        assert all(words), locale
        assert len(set(words)) == len(words), sorted(w for w in words if words.count(w) > 1)
