"""The custom menus: labels within WeChat's limits, every click a Telegram menu action, pushed through the fake."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogs
from bot.wechat import menus
from bot.wechat.client import WechatClient
from bot.wechat.fake import FakeWechat
from bot.wechat.staff import STAFF_TAG, StaffTags, push_menus
from handlers.menu import SECTION_LABELS, Menu
from handlers.registry import flows
from handlers.texts import Text
from village.people import Identity, Person
from village.roles import Role, RoleGrant

CATALOGS = Catalogs.load()
GROUPS = (*menus.RESIDENTS, *menus.STAFF)


def wechat_identity(open_id: str, person_id: int = 1) -> Identity:
    return Identity(1, "wechat", open_id, open_id, person_id, "zh_CN")


def names(buttons: list[dict[str, object]]) -> list[object]:
    return [b["name"] for b in buttons]


@given(label=st.sampled_from(sorted(menus.KEYS.values(), key=lambda t: t.msgid)))
def test_every_glossary_label_of_the_menu_fits_in_seven_chinese_characters(label: Text) -> None:
    shown = menus.fitted(CATALOGS.text(label, "zh_CN"), top=False)

    assert menus.width(shown) <= 14
    assert len(shown.encode()) <= 60


def test_every_top_level_label_fits_in_four_chinese_characters() -> None:
    shown = [menus.fitted(CATALOGS.text(g.label, "zh_CN"), top=True) for g in GROUPS]

    assert all(menus.width(label) <= 8 and len(label.encode()) <= 16 for label in shown)
    assert shown[:3] == ["村务", "议事协商", "我的"]


@given(st.text(min_size=1, max_size=30))
def test_a_label_is_accepted_only_within_the_limits(label: str) -> None:
    try:
        shown = menus.fitted(label, top=False)
    except menus.MenuLabelError:
        shown = None

    if shown is not None:
        assert menus.width(shown) <= 14
        assert len(shown.encode()) <= 60
    else:
        plain = menus.plain(label)
        assert not plain or menus.width(plain) > 14 or len(plain.encode()) > 60


def test_a_label_too_wide_for_the_menu_is_refused() -> None:
    with pytest.raises(menus.MenuLabelError):
        menus.fitted("四议两公开的决议", top=True)


def test_every_click_is_a_label_of_the_telegram_menu() -> None:
    telegram = {f.menu.label.msgid for f in flows() if f.menu} | {label.msgid for label in SECTION_LABELS.values()}
    keys = [menus.key_of(item) for g in GROUPS for item in (g.items or (g.label,))]

    labels = [menus.label_for_key(key) for key in keys]

    assert all(label is not None and label.msgid in telegram for label in labels)
    assert menus.label_for_key("V1001_TODAY_MUSIC") is None


def test_residents_see_every_main_button_of_the_telegram_menu() -> None:
    main = {"📣 Report a problem", "📂 My reports", "😊 My household score", "🗓 Meetings", "📬 Notices"}

    shown = {item.msgid for g in menus.RESIDENTS for item in g.items}

    assert main <= shown


async def test_push_gives_residents_the_menu_and_staff_theirs(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.follow("o-cadre")
    fake.world.follow("o-resident")
    tags = StaffTags(client, Menu(flows()))
    cadre = Person(7, 1, "李书记", None, roles=(RoleGrant(Role.CADRE, 1),))

    await push_menus(client, tags, CATALOGS, "zh_CN")
    await tags.sync(cadre, [wechat_identity("o-cadre")])

    assert names(fake.world.menu_for("o-resident")) == ["村务", "议事协商", "我的"]
    assert names(fake.world.menu_for("o-cadre")) == ["村务", "议事协商", "工作台"]
    affairs = fake.world.menu_for("o-resident")[0]["sub_button"]
    assert names(affairs) == ["我要反映", "我的反映", "通知公告", "挂牌消项", "小组公示牌"]
    assert affairs[0] == {"type": "click", "name": "我要反映", "key": "hemei:report"}
    assert fake.world.menu_for("o-cadre")[2] == {"type": "click", "name": "工作台", "key": "hemei:tools"}


async def test_pushing_twice_keeps_one_staff_menu_and_one_tag(fake: FakeWechat, client: WechatClient) -> None:
    tags = StaffTags(client, Menu(flows()))

    await push_menus(client, tags, CATALOGS, "zh_CN")
    await push_menus(client, StaffTags(client, Menu(flows())), CATALOGS, "zh_CN")

    assert len(fake.world.conditional_menus) == 1
    assert list(fake.world.tags.values()) == [STAFF_TAG]


async def test_the_tag_follows_a_role_granted_and_revoked(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.follow("o-wang")
    tags = StaffTags(client, Menu(flows()))
    await push_menus(client, tags, CATALOGS, "zh_CN")
    resident = Person(3, 1, "王大伯", None, household_id=1, group_id=1, roles=(RoleGrant(Role.RESIDENT, 1),))
    leader = Person(3, 1, "王大伯", None, household_id=1, group_id=1,
                    roles=(RoleGrant(Role.RESIDENT, 1), RoleGrant(Role.GROUP_LEADER, 1)))

    await tags.sync(leader, [wechat_identity("o-wang", 3)])
    granted = names(fake.world.menu_for("o-wang"))
    await tags.sync(resident, [wechat_identity("o-wang", 3)])
    revoked = names(fake.world.menu_for("o-wang"))

    assert granted == ["村务", "议事协商", "工作台"]
    assert revoked == ["村务", "议事协商", "我的"]


async def test_an_unfollowed_account_does_not_stop_the_sync(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.follow("o-new")
    tags = StaffTags(client, Menu(flows()))
    cadre = Person(7, 1, "李书记", None, roles=(RoleGrant(Role.CADRE, 1),))

    staff = await tags.sync(cadre, [wechat_identity("o-gone"), wechat_identity("o-new")])

    assert staff
    assert fake.world.followers["o-new"].tag_ids == {await tags.tag_id()}


async def test_a_full_sync_tags_staff_untags_the_rest_and_skips_the_unfollowed(fake: FakeWechat,
                                                                               client: WechatClient) -> None:
    tags = StaffTags(client, Menu(flows()))
    for open_id in ("o-cadre", "o-former"):
        fake.world.follow(open_id)
    await tags.sync(Person(8, 1, "前书记", None, roles=(RoleGrant(Role.CADRE, 1),)), [wechat_identity("o-former")])
    cadre = Person(7, 1, "李书记", None, roles=(RoleGrant(Role.CADRE, 1),))
    former = Person(8, 1, "前书记", None, roles=(RoleGrant(Role.RESIDENT, 1),))

    staff = await tags.sync_all([(cadre, [wechat_identity("o-gone"), wechat_identity("o-cadre")]),
                                 (former, [wechat_identity("o-former")])])

    assert staff == 2
    assert await tags.members() == ["o-cadre"]
