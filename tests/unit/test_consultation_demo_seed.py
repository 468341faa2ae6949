"""The demo's consultation seed: a topic one support short, a held meeting awaiting its resolution, a matter."""

from __future__ import annotations

import pytest

from bot.demo.seed_consultation import seed_consultation
from storage.database import Database
from tests.consultation import ALICE, SECRETARY, WANG, People, load_people, services
from village.clock import ManualClock
from village.consultation.matters import MatterStage
from village.consultation.settings import ConsultationPolicy, SupportThresholds
from village.settings import VillageSettings

# The test roster is small: a threshold its neighbours can reach.
SETTINGS = VillageSettings(consultation=ConsultationPolicy(support_thresholds=SupportThresholds(village=3)))


@pytest.fixture
async def people(database: Database, clock: ManualClock) -> People:
    people = await load_people(database, clock)
    async with database.transaction() as store:
        await seed_consultation(store, clock.now(), SETTINGS)
    return people


async def test_one_more_support_brings_the_seeded_topic_to_the_cadres(database: Database, clock: ManualClock,
                                                                      people: People) -> None:
    async with services(database, clock, SETTINGS) as village:
        topic = next(t for t in await village.topics.open_topics(people[ALICE]) if t.title == "村口增设公交候车亭")
        outcome = await village.topics.support(people[ALICE], topic.id)

    assert outcome.reached
    assert people.id(SECRETARY) in outcome.managers


async def test_the_seeded_meeting_awaits_its_resolution_which_reaches_alice(database: Database, clock: ManualClock,
                                                                           people: People) -> None:
    async with services(database, clock) as village:
        waiting = await village.meetings.awaiting_disclosure(people[SECRETARY])
        disclosed = await village.disclosures.publish_resolution(people[SECRETARY], waiting[0].meeting.id, "轮流清理")

    assert [w.meeting.title for w in waiting] == ["河道保洁议事会"]
    assert (waiting[0].figures.confirmed, waiting[0].figures.attended) == (2, 2)
    assert set(disclosed.agenda[0].followers) == {people.id(ALICE), people.id(WANG)}


async def test_the_seeded_matter_waits_for_the_representatives(database: Database, clock: ManualClock,
                                                               people: People) -> None:
    async with services(database, clock) as village:
        village_id = people[ALICE].person.village_id  # type: ignore[union-attr]
        matters = await village.matters.in_village(people[ALICE], village_id)
        history = await village.matters.history(people[ALICE], matters[0].id)

    assert history.next_stage is MatterStage.REPRESENTATIVES
    assert len(history.stages) == 3
