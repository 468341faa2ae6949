"""What one push costs the database: a joined resident's text answered passively takes three transactions (the
push recorded, one read of what the step starts from, the step with the row marked done) and wakes no drain.

Counted from the statements the intake itself runs for the push (a context variable set around the handler
marks them, so the outbox's and the drain's own polls are not counted), on both databases.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event

from bot.wechat.fake.harness import WechatHarness
from bot.wechat.inputs import Input
from bot.wechat.intake import WechatIntake
from bot.wechat.passive import PassiveReply
from tests.conftest import on_both_backends
from tests.e2e.wechat.conftest import LI, join

_PUSH: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("push", default=None)


@dataclass
class Counter:
    """The statements (and COMMITs) of the pushes handled while `armed`."""

    armed: bool = False
    statements: list[str] = field(default_factory=list)


@pytest.fixture
async def counter(wx: WechatHarness, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Counter]:
    found = Counter()
    handle = WechatIntake.__call__

    async def marked(self: WechatIntake, received: Input) -> PassiveReply | None:
        token = _PUSH.set(found.statements if found.armed else None)  # this task's and its children's work
        try:
            return await handle(self, received)
        finally:
            _PUSH.reset(token)

    monkeypatch.setattr(WechatIntake, "__call__", marked)
    engine = wx.runtime.database.engine.sync_engine

    def executed(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (statements := _PUSH.get()) is not None:
            statements.append(" ".join(statement.split())[:80])

    def committed(_connection: Any) -> None:
        if (statements := _PUSH.get()) is not None:
            statements.append("COMMIT")

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    yield found
    event.remove(engine, "before_cursor_execute", executed)
    event.remove(engine, "commit", committed)


@on_both_backends
async def test_a_text_answered_passively_takes_three_transactions(wx: WechatHarness, counter: Counter) -> None:
    await join(wx, LI)
    counter.armed = True
    response = await wx.fake.deliver(wx.fake.inputs.text(LI, "/menu"))
    counter.armed = False

    statements = counter.statements
    assert response.text not in ("", "success")  # a passive reply
    assert statements.count("COMMIT") == 3, statements
    assert sum("wechat_inbound" in s for s in statements) == 3, statements  # recorded, read with the rest, done
    assert not any(s.startswith("UPDATE outbox") for s in statements), statements  # nothing parked to release
