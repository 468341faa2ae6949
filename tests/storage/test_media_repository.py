"""The media store's rows: one per content hash, and each channel's reference with its expiry."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from tests.factories import make_media
from village.clock import ManualClock
from village.media import MediaKind, NewMedia


async def test_the_same_bytes_are_one_row(database: Database, clock: ManualClock) -> None:
    first = await make_media(database, clock, content="rubbish")

    again = await make_media(database, clock, kind=MediaKind.DOCUMENT, content="rubbish")
    other = await make_media(database, clock, content="river")

    assert again == first
    assert other.id != first.id
    async with database.transaction() as store:
        assert await store.media.get(first.id) == first


async def test_files_known_only_by_a_channel_are_separate_rows_without_a_path(database: Database,
                                                                              clock: ManualClock) -> None:
    new = NewMedia(MediaKind.VOICE, None, 0, None, None, clock.now())

    async with database.transaction() as store:
        one, two = await store.media.add(new), await store.media.add(new)

    assert one.id != two.id
    assert one.path is None


async def test_a_reference_is_replaced_and_ignored_once_expired(database: Database, clock: ManualClock) -> None:
    kept = await make_media(database, clock)
    now = clock.now()
    async with database.transaction() as store:
        await store.media_refs.put(kept.id, "telegram", "old-file-id")
        await store.media_refs.put(kept.id, "telegram", "new-file-id")
        await store.media_refs.put(kept.id, "wechat", "wx-media", expires_at=now + timedelta(days=3))

    async with database.transaction() as store:
        telegram = await store.media_refs.get(kept.id, "telegram", now=now + timedelta(days=400))
        fresh = await store.media_refs.get(kept.id, "wechat", now=now + timedelta(days=2))
        expired = await store.media_refs.get(kept.id, "wechat", now=now + timedelta(days=3))
        await store.media_refs.forget(kept.id, "telegram")
        forgotten = await store.media_refs.get(kept.id, "telegram", now=now)

    assert (telegram, fresh, expired, forgotten) == ("new-file-id", "wx-media", None, None)
