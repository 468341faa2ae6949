"""How a family invite reaches the relative: a t.me deep link when the bot's username is configured,
the /start line to type otherwise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.emulator import Sent
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.convention import household_id
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, SECRETARY, join, villager
from tests.factories import load_roster
from village.clock import ManualClock


async def open_invite(bot: Harness) -> str:
    """As 张阿婆: ➕ 更多 → 👨‍👩‍👧 亲情代办 → ➕ 邀请亲属; return what the bot shows."""
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "➕ 更多")
    await bot.tg.user_taps(ALICE, "👨‍👩‍👧 亲情代办")
    shown = await bot.tg.user_taps(ALICE, "➕ 邀请亲属")
    return shown[-1].text


async def test_the_invite_is_a_deep_link_when_the_bot_username_is_set(bot: Harness) -> None:
    shown = await open_invite(bot)

    assert shown.startswith("请把这个链接发给您的亲属，请他们在自己的手机上打开：\n")
    assert re.search(rf"^https://t\.me/{bot.api.username}\?start=fam-\w{{10}}$", shown, re.MULTILINE)
    assert "/start" not in shown


@pytest.fixture
async def nameless(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_TELEGRAM__BOT_USERNAME": ""}) as harness:
        yield harness


async def test_the_invite_is_a_start_line_without_a_bot_username(nameless: Harness) -> None:
    shown = await open_invite(nameless)

    assert re.search(r"^/start fam-\w{10}$", shown, re.MULTILINE)
    assert "t.me" not in shown


SON = villager(1201, "Son")  # on no roster


async def relative_asks(bot: Harness, link: str, name: str = "王小军") -> None:
    """The relative opens the invite link and answers their name and relation."""
    found = re.search(r"start=(fam-\w+)", link)
    assert found, link
    await bot.tg.user_says(SON, f"/start {found.group(1)}")
    await bot.tg.user_says(SON, name)
    await bot.tg.user_taps(SON, "子女")
    await bot.tg.settle()


async def cadre_picks(bot: Harness, query: str, household: str) -> list[Sent]:
    """As the secretary: ➕ 更多 → 👨‍👩‍👧 亲情代办 → type a name → tap the household; return its screen."""
    asked = await bot.tg.user_taps(SECRETARY, "👨‍👩‍👧 亲情代办")
    assert asked[-1].text == "为哪一户办理？请输入户里一位成员的姓名，或户号。"
    await bot.tg.user_says(SECRETARY, query)
    return await bot.tg.user_taps(SECRETARY, household)


async def test_a_cadre_invites_for_a_household_whose_head_has_not_joined(bot: Harness) -> None:
    await join(bot, SECRETARY)
    screen = await cadre_picks(bot, "王大伯", "1-02 户 · 王大伯")
    shown = await bot.tg.user_taps(SECRETARY, "➕ 邀请亲属")

    await relative_asks(bot, shown[-1].text)
    asked = bot.tg.texts_to(SECRETARY)[-1]
    await bot.tg.user_taps(SECRETARY, "✅ 确认")
    await bot.tg.settle()

    assert screen[0].text == "王大伯家已关联的亲属：0 位。"
    assert asked.startswith("王小军（子女）申请做王大伯家的亲情代办")
    assert "好消息：您已关联到 王大伯家" in bot.tg.texts_to(SON)[-1]


async def test_a_cadre_confirms_a_pending_request_from_the_household_picker(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await relative_asks(bot, await open_invite(bot), "张小红")
    pushed = [t for t in bot.tg.texts_to(SECRETARY) if "张小红" in t]

    screen = await cadre_picks(bot, "1-01", "1-01 户 · 张阿婆、张小明")
    confirmed = await bot.tg.user_taps(SECRETARY, "✅ 确认")
    await bot.tg.settle()

    assert pushed == []  # the head has joined: the request went to her, not to the cadres
    assert screen[1].text.startswith("张小红（子女）申请做张阿婆家的亲情代办")
    assert "✅ 已确认：张小红。" in confirmed[-1].text
    assert "好消息：您已关联到 张阿婆家" in bot.tg.texts_to(SON)[-1]


async def test_a_resident_who_is_not_the_head_is_not_offered_the_picker(bot: Harness) -> None:
    await join(bot, MING)

    answer = await bot.tg.user_says(MING, "/family")

    assert answer[-1].text.startswith("只有户主")


async def test_a_cadre_of_another_village_cannot_open_a_household_by_forged_button(
        bot: Harness, database: Database) -> None:
    await join(bot, CM_SECRETARY)
    await bot.tg.user_says(CM_SECRETARY, "/family")

    refused = await bot.tg.user_presses_data(CM_SECRETARY, f"fam:hh:{await household_id(database, '1-01')}")

    assert "抱歉，您没有权限办理这项事务" in refused[0].text
