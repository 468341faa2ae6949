"""Demo data for consultation (议事协商) in 和美村 (FX01), relative to now:

- an open village topic one support short of its threshold, so one more support alerts the cadres;
- a meeting held yesterday that 张阿婆 and 王大伯 attended, with 张阿婆's topic on its agenda,
  waiting for 李书记 to publish the resolution (决议) and later the result (实施结果);
- a major matter whose first three stages of 四议两公开 are recorded, next the representatives' meeting.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from village.consultation.levels import MeetingLevel, VenueType
from village.consultation.matters import STAGES, StageRecord
from village.consultation.meetings import MeetingPlan, MeetingStatus
from village.consultation.signups import CheckInMethod
from village.consultation.topics import TopicProposal
from village.people import Person
from village.ports import Store
from village.settings import VillageSettings

ALICE_PHONE, WANG_PHONE, SECRETARY_PHONE = "+8613800000001", "+8613800000003", "+8613800000009"


async def seed_consultation(store: Store, now: datetime, settings: VillageSettings) -> None:
    """Write the demo's topics, a held meeting and a major matter (once, into a fresh database)."""
    village = await store.places.village_by_code("FX01")
    alice, wang, secretary = [await store.people.by_phone(p) for p in (ALICE_PHONE, WANG_PHONE, SECRETARY_PHONE)]
    if village is None or alice is None or wang is None or secretary is None:
        return
    neighbours = [p for p in await store.people.in_village(village.id)
                  if p.household_id is not None and p.id not in (alice.id, wang.id)]
    await _topic_near_threshold(store, village.id, neighbours, now, settings)
    await _held_meeting(store, village.id, alice, wang, secretary, now, settings)
    await _matter(store, village.id, secretary, now, settings)


async def _topic_near_threshold(store: Store, village_id: int, neighbours: list[Person], now: datetime,
                                settings: VillageSettings) -> None:
    proposal = TopicProposal(MeetingLevel.VILLAGE, "村口增设公交候车亭",
                             "村口等公交没有遮挡，下雨天老人孩子淋雨，希望建一个候车亭。")
    # The proposer and one fewer supporters than the threshold: the next support tells the cadres.
    proposer, *supporters = neighbours[:settings.consultation.support_thresholds.village]
    topic_id = await store.topics.add(village_id, None, proposal, proposer.id, now - timedelta(days=3))
    for person in supporters:
        await store.topics.add_support(topic_id, person.id, now - timedelta(days=2))


async def _held_meeting(store: Store, village_id: int, alice: Person, wang: Person, secretary: Person,
                        now: datetime, settings: VillageSettings) -> None:
    zone = settings.timezone
    yesterday = now.astimezone(zone).date() - timedelta(days=1)
    starts_at = datetime.combine(yesterday, time(14, 0), tzinfo=zone)
    proposal = TopicProposal(MeetingLevel.VILLAGE, "河道保洁轮值", "建议各组轮流清理村前小河的垃圾。")
    topic_id = await store.topics.add(village_id, None, proposal, alice.id, starts_at - timedelta(days=10))
    await store.topics.add_support(topic_id, wang.id, starts_at - timedelta(days=9))
    plan = MeetingPlan(MeetingLevel.VILLAGE, None, "河道保洁议事会", VenueType.NEIGHBOUR_HALL, "村委会一楼",
                       starts_at, starts_at + timedelta(hours=2), starts_at - timedelta(days=1), 30)
    meeting_id = await store.meetings.add(village_id, plan, code="2468", created_by=secretary.id,
                                          now=starts_at - timedelta(days=5))
    await store.meetings.set_status(meeting_id, MeetingStatus.PUBLISHED, starts_at - timedelta(days=5))
    await store.topics.schedule(topic_id, meeting_id, starts_at - timedelta(days=5))
    for person in (alice, wang):
        await store.signups.take(meeting_id, person.id, starts_at - timedelta(days=4))
        await store.signups.attend(meeting_id, person.id, CheckInMethod.CODE, None, starts_at)


async def _matter(store: Store, village_id: int, secretary: Person, now: datetime,
                  settings: VillageSettings) -> None:
    today = now.astimezone(settings.timezone).date()
    matter_id = await store.matters.add(village_id, "村道拓宽工程", "主干道由4米拓宽到6米，涉及沿线12户。",
                                        secretary.id, now - timedelta(days=20))
    outcomes = ("党支部提议拓宽村道。", "村两委商议同意，形成初步方案。", "党员大会审议通过方案。")
    for position, outcome in enumerate(outcomes):
        await store.matters.add_stage(StageRecord(matter_id, STAGES[position], position,
                                                  today - timedelta(days=15 - 4 * position), outcome,
                                                  now - timedelta(days=15 - 4 * position), secretary.id))
