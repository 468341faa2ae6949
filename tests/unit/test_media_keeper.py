"""The media store's library: what the adapter keeps before a step runs, and what it refuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.media import MediaKeeper
from handlers.events import Event, EventKind, Media
from storage.database import Database
from tests.factories import bind_telegram, load_roster
from village.clock import ManualClock
from village.errors import ErrorCode, InvalidInputError
from village.media import MediaKind, MediaPolicy

ALICE_TG = 1001


@dataclass
class Files:
    """A channel's file server that counts downloads."""

    content: dict[str, bytes]
    asked: list[str] = field(default_factory=list)

    async def download(self, file_ref: str) -> bytes:
        self.asked.append(file_ref)
        return self.content[file_ref]


def kept_files(root: Path) -> list[Path]:
    return list(root.rglob("*.jpg"))


@pytest.fixture
async def keeper(database: Database, clock: ManualClock, tmp_path: Path) -> MediaKeeper:
    await load_roster(database, clock)
    await bind_telegram(database, clock, "13800000001", ALICE_TG)
    return MediaKeeper(tmp_path, MediaPolicy(max_photo_mb=1), database, clock)


def photo(ref: str, *, size: int | None = None, sender: str = str(ALICE_TG), channel: str = "telegram") -> Event:
    return Event(channel=channel, external_id=sender, chat_ref=sender, kind=EventKind.PHOTO,
                 media=Media(ref, size, "image/jpeg"))


async def test_a_photo_is_kept_on_disk_and_the_event_carries_its_media_id(keeper: MediaKeeper) -> None:
    files = Files({"a": b"rubbish", "b": b"rubbish"})

    first = await keeper.intake(photo("a"), files)
    second = await keeper.intake(photo("b"), files)

    assert first.media is not None
    assert second.media is not None
    assert first.media.media_id is not None
    assert second.media.media_id == first.media.media_id  # the same bytes are one file
    stored = await keeper.get(first.media.media_id)
    assert stored is not None
    path = keeper.path_of(stored)
    assert path is not None
    assert path.read_bytes() == b"rubbish"
    assert await keeper.ref(first.media.media_id, "telegram") == "b"  # the newest reference is cached


async def test_a_file_declared_too_large_is_not_downloaded_and_the_step_says_so(keeper: MediaKeeper) -> None:
    files = Files({"big": b"x"})

    event = await keeper.intake(photo("big", size=2 * 1024 * 1024), files)

    assert files.asked == []
    assert event.media is not None
    assert event.media.media_id is None
    with pytest.raises(InvalidInputError) as refused:
        await keeper.keep(event.media, MediaKind.PHOTO)
    assert refused.value.code is ErrorCode.MEDIA_TOO_LARGE


async def test_a_file_larger_than_declared_is_not_kept(keeper: MediaKeeper, tmp_path: Path) -> None:
    event = await keeper.intake(photo("big", size=10), Files({"big": b"x" * (1024 * 1024 + 1)}))

    assert event.media is not None
    assert event.media.media_id is None
    assert kept_files(tmp_path) == []


async def test_a_strangers_file_is_not_kept(keeper: MediaKeeper) -> None:
    files = Files({"a": b"spam"})

    event = await keeper.intake(photo("a", sender="9999"), files)

    assert files.asked == []
    assert event.media is not None
    assert event.media.media_id is None


async def test_a_wechat_media_id_is_forgotten_after_three_days(keeper: MediaKeeper, database: Database,
                                                               clock: ManualClock) -> None:
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", "oAlice", chat_ref="oAlice", display_name="", now=clock.now())
        await store.identities.bind(identity.id, 1)
    event = await keeper.intake(photo("wx-1", sender="oAlice", channel="wechat"), Files({"wx-1": b"river"}))
    assert event.media is not None
    assert event.media.media_id is not None

    fresh = await keeper.ref(event.media.media_id, "wechat")
    clock.advance(timedelta(days=3))
    expired = await keeper.ref(event.media.media_id, "wechat")

    assert (fresh, expired) == ("wx-1", None)
