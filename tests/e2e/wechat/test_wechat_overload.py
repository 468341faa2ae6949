"""WeChat under overload loses nothing: more pushes than the pool allows all get their step run once and an
answer; a step failing every time ends failed, with one "系统繁忙" message; the outbox survives database errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from handlers.events import Event
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.tables import wechat_inbound
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
        small: WechatHarness, database: Database) -> None:
    intake = small.endpoint.intake
    assert intake is not None
    intake.passive_seconds = 0.3  # most pushes cannot start in time: `success`, then the drain
    for person in PEOPLE:
        small.fake.world.follow(person)
    pushes = [small.fake.inputs.text(person, f"你好 {n}") for n in range(PUSHES_EACH) for person in PEOPLE]

    responses = await asyncio.gather(*(small.fake.deliver(push) for push in pushes))
    found = await settled(small, database)

    assert all(r.status_code == 200 for r in responses)
    assert found == ["done"] * len(pushes)
    assert intake.handled == len(pushes)  # each step exactly once
    for person in PEOPLE:
        answered = sum(1 for push, r in zip(pushes, responses, strict=True)
                       if push.open_id == person and r.text not in ("", "success"))
        assert answered + len(small.new_messages(person)) >= PUSHES_EACH, person


async def test_a_step_failing_every_time_ends_failed_and_the_person_is_told_once(
        wx: WechatHarness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    intake = wx.endpoint.intake
    assert intake is not None
    intake._retry_pauses = (0.01,)  # tries follow each other quickly here
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
