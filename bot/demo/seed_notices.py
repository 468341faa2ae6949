"""Demo data for notices: emulator accounts for most of 和美村, and last month's delivered 村务公开.

Without accounts a broadcast would reach only the personas; with them the cadre
sees real progress and a delivery report (a few accounts have blocked the bot).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import Catalogs
from handlers.context import Notifier
from handlers.notices.delivery import deliver
from storage.database import Database
from village.clock import Clock, ManualClock
from village.notices import Audience, AudienceKind, NoticeCategory, NoticeDraft
from village.people import Actor
from village.ports import Store
from village.services import Services
from village.settings import VillageSettings

VILLAGE = "FX01"
SECRETARY_PHONE = "+8613800000009"
PERSONA_PHONES = "+86138000000"  # the personas join through the chat themselves
ACCOUNT_BASE = 900_000  # emulator chat ids of seeded accounts; the personas use 7000 + n
PAST_NOTICE = ("关于上月村级财务收支情况的公开\n"
               "上月村集体收入 12.6 万元，支出 9.8 万元，明细已张贴在村委会公开栏，欢迎村民监督。")


async def seed_notices(database: Database, clock: Clock, settings: VillageSettings) -> int:
    """Bind emulator accounts to 60% of the village's people and publish last month's notice; return accounts."""
    async with database.transaction() as store:
        accounts = await _bind_accounts(store, clock.now())
    async with database.transaction() as store:
        await _past_notice(store, clock, settings)
    return accounts


async def _bind_accounts(store: Store, now: datetime) -> int:
    village = await store.places.village_by_code(VILLAGE)
    assert village is not None
    bound = 0
    for person in await store.people.in_village(village.id):
        if person.id % 5 >= 3 or (person.phone or "").startswith(PERSONA_PHONES):
            continue
        chat = str(ACCOUNT_BASE + person.id)
        identity = await store.identities.seen("telegram", chat, chat_ref=chat, display_name=person.name, now=now)
        await store.identities.bind(identity.id, person.id)
        if person.id % 97 == 0:  # a few blocked the bot long ago
            await store.identities.set_unreachable(identity.id, now)
        bound += 1
    return bound


async def _past_notice(store: Store, clock: Clock, settings: VillageSettings) -> None:
    """Publish a 村务公开 to the whole village dated last month, and record its delivery as done."""
    local = clock.now().astimezone(settings.timezone)
    then = ManualClock(local.replace(day=1, hour=10, minute=0, second=0, microsecond=0) - timedelta(days=10))
    services = Services(store, then, settings)
    secretary = await store.people.by_phone(SECRETARY_PHONE)
    assert secretary is not None
    draft = NoticeDraft(secretary.village_id, NoticeCategory.PUBLIC_AFFAIRS, PAST_NOTICE,
                        Audience(AudienceKind.VILLAGE))
    notice = await services.notices.publish(Actor.of(secretary), draft)
    await deliver(Notifier(services, Catalogs.load(settings.locale), settings.locale), services, notice)
    delivered = then.now() + timedelta(minutes=5)
    for item in await store.outbox.claim(delivered, limit=100_000):
        if item.unreachable:
            await store.outbox.mark_blocked(item.id, delivered, "unreachable")
        else:
            await store.outbox.mark_sent(item.id, delivered)
    await services.notices.finish(notice.id)
