"""The report conversation without Telegram: every step has Back and Cancel, drafts lapse, nothing half-filed."""

from __future__ import annotations

from datetime import timedelta

from bot.telegram_layout import removes_keyboard
from handlers.engine import Engine
from handlers.events import EventKind, Location, Media
from storage.database import Database
from tests.conversations.conftest import Chat, labels
from village.clock import ManualClock
from village.geo import Datum
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

NAVIGATION = {"⬅️ 返回", "❌ 取消"}


async def joined(engine: Engine, external_id: str = "6001", phone: str = "+8613800000001") -> Chat:
    chat = Chat(engine, external_id)
    await chat.says("/start")
    await chat.shares_contact(phone)
    return chat


async def count_reports(database: Database) -> int:
    async with database.transaction() as store:
        alice = await store.people.by_phone("+8613800000001")
        assert alice is not None
        return len(await store.reports.of_person(alice.id, 100))


async def test_every_report_question_offers_back_and_cancel(engine: Engine) -> None:
    chat = await joined(engine)
    steps = [
        chat.taps("📣 我要反映"),
        chat.taps("绿化"),
        chat.says("大树倒在路上"),
        chat.send(EventKind.PHOTO, media=Media("photo-1", 100)),
        chat.taps("➡️ 下一步"),
        chat.send(EventKind.LOCATION, location=Location(30.92, 121.47, Datum.WGS84)),
        chat.taps("🙈 匿名"),
    ]
    seen = []
    for step in steps:
        await step
        seen.append(set(labels(chat.replies)) >= NAVIGATION)

    assert seen == [True] * len(steps)
    assert "署名：匿名" in chat.texts()[0]


async def test_cancel_discards_the_draft_and_files_nothing(engine: Engine, database: Database) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")
    await chat.says("大树倒在路上")

    await chat.taps("❌ 取消")

    assert chat.texts()[0] == "已取消。"
    assert await count_reports(database) == 0


async def test_a_draft_older_than_a_day_is_dropped_with_a_message(engine: Engine, clock: ManualClock) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")

    clock.advance(timedelta(hours=25))
    await chat.says("大树倒在路上")

    assert chat.texts()[0] == "您没写完的反映超过24小时没有提交，已经作废。要反映的话请重新点「📣 我要反映」。"


async def test_five_photos_move_on_to_the_location_by_themselves(engine: Engine) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")
    await chat.says("大树倒在路上")

    for number in range(5):
        await chat.send(EventKind.PHOTO, media=Media(f"photo-{number}", 100))

    assert chat.texts()[0] == "📷 收到 5 张照片。"
    assert "📍 发送我的位置" in labels(chat.replies)


async def test_a_filed_report_is_in_my_reports_with_its_progress(engine: Engine, database: Database) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("其他")
    await chat.says("井盖丢了")
    await chat.taps("➡️ 下一步")
    await chat.taps("⏭ 跳过")
    await chat.taps("👤 公开姓名")
    await chat.taps("✅ 确认提交")

    await chat.taps("📂 我的反映")
    await chat.taps("FX01-2611-0001 其他 · 已上报")

    assert await count_reports(database) == 1
    assert "处理进展：" in chat.texts()[0]
    assert "11-02 10:00 上报" in chat.texts()[0]


async def test_a_menu_button_is_not_taken_as_the_description(engine: Engine) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")

    await chat.says("📂 我的反映")
    await chat.says("大树倒在路上")
    await chat.taps("➡️ 下一步")
    await chat.taps("⏭ 跳过")
    await chat.taps("👤 公开姓名")

    assert "问题描述：大树倒在路上" in chat.texts()[-1]
    assert "我的反映" not in chat.texts()[-1]


async def test_start_mid_report_says_the_draft_was_discarded(engine: Engine, database: Database) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")

    await chat.says("/start")

    assert "没做完的事已经放弃" in chat.texts()[0]
    assert await count_reports(database) == 0


async def test_a_lone_emoji_is_no_description(engine: Engine) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")

    await chat.says("👍")

    assert "请用文字说一说" in chat.texts()[0]
    assert "请说一说是什么问题" in chat.texts()[-1]


async def test_a_photo_sent_from_the_menu_offers_a_report_that_keeps_it(engine: Engine) -> None:
    chat = await joined(engine)

    offered = await chat.send(EventKind.PHOTO, media=Media("photo-1", 100))
    await chat.taps("📣 是的，我要反映")
    await chat.taps("绿化")
    await chat.says("大树倒在路上")
    await chat.taps("➡️ 下一步")
    await chat.taps("⏭ 跳过")
    await chat.taps("👤 公开姓名")

    assert "是要反映一个问题吗" in str(offered[-1].text)
    assert "我没看懂" not in " ".join(str(r.text) for r in offered)
    assert "📷 照片：1 张" in chat.texts()[-1]


async def test_back_from_the_location_takes_its_keyboard_away(engine: Engine) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    await chat.taps("绿化")
    await chat.says("大树倒在路上")
    await chat.taps("➡️ 下一步")

    back = await chat.taps("⬅️ 返回")

    assert "➡️ 下一步" in labels(back[-1:])
    assert any(removes_keyboard(r) for r in back[:-1])
    assert "📍 发送我的位置" not in labels(back)


async def test_back_and_cancel_are_shown_once_per_question(engine: Engine) -> None:
    chat = await joined(engine)
    await chat.taps("📣 我要反映")
    seen = [labels(chat.replies).count("⬅️ 返回")]

    for step in (chat.taps("绿化"), chat.says("大树倒在路上"), chat.taps("➡️ 下一步"), chat.says("东河桥边")):
        await step
        seen.append(labels(chat.replies).count("⬅️ 返回"))

    assert seen == [1, 1, 1, 1, 1]


async def test_a_report_reassigned_meanwhile_ends_the_step_instead_of_failing_every_message(
        engine: Engine, database: Database, clock: ManualClock) -> None:
    alice = await joined(engine)
    await alice.taps("📣 我要反映")
    await alice.taps("绿化")
    await alice.says("大树倒在路上")
    await alice.taps("➡️ 下一步")
    await alice.taps("⏭ 跳过")
    await alice.taps("👤 公开姓名")
    await alice.taps("✅ 确认提交")
    worker = await joined(engine, "6006", "+8613800000006")
    await worker.send_button("rph:asg:1")
    async with database.transaction() as store:
        secretary = await store.people.by_phone("+8613800000009")
        assert secretary is not None
        services = Services(store, clock, VillageSettings())
        await services.reports.reassign(Actor.of(secretary), 1, secretary.id)

    refused = await worker.taps("李书记")
    later = await worker.says("你好")

    assert "抱歉" in str(refused[0].text)
    assert "➕ 更多" in labels(refused)
    assert "我没看懂" in str(later[0].text)
