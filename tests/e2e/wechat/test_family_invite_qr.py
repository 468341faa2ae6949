"""A family invite (亲情代办) created on WeChat comes with a QR picture whose scan opens the invite."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from bot.wechat.fake.harness import WechatHarness
from tests.e2e.wechat.conftest import LI, WANG, join, number_of

OPENED = "欢迎！张阿婆家邀请您做亲情代办"


def pictures_to(wx: WechatHarness, open_id: str) -> list[bytes]:
    """Return the images the account sent the person, as files."""
    sent = [s for s in wx.fake.world.sent[open_id] if s.msg_type == "image"]
    return [wx.fake.world.media[s.payload["image"]["media_id"]].content for s in sent]


def scanned_url(picture: bytes) -> str:
    """Return what a phone's scanner reads from the picture."""
    with Image.open(io.BytesIO(picture)) as image:
        (barcode,) = zxingcpp.read_barcodes(image.convert("RGB"))
    return str(barcode.text)


async def test_the_heads_invite_carries_a_qr_picture_that_opens_the_family_invite(wx: WechatHarness) -> None:
    await join(wx, LI, "1-01", "张阿婆")
    screen = await wx.says(LI, "/family")

    shown = await wx.says(LI, number_of(screen.text, "➕ 邀请亲属"))
    (picture,) = pictures_to(wx, LI)
    ticket = scanned_url(picture).rsplit("/", 1)[1]
    opened = await wx.answer_of(WANG, await wx.fake.scans(WANG, ticket))
    asked = await wx.says(WANG, "张小红")

    assert "或者请他们用微信扫描图片中的二维码。" in shown.text
    assert wx.fake.world.qrcodes[ticket].startswith("fam-")
    assert OPENED in opened.text
    assert "子女" in asked.text


async def test_without_a_picture_from_wechat_the_invite_still_gives_the_code(wx: WechatHarness) -> None:
    await join(wx, LI, "1-01", "张阿婆")
    screen = await wx.says(LI, "/family")
    wx.fake.faults.fail("cgi-bin/qrcode/create", 45009)

    shown = await wx.says(LI, number_of(screen.text, "➕ 邀请亲属"))

    assert "在微信上，请他们把这个邀请码发给本公众号" in shown.text
    assert "扫描图片中的二维码" not in shown.text
    assert pictures_to(wx, LI) == []
