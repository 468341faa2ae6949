"""四议两公开 end to end: a major matter's six stages in order, refusals out of order, the village told."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator import FakeUser
from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.consultation import DIRECTOR, SUPERVISOR, WANG, consultation_bot, count
from village.clock import ManualClock


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    async with consultation_bot(db_url, database, clock) as harness:
        yield harness


async def open_matter(bot: Harness) -> None:
    await bot.tg.user_taps(SECRETARY, "🏛 四议两公开")
    await bot.tg.user_taps(SECRETARY, "➕ 新建重大事项")
    await bot.tg.user_says(SECRETARY, "村道拓宽工程")
    await bot.tg.user_says(SECRETARY, "主干道拓宽到6米")


async def record(bot: Harness, cadre: FakeUser, stage: str, day: str, outcome: str) -> None:
    await bot.tg.user_taps(cadre, f"✍️ 记录：{stage}")
    await bot.tg.user_says(cadre, day)
    await bot.tg.user_says(cadre, outcome)
    await bot.tg.user_taps(cadre, "⏭ 跳过")


async def test_a_major_matter_goes_through_six_stages_in_order(bot: Harness) -> None:
    for user in (SECRETARY, DIRECTOR, ALICE, WANG, SUPERVISOR):
        await join(bot, user)
    await open_matter(bot)
    await record(bot, SECRETARY, "党支部会提议", "10-20", "支部提议拓宽村道")
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await bot.tg.user_taps(DIRECTOR, "🏛 四议两公开")
    await bot.tg.user_taps(DIRECTOR, "村道拓宽工程（1/6）")
    await bot.tg.user_taps(DIRECTOR, "✍️ 记录：两委会商议")
    await bot.tg.user_taps(SECRETARY, "✍️ 记录：两委会商议")

    earlier = await bot.tg.user_says(SECRETARY, "10-19")
    await bot.tg.user_says(SECRETARY, "10-25")
    await bot.tg.user_says(SECRETARY, "两委同意")
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await bot.tg.user_says(DIRECTOR, "10-26")
    await bot.tg.user_says(DIRECTOR, "两委又商议一次")
    await bot.tg.user_taps(DIRECTOR, "⏭ 跳过")
    repeated = await bot.tg.user_taps(DIRECTOR, "✅ 确认记录")
    await bot.tg.user_taps(DIRECTOR, "❌ 取消")
    await record(bot, SECRETARY, "党员大会审议", "10-28", "党员大会通过")
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await record(bot, SECRETARY, "村民代表会议决议", "10-30", "代表会议表决通过")
    await bot.tg.user_taps(SECRETARY, "全部清空")
    no_quorum = await bot.tg.user_taps(SECRETARY, "➡️ 下一步（已选 0 人）")
    await bot.tg.user_taps(SECRETARY, "全部到会")
    await bot.tg.user_taps(SECRETARY, "➡️ 下一步（已选 1 人）")
    await bot.tg.user_says(SECRETARY, "0")
    no_majority = await bot.tg.user_says(SECRETARY, "1")
    await bot.tg.user_taps(SECRETARY, "⬅️ 返回")
    await bot.tg.user_says(SECRETARY, "1")
    await bot.tg.user_says(SECRETARY, "0")
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await record(bot, SECRETARY, "决议公开", "10-31", "村道拓宽方案已通过，11月开工")
    told = await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await record(bot, SECRETARY, "实施结果公开", "11-02", "村道已拓宽完成")
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await bot.tg.user_taps(ALICE, "🏛 四议两公开")
    history = await bot.tg.user_taps(ALICE, "村道拓宽工程（6/6）")

    assert "日期不能早于上一步的日期" in earlier[0].text
    assert "必须按顺序记录，不能跳过任何一步" in repeated[0].text
    assert "全村 1 位村民代表中，要有三分之二以上到会。现在到会 0 人" in no_quorum[0].text
    assert "没有通过：到会的 1 位代表中，要有过半数同意。现在同意 0 票" in no_majority[0].text
    assert "✅ 已记录，正在通知" in told[0].text
    assert any("🏛 村里重大事项：村道拓宽工程\n决议公开：村道拓宽方案已通过，11月开工" in t
               for t in bot.tg.texts_to(ALICE))
    assert count(bot, WANG, "实施结果公开：村道已拓宽完成") == 1
    assert history[0].text.count("✅") == 6
    assert "应到代表 1 人，实到 1 人；同意 1 票，反对 0 票，弃权 0 票" in history[0].text
    assert not any(label.startswith("✍️") for label in history[0].inline_labels)


async def test_only_cadres_open_or_record_matters(bot: Harness) -> None:
    for user in (SECRETARY, ALICE, SUPERVISOR):
        await join(bot, user)
    await open_matter(bot)
    matter_page = bot.tg.replies_to(SECRETARY)[-2]
    record_data = next(b["callback_data"] for row in matter_page.reply_markup["inline_keyboard"] for b in row
                       if b["text"].startswith("✍️"))

    forged = await bot.tg.user_presses_data(ALICE, record_data)
    forged_new = await bot.tg.user_presses_data(SUPERVISOR, "matter_new:new")
    await bot.tg.user_taps(SUPERVISOR, "🏛 四议两公开")
    read = await bot.tg.user_taps(SUPERVISOR, "村道拓宽工程（0/6）")

    assert "您没有权限" in forged[0].text
    assert "您没有权限" in forged_new[0].text
    assert "⬜ ① 党支部会提议 — 还没进行" in read[0].text
    assert "➕ 新建重大事项" not in bot.tg.buttons(SUPERVISOR)


async def test_a_stage_keeps_its_document_for_everyone_to_read(bot: Harness) -> None:
    for user in (SECRETARY, ALICE):
        await join(bot, user)
    await open_matter(bot)
    await bot.tg.user_taps(SECRETARY, "✍️ 记录：党支部会提议")
    await bot.tg.user_taps(SECRETARY, "今天")
    await bot.tg.user_says(SECRETARY, "支部提议拓宽村道")
    await bot.tg.user_sends_document(SECRETARY, b"%PDF-1.4 minutes", "支部会议记录.pdf", "application/pdf")
    confirm = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "✅ 确认记录")
    await bot.tg.user_taps(ALICE, "🏛 四议两公开")
    await bot.tg.user_taps(ALICE, "村道拓宽工程（1/6）")

    sent = await bot.tg.user_taps(ALICE, "📎 查看 ① 的附件")

    assert "（附有文件）" in confirm
    assert sent[0].method == "sendDocument"
    assert sent[0].file == b"%PDF-1.4 minutes"
    assert "① 党支部会提议" in sent[0].text
