"""The client against the fake: media, the custom menu, tags, QR codes and user info."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.wechat.client import MenuButton, WechatClient
from bot.wechat.errors import PermanentError
from bot.wechat.fake import FakeWechat
from village.clock import ManualClock

PHOTO = b"\xff\xd8\xff\xe0fake-jpeg"


async def test_uploaded_media_can_be_downloaded_for_three_days(fake: FakeWechat, client: WechatClient,
                                                               clock: ManualClock) -> None:
    media_id = await client.upload_media("image", "board.png", PHOTO)
    assert await client.download_media(media_id) == PHOTO
    clock.advance(timedelta(days=3))

    with pytest.raises(PermanentError) as expired:
        await client.download_media(media_id)

    assert expired.value.errcode == 40007


async def test_an_uploaded_image_can_be_sent(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    media_id = await client.upload_media("image", "board.png", PHOTO)

    await client.send_image("o-zhang", media_id)

    assert fake.world.sent["o-zhang"][0].payload["image"] == {"media_id": media_id}


async def test_the_menu_is_created_with_its_sub_items(fake: FakeWechat, client: WechatClient) -> None:
    menu = [MenuButton("我要反映", key="REPORT"),
            MenuButton("办事", children=(MenuButton("拍照", kind="pic_photo_or_album", key="PHOTO"),
                                         MenuButton("位置", kind="location_select", key="WHERE"))),
            MenuButton("公开", kind="view", url="https://hemei.example/notices")]

    await client.create_menu(menu)

    assert fake.world.menu == [
        {"type": "click", "name": "我要反映", "key": "REPORT"},
        {"name": "办事", "sub_button": [{"type": "pic_photo_or_album", "name": "拍照", "key": "PHOTO"},
                                       {"type": "location_select", "name": "位置", "key": "WHERE"}]},
        {"type": "view", "name": "公开", "url": "https://hemei.example/notices"}]


async def test_a_menu_of_four_top_level_items_is_refused(client: WechatClient) -> None:
    with pytest.raises(PermanentError) as refused:
        await client.create_menu([MenuButton(f"第{n}", key=str(n)) for n in range(4)])

    assert refused.value.errcode == 40016


async def test_cadres_get_a_conditional_menu_by_tag(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.follow("o-li")
    tag_id = await client.create_tag("村干部")
    await client.tag_users(tag_id, ["o-li"])

    menu_id = await client.add_conditional_menu([MenuButton("工作台", key="WORK")], tag_id=tag_id)

    assert fake.world.conditional_menus[menu_id]["matchrule"] == {"tag_id": str(tag_id)}
    assert (await client.user_info("o-li")).tag_ids == (tag_id,)


async def test_a_permanent_qr_code_carries_its_scene_into_the_follow(fake: FakeWechat, client: WechatClient) -> None:
    code = await client.create_qrcode("FX01-0042")
    fake.world.follow("o-zhang", scene=fake.world.qrcodes[code.ticket])

    info = await client.user_info("o-zhang")

    assert (code.expire_seconds, info.subscribed, info.qr_scene, info.language) == (None, True, "FX01-0042", "zh_CN")


async def test_a_temporary_qr_code_has_a_lifetime(client: WechatClient) -> None:
    code = await client.create_qrcode("JOIN-7", expire_seconds=7 * 24 * 3600)

    assert code.expire_seconds == 7 * 24 * 3600


async def test_a_qr_scene_over_64_characters_is_refused_before_sending(client: WechatClient) -> None:
    with pytest.raises(ValueError, match="64"):
        await client.create_qrcode("x" * 65)


async def test_someone_who_unfollowed_is_not_subscribed(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.follow("o-gone")
    fake.world.unfollow("o-gone")

    assert not (await client.user_info("o-gone")).subscribed
