"""Migration 0011: Telegram file ids kept before the media store become media ids, and back on downgrade."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy import insert, select

from storage.database import Database, open_engine
from storage.migrate import alembic_config, head_revision, upgrade
from storage.tables import conversations, media, media_refs, notices, outbox, report_media, reports, topics
from storage.types import UtcDateTime
from tests.factories import bind_telegram, load_roster, person_by_phone
from village.clock import ManualClock

SHA = "ab" * 32
KEPT_PATH = f"photo/ab/{SHA}.jpg"
CHART = "/tmp/hemei-chart.png"  # a made image queued by path: not a kept file
# report_media as it was at 0010
OLD_REPORT_MEDIA = sa.table("report_media", *(sa.column(c) for c in (
    "report_id", "purpose", "kind", "file_ref", "path", "size", "mime_type", "position")))
OLD_TOPICS = sa.table("topics", *(sa.column(c) for c in (
    "village_id", "level", "title", "body", "voice_ref", "proposer_id", "status")),
    sa.column("created_at", UtcDateTime()))


async def fill_before_0011(url: str, clock: ManualClock) -> None:
    """Keep files the old way: report photos (one known twice), a fix's photo, a notice's file, queued and
    drafted photos, a topic's voice."""
    await upgrade(url, "0010")
    database = Database.open(url)
    await load_roster(database, clock)
    identity_id = await bind_telegram(database, clock, "13800000001", 1001)
    alice = await person_by_phone(database, "13800000001")
    now = clock.now()
    async with database.transaction() as store:
        run = store.connection.execute
        await run(insert(reports).values(
            seq=1, code="FX01-2611-0001", village_id=alice.village_id, month="2611", category="其他", text="井盖丢了",
            status="resolved", reporter_id=alice.id, filed_by_id=alice.id, anonymous=False, address="",
            created_at=now, accept_due_at=now, resolution_note="", reopened=0))
        for position, (purpose, kind, ref, path) in enumerate([
                ("report", "photo", "tg-photo-1", KEPT_PATH), ("report", "voice", "tg-voice-1", ""),
                ("resolution", "photo", "tg-photo-2", KEPT_PATH)]):
            await run(insert(OLD_REPORT_MEDIA).values(report_id=1, purpose=purpose, kind=kind, file_ref=ref, path=path,
                                                      size=1234, mime_type=None, position=position))
        await run(insert(notices).values(
            village_id=alice.village_id, author_person_id=alice.id, category="official", text="停水通知",
            translations={}, audience={}, recipients=1, batch="notice:1", created_at=now,
            attachment={"kind": "document", "file_ref": "tg-doc-1", "path": "", "file_name": "通知.pdf"}))
        for key, attachment in (("photo", {"kind": "photo", "path": None, "file_ref": "tg-photo-1", "file_name": None}),
                                ("chart", {"kind": "photo", "path": CHART, "file_ref": None, "file_name": None})):
            await run(insert(outbox).values(
                key=key, identity_id=identity_id, payload={"text": "x", "attachment": attachment}, priority=5,
                status="pending", not_before=now, attempts=0, resent=False, created_at=now, kind="notice.broadcast",
                important=True, resend_safe=False))
        await run(insert(conversations).values(
            identity_id=identity_id, flow="rpt", state="PHOTOS", history=[], expires_at=now, draft={
                "category": "其他", "photos": [{"kind": "photo", "file_ref": "tg-photo-3", "path": "", "size": 9,
                                                "mime_type": "image/jpeg"}]}))
        await run(insert(OLD_TOPICS).values(village_id=alice.village_id, level="village", title="建食堂", body=None,
                                            voice_ref="tg-voice-2", proposer_id=alice.id, status="open",
                                            created_at=now))
    await database.close()


async def read(url: str) -> dict[str, Any]:
    database = Database.open(url)
    async with database.connection() as connection:
        async def rows(query: Any) -> list[Any]:
            return [tuple(r) for r in await connection.execute(query)]

        found = {
            "report_media": await rows(select(report_media.c.purpose, report_media.c.media_id).order_by(
                report_media.c.id)),
            "media": await rows(select(media.c.id, media.c.kind, media.c.sha256, media.c.path, media.c.size).order_by(
                media.c.id)),
            "refs": dict(await rows(select(media_refs.c.ref, media_refs.c.media_id))),
            "notice": (await connection.execute(select(notices.c.attachment))).scalar(),
            "outbox": dict(await rows(select(outbox.c.key, outbox.c.payload))),
            "draft": (await connection.execute(select(conversations.c.draft))).scalar(),
            "topic": (await connection.execute(select(topics.c.voice_media_id))).scalar(),
        }
    await database.close()
    return found


async def downgrade_to_0010(url: str) -> None:
    engine = open_engine(url, foreign_keys=False)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0010"))
    await engine.dispose()


async def test_kept_files_become_media_rows_once_per_file(empty_db_url: str, clock: ManualClock) -> None:
    await fill_before_0011(empty_db_url, clock)

    assert await upgrade(empty_db_url) == head_revision()

    found = await read(empty_db_url)
    refs = found["refs"]
    photo, voice = refs["tg-photo-1"], refs["tg-voice-1"]
    assert found["report_media"] == [("report", photo), ("report", voice), ("resolution", photo)]
    kept = {row[0]: row[1:] for row in found["media"]}
    assert kept[photo] == ("photo", SHA, KEPT_PATH, 1234)  # the same file twice is one row
    assert kept[voice] == ("voice", None, None, 1234)  # known to Telegram only: no path
    assert "tg-photo-2" not in refs  # one Telegram reference per file
    assert found["notice"] == {"kind": "document", "media_id": refs["tg-doc-1"], "file_name": "通知.pdf"}
    assert found["outbox"]["photo"]["attachment"] == {"kind": "photo", "path": None, "media_id": photo,
                                                      "file_name": None}
    assert found["outbox"]["chart"]["attachment"]["path"] == CHART
    assert found["draft"]["photos"] == [{"kind": "photo", "size": 9, "mime_type": "image/jpeg",
                                         "media_id": refs["tg-photo-3"]}]
    assert found["topic"] == refs["tg-voice-2"]


async def test_downgrade_gives_the_file_ids_back(empty_db_url: str, clock: ManualClock) -> None:
    await fill_before_0011(empty_db_url, clock)
    await upgrade(empty_db_url)

    await downgrade_to_0010(empty_db_url)

    database = Database.open(empty_db_url)
    async with database.connection() as connection:
        old = [tuple(r) for r in await connection.execute(
            select(OLD_REPORT_MEDIA.c.file_ref, OLD_REPORT_MEDIA.c.path).order_by(sa.text("id")))]
        draft = (await connection.execute(select(conversations.c.draft))).scalar()
    await database.close()
    assert old == [("tg-photo-1", KEPT_PATH), ("tg-voice-1", ""), ("tg-photo-1", KEPT_PATH)]
    assert draft["photos"][0]["file_ref"] == "tg-photo-3"
