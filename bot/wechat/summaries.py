"""What was parked for a person goes out when they write again: as it was when there are few, in one
summary when there are many.

A window allows 5 customer-service messages in 48 hours, and an elderly reader is better served by one
short list than by a burst: more than `SUMMARY_OVER` plain messages become one message listing them
(a line each), with the full texts on a signed page, or below the list when there are no pages. The
summarised rows are recorded as sent (route `summary`) in the same transaction that queues the summary,
which is itself an outbox row: parked again if it cannot go, and important if one of them was.
Messages with choices or a picture are released as they are, since a summary would lose their buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.i18n import Catalogs
from bot.wechat.pages.assembly import PageKit
from bot.wechat.routing import teaser_text
from handlers.replies import Reply, from_payload, to_payload
from handlers.texts import Content, _, lines
from storage.store import SqlStore
from village.outbox import MessageKind, NewMessage, OutboxItem, Priority
from village.people import Identity

SUMMARY_OVER = 3
LISTED = 10  # lines in the summary; the rest are counted


class ParkedRelease:
    """Releases a person's parked messages when they write, summarising many."""

    def __init__(self, catalogs: Catalogs, locale: str, pages: PageKit | None) -> None:
        self._catalogs, self._locale, self._pages = catalogs, locale, pages

    async def release(self, store: SqlStore, identity: Identity, now: datetime) -> None:
        """Queue what was parked for the person, due now; many plain messages as one summary."""
        parked = await store.outbox.parked_of_identity(identity.id)
        if not parked:  # the usual case: nothing to release, no UPDATE
            return
        plain = [item for item in parked if _summarisable(item)]
        if len(plain) > SUMMARY_OVER:
            locale = identity.locale or self._locale
            summary = NewMessage(f"parked-summary:{identity.id}:{plain[0].id}-{plain[-1].id}", identity.id,
                                 to_payload(Reply(self._summary(plain, locale))), Priority.URGENT,
                                 kind=MessageKind.PARKED_SUMMARY, important=any(i.important for i in plain))
            await store.outbox.add_many([summary], now)
            await store.outbox.mark_summarised([item.id for item in plain], now)
        await store.outbox.release_parked(identity.id, now)

    def _summary(self, items: Sequence[OutboxItem], locale: str) -> str:
        texts = [str(from_payload(dict(item.payload)).text) for item in items]
        listed = [f"{n}. {teaser_text(text, 24)}" for n, text in enumerate(texts[:LISTED], start=1)]
        more = _("… and {count} more", count=len(texts) - LISTED) if len(texts) > LISTED else None
        head = _("While you were away, the village sent you {count} messages:", count=len(texts))
        if self._pages is None:  # no page to link to: the full texts follow the list
            return self._text(lines(head, *listed, more, _("In full:"), "\n\n".join(texts)), locale)
        title = self._text(_("Messages while you were away"), locale)
        link = self._pages.links.message(self._pages.store.put_message(title, "\n\n".join(texts)))
        return self._text(lines(head, *listed, more, _("Read them in full here: {link}", link=link)), locale)

    def _text(self, content: Content, locale: str) -> str:
        return self._catalogs.text(content, locale)


def _summarisable(item: OutboxItem) -> bool:
    reply = from_payload(dict(item.payload))
    return not reply.choices and reply.attachment is None and bool(str(reply.text).strip())

