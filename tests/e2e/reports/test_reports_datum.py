"""Locations through Telegram are WGS-84; a report placed in GCJ-02 (as WeChat sends) is still found nearby."""

from __future__ import annotations

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, join
from tests.e2e.reports.conftest import file_report
from tests.factories import person_by_phone
from village.clock import ManualClock
from village.geo import Datum, GeoPoint
from village.people import Actor
from village.reports import ReportDraft
from village.services import Services
from village.settings import VillageSettings

SPOT = GeoPoint(30.92, 121.47, Datum.WGS84)  # where the emulator's 📍 button says the phone is


async def test_a_location_shared_on_telegram_is_stored_as_wgs84(bot: Harness, database: Database) -> None:
    await join(bot, ALICE)

    await file_report(bot, ALICE)

    alice = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        [report] = await store.reports.of_person(alice.id, 10)
    assert report.point == SPOT


async def test_a_report_placed_in_gcj02_is_offered_as_nearby_on_telegram(bot: Harness, database: Database,
                                                                         clock: ManualClock) -> None:
    await join(bot, ALICE)
    neighbour = Actor.of(await person_by_phone(database, "13800000003"))
    async with database.transaction() as store:  # the same spot, as a WeChat user would have sent it
        draft = ReportDraft("垃圾/环境卫生", "桥下垃圾没人清", point=SPOT.to(Datum.GCJ02))
        await Services(store, clock, VillageSettings()).reports.file(neighbour, draft)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "垃圾/环境卫生")
    await bot.tg.user_says(ALICE, "这里垃圾很多")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")

    asked = await bot.tg.user_taps(ALICE, "📍 发送我的位置")

    assert "附近已经有人反映过同样的问题" in asked[-1].text
    assert "👍 是的，就是 FX01-2611-0001" in asked[-1].inline_labels
