"""The permanent WeChat QR codes made so far, by scene: made once, printed as often as needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from storage.repository import Repository
from storage.tables import wechat_qr_codes


@dataclass(frozen=True)
class KeptQrCode:
    """A permanent code as WeChat made it: its ticket and the URL the QR picture encodes."""

    scene: str
    ticket: str
    url: str


class WechatQrCodeRepository(Repository):
    """Permanent QR codes by scene (an account may make 100,000 in all: never make one twice)."""

    async def of_scenes(self, scenes: list[str]) -> dict[str, KeptQrCode]:
        """Return the codes made for these scenes, by scene (a scene without one is left out)."""
        query = select(wechat_qr_codes).where(wechat_qr_codes.c.scene.in_(scenes))
        return {r.scene: KeptQrCode(r.scene, r.ticket, r.url) for r in await self._db.execute(query)}

    async def keep(self, code: KeptQrCode, now: datetime) -> None:
        """Remember a code just made (a scene's first code stays: it is the one printed)."""
        await self._insert_ignore(wechat_qr_codes, {"scene": code.scene, "ticket": code.ticket, "url": code.url,
                                                    "created_at": now})
