"""Filing a report through the real conversation, by a plan of answers, and reading back what the phone showed.

The driver answers whatever question the stored conversation is on (so a Back sends it to an
earlier question and it simply answers again), which lets hypothesis mix Back and restarts into
any point of the flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from handlers.events import EventKind
from tests.properties import actions as a
from tests.properties.phone import Phone
from tests.properties.snapshots import read
from tests.properties.world import CHANNEL

FALLBACK_TEXT = "路灯坏了"  # answered when the planned description is refused (empty, too long)
MAX_TURNS = 60
PLANNED_TRIES = 3  # a planned answer can be a navigation word ("返回" as the address): then answer plainly


@dataclass(frozen=True)
class Where:
    """Where the problem is: a point, a typed address, or skipped (both None)."""

    point: tuple[float, float] | None = None
    address: str | None = None


@dataclass(frozen=True)
class ReportPlan:
    """The answers a resident gives, and the detours taken on the way."""

    category: int
    text: str | None  # None: a voice message instead
    photos: int
    where: Where
    anonymous: bool
    backs: tuple[int, ...] = ()  # at these turns, tap ⬅️ Back instead of answering
    restarts: tuple[int, ...] = ()  # before these turns, the bot restarts
    later_where: Where | None = None  # the answer to the location question when asked again after a Back


PLAIN = ReportPlan(category=0, text=FALLBACK_TEXT, photos=0, where=Where(), anonymous=False)


@dataclass
class Summary:
    """The fields of the confirmation summary, as the resident read them."""

    category: str
    text: str | None
    voice: bool
    photos: int
    located: bool
    address: str | None
    anonymous: bool


@dataclass
class Filing:
    """What happened: the last summary shown before submitting, and whether it was submitted."""

    summary: Summary | None = None
    submitted: bool = False
    asked: list[str] = field(default_factory=list)


def parse_summary(text: str) -> Summary:
    """Read the fields of a zh_CN confirmation summary."""
    match = re.fullmatch(
        r"请核对您要反映的问题：\n类别：(?P<category>.*?)\n(?:问题描述：(?P<text>.*?)\n)?(?P<voice>🎤 语音：1 段\n)?"
        r"📷 照片：(?P<photos>\d+) 张\n(?:(?P<located>位置：已发送)|地址：(?P<address>.*?)|位置：没有提供)\n"
        r"署名：(?P<anonymous>匿名|实名)\n没问题的话，请点「✅ 确认提交」。", text, re.DOTALL)
    assert match is not None, text
    return Summary(match["category"], match["text"], bool(match["voice"]), int(match["photos"]),
                   bool(match["located"]), match["address"], match["anonymous"] == "匿名")


async def file_report(phone: Phone, path: Path, plan: ReportPlan) -> Filing:
    """Go through the report flow by the plan; return the last summary shown and whether it was filed."""
    filing = Filing()
    await phone.act(a.Start(phone.start_labels().index("📣 我要反映")))
    asked: dict[str, int] = {}
    for turn in range(MAX_TURNS):
        state = _state(phone, path)
        if state is None:
            filing.submitted = any(str(r.text).startswith("✅ 已提交") for r in phone.replies)
            return filing
        filing.asked.append(state)
        if turn in plan.restarts:
            phone.restart()
        if turn in plan.backs and state != "CATEGORY":
            await phone.act(a.PressForged("nav:back"))
            continue
        asked[state] = asked.get(state, 0) + 1
        if state == "PREVIEW":
            filing.summary = parse_summary(str(phone.replies[-1].text))
        await _answer(phone, plan if asked[state] <= PLANNED_TRIES else PLAIN, state, again=asked[state] > 1)
    raise AssertionError(f"the flow did not end: {filing.asked}")


async def _answer(phone: Phone, plan: ReportPlan, state: str, *, again: bool) -> None:
    match state:
        case "CATEGORY":
            await phone.act(a.PressForged(f"rpt:cat:{plan.category}"))
        case "DESCRIBE":
            await _describe(phone, plan)
        case "PHOTOS":
            await _photos(phone, plan)
        case "LOCATION":
            await _locate(phone, plan.later_where if again and plan.later_where else plan.where)
        case "NEARBY":
            await phone.act(a.PressForged("rpt:new"))
        case "ANONYMITY":
            await phone.act(a.PressForged(f"rpt:anon:{int(plan.anonymous)}"))
        case "PREVIEW":
            await phone.act(a.PressForged("rpt:ok"))


async def _describe(phone: Phone, plan: ReportPlan) -> None:
    await phone.act(a.SendMedia(EventKind.VOICE) if plan.text is None else a.Type(plan.text))
    if "rpt:next" not in phone.inline_data():  # refused: say it plainly
        await phone.act(a.Type(FALLBACK_TEXT))


async def _photos(phone: Phone, plan: ReportPlan) -> None:
    for _ in range(plan.photos):
        await phone.act(a.SendMedia(EventKind.PHOTO, size=1000, mime_type="image/jpeg"))
        if "rpt:next" not in phone.inline_data():
            return  # the limit was reached: on to the location
    await phone.act(a.PressForged("rpt:next"))


async def _locate(phone: Phone, where: Where) -> None:
    if where.point is not None:
        await phone.act(a.SendLocation(*where.point))
    elif where.address is not None:
        await phone.act(a.Type(where.address))
        if "rpt:anon:0" not in phone.inline_data():  # refused: skip instead
            await phone.act(a.Type("⏭ 跳过"))
    else:
        await phone.act(a.Type("⏭ 跳过"))


def _state(phone: Phone, path: Path) -> str | None:
    snapshot = read(path)
    identity = next(row for row in snapshot.rows("identities").values()
                    if row["channel"] == CHANNEL and row["external_id"] == phone.persona.external_id)
    record = snapshot.rows("conversations").get((identity["id"],))
    return None if record is None else str(record["state"])
