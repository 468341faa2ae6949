"""A generated district at Chongming's size, reproducible from a seed, written straight into the database.

At `scale=1`: 268 villages, 230,000 households, 690,000 people (3 a household), 12 monthly assessments of every
household, 200,000 problem reports, 2,000 meetings with their sign-ups, and a year of notices (4 a village a
month, each to one group). The roster goes through the real import (it is one of the measured figures);
conventions through their service; everything else by bulk inserts, because a district's history cannot be
chatted into being. Every count scales with `scale` (at least 2 villages), so a smoke test runs in seconds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.tables import (
    assessments,
    conventions,
    groups,
    households,
    identities,
    meeting_signups,
    meetings,
    notice_recipients,
    notices,
    people,
    reports,
    roles,
    villages,
)
from village.clock import ManualClock
from village.convention.spec import DEFAULT_CONVENTION
from village.people import Actor
from village.roster.rows import parse_rows
from village.services import Services
from village.settings import DEFAULT_REPORT_CATEGORIES, VillageSettings

FULL = {"villages": 268, "households": 230_000, "reports": 200_000, "meetings": 2_000}
PER_HOUSEHOLD = 3
HOUSEHOLDS_PER_GROUP = 30
GROUPS_PER_GRID = 4
JOINED_SHARE = 0.4  # people bound to a Telegram account
STAFF = ("cadre", "grid_worker", "group_leader", "supervisor")
NOTICES_PER_VILLAGE_MONTH = 4
# The district's "now": the 1st of December 2026, the digest's day; the year of data ends here.
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
MONTHS = [(2025 + (m // 12), m % 12 + 1) for m in range(11, 23)]  # 2025-12 … 2026-11
CHUNK = 5_000
FIRST_CHAT = 7_000_000_000
HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]


@dataclass(frozen=True)
class Size:
    """How much to generate."""

    villages: int
    households: int
    reports: int
    meetings: int

    @classmethod
    def at(cls, scale: float) -> Size:
        """Return the district's figures times `scale`."""
        villages = max(2, round(FULL["villages"] * scale))
        return cls(villages, max(villages * 4, round(FULL["households"] * scale)),
                   max(villages, round(FULL["reports"] * scale)), max(villages, round(FULL["meetings"] * scale)))

    @property
    def people(self) -> int:
        """People on the roster."""
        return self.households * PER_HOUSEHOLD


@dataclass
class Generated:
    """What was written, and how long the roster import took."""

    size: Size
    counts: dict[str, int] = field(default_factory=dict)
    roster_seconds: float = 0.0
    total_seconds: float = 0.0


def roster_table(size: Size) -> list[list[str]]:
    """Return the district's roster as a spreadsheet reader hands it over; staff are listed first per village."""
    table = [HEADER]
    per_village = size.households // size.villages
    for v in range(size.villages):
        code, name = f"D{v:03d}", f"村{v}"
        count = per_village if v < size.villages - 1 else size.households - per_village * v
        for h in range(count):
            group, grid = h // HOUSEHOLDS_PER_GROUP, h // (HOUSEHOLDS_PER_GROUP * GROUPS_PER_GRID)
            for seat in range(PER_HOUSEHOLD):
                n = len(table)
                table.append([code, name, f"{grid + 1}网格", f"{group + 1}组", f"{h + 1}", f"村民{n}",
                              f"15{n:09d}", _roles(h, seat)])
    return table


def _roles(household: int, seat: int) -> str:
    if seat == 0:
        granted = ["household_head"]
        if household == 0:
            granted.append("cadre:书记")
        if household % (HOUSEHOLDS_PER_GROUP * GROUPS_PER_GRID) == 1:
            granted.append("grid_worker")
        if household % HOUSEHOLDS_PER_GROUP == 2:
            granted.append("group_leader")
        return ";".join(granted)
    return "supervisor" if household == 3 and seat == 1 else ""


async def generate(database: Database, scale: float, seed: int = 11) -> Generated:
    """Write a district of `scale` into a migrated, empty database."""
    started = time.perf_counter()
    size, rng = Size.at(scale), random.Random(seed)
    result = Generated(size)
    result.roster_seconds = await import_roster(database, size)
    await add_conventions(database)
    async with database.connection() as connection:
        result.counts["identities"] = await add_identities(connection, rng)
        result.counts["assessments"] = await add_assessments(connection, rng)
        result.counts["reports"] = await add_reports(connection, rng, size.reports)
        result.counts.update(await add_meetings(connection, rng, size.meetings))
        result.counts.update(await add_notices(connection, rng))
    result.counts.update(villages=size.villages, households=size.households, people=size.people)
    result.total_seconds = time.perf_counter() - started
    return result


async def import_roster(database: Database, size: Size) -> float:
    """Import the roster through the real service (validate first, then one transaction); return the seconds."""
    table = roster_table(size)
    started = time.perf_counter()
    rows = parse_rows(table)
    async with database.transaction() as store:
        services = Services(store, ManualClock(NOW), VillageSettings())
        await services.roster.import_rows(Actor.operator("district"), rows)
    return time.perf_counter() - started


async def add_conventions(database: Database) -> None:
    """Give every village the default convention, through its service."""
    async with database.transaction() as store:
        services = Services(store, ManualClock(NOW - timedelta(days=400)), VillageSettings())
        for village in await store.places.villages():
            await services.conventions.import_spec(Actor.operator("district"), village.code, DEFAULT_CONVENTION)


async def add_identities(connection: AsyncConnection, rng: random.Random) -> int:
    """Bind a share of the people to Telegram accounts (every staff member among them)."""
    staff = set((await connection.execute(select(roles.c.person_id).where(roles.c.role.in_(STAFF))))
                .scalars())
    ids = (await connection.execute(select(people.c.id).order_by(people.c.id))).scalars().all()
    joined = [p for p in ids if p in staff or rng.random() < JOINED_SHARE]
    seen = NOW - timedelta(days=200)
    await _insert(connection, identities, ({
        "channel": "telegram", "external_id": str(FIRST_CHAT + p), "chat_ref": str(FIRST_CHAT + p), "person_id": p,
        "display_name": f"villager {p}", "first_seen": seen, "last_seen": seen} for p in joined))
    return len(joined)


async def add_assessments(connection: AsyncConnection, rng: random.Random) -> int:
    """Publish 12 monthly assessments of every household."""
    current = {r.village_id: r for r in await connection.execute(select(conventions))}
    assessor = NOW - timedelta(days=1)
    rows = (await connection.execute(select(households.c.id, households.c.village_id, households.c.group_id)
                                     .order_by(households.c.id))).fetchall()

    def made() -> Iterator[dict[str, Any]]:
        for year, month in MONTHS:
            at = datetime(year, month, 25, 2, tzinfo=UTC)
            for household in rows:
                total = 100 - rng.choice((0, 0, 0, 0, 0, 2, 5, 10, 20, 30))
                face = "smile" if total >= 90 else "flat" if total >= 70 else "cry"
                yield {"village_id": household.village_id, "group_id": household.group_id,
                       "household_id": household.id, "period": f"{year}-{month:02d}",
                       "convention_id": current[household.village_id].id, "status": "published", "total": total,
                       "face": face, "assessor_label": "district", "released_fen": 0 if face == "cry" else 1000,
                       "withheld_fen": 1000 if face == "cry" else 0, "revision": 0,
                       "updated_at": min(at, assessor), "published_at": min(at, assessor)}

    return await _insert(connection, assessments, made())


async def add_reports(connection: AsyncConnection, rng: random.Random, count: int) -> int:
    """File `count` reports over the year, spread over the villages, most of them closed."""
    residents = (await connection.execute(select(people.c.id, people.c.village_id, people.c.grid_id)
                                          .where(people.c.household_id.is_not(None)).order_by(people.c.id))).fetchall()
    village_codes = await _village_codes(connection)
    workers = await _grid_workers(connection)
    sequence: dict[tuple[int, str], int] = {}
    statuses = ["closed"] * 14 + ["resolved", "in_progress", "accepted", "submitted", "rejected", "consulting"]

    def made() -> Iterator[dict[str, Any]]:
        for n in range(count):
            reporter = residents[rng.randrange(len(residents))]
            created = NOW - timedelta(seconds=rng.randrange(365 * 86400))
            month = created.strftime("%y%m")
            seq = sequence[(reporter.village_id, month)] = sequence.get((reporter.village_id, month), 0) + 1
            status = "submitted" if created > NOW - timedelta(days=2) else rng.choice(statuses)
            done = created + timedelta(days=rng.randrange(1, 10))
            yield {"village_id": reporter.village_id, "month": month, "seq": seq,
                   "code": f"{village_codes[reporter.village_id]}-{month}-{seq:04d}",
                   "category": DEFAULT_REPORT_CATEGORIES[n % len(DEFAULT_REPORT_CATEGORIES)],
                   "text": f"第{n}号问题：路灯不亮", "status": status, "reporter_id": reporter.id,
                   "filed_by_id": reporter.id, "anonymous": n % 7 == 0, "grid_id": reporter.grid_id,
                   "assignee_id": workers.get(reporter.grid_id), "address": "村口", "created_at": created,
                   "accept_due_at": created + timedelta(days=1),
                   "deadline_at": None if status in ("submitted", "rejected") else done + timedelta(days=7),
                   "accepted_at": None if status in ("submitted", "rejected") else created + timedelta(hours=5),
                   "resolved_at": done if status in ("resolved", "closed") else None,
                   "closed_at": done + timedelta(days=7) if status == "closed" else None,
                   "rating": "satisfied" if status == "closed" else None, "resolution_note": "", "reopened": 0}

    return await _insert(connection, reports, made())


async def add_meetings(connection: AsyncConnection, rng: random.Random, count: int) -> dict[str, int]:
    """Hold `count` meetings over the year (each village's first still ahead), each with sign-ups to capacity."""
    by_village = await _people_by_village(connection)
    villages = sorted(by_village)
    rows = []
    for n in range(count):
        ahead = n < len(villages)
        days = rng.randrange(3, 30) if ahead else rng.randrange(-330, 30)
        starts = NOW + timedelta(days=days, hours=rng.randrange(10))
        status = "published" if starts > NOW else rng.choice(["resolved", "implemented", "published"])
        rows.append({"village_id": villages[n % len(villages)], "level": "village", "group_id": None,
                     "title": f"议事会{n}", "venue_type": "office", "venue_name": "村委会议室", "starts_at": starts,
                     "ends_at": starts + timedelta(hours=2), "signup_deadline": starts - timedelta(hours=12),
                     "capacity": 30, "status": status, "version": 1, "checkin_code": f"{n % 10000:04d}",
                     "created_at": starts - timedelta(days=14), "published_at": starts - timedelta(days=14)})
    await _insert(connection, meetings, iter(rows))
    held = (await connection.execute(select(meetings.c.id, meetings.c.village_id, meetings.c.starts_at))).fetchall()

    def signups() -> Iterator[dict[str, Any]]:
        for meeting in held:
            chosen = rng.sample(by_village[meeting.village_id], min(34, len(by_village[meeting.village_id])))
            for seat, person in enumerate(chosen, start=1):
                confirmed = seat <= 30
                yield {"meeting_id": meeting.id, "person_id": person,
                       "status": "confirmed" if confirmed else "waitlisted", "seat": seat if confirmed else None,
                       "queued_at": meeting.starts_at - timedelta(days=7, minutes=-seat),
                       "confirmed_at": meeting.starts_at - timedelta(days=7) if confirmed else None}

    return {"meetings": count, "meeting_signups": await _insert(connection, meeting_signups, signups())}


async def add_notices(connection: AsyncConnection, rng: random.Random) -> dict[str, int]:
    """Send 4 notices a village a month for a year, each to one group's members."""
    members: dict[int, dict[int, list[int]]] = {}
    query = select(people.c.id, people.c.village_id, people.c.group_id).order_by(people.c.id)
    for person in await connection.execute(query):
        if person.group_id is not None:
            members.setdefault(person.village_id, {}).setdefault(person.group_id, []).append(person.id)
    # Groups in name order: their ids depend on the order the import happened to write them in.
    names = dict((await connection.execute(select(groups.c.id, groups.c.name))).fetchall())
    rows, addressed = [], []
    for village_id, groups_of in sorted(members.items()):
        by_name = sorted(groups_of, key=lambda g: names[g])
        for year, month in MONTHS:
            for k in range(NOTICES_PER_VILLAGE_MONTH):
                group_id = rng.choice(by_name)
                at = datetime(year, month, 3 + 7 * k, 2, tzinfo=UTC)
                rows.append({"village_id": village_id, "category": rng.choice(["public", "notice", "activity"]),
                             "text": f"{year}年{month}月第{k + 1}号通知", "translations": {},
                             "audience": {"groups": [group_id]}, "recipients": len(groups_of[group_id]),
                             "batch": f"notice:district:{village_id}:{year}{month:02d}{k}", "created_at": at,
                             "finished_at": at + timedelta(minutes=5)})
                addressed.append(groups_of[group_id])
    await _insert(connection, notices, iter(rows))
    ids = (await connection.execute(select(notices.c.id).order_by(notices.c.id))).scalars().all()
    recipients = ({"notice_id": notice_id, "person_id": p} for notice_id, group in zip(ids, addressed, strict=True)
                  for p in group)
    return {"notices": len(rows), "notice_recipients": await _insert(connection, notice_recipients, recipients)}


async def _village_codes(connection: AsyncConnection) -> dict[int, str]:
    return {r.id: r.code for r in await connection.execute(select(villages.c.id, villages.c.code))}


async def _grid_workers(connection: AsyncConnection) -> dict[int, int]:
    query = (select(people.c.grid_id, people.c.id).join(roles, roles.c.person_id == people.c.id)
             .where(roles.c.role == "grid_worker"))
    return {r.grid_id: r.id for r in await connection.execute(query)}


async def _people_by_village(connection: AsyncConnection) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for person in await connection.execute(select(people.c.id, people.c.village_id).order_by(people.c.id)):
        found.setdefault(person.village_id, []).append(person.id)
    return found


async def _insert(connection: AsyncConnection, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    """Insert rows in chunks (executemany); return how many."""
    written, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            written += await _write(connection, table, chunk)
            chunk = []
    if chunk:
        written += await _write(connection, table, chunk)
    return written


async def _write(connection: AsyncConnection, table: Any, chunk: Sequence[dict[str, Any]]) -> int:
    await connection.execute(insert(table), list(chunk))
    return len(chunk)
