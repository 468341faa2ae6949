"""Topics and their supports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.sql import Select

from storage.repository import Repository, new_id
from storage.tables import topic_supports, topics
from village.consultation.levels import MeetingLevel
from village.consultation.topics import Topic, TopicProposal, TopicStatus

_OPEN = TopicStatus.OPEN.value
_SUPPORTS = (select(func.count()).where(topic_supports.c.topic_id == topics.c.id)
             .correlate(topics).scalar_subquery().label("supports"))


class TopicRepository(Repository):
    """Topics, always returned with their number of supports."""

    async def add(self, village_id: int, group_id: int | None, proposal: TopicProposal, proposer_id: int,
                  now: datetime) -> int:
        """Store a new open topic."""
        result = await self._db.execute(topics.insert().values(
            village_id=village_id, group_id=group_id, level=proposal.level.value, title=proposal.title,
            body=proposal.body, voice_media_id=proposal.voice_media_id, proposer_id=proposer_id, status=_OPEN,
            created_at=now))
        return new_id(result)

    async def get(self, topic_id: int) -> Topic | None:
        """Return the topic with this id."""
        found = await self._topics(_query().where(topics.c.id == topic_id))
        return found[0] if found else None

    async def open_in_village(self, village_id: int) -> list[Topic]:
        """Return the village's open topics, oldest first."""
        return await self._topics(_query().where(topics.c.village_id == village_id, topics.c.status == _OPEN))

    async def proposed_by(self, person_id: int) -> list[Topic]:
        """Return a person's topics, newest first."""
        query = _query().where(topics.c.proposer_id == person_id).order_by(None).order_by(topics.c.id.desc())
        return await self._topics(query)

    async def on_meeting(self, meeting_id: int) -> list[Topic]:
        """Return the topics on a meeting's agenda."""
        return await self._topics(_query().where(topics.c.meeting_id == meeting_id))

    async def add_support(self, topic_id: int, person_id: int, now: datetime) -> bool:
        """Record a support; return False when the person supported it already."""
        return await self._insert_ignore(topic_supports, {"topic_id": topic_id, "person_id": person_id,
                                                          "created_at": now})

    async def remove_support(self, topic_id: int, person_id: int) -> bool:
        """Take a support back; return whether there was one."""
        statement = delete(topic_supports).where(topic_supports.c.topic_id == topic_id,
                                                 topic_supports.c.person_id == person_id)
        return bool((await self._db.execute(statement)).rowcount)

    async def supporters(self, topic_id: int) -> list[int]:
        """Return who supported a topic, in the order they did."""
        query = (select(topic_supports.c.person_id).where(topic_supports.c.topic_id == topic_id)
                 .order_by(topic_supports.c.created_at, topic_supports.c.person_id))
        return list((await self._db.execute(query)).scalars())

    async def mark_threshold(self, topic_id: int, now: datetime) -> bool:
        """Note that the topic reached its threshold; False when it was noted before (tell the cadres once)."""
        statement = update(topics).where(topics.c.id == topic_id, topics.c.threshold_reached_at.is_(None)).values(
            threshold_reached_at=now)
        return bool((await self._db.execute(statement)).rowcount)

    async def schedule(self, topic_id: int, meeting_id: int, now: datetime) -> bool:
        """Put an open topic on a meeting's agenda; False when it is no longer open."""
        statement = update(topics).where(topics.c.id == topic_id, topics.c.status == _OPEN).values(
            status=TopicStatus.SCHEDULED.value, meeting_id=meeting_id, scheduled_at=now)
        return bool((await self._db.execute(statement)).rowcount)

    async def decline(self, topic_id: int, reason: str, decided_by: int | None, now: datetime) -> bool:
        """Decline an open topic; False when it is no longer open."""
        statement = update(topics).where(topics.c.id == topic_id, topics.c.status == _OPEN).values(
            status=TopicStatus.DECLINED.value, decline_reason=reason, decided_by=decided_by, decided_at=now)
        return bool((await self._db.execute(statement)).rowcount)

    async def release(self, meeting_id: int) -> list[int]:
        """Take a cancelled meeting's topics off its agenda, open again; return their ids."""
        ids = list((await self._db.execute(select(topics.c.id).where(topics.c.meeting_id == meeting_id))).scalars())
        await self._db.execute(update(topics).where(topics.c.meeting_id == meeting_id).values(
            status=_OPEN, meeting_id=None, scheduled_at=None))
        return ids

    async def set_status_on_meeting(self, meeting_id: int, status: TopicStatus) -> None:
        """Set the status of every topic on a meeting's agenda."""
        await self._db.execute(update(topics).where(topics.c.meeting_id == meeting_id).values(status=status.value))

    async def count_proposed(self, village_id: int, start: datetime, end: datetime) -> int:
        """Count the village's topics filed in [start, end)."""
        query = select(func.count()).where(topics.c.village_id == village_id, topics.c.created_at >= start,
                                           topics.c.created_at < end)
        return int((await self._db.execute(query)).scalar() or 0)

    async def count_scheduled(self, village_id: int, start: datetime, end: datetime) -> int:
        """Count the village's topics put on an agenda in [start, end)."""
        query = select(func.count()).where(topics.c.village_id == village_id, topics.c.scheduled_at >= start,
                                           topics.c.scheduled_at < end)
        return int((await self._db.execute(query)).scalar() or 0)

    async def _topics(self, query: Select[Any]) -> list[Topic]:
        return [_topic(row) for row in await self._db.execute(query)]


def _query() -> Select[Any]:
    return select(topics, _SUPPORTS).order_by(topics.c.id)


def _topic(row: Any) -> Topic:
    return Topic(
        id=row.id, village_id=row.village_id, group_id=row.group_id, level=MeetingLevel(row.level), title=row.title,
        proposer_id=row.proposer_id, status=TopicStatus(row.status), created_at=row.created_at,
        supports=int(row.supports), body=row.body, voice_media_id=row.voice_media_id, meeting_id=row.meeting_id,
        decline_reason=row.decline_reason, threshold_reached_at=row.threshold_reached_at,
    )
