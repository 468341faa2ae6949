"""Small domain rules: phone numbers, quiet hours, back-off, button data, invite codes, names, roles."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.callback_data import MAX_BYTES, pack, unpack
from village.invites import looks_like_invite_code, new_invite_code
from village.joining import clean_name
from village.outbox import QuietHours, retry_delay
from village.people import Person
from village.phones import mask_phone, normalise_phone
from village.roles import Role, RoleGrant, parse_role

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("raw", ["13800138000", "+86 138 0013 8000", "86-138-0013-8000", "0086 13800138000",
                                 "8613800138000", "(138) 0013-8000"])
def test_mainland_mobiles_normalise_to_one_form(raw: str) -> None:
    assert normalise_phone(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "12345", "abc", "+86 12800138000", "010-12345678x", "1380000", "1380000001",
                                 "138001380001"])
def test_non_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (the message is the raw text, maybe empty)
        normalise_phone(raw)


def test_foreign_numbers_keep_their_country_code() -> None:
    assert normalise_phone("+44 7911 123456") == "+447911123456"
    assert normalise_phone("447911123456") == "+447911123456"


def test_masked_phone_keeps_only_the_last_four_digits() -> None:
    assert mask_phone("+8613800138000") == "+86138****8000"


@pytest.mark.parametrize(("local", "expected_local"), [
    (datetime(2026, 11, 2, 20, 59), datetime(2026, 11, 2, 20, 59)),
    (datetime(2026, 11, 2, 21, 0), datetime(2026, 11, 3, 8, 0)),
    (datetime(2026, 11, 2, 23, 30), datetime(2026, 11, 3, 8, 0)),
    (datetime(2026, 11, 3, 7, 59), datetime(2026, 11, 3, 8, 0)),
    (datetime(2026, 11, 3, 8, 0), datetime(2026, 11, 3, 8, 0)),
])
def test_optional_messages_wait_out_quiet_hours(local: datetime, expected_local: datetime) -> None:
    moment = local.replace(tzinfo=SHANGHAI).astimezone(UTC)

    released = QuietHours().release_time(moment, SHANGHAI)

    assert released == expected_local.replace(tzinfo=SHANGHAI)


def test_quiet_hours_within_one_day_and_disabled() -> None:
    lunch = QuietHours(start=time(12, 0), end=time(13, 30))

    assert lunch.contains(time(12, 45))
    assert not lunch.contains(time(13, 30))
    assert not QuietHours(start=time(0, 0), end=time(0, 0)).contains(time(3, 0))


def test_back_off_doubles_and_is_capped() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert retry_delay(30) == timedelta(minutes=10)


def test_callback_data_round_trips_and_rejects_foreign_shapes() -> None:
    data = pack("jr", "ok", 42)

    assert unpack(data).int_arg() == 42  # type: ignore[union-attr]
    assert unpack("garbage") is None
    assert unpack("x:" + "y" * MAX_BYTES) is None
    with pytest.raises(ValueError, match=f"{MAX_BYTES} bytes"):
        pack("flow", "action", "长" * (MAX_BYTES // 3))


def test_invite_codes_are_recognised_and_unpredictable() -> None:
    codes = {new_invite_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(looks_like_invite_code(c) for c in codes)
    assert not looks_like_invite_code("hello")


@pytest.mark.parametrize(("raw", "expected"), [(" 刘  新来 ", "刘 新来"), ("Mary-Ann", "Mary-Ann"), ("/start", None),
                                               ("", None), ("张三123", None), ("长" * 21, None)])
def test_names_are_cleaned_or_refused(raw: str, expected: str | None) -> None:
    assert clean_name(raw) == expected


def test_role_tokens_in_english_and_chinese() -> None:
    assert parse_role("cadre:书记") == RoleGrant(Role.CADRE, None, "书记")
    assert parse_role("网格员").role is Role.GRID_WORKER
    with pytest.raises(ValueError, match="mayor"):
        parse_role("mayor")


def test_roles_are_scoped_to_their_village_and_admins_hold_all() -> None:
    cadre = Person(1, 10, "李", None, roles=(RoleGrant(Role.CADRE, 10, "书记"),))
    admin = Person(2, 10, "管", None, roles=(RoleGrant(Role.ADMIN, None),))

    assert cadre.has_role(10, Role.CADRE)
    assert not cadre.has_role(11, Role.CADRE)
    assert cadre.roles[0].is_secretary
    assert admin.has_role(11, Role.SUPERVISOR)
