"""The WeChat channel for the outbox: rendered replies as customer-service messages, refusals as outcomes.

    45015 45047 43101 43004   the window is closed or used up: NotReachableNowError (kept, not retried)
    45009                     the route is paused until midnight in Shanghai: RoutePausedError
    token codes, -1, 5xx      refreshed and retried once by the API; then TemporaryError (PermanentError
                              when the request may have arrived and the message is not safe to see twice)
    anything else             PermanentError
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bot.channels import NotReachableNowError, PermanentError, RoutePausedError, TemporaryError
from bot.media import MediaKeeper
from bot.wechat.client import MAX_MENU_OPTIONS, MenuOption, WechatClient
from bot.wechat.errors import (
    DailyQuotaError,
    RerouteError,
    TokenRejectedError,
    TransientError,
    WechatApiError,
)
from bot.wechat.events import CHANNEL, MEDIA_PREFIX, menu_id
from bot.wechat.pages.assembly import PageKit
from bot.wechat.rendering import keys_text, lay_out
from bot.wechat.routing import WechatRouter
from bot.wechat.texts import split_text
from handlers.replies import Attachment, AttachmentKind, Reply, without_edit
from storage.database import Database
from storage.wechat_inbound import WechatOfferRepository
from village.clock import Clock
from village.outbox import DeliveryRoute, OutboxItem

log = logging.getLogger(__name__)
DRAWN_LIFETIME = timedelta(days=3) - timedelta(hours=1)  # WeChat keeps a media id 3 days: stop short of that


class WechatChannel:
    """Sends customer-service messages to an OpenID; downloads the media people send."""

    name = CHANNEL
    keeps_for_return = True  # someone who unfollowed may follow again: the dispatcher parks their messages

    def __init__(self, client: WechatClient, database: Database, clock: Clock, media: MediaKeeper, *,
                 pages: PageKit | None = None, router: WechatRouter | None = None) -> None:
        self._client, self._database, self._clock, self._media = client, database, clock, media
        self._pages, self._router = pages, router
        # Pictures we drew (a board, a chart) have no media row: their media ids are cached here, by content.
        self._drawn: dict[str, tuple[str, datetime]] = {}

    @property
    def pages(self) -> PageKit | None:
        """Return the pages messages link to (None without a public URL)."""
        return self._pages

    async def send(self, chat_ref: str, reply: Reply, *, edit_ref: str | None = None) -> None:
        """Send one reply (an edit is sent as a new message, a mere refresh not at all: WeChat cannot edit)."""
        shown = without_edit(reply)
        if shown is None:
            return
        with self._outcomes(resend_safe=True):
            await self._send(chat_ref, shown)

    async def deliver(self, item: OutboxItem, reply: Reply) -> str:
        """Send an outbox row by its route (routing.py); return the route taken."""
        shown = without_edit(reply)
        if shown is None:
            return DeliveryRoute.CUSTOMER_SERVICE.value
        with self._outcomes(resend_safe=item.resend_safe):
            if self._router is None:  # no routing configured (tests of the channel alone): customer service only
                await self._send(item.chat_ref, shown)
                return DeliveryRoute.CUSTOMER_SERVICE.value
            return (await self._router.deliver(item, shown, self._send)).value

    @contextmanager
    def _outcomes(self, *, resend_safe: bool) -> Iterator[None]:
        """Turn WeChat's refusals into the dispatcher's delivery outcomes (see the module's table)."""
        try:
            yield
        except RerouteError as error:
            raise NotReachableNowError(f"wechat {error.errcode}: window closed") from error
        except DailyQuotaError as error:
            raise RoutePausedError(error.until - self._clock.now()) from error
        except TransientError as error:
            if error.outcome_unknown and not resend_safe:  # it may have arrived: a second copy would mislead
                raise PermanentError(f"outcome unknown, not resent: {error}") from error
            raise TemporaryError(str(error)) from error
        except TokenRejectedError as error:
            raise TemporaryError(str(error)) from error
        except WechatApiError as error:
            raise PermanentError(str(error)) from error

    async def download(self, file_ref: str) -> bytes:
        """Return a photo or voice message a person sent (media ids live 3 days), for the media store.

        The intake calls this before the step's transaction: a token refresh here writes to the database.
        """
        return await self._client.download_media(file_ref.removeprefix(MEDIA_PREFIX))

    async def _send(self, open_id: str, reply: Reply) -> int:
        """Send a reply as customer-service messages; return how many messages it took of the window."""
        sent = 0
        if reply.attachment is not None:
            sent += await self._send_attachment(open_id, reply.attachment)
        laid = lay_out(reply, links=False)
        if laid.offers:
            await self._remember(open_id, reply)
        if laid.offers and len(laid.offers) <= MAX_MENU_OPTIONS:
            return sent + await self._send_menu(open_id, reply)
        for part in split_text(lay_out(reply, links=True).text) if laid.text else []:
            await self._client.send_text(open_id, part)
            sent += 1
        return sent

    async def _send_menu(self, open_id: str, reply: Reply) -> int:
        laid = lay_out(reply, links=False)
        head = lay_out(Reply(reply.text), links=False).text
        parts = split_text(head) if head else [""]
        for part in parts[:-1]:
            await self._client.send_text(open_id, part)
        options = [MenuOption(menu_id(o.position), o.label) for o in laid.offers]
        keys = keys_text(reply, links=False)
        await self._client.send_menu(open_id, parts[-1], options, keys)
        return len(parts)

    async def upload_picture(self, attachment: Attachment) -> str:
        """Return a WeChat media id for a picture (valid 3 days), uploading it only when none is cached.

        A kept file's media id is cached with the media (`MediaKeeper.ref`/`remember`); a drawn picture's
        by its content, in memory: the same board sent to fifty people is uploaded once.
        """
        if attachment.media_id is not None:
            cached = await self._media.ref(attachment.media_id, CHANNEL)
            if cached is not None:  # a person's photo is cached as its file reference, marked as WeChat's
                return cached.removeprefix(MEDIA_PREFIX)
        content = attachment.data if attachment.data is not None else await self._read(attachment)
        digest = hashlib.sha256(content).hexdigest()
        drawn = self._drawn.get(digest)
        if attachment.media_id is None and drawn is not None and drawn[1] > self._clock.now():
            return drawn[0]
        media_id = await self._client.upload_media("image", attachment.file_name or "picture.png", content)
        if attachment.media_id is not None:
            await self._media.remember(attachment.media_id, CHANNEL, media_id)
        else:
            self._drawn[digest] = (media_id, self._clock.now() + DRAWN_LIFETIME)
        return media_id

    async def _send_attachment(self, open_id: str, attachment: Attachment) -> int:
        if attachment.kind is AttachmentKind.PHOTO:
            await self._client.send_image(open_id, await self.upload_picture(attachment))
            return 1
        if self._pages is None:  # no public URL for the download page: the text still goes
            log.warning("a %s cannot be sent on WeChat without wechat.public_base_url; sent the text only",
                        attachment.kind.value)
            return 0
        # A Service Account cannot send files: a signed, expiring link to the download page stands for it.
        await self._client.send_text(open_id, await self.file_link(attachment))
        return 1

    async def file_link(self, attachment: Attachment) -> str:
        """Keep a file for the download page; return the text with its signed link."""
        assert self._pages is not None
        content = attachment.data if attachment.data is not None else await self._read(attachment)
        name = attachment.file_name or "file.bin"
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        ref = self._pages.store.put_file(name, mime_type, content)
        return f"📎 {name}\n{self._pages.links.download(ref)}"

    async def _read(self, attachment: Attachment) -> bytes:
        if attachment.media_id is not None:  # a kept file (a report's photo): from our store
            stored = await self._media.get(attachment.media_id)
            path = self._media.path_of(stored) if stored is not None else None
            if path is None:
                raise PermanentError(f"media {attachment.media_id} is not in the store")
            return path.read_bytes()
        path = Path(attachment.path or "")
        return (path if path.is_absolute() else self._media.root / path).read_bytes()

    async def _remember(self, open_id: str, reply: Reply) -> None:
        """Keep the choices this message offers, so that the person's next digit or label picks one."""
        async with self._database.transaction() as store:
            await WechatOfferRepository(store.connection).replace(open_id, lay_out(reply, links=False).offers,
                                                                  self._clock.now())
