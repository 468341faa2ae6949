"""Test data: a small roster of two villages, and helpers to load it."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.media import MediaKeeper
from handlers.context import MediaKeeping
from handlers.events import Event
from storage.database import Database
from village.clock import Clock
from village.media import MediaKind, MediaPolicy, NewMedia, StoredMedia
from village.people import Actor, Person
from village.roster import ImportSummary
from village.services import Services
from village.settings import VillageSettings

HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]

# village FX01 (和美村): two grids, three groups; village CM01 (崇明村) for cross-village checks.
ROSTER: list[list[str]] = [
    ["FX01", "和美村", "一网格", "一组", "1-01", "张阿婆", "13800000001", "household_head"],
    ["FX01", "和美村", "一网格", "一组", "1-01", "张小明", "13800000002", ""],
    ["FX01", "和美村", "一网格", "一组", "1-02", "王大伯", "13800000003", "household_head;representative"],
    ["FX01", "和美村", "一网格", "二组", "2-01", "赵阿姨", "13800000004", "household_head;group_leader"],
    ["FX01", "和美村", "二网格", "三组", "3-01", "钱大叔", "13800000005", "household_head"],
    ["FX01", "和美村", "一网格", "", "", "孙网格", "13800000006", "grid_worker"],
    ["FX01", "和美村", "", "", "", "李书记", "13800000009", "cadre:书记"],
    ["FX01", "和美村", "", "", "", "周主任", "13800000010", "cadre:主任"],
    ["FX01", "和美村", "", "", "", "吴监督", "13800000011", "supervisor"],
    ["CM01", "崇明村", "东网格", "东一组", "E-01", "陈村民", "13900000001", "household_head"],
    ["CM01", "崇明村", "", "", "", "郑书记", "13900000009", "cadre:书记"],
]

OPERATOR = Actor.operator("tests")


def roster_table(rows: Sequence[Sequence[str]] = ROSTER) -> list[list[str]]:
    """Return a roster table with its header."""
    return [list(HEADER), *[list(r) for r in rows]]


async def load_roster(database: Database, clock: Clock, rows: Sequence[Sequence[str]] = ROSTER,
                      settings: VillageSettings | None = None) -> ImportSummary:
    """Import a roster as an operator would."""
    async with database.transaction() as store:
        services = Services(store, clock, settings or VillageSettings())
        return await services.roster.import_table(OPERATOR, roster_table(rows))


async def person_by_phone(database: Database, phone: str) -> Person:
    """Return the person with a roster phone such as 13800000001."""
    async with database.transaction() as store:
        person = await store.people.by_phone("+86" + phone)
    assert person is not None, phone
    return person


async def bind_telegram(database: Database, clock: Clock, phone: str, tg_user_id: int) -> int:
    """Bind a Telegram account to the roster person with `phone`, as joining would; return the identity id."""
    person = await person_by_phone(database, phone)
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", str(tg_user_id), chat_ref=str(tg_user_id),
                                               display_name=person.name, now=clock.now())
        await store.identities.bind(identity.id, person.id)
    return identity.id


async def make_media(database: Database, clock: Clock, *, kind: MediaKind = MediaKind.PHOTO, content: str = "photo-1",
                     size: int = 1000, mime_type: str | None = "image/jpeg") -> StoredMedia:
    """Record a kept file (its hash made from `content`) and return it, as the adapter would have."""
    digest = hashlib.sha256(content.encode()).hexdigest()
    async with database.transaction() as store:
        return await store.media.add(NewMedia(kind, digest, size, mime_type, f"{kind.value}/{digest[:2]}/{digest}.bin",
                                              clock.now()))


class FakeDownloads:
    """A channel's file server for tests that talk to the engine directly: a file's bytes are its reference."""

    async def download(self, file_ref: str) -> bytes:
        """Return the file's bytes."""
        return file_ref.encode()


# Kept files of engine-level tests: content-addressed, so every test may share the folder; removed at exit.
_MEDIA_FOLDER = tempfile.TemporaryDirectory(prefix="hemei-test-media-")


def media_keeper(database: Database, clock: Clock) -> MediaKeeper:
    """Return a media store over the database, keeping files in a folder removed when the tests end."""
    return MediaKeeper(Path(_MEDIA_FOLDER.name), MediaPolicy(), database, clock)


async def kept(keeper: MediaKeeping | None, event: Event) -> Event:
    """Do what the adapter does before the engine sees an event: keep its file in the media store."""
    if isinstance(keeper, MediaKeeper):
        return await keeper.intake(event, FakeDownloads())
    return event
