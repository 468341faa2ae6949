"""Queueing a published notice: one outbox row per account, in its reader's language, as one batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from handlers.context import Notifier
from handlers.notices.views import notice_reply
from village.notices import Notice, delivery_priority, is_important, waits_for_quiet_hours
from village.outbox import MessageKind
from village.people import Identity
from village.routing import queued_for
from village.services import Services


async def deliver(notify: Notifier, services: Services, notice: Notice) -> int:
    """Queue the notice for every account it goes to; return how many rows were queued.

    Each row's key is `notice:<id>>i<identity>`, so queueing again never sends twice.
    Non-urgent notices wait out the quiet hours; all but urgent ones go after messages to individuals.
    """
    village = await services.store.places.village(notice.village_id)
    name = village.name if village else ""
    queued = 0
    accounts = await services.notices.deliveries(notice)
    if is_important(notice.category):  # those with no account go on the cadres' follow-up list
        await notify.note_unreached(await services.store.notices.recipient_ids(notice.id), accounts, notice.batch,
                                    kind=MessageKind.NOTICE_BROADCAST, important=True)
    for locale, identities in by_locale(accounts, services.settings.locale).items():
        queued += await notify.to_identities(
            identities, notice.batch, notice_reply(notice, name, locale),
            kind=MessageKind.NOTICE_BROADCAST, important=is_important(notice.category),
            optional=waits_for_quiet_hours(notice.category), priority=delivery_priority(notice.category),
            batch=notice.batch)
    return queued


def by_locale(identities: Iterable[Identity], default: str) -> dict[str, list[Identity]]:
    """Group accounts by the language they read, one account per person (the one their rows are queued for).

    A person's two accounts may read different languages: grouped apart, each group would queue its own
    row for them (`Notifier.to_identities` keeps one per person within a call only), and they would get the
    message twice, on WeChat perhaps two of their four mass sends a month.
    """
    groups: dict[str, list[Identity]] = defaultdict(list)
    for identity in queued_for(list(identities)):
        groups[identity.locale or default].append(identity)
    return dict(groups)
