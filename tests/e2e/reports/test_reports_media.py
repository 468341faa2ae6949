"""Kept files through Telegram: a report's photo reaches the grid worker by its cached file_id, without an
upload; a file_id Telegram refuses is replaced by uploading our copy again."""

from __future__ import annotations

import hashlib

from bot.emulator import Sent
from bot.emulator.harness import Harness
from handlers.callback_data import pack
from handlers.reports.cards import HANDLE
from tests.conftest import on_both_backends
from tests.e2e.conftest import ALICE, join
from tests.e2e.reports.conftest import GRID_WORKER, PHOTO, file_report


def photos_to(bot: Harness, user: object) -> list[Sent]:
    return [m for m in bot.tg.replies_to(user) if m.method == "sendPhoto"]  # type: ignore[arg-type]


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


@on_both_backends
async def test_the_grid_worker_gets_the_photo_by_its_file_id_without_an_upload(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)

    await file_report(bot, ALICE, photo=True)

    (photo,) = photos_to(bot, GRID_WORKER)
    assert photo.file == PHOTO
    assert photo.file_id == file_id_of(bot, PHOTO)
    assert not photo.uploaded
    assert [m for chat in bot.api.sent.values() for m in chat if m.uploaded] == []


async def test_a_file_id_telegram_refuses_is_uploaded_again_and_replaced(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "垃圾/环境卫生")
    await bot.tg.user_says(ALICE, "路边垃圾堆了三天，没人清理")
    await bot.tg.user_sends_photo(ALICE, PHOTO)
    forgotten = file_id_of(bot, PHOTO)
    del bot.api.files[forgotten]  # Telegram no longer knows the id we cached
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    await bot.tg.user_taps(ALICE, "⏭ 跳过")
    await bot.tg.user_taps(ALICE, "👤 公开姓名")

    await bot.tg.user_taps(ALICE, "✅ 确认提交")
    await bot.tg.user_presses_data(GRID_WORKER, pack(HANDLE, "card", 1))  # the worker opens the card again

    first, again = photos_to(bot, GRID_WORKER)
    assert first.file == again.file == PHOTO
    assert first.uploaded
    assert first.file_id != forgotten
    assert await cached_ref(bot, PHOTO) == first.file_id
    assert not again.uploaded
    assert again.file_id == first.file_id
