"""`hemei wechat menu` and `hemei roles grant|revoke` keep the account's menus and the staff tag in step."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import main, roles, wechat
from bot.config import Config, load_config
from bot.wechat.fake import FakeWechat
from storage.database import Database
from tests.factories import ROSTER, load_roster, person_by_phone
from village.clock import ManualClock

WANG, LI = "13800000003", "13800000009"  # 王大伯 (a representative), 李书记 (a cadre)


def config_for(db_url: str, fake: FakeWechat) -> Config:
    return load_config(None, {"HEMEI_DATABASE__URL": db_url, "HEMEI_WECHAT__APP_ID": fake.app_id,
                              "HEMEI_WECHAT__APP_SECRET": fake.app_secret, "HEMEI_WECHAT__TOKEN": "t0ken",
                              "HEMEI_WECHAT__BASE_URL": fake.base_url})


async def bind_wechat(database: Database, clock: ManualClock, phone: str, open_id: str) -> None:
    person = await person_by_phone(database, phone)
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", open_id, chat_ref=open_id, display_name="",
                                               now=clock.now())
        await store.identities.bind(identity.id, person.id)


def names(buttons: list[dict[str, object]]) -> list[object]:
    return [b["name"] for b in buttons]


@pytest.fixture
async def village(database: Database, clock: ManualClock, fake: FakeWechat) -> Database:
    await load_roster(database, clock)
    for phone, open_id in ((WANG, "o-wang"), (LI, "o-li")):
        await bind_wechat(database, clock, phone, open_id)
        fake.world.follow(open_id)
    return database


async def test_menu_push_tags_the_cadres_already_on_wechat(village: Database, db_url: str, fake: FakeWechat,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    status = await wechat._menu(argparse.Namespace(), config_for(db_url, fake))

    assert status == 0
    assert "1 个微信账号已标记为工作人员" in capsys.readouterr().out
    assert names(fake.world.menu_for("o-li")) == ["村务", "议事协商", "工作台"]
    assert names(fake.world.menu_for("o-wang")) == ["村务", "议事协商", "我的"]


async def test_granting_a_role_gives_the_staff_menu_and_revoking_takes_it(village: Database, db_url: str,
                                                                          fake: FakeWechat) -> None:
    config = config_for(db_url, fake)
    await wechat._menu(argparse.Namespace(), config)
    change = argparse.Namespace(phone=WANG, role="grid_worker", village="FX01")

    await roles._change(change, config, grant=True)
    granted = names(fake.world.menu_for("o-wang"))
    await roles._change(change, config, grant=False)
    revoked = names(fake.world.menu_for("o-wang"))

    assert granted == ["村务", "议事协商", "工作台"]
    assert revoked == ["村务", "议事协商", "我的"]


async def test_a_refused_tag_leaves_the_role_granted_and_says_so(village: Database, db_url: str, fake: FakeWechat,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    fake.faults.fail("cgi-bin/tags/get", 40164)

    status = await roles._change(argparse.Namespace(phone=WANG, role="cadre", village="FX01"),
                                 config_for(db_url, fake), grant=True)

    assert status == 0
    assert "请运行 `hemei wechat menu` 重试" in capsys.readouterr().out


async def test_a_roster_import_that_drops_a_cadre_takes_their_staff_menu(village: Database, db_url: str,
                                                                        fake: FakeWechat, clock: ManualClock) -> None:
    config = config_for(db_url, fake)
    await wechat._menu(argparse.Namespace(), config)
    demoted = [row if row[6] != LI else ["FX01", "和美村", "一网格", "一组", "1-03", "李书记", LI, "household_head"]
               for row in ROSTER]
    await load_roster(village, clock, demoted)

    warning = await wechat.reconcile_staff_tags(config)

    assert warning is None
    assert names(fake.world.menu_for("o-li")) == ["村务", "议事协商", "我的"]


def test_the_menu_command_without_wechat_configured_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["wechat", "menu"])

    assert status == 2
    assert "尚未配置微信" in capsys.readouterr().err
