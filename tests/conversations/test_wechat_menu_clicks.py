"""A WeChat menu click does what the Telegram menu button does: starts the flow, or lists the section."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs
from bot.wechat import menus
from handlers.engine import Engine
from handlers.menu import Menu
from handlers.registry import flows
from storage.database import Database
from tests.conversations.conftest import Chat
from tests.factories import person_by_phone

CATALOGS = Catalogs.load()
NOT_UNDERSTOOD = "抱歉，我没看懂。请使用下面的按钮。"


def keys(groups: tuple[menus.Group, ...]) -> list[str]:
    return [menus.key_of(item) for g in groups for item in (g.items or (g.label,))]


async def joined(engine: Engine, external_id: str, phone: str) -> Chat:
    chat = Chat(engine, external_id)
    await chat.says("/start")
    await chat.shares_contact("+86" + phone)
    return chat


@pytest.mark.parametrize(("phone", "groups", "unusable"), [
    ("13800000001", menus.RESIDENTS, set()),  # 张阿婆, a household head
    ("13800000009", menus.STAFF, {"hemei:score"}),  # 李书记, a cadre without a household of their own
])
async def test_every_click_a_person_may_use_starts_what_the_telegram_button_starts(
        engine: Engine, database: Database, phone: str, groups: tuple[menus.Group, ...], unusable: set[str]) -> None:
    chat = await joined(engine, "7" + phone[-3:], phone)
    person = await person_by_phone(database, phone)
    answered: dict[str, list[str]] = {}

    for key in keys(groups):
        text = menus.click_text(key, person, Menu(flows()), CATALOGS, "zh_CN")
        if text is not None:
            await chat.says("/cancel")
            await chat.says(text)
            answered[key] = chat.texts()

    assert set(answered) == set(keys(groups)) - unusable
    assert all(NOT_UNDERSTOOD not in " ".join(texts) for texts in answered.values())


async def test_a_tool_the_person_cannot_use_is_not_handed_to_the_engine(database: Database, engine: Engine) -> None:
    cadre = await person_by_phone(database, "13800000009")  # 李书记 has no household: no score

    text = menus.click_text("hemei:score", cadre, Menu(flows()), CATALOGS, "zh_CN")

    assert text is None
