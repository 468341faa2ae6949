"""The custom menu on WeChat: a click starts what the Telegram menu label starts."""

from __future__ import annotations

from bot.wechat.fake.harness import WechatHarness
from tests.e2e.wechat.conftest import WANG, join

NOT_UNDERSTOOD = "没看懂"


async def test_a_resident_clicking_report_in_the_menu_gets_the_first_question(wx: WechatHarness) -> None:
    await join(wx, WANG)

    answer = await wx.sends(wx.fake.inputs.click(WANG, "hemei:report"))

    assert "垃圾/环境卫生" in answer.text  # the report flow's first question: the categories
    assert NOT_UNDERSTOOD not in answer.text


async def test_a_click_on_an_item_no_longer_offered_shows_the_menu(wx: WechatHarness) -> None:
    await join(wx, WANG)

    answer = await wx.sends(wx.fake.inputs.click(WANG, "hemei:retired"))  # an item of an older menu

    assert "📣 我要反映" in answer.text  # the menu, listed
    assert NOT_UNDERSTOOD not in answer.text


async def test_a_menu_entry_typed_without_its_emoji_starts_it(wx: WechatHarness) -> None:
    await join(wx, WANG)

    report = await wx.sends(wx.fake.inputs.text(WANG, "我要反映"))  # listed as "▪ 📣 我要反映"
    await wx.sends(wx.fake.inputs.text(WANG, "取消"))
    more = await wx.sends(wx.fake.inputs.text(WANG, " 更多 "))  # a section: ➕ 更多

    assert "垃圾/环境卫生" in report.text
    assert NOT_UNDERSTOOD not in more.text
    assert "🌐 语言 Language" in more.text  # what ➕ 更多 lists
