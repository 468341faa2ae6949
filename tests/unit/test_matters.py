"""Major matters (四议两公开): six stages in order, the representatives' quorum and majority, who reads them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from storage.database import Database
from tests.conftest import START
from tests.consultation import (
    ALICE,
    CM_RESIDENT,
    CM_SECRETARY,
    MING,
    SECRETARY,
    SUPERVISOR,
    WANG,
    Call,
    People,
    load_people,
    refusal,
    run,
)
from village.clock import ManualClock
from village.consultation.matters import STAGES, MatterStage, MatterStatus, StageEntry
from village.errors import ErrorCode

TODAY = START.date()


@pytest.fixture
async def people(database: Database, clock: ManualClock) -> People:
    return await load_people(database, clock)


async def open_matter(database: Database, clock: ManualClock, people: People) -> int:
    village_id = people[SECRETARY].person.village_id  # type: ignore[union-attr]
    matter = await run(database, clock, lambda v: v.matters.open(people[SECRETARY], village_id, "村道拓宽工程",
                                                                 "拓宽主干道至6米"))
    return int(matter.id)


def entry(stage: MatterStage, days_ago: int = 0, **votes: Any) -> StageEntry:
    return StageEntry(stage, TODAY - timedelta(days=days_ago), f"{stage.value} 通过", **votes)


async def record(database: Database, clock: ManualClock, people: People, matter_id: int, stage_entry: StageEntry,
                 phone: str = SECRETARY) -> Any:
    return await run(database, clock, lambda v: v.matters.record_stage(people[phone], matter_id, stage_entry))


async def test_six_stages_in_order_complete_the_matter(database: Database, clock: ManualClock,
                                                       people: People) -> None:
    matter_id = await open_matter(database, clock, people)
    votes = {"present": (people.id(WANG),), "votes_for": 1}

    outcomes = [await record(database, clock, people, matter_id,
                             entry(stage, 6 - i, **(votes if stage is MatterStage.REPRESENTATIVES else {})))
                for i, stage in enumerate(STAGES)]
    history = await run(database, clock, lambda v: v.matters.history(people[ALICE], matter_id))

    assert [o.record.position for o in outcomes] == [0, 1, 2, 3, 4, 5]
    assert [bool(o.audience) for o in outcomes] == [False, False, False, False, True, True]
    assert people.id(ALICE) in outcomes[4].audience
    assert history.matter.status is MatterStatus.COMPLETE
    assert history.next_stage is None
    assert history.stages[3].vote.present == (people.id(WANG),)
    assert await refusal(database, clock, lambda v: v.matters.record_stage(
        people[SECRETARY], matter_id, entry(MatterStage.RESULT_PUBLIC))) is ErrorCode.MATTER_COMPLETE


async def test_a_skipped_or_repeated_stage_is_refused(database: Database, clock: ManualClock,
                                                      people: People) -> None:
    matter_id = await open_matter(database, clock, people)
    await record(database, clock, people, matter_id, entry(MatterStage.BRANCH_PROPOSAL, 2))

    skipped = await refusal(database, clock, lambda v: v.matters.record_stage(
        people[SECRETARY], matter_id, entry(MatterStage.PARTY_MEMBERS)))
    repeated = await refusal(database, clock, lambda v: v.matters.record_stage(
        people[SECRETARY], matter_id, entry(MatterStage.BRANCH_PROPOSAL)))
    history = await run(database, clock, lambda v: v.matters.history(people[SECRETARY], matter_id))

    assert skipped is repeated is ErrorCode.MATTER_STAGE_OUT_OF_ORDER
    assert [s.stage for s in history.stages] == [MatterStage.BRANCH_PROPOSAL]
    assert history.next_stage is MatterStage.COMMITTEES


async def test_stage_dates_run_forward_and_not_into_the_future(database: Database, clock: ManualClock,
                                                               people: People) -> None:
    matter_id = await open_matter(database, clock, people)
    await record(database, clock, people, matter_id, entry(MatterStage.BRANCH_PROPOSAL, 2))

    earlier = await refusal(database, clock, lambda v: v.matters.record_stage(
        people[SECRETARY], matter_id, entry(MatterStage.COMMITTEES, 3)))
    future = await refusal(database, clock, lambda v: v.matters.record_stage(
        people[SECRETARY], matter_id, StageEntry(MatterStage.COMMITTEES, date(2026, 11, 3), "通过")))

    assert earlier is ErrorCode.MATTER_DATE_BEFORE_PREVIOUS
    assert future is ErrorCode.MATTER_DATE_IN_FUTURE


async def advance_to_representatives(database: Database, clock: ManualClock, people: People) -> int:
    matter_id = await open_matter(database, clock, people)
    for stage in STAGES[:3]:
        await record(database, clock, people, matter_id, entry(stage, 3))
    return matter_id


async def test_the_representatives_stage_needs_the_quorum_and_a_majority(database: Database, clock: ManualClock,
                                                                         people: People) -> None:
    matter_id = await advance_to_representatives(database, clock, people)

    def representatives(**votes: Any) -> Call:
        return lambda v: v.matters.record_stage(people[SECRETARY], matter_id,
                                                entry(MatterStage.REPRESENTATIVES, **votes))

    nobody = await refusal(database, clock, representatives(present=(), votes_for=0))
    against = await refusal(database, clock, representatives(present=(people.id(WANG),), votes_for=0,
                                                             votes_against=1))
    not_a_representative = await refusal(database, clock, representatives(present=(people.id(MING),), votes_for=1))
    passed = await run(database, clock, representatives(present=(people.id(WANG),), votes_for=1))

    assert nobody is ErrorCode.MATTER_QUORUM_NOT_MET
    assert against is ErrorCode.MATTER_MAJORITY_NOT_REACHED
    assert not_a_representative is ErrorCode.INVALID_INPUT
    assert passed.record.vote.representatives == 1


async def test_only_cadres_record_and_everyone_in_the_village_reads(database: Database, clock: ManualClock,
                                                                    people: People) -> None:
    matter_id = await open_matter(database, clock, people)
    village_id = people[SECRETARY].person.village_id  # type: ignore[union-attr]

    for phone in (ALICE, SUPERVISOR, CM_SECRETARY):
        code = await refusal(database, clock, lambda v, p=phone: v.matters.record_stage(
            people[p], matter_id, entry(MatterStage.BRANCH_PROPOSAL)))
        assert code is ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.matters.open(people[SUPERVISOR], village_id, "新事项")) is \
        ErrorCode.PERMISSION_DENIED
    listed = await run(database, clock, lambda v: v.matters.in_village(people[ALICE], village_id))
    assert [m.id for m in listed] == [matter_id]
    assert await refusal(database, clock, lambda v: v.matters.history(people[CM_RESIDENT], matter_id)) is \
        ErrorCode.PERMISSION_DENIED
