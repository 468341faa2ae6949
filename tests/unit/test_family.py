"""Pure rules of the family link: invite codes, the cap, which messages reach relatives, the audit label."""

from __future__ import annotations

from handlers.family_labels import DeputyAct, deputy_line
from handlers.texts import Text
from village.family.access import acts_for_households, has_family_screen
from village.family.models import (
    Deputy,
    FamilyPolicy,
    Relation,
    family_code_of,
    is_full,
    looks_like_family_code,
    new_family_code,
)
from village.family.reach import FOR_HOUSEHOLD
from village.outbox import MessageKind
from village.people import Actor, Person
from village.roles import Role, RoleGrant


def test_a_fresh_code_reads_back_from_its_start_argument() -> None:
    code = new_family_code()

    assert looks_like_family_code(f"fam-{code}")
    assert family_code_of(f"fam-{code}") == code


def test_other_start_arguments_are_not_family_codes() -> None:
    assert not looks_like_family_code("hAAAAAAAAAAA")
    assert not looks_like_family_code("fam-short")
    assert not looks_like_family_code("fam-AAAAAAAAA0")  # 0 is not in the alphabet
    assert family_code_of("hAAAA") is None


def test_the_cap_counts_pending_and_active_links() -> None:
    policy = FamilyPolicy(max_members=2)

    assert not is_full(1, policy)
    assert is_full(2, policy)


def test_every_message_kind_says_whether_relatives_receive_it() -> None:
    assert set(FOR_HOUSEHOLD) == set(MessageKind)


def test_staff_work_stays_with_the_person_and_household_news_reaches_relatives() -> None:
    assert FOR_HOUSEHOLD[MessageKind.SCORE_PUBLISHED]
    assert FOR_HOUSEHOLD[MessageKind.MEETING_ANNOUNCED]
    assert not FOR_HOUSEHOLD[MessageKind.REPORT_ASSIGNED]
    assert not FOR_HOUSEHOLD[MessageKind.DIGEST_MONTHLY]


def test_a_relative_acts_for_the_household_in_the_audit_label() -> None:
    relative = Person(7, 1, "张小红", None, household_id=3, roles=(RoleGrant(Role.FAMILY, 1),))
    villager = Person(8, 1, "张小明", None, household_id=3, roles=(RoleGrant(Role.RESIDENT, 1),))

    assert Actor.of(relative).label == "person:7>household:3"
    assert Actor.of(villager).label == "person:8"
    assert not Actor.of(relative).has_role(1, Role.CADRE, Role.GRID_WORKER, Role.SUPERVISOR)


def test_the_family_screen_is_for_households_and_the_village_cadres_only() -> None:
    head = Person(1, 1, "张阿婆", None, household_id=3, roles=(RoleGrant(Role.HOUSEHOLD_HEAD, 1),))
    cadre = Person(2, 1, "李书记", None, roles=(RoleGrant(Role.CADRE, 1),))
    grid_worker = Person(3, 1, "孙网格", None, roles=(RoleGrant(Role.GRID_WORKER, 1),))
    relative = Person(4, 1, "张小红", None, household_id=3, roles=(RoleGrant(Role.FAMILY, 1),))

    assert has_family_screen(head)
    assert not acts_for_households(head)
    assert has_family_screen(cadre)
    assert acts_for_households(cadre)
    assert not has_family_screen(grid_worker)
    assert not acts_for_households(relative)


def test_every_act_for_a_household_has_its_line() -> None:
    deputy = Deputy("张小红", Relation.CHILD, "张阿婆")

    rendered = {act: deputy_line(deputy, act) for act in DeputyAct}

    assert all(isinstance(line, Text) and "{household}" in line.msgid for line in rendered.values())
    assert len({line.msgid for line in rendered.values() if isinstance(line, Text)}) == len(DeputyAct)
    assert deputy_line(None, DeputyAct.FILED) is None
