"""Bookkeeping for the scheduler and the update intake: last runs and handled updates."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from storage.repository import Repository
from storage.tables import job_runs, job_slots, processed_updates

SLOTS_KEPT = timedelta(days=60)  # far beyond the misfire grace: an older slot can never be due again


class JobRunRepository(Repository):
    """The last scheduled time each job ran for."""

    async def last_run(self, name: str) -> datetime | None:
        """Return the scheduled time of the job's last run."""
        query = select(job_runs.c.scheduled_for).where(job_runs.c.name == name)
        result: datetime | None = (await self._db.execute(query)).scalar()
        return result

    async def record_run(self, name: str, scheduled_for: datetime, now: datetime) -> None:
        """Remember that the job ran for `scheduled_for`."""
        inserted = await self._insert_ignore(job_runs, {"name": name, "scheduled_for": scheduled_for,
                                                        "finished_at": now})
        if not inserted:
            await self._db.execute(update(job_runs).where(job_runs.c.name == name).values(
                scheduled_for=scheduled_for, finished_at=now))

    async def claim_slot(self, name: str, scheduled_for: datetime, now: datetime) -> bool:
        """Claim the job's run for `scheduled_for`; False when another run (or process) claimed it.

        Called in the job's own transaction: on PostgreSQL a second claimant waits on the key until the
        first commits (then skips) or rolls back (then runs), so a slot runs once however many try.
        """
        await self._db.execute(delete(job_slots).where(
            job_slots.c.name == name, job_slots.c.scheduled_for < scheduled_for - SLOTS_KEPT))
        return await self._insert_ignore(job_slots, {"name": name, "scheduled_for": scheduled_for,
                                                     "claimed_at": now})

    async def all_runs(self) -> dict[str, datetime]:
        """Return every job's last scheduled time."""
        return {r.name: r.scheduled_for for r in await self._db.execute(select(job_runs))}


class UpdateLog(Repository):
    """Updates already handled, kept for a while to ignore redeliveries."""

    async def first_time(self, channel: str, update_ref: str, now: datetime) -> bool:
        """Record the update; return False when it was handled before."""
        statement = self._prepared("first_time", lambda: self._insert_or_skip(processed_updates).values(
            channel=bindparam("channel"), update_ref=bindparam("update_ref"), at=bindparam("at")))
        result = await self._db.execute(statement, {"channel": channel, "update_ref": update_ref, "at": now})
        return bool(result.rowcount)

    async def prune(self, before: datetime) -> int:
        """Forget updates handled before `before`."""
        result = await self._db.execute(delete(processed_updates).where(processed_updates.c.at < before))
        return int(result.rowcount)
