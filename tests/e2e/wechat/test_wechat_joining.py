"""Joining on WeChat: no phone number to share; a household card's code typed in, or its QR code scanned."""

from __future__ import annotations

from bot.wechat.fake.harness import WechatHarness
from tests.e2e.wechat.conftest import WANG, household_code


async def test_a_follower_is_asked_for_the_card_code_not_a_phone_number(wx: WechatHarness) -> None:
    greeted = await wx.sends(wx.fake.inputs.subscribe(WANG))

    assert "请输入您家门牌卡上印的邀请码" in greeted.text
    assert "手机号" not in greeted.text
    assert "1. " in greeted.text  # the way to ask without a card, as a numbered choice


async def test_scanning_the_card_qr_code_opens_the_household(wx: WechatHarness) -> None:
    code = await household_code(wx, "1-01")
    qr = await wx.endpoint.client.create_qrcode(code)

    response = await wx.fake.scans(WANG, qr.ticket)
    opened = await wx.answer_of(WANG, response)
    joined = await wx.says(WANG, "1")

    assert "欢迎！这是和美村 1-01 户的邀请卡。" in opened.text
    assert "欢迎您，和美村的" in joined.text
