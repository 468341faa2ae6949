"""A relative on WeChat opens a family invite (亲情代办) by typing its code or scanning its QR code."""

from __future__ import annotations

import re

from bot.wechat.fake.harness import WechatHarness
from tests.convention import household_id
from tests.e2e.wechat.conftest import LI, WANG, join, number_of
from tests.factories import OPERATOR
from village.services import Services

OPENED = "欢迎！张阿婆家邀请您做亲情代办"


async def family_code(wx: WechatHarness) -> str:
    """Return a fresh family invite code of household 1-01, as its head or a cadre creates it."""
    household = await household_id(wx.runtime.database, "1-01")
    async with wx.runtime.database.transaction() as store:
        invite = await Services(store, wx.runtime.clock, wx.config).family.create_invite(OPERATOR, household)
    return invite.start_argument


async def test_typing_a_family_code_asks_for_the_name_and_relation(wx: WechatHarness) -> None:
    code = await family_code(wx)
    await wx.sends(wx.fake.inputs.subscribe(WANG))

    opened = await wx.says(WANG, code)
    asked = await wx.says(WANG, "张小红")
    filed = await wx.says(WANG, number_of(asked.text, "子女"))
    waiting = await wx.says(WANG, "你好")

    assert OPENED in opened.text
    assert "谢谢您，张小红。已请户主确认" in filed.text
    assert "您的申请正在等户主确认" in waiting.text


async def test_a_family_code_typed_as_the_first_message_opens_it(wx: WechatHarness) -> None:
    code = await family_code(wx)

    opened = await wx.says(WANG, code)

    assert OPENED in opened.text


async def test_scanning_a_family_qr_code_opens_the_invite(wx: WechatHarness) -> None:
    qr = await wx.endpoint.client.create_qrcode(await family_code(wx))

    response = await wx.fake.scans(WANG, qr.ticket)
    opened = await wx.answer_of(WANG, response)

    assert OPENED in opened.text


async def test_a_head_on_wechat_invites_and_confirms_a_relative_on_wechat(wx: WechatHarness) -> None:
    await join(wx, LI, "1-01", "张阿婆")
    screen = await wx.says(LI, "/family")
    shown = await wx.says(LI, number_of(screen.text, "➕ 邀请亲属"))
    code = re.search(r"：(fam-\w{10})", shown.text)
    assert code, shown.text

    await wx.says(WANG, code.group(1))
    await wx.says(WANG, "张小红")
    asked = await wx.says(WANG, "2")  # 子女 is the first relation; 2 is 配偶
    await wx.runtime.dispatcher.drain()
    prompt = wx.new_messages(LI)
    pending = await wx.says(LI, "/family")
    confirmed = await wx.says(LI, number_of(pending.text, "✅ 确认"))
    await wx.runtime.dispatcher.drain()

    assert "在微信上，请他们把这个邀请码发给本公众号" in shown.text
    assert "谢谢您，张小红" in asked.text
    assert any(m.startswith("张小红（配偶）申请做本户的亲情代办") for m in prompt)
    assert "✅ 已确认：张小红。" in confirmed.text
    assert any("好消息：您已关联到 张阿婆家" in m for m in wx.new_messages(WANG))
