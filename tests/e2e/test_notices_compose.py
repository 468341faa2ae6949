"""Notices end to end: compose, preview, send to groups and roles, the delivery report, the archive."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from bot.emulator import FakeUser
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.conftest import on_both_backends
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, SECRETARY, join, villager
from tests.factories import load_roster
from tests.seeding import seed_accounts
from village.clock import ManualClock

WANG = villager(1003, "Wang", "13800000003")  # 王大伯, household head in 一组
ZHAO = villager(1004, "Zhao", "13800000004")  # 赵阿姨, household head and group leader in 二组
QIAN = villager(1005, "Qian", "13800000005")  # 钱大叔, household head in 三组
RESIDENTS = (ALICE, MING, WANG, ZHAO, QIAN)


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#2e86c1").save(buffer, "JPEG")
    return buffer.getvalue()


def notices_to(bot: Harness, user: FakeUser) -> list[str]:
    return [m.text for m in bot.tg.replies_to(user) if "和美村" in m.text and "【" in m.text]


async def compose(bot: Harness, *, kind: str = "📢 通知", text: str = "本周六上午清理河道，请各户派一人。",
                  audience: str = "👥 选村民小组", picks: tuple[str, ...] = ("⬜ 一组", "⬜ 二组")) -> None:
    shown = await bot.tg.user_says(SECRETARY, "/announce")
    if "✍️ 写新通知" in shown[0].inline_labels:  # the list of past notices comes first
        await bot.tg.user_taps(SECRETARY, "✍️ 写新通知")
    await bot.tg.user_taps(SECRETARY, kind)
    await bot.tg.user_says(SECRETARY, text)
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, audience)
    for pick in picks:
        await bot.tg.user_taps(SECRETARY, pick)
    if picks:
        await bot.tg.user_taps(SECRETARY, f"✅ 完成（已选 {len(picks)} 项）")


@pytest.fixture
async def joined(bot: Harness) -> Harness:
    for user in (SECRETARY, *RESIDENTS):
        await join(bot, user)
    return bot


@on_both_backends  # a main journey, also on PostgreSQL
async def test_notice_to_two_groups_reaches_exactly_their_members(joined: Harness) -> None:
    bot = joined
    await compose(bot)

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert {u.first_name for u in RESIDENTS if notices_to(bot, u)} == {"Alice", "Ming", "Wang", "Zhao"}
    assert notices_to(bot, ALICE) == ["📢【通知】和美村\n本周六上午清理河道，请各户派一人。"]


async def test_notice_to_roles_reaches_exactly_the_holders(joined: Harness) -> None:
    bot = joined
    await compose(bot, audience="🏷 按身份（如户主）", picks=("⬜ 村民小组长",))

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert {u.first_name for u in RESIDENTS if notices_to(bot, u)} == {"Zhao"}


async def test_preview_counts_the_people_and_their_accounts(joined: Harness) -> None:
    bot = joined

    await compose(bot, audience="🏷 按身份（如户主）", picks=("⬜ 户主",))

    preview = bot.tg.replies_to(SECRETARY)[-1]
    assert preview.text == "发给：户主\n共 4 人，其中 4 人用和美，会收到消息。\n确定发送吗？"
    assert preview.inline_labels[:2] == ["✅ 发送", "✏️ 修改"]
    assert notices_to(bot, ALICE) == []


@on_both_backends  # a main journey, also on PostgreSQL
async def test_cadre_message_ends_with_the_delivery_report(joined: Harness) -> None:
    bot = joined
    bot.api.blocked.add(MING.id)
    await compose(bot)

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    report = next(m for m in bot.tg.replies_to(SECRETARY) if m.text.startswith("✅ 通知 #1"))
    assert report.text == ("✅ 通知 #1 已发送完毕。\n发给 4 人；实际发出消息 4 条\n已送达：3\n屏蔽了和美：1\n"
                           "发送失败：0")
    assert report.inline_labels == []


async def test_announce_lists_past_notices_with_their_figures(joined: Harness) -> None:
    bot = joined
    bot.api.blocked.add(MING.id)
    await compose(bot)
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    listed = await bot.tg.user_says(SECRETARY, "/announce")

    assert listed[0].text.startswith("您发过的通知（1 条），最新的在前：\n"
                                     "#1 11-02 10:00 📢 通知：本周六上午清理河道，请各户派一人。")
    assert "✅ 3 / 4 · 🚫 1 · ❌ 0 · ⏳ 0" in listed[0].text
    assert listed[0].inline_labels == ["✍️ 写新通知"]


async def test_notice_with_a_photo_arrives_as_a_photo_with_its_caption(joined: Harness) -> None:
    bot = joined
    await bot.tg.user_says(SECRETARY, "/announce")
    await bot.tg.user_taps(SECRETARY, "📋 村务公开")
    await bot.tg.user_says(SECRETARY, "十月财务公开，详见图片。")
    shown = await bot.tg.user_sends_photo(SECRETARY, photo())
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, "🏘 全村")

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    received = [m for m in bot.tg.replies_to(QIAN) if m.method == "sendPhoto"]
    assert "请输入英文内容" not in shown[-1].text
    assert [m.text for m in received] == ["📋【村务公开】和美村\n十月财务公开，详见图片。"]
    assert received[0].file == photo()


async def test_a_pdf_may_be_attached_but_a_word_file_may_not(joined: Harness) -> None:
    bot = joined
    await bot.tg.user_says(SECRETARY, "/announce")
    await bot.tg.user_taps(SECRETARY, "📢 通知")
    await bot.tg.user_says(SECRETARY, "附件是新的村规民约。")

    refused = await bot.tg.user_sends_document(SECRETARY, b"doc", "村规民约.doc", "application/msword")
    accepted = await bot.tg.user_sends_document(SECRETARY, b"%PDF-1.4", "村规民约.pdf", "application/pdf")

    assert refused[0].text == "请发送图片、PDF 或 Excel（XLSX）文件。"
    assert "英文版" in accepted[-1].text


async def test_english_readers_get_the_english_version(joined: Harness) -> None:
    bot = joined
    await bot.tg.user_says(ALICE, "/lang")
    await bot.tg.user_taps(ALICE, "English")
    await bot.tg.user_says(SECRETARY, "/announce")
    await bot.tg.user_taps(SECRETARY, "🚨 紧急")
    await bot.tg.user_says(SECRETARY, "今晚台风，请关好门窗。")
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_says(SECRETARY, "Typhoon tonight: please close doors and windows.")
    await bot.tg.user_taps(SECRETARY, "👥 选村民小组")
    await bot.tg.user_taps(SECRETARY, "⬜ 一组")
    await bot.tg.user_taps(SECRETARY, "✅ 完成（已选 1 项）")

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert bot.tg.replies_to(ALICE)[-1].text == "🚨 [Urgent] 和美村\nTyphoon tonight: please close doors and windows."
    assert bot.tg.replies_to(MING)[-1].text == "🚨【紧急】和美村\n今晚台风，请关好门窗。"


async def test_residents_find_the_notice_in_their_archive(joined: Harness) -> None:
    bot = joined
    await compose(bot)
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    listed = await bot.tg.user_taps(ALICE, "📬 通知公告")
    opened = await bot.tg.user_taps(ALICE, "11-02 📢 本周六上午清理河道，请各户派…")

    assert listed[0].text == "📬 您的通知（1 条），最新的在前。点一条即可查看。"
    assert opened[-1].text == "📢【通知】和美村\n2026-11-02 10:00\n本周六上午清理河道，请各户派一人。"


async def test_a_notice_for_others_cannot_be_opened_with_a_forged_button(joined: Harness) -> None:
    bot = joined
    await join(bot, CM_SECRETARY)
    await compose(bot, picks=("⬜ 二组",))
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    mine = await bot.tg.user_presses_data(ALICE, "nt:open:1")
    foreign = await bot.tg.user_presses_data(CM_SECRETARY, "nt:open:1")
    garbage = await bot.tg.user_presses_data(ALICE, "nt:open:abc")

    assert "没有找到" in mine[0].text
    assert "没有找到" in foreign[0].text
    assert "这个按钮已失效" in garbage[0].text  # malformed data: like a stale button


async def test_a_resident_pressing_a_forged_send_button_sends_nothing(joined: Harness) -> None:
    bot = joined

    replies = await bot.tg.user_presses_data(ALICE, "an:send")
    started = await bot.tg.user_presses_data(ALICE, "an:new")

    assert "这个按钮已失效" in replies[0].text
    assert "您没有权限" in started[0].text
    assert all(not notices_to(bot, u) for u in RESIDENTS)


@pytest.fixture
async def fast_bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    """A bot allowed 100 sends a second, showing progress every 0.2 s, with 300 accounts in 三组."""
    await load_roster(database, clock)
    await seed_accounts(database, "三组", 300, now=clock.now())
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": "150", "HEMEI_OUTBOX__RATE_PER_SECOND": "100",
               "HEMEI_NOTICES__PROGRESS_SECONDS": "0.2"}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        await join(harness, SECRETARY)
        yield harness


async def test_cadre_message_shows_live_progress_while_sending(fast_bot: Harness) -> None:
    bot = fast_bot
    await compose(bot, picks=("⬜ 三组",))

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    message = next(m for m in bot.tg.replies_to(SECRETARY) if m.text.startswith("✅ 通知 #1"))
    progress = [text for text in message.edits if text.startswith("📤 通知 #1 正在发送：已发送 ")]
    counts = [int(text.split("已发送 ")[1].split(" /")[0].replace(",", "")) for text in progress]
    assert "发给 301 人；实际发出消息 300 条\n已送达：300\n" in message.text
    assert len(counts) >= 3
    assert counts == sorted(counts)
    assert any(0 < count < 300 for count in counts)
    assert all(text.endswith(" / 300") for text in progress)
