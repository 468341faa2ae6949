"""The outbox through the real dispatcher and PTB: once per key, restarts, blocked users, flood waits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.direct_replies import DirectReplies
from bot.emulator import FakeUser
from bot.emulator.harness import Harness
from handlers.context import Notifier
from handlers.events import Event
from handlers.replies import Reply
from tests.conftest import on_both_backends
from tests.factories import bind_telegram, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind
from village.services import Services

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]


async def queue(bot: Harness, phone: str, key: str, text: str) -> int:
    """Queue a message for the person with `phone`, as a feature would."""
    person = await person_by_phone(bot.runtime.database, phone)
    async with bot.runtime.database.transaction() as store:
        services = Services(store, bot.runtime.clock, bot.config)
        queued = await Notifier(services, bot.runtime.catalogs, "zh_CN").to_person(person.id, key, Reply(text),
                                                                                       kind=MessageKind.NOTICE_BROADCAST)
    bot.runtime.dispatcher.wake()
    return queued


async def statuses(bot: Harness) -> dict[str, int]:
    async with bot.runtime.database.transaction() as store:
        progress = await store.outbox.progress(None, bot.runtime.clock.now())
    return {"sent": progress.sent, "blocked": progress.blocked, "failed": progress.failed,
            "pending": progress.pending, "resent": progress.resent}


async def test_the_same_key_is_sent_only_once(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)

    first = await queue(bot, "13800000001", "notice:1", "村里通知")
    again = await queue(bot, "13800000001", "notice:1", "村里通知")
    await bot.runtime.dispatcher.drain()

    assert (first, again) == (1, 0)
    assert bot.api.messages_to(1001)[-1].text == "村里通知"
    assert len(bot.api.messages_to(1001)) == 1


@on_both_backends  # a main journey, also on PostgreSQL
async def test_graceful_restart_midway_delivers_each_message_exactly_once(bot: Harness, clock: ManualClock) -> None:
    for index, phone in enumerate(PHONES):
        await bind_telegram(bot.runtime.database, clock, phone, 3000 + index)
    bot.api.send_delay = 0.02
    for number in range(60):
        await queue(bot, PHONES[number % 5], f"notice:{number}", f"通知 {number}")
    while sum(len(bot.api.messages_to(3000 + i)) for i in range(5)) < 15:
        await bot.api.wait_for_send()

    await bot.restart()
    await bot.runtime.dispatcher.drain()

    texts = sorted(m.text for i in range(5) for m in bot.api.messages_to(3000 + i))
    assert texts == sorted(f"通知 {n}" for n in range(60))
    assert (await statuses(bot))["resent"] == 0


async def test_blocked_user_is_marked_unreachable_until_they_write_again(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)
    bot.api.blocked.add(1001)

    await queue(bot, "13800000001", "notice:a", "第一条")
    await bot.runtime.dispatcher.drain()
    await queue(bot, "13800000001", "notice:b", "第二条")
    await bot.runtime.dispatcher.drain()
    blocked_calls = [m for m, _ in bot.api.calls if m == "sendMessage"]
    bot.api.blocked.discard(1001)
    await bot.tg.user_says(FakeUser(1001, "张阿婆"), "/start")
    await queue(bot, "13800000001", "notice:c", "第三条")
    await bot.runtime.dispatcher.drain()

    assert len(blocked_calls) == 1  # the second message was not even tried
    assert (await statuses(bot))["blocked"] == 2
    assert bot.api.messages_to(1001)[-1].text == "第三条"


async def test_flood_wait_is_honoured_then_the_message_goes(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)
    bot.api.flood_once[1001] = 1

    await queue(bot, "13800000001", "notice:flood", "稍后送达")
    await bot.runtime.dispatcher.drain()
    delivered_early = list(bot.api.messages_to(1001))
    clock.advance(timedelta(seconds=1))
    await bot.runtime.dispatcher.drain()
    attempts = [at for method, at in bot.api.calls if method == "sendMessage"]

    assert delivered_early == []
    assert bot.api.messages_to(1001)[-1].text == "稍后送达"
    assert attempts[-1] - attempts[0] >= 1.0  # the dispatcher paused for the flood wait


async def test_network_error_is_retried_after_a_back_off(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)
    bot.api.fail_once[1001] = 502

    await queue(bot, "13800000001", "notice:net", "网络恢复后送达")
    await bot.runtime.dispatcher.drain()
    clock.advance(timedelta(seconds=5))
    await bot.runtime.dispatcher.drain()

    assert [m.text for m in bot.api.messages_to(1001)] == ["网络恢复后送达"]


async def test_a_message_over_the_limit_is_split_not_dropped(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)
    paragraphs = [f"第{n}段：" + "村务公开内容。" * 60 for n in range(24)]

    await queue(bot, "13800000001", "notice:long", "\n".join(paragraphs))
    await bot.runtime.dispatcher.drain()
    parts = [m.text for m in bot.api.messages_to(1001)]

    assert len(parts) >= 2
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == "\n".join(paragraphs)


async def test_one_persons_messages_arrive_in_the_order_queued(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)
    await bind_telegram(bot.runtime.database, clock, "13800000002", 1002)
    bot.api.send_jitter = 0.02  # concurrent sends to one chat would finish out of order

    for number in range(12):
        await queue(bot, "13800000001", f"photo:{number}", f"第 {number} 张")
        await queue(bot, "13800000002", f"photo:{number}", f"第 {number} 张")
    await bot.runtime.dispatcher.drain()

    expected = [f"第 {n} 张" for n in range(12)]
    assert [m.text for m in bot.api.messages_to(1001)] == expected
    assert [m.text for m in bot.api.messages_to(1002)] == expected


@on_both_backends
async def test_replies_of_a_worker_dying_after_its_commit_are_sent_by_the_outbox(
        bot: Harness, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # The replies are journalled in the step's transaction: a worker that dies before sending them (here its
    # sending never happens) leaves them for the leader, which sends them once they are clearly lost.
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)

    async def dies(self: DirectReplies, event: Event, journal: object) -> None:
        return None

    monkeypatch.setattr(DirectReplies, "_deliver", dies)
    await bot.tg.user_says(FakeUser(1001, "张阿婆"), "/menu")
    await bot.runtime.dispatcher.drain()
    before = list(bot.api.messages_to(1001))
    monkeypatch.undo()
    clock.advance(timedelta(seconds=bot.config.outbox.lost_reply_seconds + 1))
    await bot.runtime.dispatcher.drain()

    assert before == []  # not sent while the worker might still be sending
    assert [m.text for m in bot.api.messages_to(1001)] == ["请选择您要办理的事项："]
    assert (await statuses(bot))["resent"] == 1  # flagged: it may have gone out before the worker died


async def test_direct_replies_sent_leave_no_row_behind(bot: Harness, clock: ManualClock) -> None:
    await bind_telegram(bot.runtime.database, clock, "13800000001", 1001)

    await bot.tg.user_says(FakeUser(1001, "张阿婆"), "/menu")
    await bot.runtime.dispatcher.drain()

    assert [m.text for m in bot.api.messages_to(1001)] == ["请选择您要办理的事项："]
    async with bot.runtime.database.transaction() as store:
        assert (await store.outbox.progress(None, clock.now())).total == 0
