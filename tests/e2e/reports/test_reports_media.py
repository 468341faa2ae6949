"""Kept files through Telegram: a report's photo reaches the grid worker by its cached file_id, without an
upload; a file_id Telegram refuses is replaced by uploading our copy again."""

from __future__ import annotations

import hashlib

from bot.emulator import FakeUser, Sent
from bot.emulator.harness import Harness
from handlers.callback_data import pack
from handlers.reports.cards import HANDLE
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.reports.conftest import DIRECTOR, FAR_RESIDENT, GRID_WORKER, PHOTO, file_report


def photos_to(bot: Harness, user: FakeUser) -> list[Sent]:
    return [m for m in bot.tg.replies_to(user) if m.method == "sendPhoto"]


def file_id_of(bot: Harness, data: bytes) -> str:
    """Return the file id the emulator gave a file a user sent."""
    (found,) = [file_id for file_id, content in bot.api.files.items() if content == data]
    return found


async def cached_ref(bot: Harness, data: bytes) -> str | None:
    """Return the Telegram reference the media store holds for these bytes."""
    async with bot.runtime.database.transaction() as store:
        kept = await store.media.by_sha256(hashlib.sha256(data).hexdigest())
        assert kept is not None
        return await store.media_refs.get(kept.id, "telegram", now=bot.runtime.clock.now())


async def test_the_grid_worker_gets_the_photo_by_its_file_id_without_an_upload(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)

    await file_report(bot, ALICE, photo=True)

    (photo,) = photos_to(bot, GRID_WORKER)
    assert photo.file == PHOTO
    assert photo.file_id == file_id_of(bot, PHOTO)
    assert not photo.uploaded
    assert [m for chat in bot.api.sent.values() for m in chat if m.uploaded] == []


async def report_a_photo_telegram_then_forgets(bot: Harness, user: FakeUser) -> str:
    """Start a report with a photo, then make Telegram forget the photo's file id; return that id."""
    await bot.tg.user_taps(user, "📣 我要反映")
    await bot.tg.user_taps(user, "垃圾/环境卫生")
    await bot.tg.user_says(user, "路边垃圾堆了三天，没人清理")
    await bot.tg.user_sends_photo(user, PHOTO)
    forgotten = file_id_of(bot, PHOTO)
    del bot.api.files[forgotten]  # Telegram no longer knows the id we cached
    await bot.tg.user_taps(user, "➡️ 下一步")
    await bot.tg.user_taps(user, "⏭ 跳过")
    await bot.tg.user_taps(user, "👤 公开姓名")
    return forgotten


async def test_a_file_id_telegram_refuses_is_uploaded_again_and_replaced(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    forgotten = await report_a_photo_telegram_then_forgets(bot, ALICE)

    await bot.tg.user_taps(ALICE, "✅ 确认提交")
    await bot.tg.user_presses_data(GRID_WORKER, pack(HANDLE, "card", 1))  # the worker opens the card again

    first, again = photos_to(bot, GRID_WORKER)
    assert first.file == again.file == PHOTO
    assert first.uploaded
    assert first.file_id != forgotten
    assert await cached_ref(bot, PHOTO) == first.file_id
    assert not again.uploaded
    assert again.file_id == first.file_id


async def test_a_refused_file_is_uploaded_once_for_several_recipients(bot: Harness) -> None:
    for user in (FAR_RESIDENT, SECRETARY, DIRECTOR):
        await join(bot, user)
    await report_a_photo_telegram_then_forgets(bot, FAR_RESIDENT)

    await bot.tg.user_taps(FAR_RESIDENT, "✅ 确认提交")  # no grid worker there: it goes to both cadres

    received = [photos_to(bot, cadre) for cadre in (SECRETARY, DIRECTOR)]
    assert [[m.file for m in photos] for photos in received] == [[PHOTO], [PHOTO]]
    assert sum(m.uploaded for photos in received for m in photos) == 1
