"""Messages queued for others by a conversation carry their kind and its traits into the outbox."""

from __future__ import annotations

from sqlalchemy import select

from handlers.engine import Engine
from storage.database import Database
from storage.tables import identities, outbox
from tests.conversations.conftest import Chat
from tests.conversations.test_reports import joined


async def queued_for(database: Database, external_id: str) -> list[tuple[str, bool, bool, dict[str, object]]]:
    """Return (kind, important, resend_safe, payload) of every message queued for a chat, oldest first."""
    async with database.connection() as connection:
        rows = (await connection.execute(
            select(outbox.c.kind, outbox.c.important, outbox.c.resend_safe, outbox.c.payload)
            .join(identities, identities.c.id == outbox.c.identity_id)
            .where(identities.c.external_id == external_id).order_by(outbox.c.id))).all()
    return [(r.kind, r.important, r.resend_safe, r.payload) for r in rows]


async def file_report(chat: Chat) -> None:
    await chat.taps("📣 我要反映")
    await chat.taps("其他")
    await chat.says("井盖丢了")
    await chat.taps("➡️ 下一步")
    await chat.taps("⏭ 跳过")
    await chat.taps("👤 公开姓名")
    await chat.taps("✅ 确认提交")


async def test_a_new_report_reaches_its_grid_worker_as_an_important_assignment(engine: Engine,
                                                                              database: Database) -> None:
    alice = await joined(engine)
    await joined(engine, "6006", "+8613800000006")

    await file_report(alice)

    queued = await queued_for(database, "6006")
    assert [(kind, important, safe) for kind, important, safe, _ in queued] == [("report.assigned", True, True)]


async def test_accepting_a_report_tells_the_reporter_with_a_status_change(engine: Engine, database: Database) -> None:
    alice = await joined(engine)
    sun = await joined(engine, "6006", "+8613800000006")
    await file_report(alice)
    [(_, _, _, card)] = await queued_for(database, "6006")
    accept = next(data for row in card["buttons"] for label, data in row if "受理" in label)  # type: ignore[attr-defined]

    await sun.send_button(accept)

    queued = await queued_for(database, "6001")
    assert [(kind, important, safe) for kind, important, safe, _ in queued] == [("report.status_changed", True, True)]
    assert "已受理" in str(queued[0][3]["text"])
