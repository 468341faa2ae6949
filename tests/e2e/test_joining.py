"""Joining from Telegram: by contact, by invite card, by a cadre's approval; and leaving."""

from __future__ import annotations

from bot.emulator.harness import Harness
from tests.conftest import on_both_backends
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, OUTSIDER, SECRETARY, join, request_to_join
from tests.factories import ROSTER, bind_telegram, load_roster

# The newcomer of request_to_join, on a roster imported after the request
NEWCOMER_ROW = ["FX01", "和美村", "一网格", "一组", "1-03", "刘新来", "13700000000", "household_head"]


async def test_start_greets_in_chinese_with_a_share_phone_button(bot: Harness) -> None:
    replies = await bot.tg.user_says(ALICE, "/start")

    assert "请按下面的按钮分享您的手机号" in replies[-1].text
    assert "📱 分享我的手机号" in replies[-1].keyboard_labels
    assert replies[-1].reply_markup["keyboard"][0][0]["request_contact"] is True


@on_both_backends  # a main journey, also on PostgreSQL
async def test_sharing_own_contact_binds_and_shows_the_menu(bot: Harness) -> None:
    await bot.tg.user_says(ALICE, "/start")

    replies = await bot.tg.user_taps(ALICE, "📱 分享我的手机号")

    assert "欢迎您，和美村的张阿婆" in replies[-1].text
    assert "📣 我要反映" in bot.api.current_keyboard(ALICE.id)


async def test_forwarded_contact_is_refused_and_binds_nobody(bot: Harness) -> None:
    await bot.tg.user_says(OUTSIDER, "/start")

    replies = await bot.tg.user_shares_contact(OUTSIDER, phone="+8613800000001", owner_id=ALICE.id)
    after = await bot.tg.user_says(OUTSIDER, "/me")

    assert "请用下面的按钮分享您本人的手机号" in replies[0].text
    assert "请按下面的按钮分享您的手机号" in after[-1].text  # still not joined: /me leads back to joining
    assert "📱 分享我的手机号" in bot.api.current_keyboard(OUTSIDER.id)


async def test_unbound_person_can_only_start_help_and_lang(bot: Harness) -> None:
    await bot.tg.user_says(OUTSIDER, "/start")

    me = await bot.tg.user_says(OUTSIDER, "/me")
    help_ = await bot.tg.user_says(OUTSIDER, "/help")

    assert "请按下面的按钮分享您的手机号" in me[-1].text
    assert "发送 /start 并分享手机号即可加入" in help_[-1].text


@on_both_backends  # a main journey, also on PostgreSQL
async def test_unmatched_person_is_approved_by_the_village_cadre(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await bot.tg.user_says(OUTSIDER, "/start")
    await bot.tg.user_taps(OUTSIDER, "📱 分享我的手机号")
    await bot.tg.user_taps(OUTSIDER, "和美村")

    done = await bot.tg.user_says(OUTSIDER, "刘新来")
    notice = bot.tg.last_text(SECRETARY)
    decided = await bot.tg.user_taps(SECRETARY, "✅ 批准")

    assert "申请已提交给村里" in done[-1].text
    assert "新的入村申请：刘新来" in notice
    assert "已批准：刘新来" in decided[-1].text
    assert "好消息：村里已通过您的申请" in bot.tg.last_text(OUTSIDER)
    assert "😊 我的积分" not in bot.api.current_keyboard(OUTSIDER.id)  # no household: nothing to show
    assert "📣 我要反映" in bot.api.current_keyboard(OUTSIDER.id)


async def test_approving_a_request_whose_phone_was_imported_since_binds_the_roster_person(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await request_to_join(bot, OUTSIDER)
    await load_roster(bot.runtime.database, bot.runtime.clock, [*ROSTER, NEWCOMER_ROW])

    decided = await bot.tg.user_taps(SECRETARY, "✅ 批准")
    welcome = bot.tg.last_text(OUTSIDER)
    start = await bot.tg.user_says(OUTSIDER, "/start")

    assert "已批准：刘新来" in decided[-1].text
    assert "好消息：村里已通过您的申请" in welcome
    assert "欢迎回来，刘新来" in start[0].text


async def test_approving_a_request_whose_phone_joined_on_another_account_says_why_not(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await request_to_join(bot, OUTSIDER)
    await load_roster(bot.runtime.database, bot.runtime.clock, [*ROSTER, NEWCOMER_ROW])
    await bind_telegram(bot.runtime.database, bot.runtime.clock, "13700000000", 4242)

    refused = await bot.tg.user_taps(SECRETARY, "✅ 批准")

    assert "刘新来 已用这个手机号登记在名册里，并且已经用另一个账号加入了。请点「拒绝」。" in refused[0].text


async def test_cadre_of_another_village_cannot_approve(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await join(bot, CM_SECRETARY)
    await request_to_join(bot, OUTSIDER)
    data = next(b["callback_data"] for row in bot.tg.replies_to(SECRETARY)[-1].reply_markup["inline_keyboard"]
                for b in row if b["text"] == "✅ 批准")

    replies = await bot.tg.user_presses_data(CM_SECRETARY, data)

    assert "您没有权限" in replies[0].text
    assert "好消息" not in bot.tg.last_text(OUTSIDER)


async def test_forged_callback_from_a_resident_is_refused(bot: Harness) -> None:
    await join(bot, ALICE)

    replies = await bot.tg.user_presses_data(ALICE, "jr:ok:1")
    garbage = await bot.tg.user_presses_data(ALICE, "no-such:thing:999")

    assert "您没有权限" in replies[0].text or "没有找到" in replies[0].text
    assert "这个按钮已失效" in garbage[0].text


async def test_lang_switches_to_english_and_is_remembered(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_says(ALICE, "/lang")

    switched = await bot.tg.user_taps(ALICE, "English")
    await bot.restart()
    later = await bot.tg.user_says(ALICE, "what?")

    assert switched[-1].text == "Language set to English."
    assert "Sorry, I did not understand that" in later[-1].text
    assert "📣 Report a problem" in bot.api.current_keyboard(ALICE.id)


async def test_unexpected_sticker_gets_a_hint_and_the_menu(bot: Harness) -> None:
    await join(bot, ALICE)

    replies = await bot.tg.user_sends_sticker(ALICE)

    assert "抱歉，我没看懂" in replies[-1].text
    assert "📣 我要反映" in replies[-1].keyboard_labels


async def test_leave_unbinds_after_confirmation(bot: Harness) -> None:
    await join(bot, MING)
    await bot.tg.user_says(MING, "/leave")

    await bot.tg.user_taps(MING, "确定解除")
    after = await bot.tg.user_says(MING, "/me")

    assert "已解除绑定" in bot.tg.replies_to(MING)[-2].text or "已解除绑定" in "".join(bot.tg.texts_to(MING))
    assert "请按下面的按钮分享您的手机号" in after[-1].text


async def test_cadre_decides_from_the_pending_list_and_each_decision_is_audited(bot: Harness) -> None:
    await request_to_join(bot, OUTSIDER)
    await join(bot, SECRETARY)

    listed = await bot.tg.user_taps(SECRETARY, "📝 入村申请")
    await bot.tg.user_taps(SECRETARY, "❌ 拒绝")
    again = await bot.tg.user_taps(SECRETARY, "📝 入村申请")
    async with bot.runtime.database.transaction() as store:
        audit = [(e.action, e.actor_label) for e in await store.audit.entries(None, None)]

    assert "有 1 个申请等待审核" in listed[0].text
    assert "新的入村申请：刘新来" in listed[1].text
    assert "村里暂时无法确认您的申请" in bot.tg.last_text(OUTSIDER)
    assert "目前没有待审核的申请" in again[0].text
    assert ("join_request.rejected", "person:7") in audit


async def test_menu_command_brings_the_menu_back_from_anywhere(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_says(ALICE, "/lang")

    replies = await bot.tg.user_says(ALICE, "/menu")

    assert replies[-1].text == "请选择您要办理的事项："
    assert "📣 我要反映" in replies[-1].keyboard_labels
