"""Proposing a topic with any answers, Back and restarts on the way: what the summary showed is what was stored."""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from handlers.consultation.labels import LEVELS
from handlers.events import EventKind
from storage.database import Database, sqlite_url
from tests.conftest import START
from tests.properties import actions as a
from tests.properties.actions import texts
from tests.properties.exploration import catalogs
from tests.properties.phone import Phone
from tests.properties.snapshots import Snapshot, read
from tests.properties.world import BY_NAME, CHANNEL
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel

VOICE = "（一段语音）"  # how the summary shows a spoken detail
FALLBACK = {"TITLE": "桥边路灯坏了", "DETAIL": "晚上走路看不清，请村里修一下。"}
MAX_TURNS, PLANNED_TRIES = 30, 3


@dataclass(frozen=True)
class TopicPlan:
    """The answers a resident gives, and where they tap Back or the bot restarts."""

    level: int
    title: str
    detail: str | None  # None: a voice message
    backs: tuple[int, ...] = ()
    restarts: tuple[int, ...] = ()


@dataclass(frozen=True)
class TopicSummary:
    """The fields of the topic's confirmation summary."""

    title: str
    detail: str
    level: str


plans = st.builds(TopicPlan, level=st.integers(0, 2), title=texts, detail=st.one_of(st.none(), texts),
                  backs=st.lists(st.integers(0, 8), max_size=3).map(tuple),
                  restarts=st.lists(st.integers(0, 8), max_size=3).map(tuple))


@given(plan=plans)
def test_the_topic_summary_shows_what_is_stored(world: Path, plan: TopicPlan) -> None:
    summary, stored = asyncio.run(_propose(world, plan))

    assert summary == stored


async def _propose(world: Path, plan: TopicPlan) -> tuple[TopicSummary | None, TopicSummary | None]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hemei.db"
        shutil.copy(world, path)
        database = Database.open(sqlite_url(str(path)))
        try:
            before = read(path)
            phone = Phone(BY_NAME["household_head"], database, ManualClock(START), catalogs())
            summary = await _drive(phone, path, plan)
            return summary, _stored(before, read(path))
        finally:
            await database.close()


async def _drive(phone: Phone, path: Path, plan: TopicPlan) -> TopicSummary | None:
    await phone.act(a.Command("propose"))
    summary, asked = None, dict[str, int]()
    for turn in range(MAX_TURNS):
        state = _state(phone, path)
        if state is None:
            return summary
        if turn in plan.restarts:
            phone.restart()
        if turn in plan.backs and state != "LEVEL":
            await phone.act(a.PressForged("nav:back"))
            continue
        asked[state] = asked.get(state, 0) + 1
        planned = asked[state] <= PLANNED_TRIES  # a planned answer may be "返回" or refused: then answer plainly
        if state == "CONFIRM":
            summary = _parse(str(phone.replies[-1].text))
        await phone.act(_answer(phone, plan, state, planned=planned))
    raise AssertionError("the flow did not end")


def _answer(phone: Phone, plan: TopicPlan, state: str, *, planned: bool) -> a.Action:
    if state == "LEVEL":
        levels = [d for d in phone.inline_data() if d.startswith("topic_new:level:")]
        return a.PressForged(levels[plan.level % len(levels)])
    if state == "CONFIRM":
        return a.PressForged("topic_new:submit")
    if state == "DETAIL" and planned and plan.detail is None:
        return a.SendMedia(EventKind.VOICE)
    typed = plan.title if state == "TITLE" else plan.detail
    return a.Type(typed if planned and typed is not None else FALLBACK[state])


def _parse(text: str) -> TopicSummary:
    match = re.fullmatch(r"请核对您的议题：\n💬 (?P<title>.*?)\n(?P<detail>.*)\n层级：(?P<level>[^\n]*)", text,
                         re.DOTALL)
    assert match is not None, text
    return TopicSummary(match["title"], match["detail"], match["level"])


def _stored(before: Snapshot, after: Snapshot) -> TopicSummary | None:
    new = [row for key, row in after.rows("topics").items() if key not in before.rows("topics")]
    if not new:
        return None
    (topic,) = new
    level = catalogs().text(LEVELS[MeetingLevel(topic["level"])], "zh_CN")
    return TopicSummary(topic["title"], topic["body"] if topic["voice_media_id"] is None else VOICE, level)


def _state(phone: Phone, path: Path) -> str | None:
    snapshot = read(path)
    identity = next(row for row in snapshot.rows("identities").values()
                    if row["channel"] == CHANNEL and row["external_id"] == phone.persona.external_id)
    record = snapshot.rows("conversations").get((identity["id"],))
    return None if record is None else str(record["state"])
