"""One example of the suite: a persona's phone, a list of actions, and every property after each event."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import currently_in_test_context, note

from bot.i18n import Catalogs
from bot.telegram_layout import inline_rows
from storage.database import Database, sqlite_url
from tests.conftest import START
from tests.properties import actions as a
from tests.properties.phone import Phone
from tests.properties.rules import forbidden, writer
from tests.properties.screens import stray_keyboards, unanswered
from tests.properties.snapshots import Row, Snapshot, changes, read
from tests.properties.world import CHANNEL, Persona
from village.clock import ManualClock


@cache
def catalogs() -> Catalogs:
    """Load the catalogs once: every engine of every example renders with them."""
    return Catalogs.load()


async def explore(world: Path, persona: Persona, steps: list[a.Action]) -> None:
    """Carry out the steps on a copy of the world, checking every property after each event."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hemei.db"
        shutil.copy(world, path)
        database = Database.open(sqlite_url(str(path)))
        try:
            await _walk(Phone(persona, database, ManualClock(START), catalogs()), path, steps)
        finally:
            await database.close()


async def _walk(phone: Phone, path: Path, steps: list[a.Action]) -> None:
    before = read(path)
    identity_id = _identity(before, phone.persona)["id"]
    for step in steps:
        event = await phone.act(step)
        if event is None:
            continue
        if currently_in_test_context():  # also run as a plain test, from a kept example
            note(f"{step} -> {[(r.text, [b.data for row in inline_rows(r) for b in row]) for r in phone.replies]}")
        after = read(path)
        found = list(changes(before, after))
        if isinstance(step, a.Replay):
            assert phone.replies == [], "a redelivered update is answered again"
            changed = [str(c) for c in found if c.table != "identities"]
            assert not changed, f"a redelivered update changed data: {changed}"
        else:
            problems = [*unanswered(phone), *forbidden(writer(before, identity_id), found),
                        *stray_keyboards(phone, _conversation(after, phone.persona))]
            assert not problems, "\n".join(problems)
        before = after


def _identity(snapshot: Snapshot, persona: Persona) -> Row:
    return next(row for row in snapshot.rows("identities").values()
                if row["channel"] == CHANNEL and row["external_id"] == persona.external_id)


def _conversation(snapshot: Snapshot, persona: Persona) -> Row | None:
    return snapshot.rows("conversations").get((_identity(snapshot, persona)["id"],))
