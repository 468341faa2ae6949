"""What a conversation step gets: the event, who sent it, the services, and a way to notify others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from handlers.events import Event, Media
from handlers.menu import Menu
from handlers.replies import Reply, to_payload
from handlers.texts import Content, _, lines
from village.errors import ErrorCode, InvalidInputError, NotBoundError
from village.family.reach import Recipient
from village.media import MediaKind, StoredMedia
from village.outbox import KIND_TRAITS, MessageKind, NewMessage, Priority
from village.people import Actor, Identity, Person
from village.routing import queued_for
from village.services import Services


class QrPictures(Protocol):
    """Makes a channel's QR code that opens a scene (WeChat: a follow or scan carrying `scene`), as a PNG."""

    async def picture(self, scene: str, lifetime: timedelta) -> bytes | None:
        """Return the picture of a code valid for `lifetime`, or None when the channel could not make one."""
        ...


class ReminderPages(Protocol):
    """A channel's page where a person chooses which reminders it may send them (WeChat: subscription notifications,
    accepted on a signed web page, never inside the chat)."""

    def settings_link(self, channel: str, external_id: str) -> str | None:
        """Return a link to the person's reminder-settings page; None where their channel has none."""
        ...


class Renderer(Protocol):
    """Turns translatable replies into text in one language (bot/i18n.py)."""

    def render(self, reply: Reply, locale: str) -> Reply:
        """Return `reply` with every text rendered in `locale`."""
        ...

    def text(self, content: Content, locale: str) -> str:
        """Return `content` rendered in `locale`."""
        ...


class Downloader(Protocol):
    """Fetches a file a person sent, by the channel's reference."""

    async def download(self, file_ref: str) -> bytes:
        """Return the file's bytes."""
        ...


class MediaKeeping(Protocol):
    """The media store (bot/media.py): files people send, kept by the adapter before the step runs."""

    async def keep(self, media: Media, kind: MediaKind) -> StoredMedia:
        """Return the kept file by our media id; raise `InvalidInputError` when it was too large to keep."""
        ...

    def save(self, data: bytes, kind: MediaKind, extension: str) -> Path:
        """Store bytes we made ourselves (an image, an export) and return the path."""
        ...


class Notifier:
    """Queues messages to other people in the current transaction, rendered in their language."""

    def __init__(self, services: Services, renderer: Renderer, default_locale: str) -> None:
        self._services = services
        self._renderer = renderer
        self._default_locale = default_locale
        self.queued = 0

    async def to_person(self, person_id: int, key: str, reply: Reply, *, kind: MessageKind, **options: Any) -> int:
        """Queue `reply` for every account of the person; return how many were newly queued.

        `key` makes it idempotent: queueing the same key again does nothing.
        """
        identities = await self._services.store.identities.of_person(person_id)
        await self.note_unreached([person_id], identities, key, kind=kind, important=options.get("important"))
        return await self.to_identities(identities, key, reply, kind=kind, **options)

    async def to_people(
        self, person_ids: Iterable[int], key: str, reply: Reply, *, kind: MessageKind, **options: Any,
    ) -> int:
        """Queue `reply` for several people; `key` is made per person."""
        people = sorted(set(person_ids))
        identities = await self._services.store.identities.of_people(people)
        await self.note_unreached(people, identities, key, kind=kind, important=options.get("important"))
        return await self.to_identities(identities, key, reply, kind=kind, **options)

    async def note_unreached(self, person_ids: Iterable[int], identities: Iterable[Identity], key: str, *,
                             kind: MessageKind, important: bool | None = None) -> None:
        """Put an important message on the cadres' follow-up list for those of `person_ids` with no account.

        Nothing can be queued for someone on the roster who never joined; without this they would be
        missed silently.
        """
        if not (KIND_TRAITS[kind].important if important is None else important):
            return
        reached = {i.person_id for i in identities}
        await self._services.follow_ups.note_unreached([p for p in person_ids if p not in reached], key, kind)

    async def to_identities(
        self, identities: Iterable[Identity], key: str, reply: Reply, *, kind: MessageKind,
        optional: bool = False, priority: Priority = Priority.NORMAL, batch: str | None = None,
        important: bool | None = None,
    ) -> int:
        """Queue `reply` of `kind` for each identity, keyed `key>identity`.

        `important` overrides the kind's default (`KIND_TRAITS`) for this message.

        The reply is rendered once per language and the rows are written in bulk, so that
        queueing a broadcast to thousands holds the database for a fraction of a second.
        Linked relatives of the households reached get it too, marked as for the household (亲情代办).
        """
        payloads: dict[tuple[str, str | None], dict[str, Any]] = {}
        messages = []
        for recipient in once_per_person(await self._services.family_reach.recipients(list(identities), kind)):
            identity = recipient.identity
            locale = identity.locale or self._default_locale
            if (locale, recipient.household) not in payloads:
                shown = reply if recipient.household is None else for_household(reply, recipient.household)
                payloads[locale, recipient.household] = to_payload(self._renderer.render(shown, locale))
            messages.append(NewMessage(key=f"{key}>i{identity.id}", identity_id=identity.id,
                                       payload=payloads[locale, recipient.household], priority=priority,
                                       batch=batch, kind=kind, important=important))
        queued = await self._services.outbox.enqueue_many(messages, optional=optional) if messages else 0
        self.queued += queued
        return queued


def once_per_person(recipients: Sequence[Recipient]) -> list[Recipient]:
    """Keep one row per person: someone on Telegram and WeChat gets a message once, on the account the
    dispatcher picks when it sends (village/routing.py). The row names their first account, so that
    queueing it again finds the same key."""
    kept = {i.id for i in queued_for([r.identity for r in recipients])}
    return [r for r in recipients if r.identity.id in kept]


def for_household(reply: Reply, household: str) -> Reply:
    """Return `reply` headed for a relative who reads it on behalf of the household."""
    return replace(reply, text=lines(_("【For the {name} household】", name=household), reply.text))


@dataclass
class Context:
    """Everything one step may use; built by the engine for each event."""

    event: Event
    identity: Identity
    person: Person | None
    services: Services
    notify: Notifier
    locale: str
    menu: Menu
    renderer: Renderer
    draft: dict[str, Any] = field(default_factory=dict)
    media: MediaKeeping | None = None
    cjk_font: Path | None = None  # a font file that draws Chinese, for pictures; None: use the text fallback
    qr_pictures: QrPictures | None = None  # WeChat's QR codes with a scene, where that channel is configured
    reminder_pages: ReminderPages | None = None  # WeChat's reminder-settings page, where it is served

    @property
    def actor(self) -> Actor:
        """Return the acting person; refuse if they have not joined."""
        return Actor.of(self.member)

    @property
    def member(self) -> Person:
        """Return the person writing; refuse if they have not joined."""
        if self.person is None:
            raise NotBoundError()
        return self.person

    def render(self, content: Content) -> str:
        """Render text in the language of the person writing."""
        return self.renderer.text(content, self.locale)


async def keep_media(ctx: Context, media: Media, kind: MediaKind) -> StoredMedia:
    """Return the file just sent, by our media id; refuse one the adapter did not keep."""
    if ctx.media is not None:
        return await ctx.media.keep(media, kind)
    if media.media_id is None:  # no media store wired (some tests): nothing to keep the file by
        raise InvalidInputError(ErrorCode.MEDIA_UNSUPPORTED)
    return StoredMedia(media.media_id, kind, media.size or 0, media.mime_type)
