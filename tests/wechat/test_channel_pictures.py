"""Pictures on WeChat: uploaded once and sent again by their media id while it lives (3 days)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.media import MediaKeeper
from bot.wechat.channel import WechatChannel
from bot.wechat.client import WechatClient
from bot.wechat.fake import FakeWechat
from handlers.replies import Attachment, AttachmentKind, Reply
from storage.database import Database
from village.clock import ManualClock
from village.media import MediaKind, MediaPolicy, NewMedia

PEOPLE = ("o_person_1", "o_person_2", "o_person_3")
BOARD = b"\x89PNG-the-group-board"
RIVER = b"\xff\xd8\xff-photo-of-the-river"


@pytest.fixture
def keeper(database: Database, clock: ManualClock, tmp_path: Path) -> MediaKeeper:
    return MediaKeeper(tmp_path, MediaPolicy(), database, clock)


@pytest.fixture
def channel(client: WechatClient, database: Database, clock: ManualClock, keeper: MediaKeeper) -> WechatChannel:
    return WechatChannel(client, database, clock, keeper)


def uploads(fake: FakeWechat, content: bytes) -> int:
    """Count the temporary media the fake holds with this content (each upload makes one)."""
    return sum(1 for media in fake.world.media.values() if media.content == content)


def images_sent(fake: FakeWechat) -> list[str]:
    return [m.payload["image"]["media_id"] for p in PEOPLE for m in fake.world.sent.get(p, [])
            if m.msg_type == "image"]


async def kept(keeper: MediaKeeper, database: Database, clock: ManualClock) -> int:
    path = keeper.save(RIVER, MediaKind.PHOTO, ".jpg")
    async with database.transaction() as store:
        stored = await store.media.add(NewMedia(MediaKind.PHOTO, path.stem, len(RIVER), "image/jpeg",
                                                str(path.relative_to(keeper.root)), clock.now()))
    return stored.id


async def test_a_kept_photo_sent_to_three_people_is_uploaded_once(
        channel: WechatChannel, fake: FakeWechat, keeper: MediaKeeper, database: Database,
        clock: ManualClock) -> None:
    media_id = await kept(keeper, database, clock)
    for person in PEOPLE:
        fake.has_written(person)

    for person in PEOPLE:
        await channel.send(person, Reply("", attachment=Attachment(AttachmentKind.PHOTO, media_id=media_id)))

    assert uploads(fake, RIVER) == 1
    assert len(set(images_sent(fake))) == 1
    assert len(images_sent(fake)) == 3


async def test_a_drawn_picture_is_uploaded_once_and_again_when_its_media_id_has_expired(
        channel: WechatChannel, fake: FakeWechat, clock: ManualClock) -> None:
    board = Attachment(AttachmentKind.PHOTO, data=BOARD, file_name="board.png")

    first = await channel.upload_picture(board)
    again = await channel.upload_picture(board)
    clock.advance(timedelta(days=3))
    later = await channel.upload_picture(board)

    assert first == again
    assert later != first
    assert uploads(fake, BOARD) == 2


async def test_a_kept_photo_is_uploaded_again_once_its_media_id_has_expired(
        channel: WechatChannel, fake: FakeWechat, keeper: MediaKeeper, database: Database,
        clock: ManualClock) -> None:
    photo = Attachment(AttachmentKind.PHOTO, media_id=await kept(keeper, database, clock))

    first = await channel.upload_picture(photo)
    clock.advance(timedelta(days=3))
    later = await channel.upload_picture(photo)

    assert later != first
    assert uploads(fake, RIVER) == 2
