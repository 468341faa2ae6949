"""WeChat QR codes with a scene, drawn as pictures: a family invite's code (`fam-<code>`) to forward or show.

The code is a temporary one (QR_STR_SCENE) living as long as the invite, so that invites do not use up
the account's 100,000 permanent codes; it is drawn here from the URL WeChat returns (no image download).
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import segno

from bot.wechat.client import WechatClient
from bot.wechat.errors import WechatApiError

log = logging.getLogger(__name__)
MAX_LIFETIME = timedelta(days=30)  # WeChat's longest temporary code


class WechatQrPictures:
    """Makes QR pictures through the account's qrcode/create."""

    def __init__(self, client: WechatClient) -> None:
        self._client = client

    async def picture(self, scene: str, lifetime: timedelta) -> bytes | None:
        """Return a PNG of a temporary code pushing `scene` when scanned; None if WeChat said no."""
        seconds = int(min(max(lifetime, timedelta(seconds=60)), MAX_LIFETIME).total_seconds())
        try:
            code = await self._client.create_qrcode(scene, expire_seconds=seconds)
        except WechatApiError as error:  # the code in the text still works: say so in the log only
            log.warning("no WeChat QR code for an invite: %s", error)
            return None
        return qr_png(code.url)


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """Return a PNG of a QR code of `url`, with a quiet zone a phone's scanner needs."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
