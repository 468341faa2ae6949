"""Composing, reading and muting notices through the engine, with no Telegram at all."""

from __future__ import annotations

import pytest

from handlers.engine import Engine
from handlers.events import EventKind
from storage.database import Database
from tests.conversations.conftest import Chat, EngineFactory, labels
from tests.factories import person_by_phone
from tests.unit.test_notices import FakeMeetings
from village.notices import NoticeService
from village.services import Services

SECRETARY_PHONE = "+8613800000009"
ALICE_PHONE = "+8613800000001"


@pytest.fixture
async def cadre(engine: Engine) -> Chat:
    chat = Chat(engine, "9009")
    await chat.says("/start")
    await chat.shares_contact(SECRETARY_PHONE)
    return chat


@pytest.fixture
async def alice(engine: Engine) -> Chat:
    chat = Chat(engine, "1001")
    await chat.says("/start")
    await chat.shares_contact(ALICE_PHONE)
    return chat


async def compose_to_groups(cadre: Chat, text: str = "周六上午清理河道，请各户派一人。") -> None:
    await cadre.says("/announce")
    await cadre.taps("📢 通知")
    await cadre.says(text)
    await cadre.taps("⏭ 跳过")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("👥 选村民小组")
    await cadre.taps("⬜ 一组")
    await cadre.taps("⬜ 二组")
    await cadre.taps("✅ 完成（已选 2 项）")


async def test_preview_shows_the_notice_and_whom_it_reaches(cadre: Chat) -> None:
    await compose_to_groups(cadre)

    assert cadre.texts()[0] == "📢【通知】和美村\n周六上午清理河道，请各户派一人。"
    assert "发给：一组、二组\n共 4 人，其中 0 人用和美，会收到消息。" in cadre.texts()[1]
    assert labels(cadre.replies)[:2] == ["✅ 发送", "✏️ 修改"]


async def test_sending_ends_with_the_report_and_the_menu(cadre: Chat) -> None:
    await compose_to_groups(cadre)

    await cadre.taps("✅ 发送")

    assert cadre.replies[0].edit
    assert cadre.texts()[0].startswith("✅ 通知 #1 已发送完毕。\n发给 4 人；实际发出消息 0 条")
    assert "🧰 工作台" in labels(cadre.replies)  # back at the menu


async def test_ticking_a_group_twice_unticks_it_in_place(cadre: Chat) -> None:
    await compose_to_groups(cadre)
    await cadre.taps("✏️ 修改")
    await cadre.taps("接收人")
    await cadre.taps("👥 选村民小组")

    await cadre.taps("☑️ 二组")

    assert cadre.replies[0].edit
    assert "⬜ 二组" in labels(cadre.replies)
    assert "✅ 完成（已选 1 项）" in labels(cadre.replies)
    assert {"⬅️ 返回", "❌ 取消"} <= set(labels(cadre.replies))


async def test_changing_the_text_returns_to_the_preview(cadre: Chat) -> None:
    await compose_to_groups(cadre)
    await cadre.taps("✏️ 修改")
    await cadre.taps("内容")

    await cadre.says("改为周日上午清理河道。")

    assert cadre.texts()[0] == "📢【通知】和美村\n改为周日上午清理河道。"
    assert "确定发送吗？" in cadre.texts()[1]


async def test_back_from_the_text_asks_the_kind_again(cadre: Chat) -> None:
    await cadre.says("/announce")
    await cadre.taps("🎉 活动")

    await cadre.says("⬅️ 返回")

    assert "这是哪一类通知？" in cadre.texts()[-1]


async def test_done_with_nothing_ticked_is_refused_and_asked_again(cadre: Chat) -> None:
    await cadre.says("/announce")
    await cadre.taps("📢 通知")
    await cadre.says("通知")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("🏷 按身份（如户主）")

    await cadre.taps("✅ 完成（已选 0 项）")

    assert cadre.texts()[0] == "请至少选一项，再点「完成」。"
    assert "⬜ 户主" in labels(cadre.replies)


async def test_text_too_long_is_refused_with_the_limit(cadre: Chat) -> None:
    await cadre.says("/announce")
    await cadre.taps("📢 通知")

    await cadre.says("字" * 2001)

    assert cadre.texts()[0] == "内容太长了（最多 2000 个字），请删减一些。"
    assert "请输入通知内容" in cadre.texts()[-1]


async def test_a_sticker_instead_of_the_text_gets_a_hint(cadre: Chat) -> None:
    await cadre.says("/announce")
    await cadre.taps("📢 通知")

    await cadre.send(EventKind.OTHER)

    assert cadre.texts()[0] == "请直接打字输入内容。"


async def test_a_group_button_of_another_village_is_not_ticked(cadre: Chat) -> None:
    await compose_to_groups(cadre)
    await cadre.taps("✏️ 修改")
    await cadre.taps("接收人")
    await cadre.taps("👥 选村民小组")

    await cadre.send(EventKind.BUTTON, payload="an:tog:99")

    assert cadre.texts()[0] == "请点上面的一个按钮。"
    assert "✅ 完成（已选 2 项）" in labels(cadre.replies)


async def test_meeting_sign_ups_with_no_meeting_yet_say_so(cadre: Chat) -> None:
    await cadre.says("/announce")
    await cadre.taps("📢 通知")
    await cadre.says("通知")
    await cadre.taps("⏭ 跳过")

    offered = labels(await cadre.taps("⏭ 跳过"))
    chosen = await cadre.taps("📅 会议报名的人")

    assert {"👥 选村民小组", "📅 会议报名的人"} <= set(offered)
    assert "现在没有可选的会议" in str(chosen[-1].text)


async def test_a_resident_cannot_announce(alice: Chat) -> None:
    await alice.says("/announce")
    forged = await alice.send(EventKind.BUTTON, payload="an:new")

    assert "您没有权限" in str(forged[0].text)
    assert "📢 发布通知" not in labels(alice.replies)


async def test_a_half_written_notice_survives_a_restart(cadre: Chat, new_engine: EngineFactory) -> None:
    await cadre.says("/announce")
    await cadre.taps("🚨 紧急")
    restarted = Chat(new_engine(), cadre.external_id)

    await restarted.says("今晚有台风，请关好门窗。")

    assert "可以加一张图片或一个文件" in restarted.texts()[-1]


async def test_the_archive_shows_what_was_sent_to_me(cadre: Chat, alice: Chat) -> None:
    await compose_to_groups(cadre)
    await cadre.taps("✅ 发送")

    listed = await alice.says("/notices")
    await alice.taps(next(label for label in labels(listed) if "周六上午清理" in label))

    assert str(listed[0].text).startswith("📬 您的通知（1 条）")
    assert alice.texts()[0].startswith("📢【通知】和美村\n2026-11-02 10:00\n周六上午清理河道")


async def test_settings_mute_activities_in_place(alice: Chat) -> None:
    await alice.says("/settings")

    await alice.taps("🔕 不再接收活动通知")

    assert alice.replies[0].edit
    assert "🎉 活动：已关闭 🔕" in alice.texts()[0]
    assert "🔔 重新接收活动通知" in labels(alice.replies)


async def test_settings_refuse_to_mute_official_notices(alice: Chat) -> None:
    await alice.says("/settings")

    refused = await alice.send(EventKind.BUTTON, payload="st:mute:notice")

    assert str(refused[0].text) == "村务公开、通知和紧急通知不能关闭。"


async def test_settings_switch_the_language(alice: Chat) -> None:
    await alice.says("/settings")

    await alice.taps("English")

    assert "⚙️ Your settings" in alice.texts()[0]
    assert "Language: English" in alice.texts()[0]


async def send_public(cadre: Chat, text: str) -> None:
    await cadre.says("/announce")
    if "✍️ 写新通知" in labels(cadre.replies):
        await cadre.taps("✍️ 写新通知")
    await cadre.taps("📋 村务公开")
    await cadre.says(text)
    await cadre.taps("⏭ 跳过")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("🏘 全村")
    await cadre.taps("✅ 发送")


async def test_the_cadre_pages_through_past_notices(cadre: Chat) -> None:
    for number in range(6):
        await send_public(cadre, f"第{number}号公开")
    first = await cadre.says("/announce")

    turned = await cadre.taps("▶")

    assert "#6 11-02 10:00 📋 村务公开：第5号公开" in str(first[0].text)
    assert turned[0].edit
    assert str(turned[0].text).startswith("您发过的通知（6 条），最新的在前：\n#1 11-02 10:00 📋 村务公开：第0号公开")
    assert labels(turned)[:3] == ["✍️ 写新通知", "◀", "2/2"]


async def test_the_archive_turns_pages_in_place(cadre: Chat, alice: Chat) -> None:
    for number in range(6):
        await send_public(cadre, f"第{number}号公开")
    first = await alice.says("/notices")

    turned = await alice.taps("▶")

    assert "1/2" in labels(first)
    assert turned[0].edit
    assert [label for label in labels(turned) if "公开" in label] == ["11-02 📋 第0号公开"]
    assert "◀" in labels(turned)


@pytest.fixture
def signed_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wire a stand-in for the consultation capability into every Services, as the integrator will."""
    people: list[int] = []

    def notices(self: Services) -> NoticeService:
        settings = self.settings
        return NoticeService(self.store, self.clock, self.audit, settings.notices, quiet_hours=settings.quiet_hours,
                             zone=settings.timezone, meetings=FakeMeetings(people))

    monkeypatch.setattr(Services, "notices", property(notices))
    return people


async def test_a_notice_may_go_to_a_meetings_sign_ups(cadre: Chat, database: Database, signed_up: list[int]) -> None:
    signed_up += [(await person_by_phone(database, p)).id for p in ("13800000001", "13800000004")]
    await cadre.says("/announce")
    await cadre.taps("📢 通知")
    await cadre.says("议事会改到村委会二楼。")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("⏭ 跳过")
    await cadre.taps("📅 会议报名的人")

    preview = await cadre.taps("村民议事会 (11-20 09:00)")
    sent = await cadre.taps("✅ 发送")

    assert "发给：报名参加「村民议事会」的人\n共 2 人" in str(preview[1].text)
    assert "发给 2 人" in str(sent[0].text)
