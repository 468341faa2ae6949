"""Thousands of villagers with bound Telegram accounts, written straight into the database.

Joining 2,000 people through the chat would take minutes; broadcast tests only need them to exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.database import Database
from storage.tables import groups, identities, people

FIRST_CHAT = 500_000  # far from the test users' ids (1001, 2009, ...)


async def seed_accounts(database: Database, group_name: str, count: int, *, now: datetime,
                        first_chat: int = FIRST_CHAT) -> list[int]:
    """Add `count` people to a group (of the group's village), each bound to a Telegram account; return chat ids."""
    async with database.connection() as connection:
        group = (await connection.execute(select(groups).where(groups.c.name == group_name))).one()
        start = int((await connection.execute(select(people.c.id).order_by(people.c.id.desc()))).scalar() or 0) + 1
        person_ids = list(range(start, start + count))
        chats = [first_chat + i for i in range(count)]
        await connection.execute(people.insert(), [
            {"id": pid, "village_id": group.village_id, "group_id": group.id, "grid_id": group.grid_id,
             "name": f"村民{i}", "phone": None} for i, pid in enumerate(person_ids)])
        await connection.execute(identities.insert(), [
            {"channel": "telegram", "external_id": str(chat), "chat_ref": str(chat), "person_id": pid,
             "display_name": f"villager {chat}", "first_seen": now, "last_seen": now}
            for pid, chat in zip(person_ids, chats, strict=True)])
    return chats
