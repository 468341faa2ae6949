"""Channel identities: who wrote to us from where, and whom they are bound to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update

from storage.repository import Repository
from storage.tables import identities
from village.people import Identity


class IdentityRepository(Repository):
    """Identities keyed by (channel, external id)."""

    async def get(self, identity_id: int) -> Identity | None:
        """Return the identity with this id."""
        row = (await self._db.execute(select(identities).where(identities.c.id == identity_id))).first()
        return identity_of(row) if row else None

    async def find(self, channel: str, external_id: str) -> Identity | None:
        """Return the identity of an account on a channel, if it ever wrote to us."""
        query = select(identities).where(identities.c.channel == channel, identities.c.external_id == external_id)
        row = (await self._db.execute(query)).first()
        return identity_of(row) if row else None

    async def seen(
        self, channel: str, external_id: str, *, chat_ref: str, display_name: str, now: datetime
    ) -> Identity:
        """Record that the identity wrote to us now, creating it on first contact.

        One statement (an upsert returning the row): this runs for every update. It is also the person's
        lock: the upsert row-locks the identity until the transaction ends (PostgreSQL; SQLite has one writer
        anyway), so two workers handling the same person's message and button press at once take turns, and
        the second reads the conversation the first saved. Run it before reading anything of the person's.
        """
        statement = self._prepared("seen", self._seen_statement)
        values = {"channel": channel, "external_id": external_id, "chat_ref": chat_ref,
                  "display_name": display_name[:100], "now": now}
        return identity_of((await self._db.execute(statement, values)).one())

    def _seen_statement(self) -> Any:
        seen: dict[str, Any] = {"chat_ref": bindparam("chat_ref"), "display_name": bindparam("display_name"),
                "last_seen": bindparam("now")}
        statement = self._upsert(identities).values(channel=bindparam("channel"), external_id=bindparam("external_id"),
                                                    first_seen=bindparam("now"), **seen)
        return statement.on_conflict_do_update(index_elements=[identities.c.channel, identities.c.external_id],
                                               set_=seen).returning(*identities.c)

    async def of_person(self, person_id: int) -> list[Identity]:
        """Return the person's identities on every channel."""
        query = select(identities).where(identities.c.person_id == person_id).order_by(identities.c.id)
        return [identity_of(r) for r in await self._db.execute(query)]

    async def of_people(self, person_ids: Sequence[int]) -> list[Identity]:
        """Return the identities bound to any of `person_ids`."""
        found: list[Identity] = []
        ids = list(person_ids)
        for start in range(0, len(ids), 500):
            query = select(identities).where(identities.c.person_id.in_(ids[start:start + 500]))
            found += [identity_of(r) for r in await self._db.execute(query.order_by(identities.c.id))]
        return found

    async def bind(self, identity_id: int, person_id: int | None) -> None:
        """Bind the identity to a person, or unbind it with None."""
        await self._set(identity_id, person_id=person_id)

    async def set_locale(self, identity_id: int, locale: str) -> None:
        """Store the identity's language."""
        await self._set(identity_id, locale=locale)

    async def set_unreachable(self, identity_id: int, since: datetime | None) -> None:
        """Mark the identity as having blocked us, or clear that with None."""
        await self._set(identity_id, unreachable_since=since)

    async def count_bound(self, person_ids: Sequence[int]) -> int:
        """Count how many of `person_ids` have joined on some channel."""
        query = select(func.count(func.distinct(identities.c.person_id))).where(
            identities.c.person_id.in_(list(person_ids)))
        return int((await self._db.execute(query)).scalar() or 0)

    async def _set(self, identity_id: int, **values: Any) -> None:
        await self._db.execute(update(identities).where(identities.c.id == identity_id).values(**values))


def identity_of(row: Any) -> Identity:
    """Return the identity a row of `identities` holds."""
    return Identity(
        id=row.id, channel=row.channel, external_id=row.external_id, chat_ref=row.chat_ref,
        person_id=row.person_id, locale=row.locale, display_name=row.display_name,
        unreachable_since=row.unreachable_since, last_seen=row.last_seen,
    )
