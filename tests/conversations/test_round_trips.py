"""Database round trips per update of a joined resident: each one is a thread hop on SQLite (issue 12)."""

from __future__ import annotations

from sqlalchemy import event

from bot.telegram_layout import keyboard_rows
from storage.database import Database
from tests.conversations.conftest import Chat


def counted(database: Database) -> list[str]:
    """Collect every statement the engine sends from now on, SAVEPOINTs included (not SQLite's BEGIN IMMEDIATE,
    which PostgreSQL does not send as a statement)."""
    statements: list[str] = []

    def seen(*args: object) -> None:
        if not str(args[2]).startswith("BEGIN"):
            statements.append(str(args[2]))

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    return statements


async def joined(chat: Chat) -> None:
    await chat.says("/start")
    await chat.shares_contact("+8613800000001")


async def test_the_menu_costs_a_joined_resident_three_statements(chat: Chat, database: Database) -> None:
    await joined(chat)
    statements = counted(database)

    await chat.says("/menu")

    assert "📣 我要反映" in [k.label for r in chat.replies for row in keyboard_rows(r) or () for k in row]
    # processed update, identity, then person with roles and conversation in one read; nothing written by the
    # step, so no SAVEPOINT; nothing to delete (PostgreSQL joins the first two: see tests/storage/test_arrivals.py)
    assert len(statements) == 3, statements


async def test_starting_a_flow_inserts_its_state_without_deleting_first(chat: Chat, database: Database) -> None:
    await joined(chat)
    statements = counted(database)

    await chat.says("📣 我要反映")
    await chat.says("❌ 取消")

    assert chat.texts()[0] == "已取消。"
    writes = [s.split()[0] for s in statements if s.startswith(("INSERT INTO conversations", "DELETE FROM conv"))]
    assert writes == ["INSERT", "DELETE"]
