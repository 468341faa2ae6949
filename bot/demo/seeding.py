"""Filling a database with the demo's dataset, and refusing one that holds anything but the demo's own data."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.demo.dataset import FAMILY_PERSONA, PERSONA_ID_BASE, VILLAGES, demo_roster
from bot.demo.seed_care import seed_care
from bot.demo.seed_consultation import seed_consultation
from bot.demo.seed_convention import seed_convention
from bot.demo.seed_family import seed_family
from bot.demo.seed_notices import seed_notices
from bot.demo.seed_reports import seed_reports
from handlers.texts import Content, _
from storage.database import Database
from storage.migrate import table_names, upgrade
from village.clock import SystemClock
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

DEMO_VILLAGES = {(plan.code, plan.name) for plan in VILLAGES}
CREATE_HINT = "createdb hemei_demo"
MAX_NAMED = 5  # tables or villages named in a refusal


async def load_dataset(url: str) -> bool:
    """Migrate the database and seed the demo's villages unless it has them already; return whether it seeded."""
    await upgrade(url)
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            services = Services(store, SystemClock(), VillageSettings())
            fresh = not await store.places.villages()
            if fresh:
                await services.roster.import_table(Actor.operator("demo"), demo_roster())
                await seed_convention(services, Actor.operator("demo"))
                await seed_reports(services)
                await seed_consultation(store, services.clock.now(), services.settings)
                await seed_care(store, services.clock.now(), services.settings)
                await seed_family(services, str(PERSONA_ID_BASE + FAMILY_PERSONA))
        if fresh:
            await seed_notices(database, SystemClock(), VillageSettings())
    finally:
        await database.close()
    return fresh


async def demo_database_problem(url: str) -> Content | None:
    """Return why the demo must not use this database, or None when it is empty or the demo's own.

    The demo writes its villages and people and lets its bot send to them: into a district's real database
    that would mix made-up people with real ones, so it is refused, as is a database of another application.
    Nothing is changed here (not even a migration) before the answer.
    """
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        tables = await table_names(url)
    except (DBAPIError, OSError) as error:  # no server there, no such database or role, refused
        problem = str(error.orig) if isinstance(error, DBAPIError) else str(error)
        return _("Cannot open {database}: {problem}. Is the server running, and does the database exist "
                 "(e.g. {create})?", database=shown, problem=problem, create=CREATE_HINT)
    if not tables:
        return None
    if "alembic_version" not in tables or "villages" not in tables:
        return _("{database} has tables that are not Hemei's ({tables}): give the demo an empty database "
                 "(e.g. {create}).", database=shown, tables=", ".join(tables[:MAX_NAMED]), create=CREATE_HINT)
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            villages = await store.places.villages()
    finally:
        await database.close()
    others = [v.name for v in villages if (v.code, v.name) not in DEMO_VILLAGES]
    if others:
        return _("{database} holds villages that are not the demo's ({villages}): the demo would add made-up "
                 "people beside them. Give it an empty database (e.g. {create}).", database=shown,
                 villages=", ".join(others[:MAX_NAMED]), create=CREATE_HINT)
    return None
