"""WeChat under overload loses nothing: more pushes than the pool allows all get their step run once and an
answer; a step failing every time ends failed, with one "系统繁忙" message; the outbox survives database errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.retry_pauses import RetryPauses
from bot.wechat.codec import encode
from bot.wechat.events import dedup_digest
from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from bot.wechat.intake import OTHERS_GRACE
from bot.wechat.parsing import parse_input
from handlers.events import Event
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.tables import wechat_inbound
from storage.wechat_inbound import WechatInboundRepository
from storage.wechat_routing import WechatWindowRepository
from tests.conftest import on_both_backends
from village.clock import ManualClock

PEOPLE = [f"o_flood_{n:022d}" for n in range(8)]
PUSHES_EACH = 3
# Two connections in all and a short wait for one: a step that held a connection while queueing (as
# before) would time out here and be lost.
SMALL_POOL = {"HEMEI_DATABASE__POOL_SIZE": "1", "HEMEI_DATABASE__MAX_OVERFLOW": "1",
              "HEMEI_DATABASE__POOL_TIMEOUT": "0.2"}


@pytest.fixture
async def small(db_url: str, database: Database, clock: ManualClock,
                tmp_path: Path) -> AsyncIterator[WechatHarness]:
    """The bot serving WeChat on a small database pool."""
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), **SMALL_POOL}
    async with running_wechat_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness


async def statuses(database: Database) -> list[str]:
    async with database.transaction() as store:
        return list((await store.connection.execute(select(wechat_inbound.c.status))).scalars())


async def settled(wx: WechatHarness, database: Database, within: float = 30) -> list[str]:
    """Wait until no push is pending and the outbox has sent what is due; return the rows' statuses."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while "pending" in (found := await statuses(database)) and loop.time() < end:  # noqa: ASYNC110 (rows, no event)
        await asyncio.sleep(0.05)
    await wx.runtime.settle()
    return found


@on_both_backends
async def test_a_flood_beyond_the_pool_runs_every_step_once_and_answers_everyone(
        small: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    intake = small.endpoint.intake
    assert intake is not None
    intake.passive_seconds = 0.3  # most pushes cannot start in time: `success`, then the drain
    # As a worker beside others (`--role worker`): the pushes its callbacks leave are still its drain's at once,
    # though the test's clock never reaches the grace after which any worker's drain may take them.
    intake.others_grace = OTHERS_GRACE
    # A send whose routing met the exhausted pool is tried again at once (not after the usual back-off).
    monkeypatch.setattr("bot.dispatcher.retry_delay", lambda attempts: timedelta(0))
    for person in PEOPLE:
        small.fake.world.follow(person)
    pushes = [small.fake.inputs.text(person, f"你好 {n}") for n in range(PUSHES_EACH) for person in PEOPLE]

    # As WeChat does, a push not answered within 5 s is pushed again (one we could not keep is not answered).
    tries = await asyncio.gather(*(small.fake.deliver_with_retries(push) for push in pushes))
    found = await settled(small, database)

    answers = [attempts[-1] for attempts in tries]
    assert all(r is not None and r.status_code == 200 for r in answers)
    assert found == ["done"] * len(pushes)
    assert intake.handled == len(pushes)  # each step exactly once
    for person in PEOPLE:
        answered = sum(1 for push, r in zip(pushes, answers, strict=True)
                       if push.open_id == person and r is not None and r.text not in ("", "success"))
        assert answered + len(small.new_messages(person)) == PUSHES_EACH, person


async def test_a_step_failing_every_time_ends_failed_and_the_person_is_told_once(
        wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    intake = wx.endpoint.intake
    assert intake is not None
    intake._pauses = RetryPauses((0.01,))  # tries follow each other quickly here
    engine = intake._engine
    handle = engine.handle

    async def broken(event: Event, *args: Any, **kwargs: Any) -> None:
        if event.text == "坏掉的输入":
            raise RuntimeError("a bug in the step")
        await handle(event, *args, **kwargs)

    monkeypatch.setattr(engine, "handle", broken)
    wx.fake.world.follow("o_broken_000000000000000000001")

    answer = await wx.sends(wx.fake.inputs.text("o_broken_000000000000000000001", "坏掉的输入"))
    found = await settled(wx, database)
    later = wx.new_messages("o_broken_000000000000000000001")

    assert answer.passive is None
    assert found[-1] == "failed"
    assert intake.given_up == 1
    assert [*answer.later, *later].count("系统繁忙，请稍后再试。") == 1


BROKEN = "o_broken_000000000000000000001"


async def left_pending(wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch, text: str, *,
                       attempts: int) -> list[str]:
    """Make the step of `text` fail every time, and leave its push pending with `attempts` tries counted, as a
    process that stopped would; return the texts the step was run for from now on."""
    intake = wx.endpoint.intake
    assert intake is not None
    intake._pauses = RetryPauses((0.01,))
    handle, ran = intake._engine.handle, []

    async def broken(event: Event, *args: Any, **kwargs: Any) -> None:
        if event.text == text:
            ran.append(text)
            raise RuntimeError("a bug in the step")
        await handle(event, *args, **kwargs)

    monkeypatch.setattr(intake._engine, "handle", broken)
    wx.fake.has_written(BROKEN)  # the push came: their window is open on WeChat's side
    received = parse_input(wx.fake.inputs.text(BROKEN, text).xml)
    key = dedup_digest(received.dedup_key)
    async with database.transaction() as store:
        await WechatInboundRepository(store.connection).record(key, BROKEN, encode(received), wx.clock.now())
        await store.connection.execute(update(wechat_inbound).where(wechat_inbound.c.dedup_key == key)
                                       .values(attempts=attempts))
    return ran


async def test_a_push_that_failed_four_times_before_a_restart_is_given_up_after_one_more_try(
        wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = await left_pending(wx, database, monkeypatch, "坏掉的输入", attempts=4)

    await wx.endpoint.intake.recover()  # type: ignore[union-attr]
    found = await settled(wx, database)

    assert ran == ["坏掉的输入"]
    assert found[-1] == "failed"
    assert wx.new_messages(BROKEN).count("系统繁忙，请稍后再试。") == 1


async def test_a_push_whose_step_was_started_five_times_is_not_started_again(
        wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = await left_pending(wx, database, monkeypatch, "让进程崩溃的输入", attempts=5)  # each start, the process died

    await wx.endpoint.intake.recover()  # type: ignore[union-attr]
    found = await settled(wx, database)

    assert ran == []
    assert found[-1] == "failed"
    assert wx.new_messages(BROKEN).count("系统繁忙，请稍后再试。") == 1


@on_both_backends
async def test_a_worker_leaves_another_workers_recent_push_alone_and_takes_it_once_that_worker_is_gone(
        wx: WechatHarness, database: Database) -> None:
    intake = wx.endpoint.intake
    assert intake is not None
    intake.others_grace = OTHERS_GRACE
    person = "o_elsewhere_0000000000000000001"
    wx.fake.world.follow(person)
    wx.fake.has_written(person)
    first, second = (parse_input(wx.fake.inputs.text(person, text).xml) for text in ("你好", "菜单"))
    async with database.transaction() as store:  # recorded by another worker, whose steps are under way
        for received in (first, second):
            await WechatInboundRepository(store.connection).record(
                dedup_digest(received.dedup_key), person, encode(received), wx.clock.now())

    assert await intake.drain() == 0
    wx.clock.advance(OTHERS_GRACE - timedelta(seconds=1))
    assert await intake.drain() == 0
    async with database.transaction() as store:
        assert [row.attempts for row in await WechatInboundRepository(store.connection).pending(person)] == [0, 0]
    assert wx.new_messages(person) == []

    wx.clock.advance(timedelta(seconds=2))  # that worker died: its pushes are anyone's now, in their order
    await intake.drain()  # or the background drain's next pass, if it comes first: either runs each once
    found = await settled(wx, database)

    assert found[-2:] == ["done", "done"]
    assert intake.handled == 2
    assert len(wx.new_messages(person)) >= 2


async def test_the_dispatcher_keeps_sending_after_database_errors_in_a_claim(
        wx: WechatHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    claim = OutboxRepository.claim
    errors: list[Exception] = [PoolTimeoutError("QueuePool limit reached"),
                               OperationalError("BEGIN", {}, Exception("database is locked"))]

    async def flaky(self: OutboxRepository, *args: Any, **kwargs: Any) -> Any:
        if errors:
            raise errors.pop(0)
        return await claim(self, *args, **kwargs)

    monkeypatch.setattr(OutboxRepository, "claim", flaky)
    assert wx.endpoint.intake is not None
    wx.endpoint.intake.passive_seconds = 0  # every answer goes through the outbox
    wx.runtime.dispatcher.wake()
    await asyncio.sleep(0)

    answer = await wx.says("o_after_00000000000000000000001", "你好")
    await wx.runtime.settle()
    answer_later = await wx.says("o_after_00000000000000000000001", "你好")

    assert errors == []
    assert wx.runtime.dispatcher.database_errors == 2
    assert answer.passive is None
    assert answer.later  # sent by the dispatcher after both errors
    assert answer_later.later


async def test_a_database_error_while_routing_a_message_delays_it_without_losing_or_doubling_it(
        wx: WechatHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before the send (reading the window) the row is tried again; after it (noting the window used) the
    # message stays sent. Either way it must not stay `sending` until the next start, nor go out twice.
    is_open, use = WechatWindowRepository.is_open, WechatWindowRepository.use
    failures = {"is_open": 1, "use": 1}

    def failing_once(name: str, method: Any) -> Any:
        async def wrapper(self: WechatWindowRepository, *args: Any, **kwargs: Any) -> Any:
            if failures[name]:
                failures[name] -= 1
                raise OperationalError("SELECT", {}, Exception("connection reset"))
            return await method(self, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(WechatWindowRepository, "is_open", failing_once("is_open", is_open))
    monkeypatch.setattr(WechatWindowRepository, "use", failing_once("use", use))
    monkeypatch.setattr("bot.dispatcher.retry_delay", lambda attempts: timedelta(0))
    assert wx.endpoint.intake is not None
    wx.endpoint.intake.passive_seconds = 0  # the answer goes through the outbox

    answer = await wx.says("o_route_00000000000000000000001", "你好")
    await wx.runtime.settle()
    later = wx.new_messages("o_route_00000000000000000000001")

    assert failures == {"is_open": 0, "use": 0}
    assert answer.passive is None
    assert len([*answer.later, *later]) == 1
    assert "和美" in [*answer.later, *later][0]


async def test_a_push_that_cannot_be_kept_is_not_acknowledged_so_wechat_pushes_it_again(
        wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # `success` for a push we could not write down would lose it: WeChat only pushes again when unanswered.
    record = WechatInboundRepository.record
    refusals = [3]  # every try of the first push (the first try and its two retries)

    async def refusing(self: WechatInboundRepository, *args: Any, **kwargs: Any) -> Any:
        if refusals[0]:
            refusals[0] -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return await record(self, *args, **kwargs)

    monkeypatch.setattr(WechatInboundRepository, "record", refusing)
    monkeypatch.setattr("bot.wechat.callback.WECHAT_WAITS_SECONDS", 1.0)
    monkeypatch.setattr(wx.fake.pusher, "_patience", 1.0)  # WeChat's 5 s, shortened alike
    assert wx.endpoint.intake is not None
    wx.endpoint.intake._pauses = RetryPauses((0.01,))
    wx.fake.world.follow("o_kept_000000000000000000000001")

    tries = await wx.fake.deliver_with_retries(wx.fake.inputs.text("o_kept_000000000000000000000001", "你好"))
    found = await settled(wx, database)
    later = wx.new_messages("o_kept_000000000000000000000001")

    assert tries[0] is None  # not answered in time: WeChat pushed it again
    assert tries[-1] is not None
    assert tries[-1].status_code == 200
    assert found == ["done"]
    passive = [r.text for r in tries if r is not None and r.text not in ("", "success")]
    assert len(passive) + len(later) == 1  # answered once
async def test_a_database_busy_while_routing_an_answer_delays_it_but_loses_nothing(
        wx: WechatHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every pooled connection taken by a flood of steps: the router's look at the person's window times out.
    is_open = WechatWindowRepository.is_open
    errors: list[Exception] = [PoolTimeoutError("QueuePool limit reached")] * 2

    async def busy(self: WechatWindowRepository, *args: Any, **kwargs: Any) -> Any:
        if errors:
            raise errors.pop(0)
        return await is_open(self, *args, **kwargs)

    monkeypatch.setattr(WechatWindowRepository, "is_open", busy)
    assert wx.endpoint.intake is not None
    wx.endpoint.intake.passive_seconds = 0  # every answer goes through the outbox, and so through the router

    answer = await wx.says("o_busy_000000000000000000000001", "你好")

    assert errors == []
    assert answer.passive is None
    assert answer.later  # sent by customer-service message once the database answered
