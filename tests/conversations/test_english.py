"""Every screen in English: no Chinese except the village's own data (names, places, what people typed).

Each person of the test roster sets /lang to English and walks every tool of their menu, pressing
every button they are shown (and the buttons of the messages queued for them), typing an answer
where a question wants one. Whatever Hemei says on the way must be English; Chinese may appear
only inside the village's data, which is listed here from the data the test seeds, not by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_config
from bot.i18n import Catalogs
from bot.telegram_layout import inline_rows, keyboard_rows
from handlers import glossary, registry
from handlers.convention import score
from handlers.convention.pictures import ChartPicture
from handlers.engine import Engine
from handlers.replies import Reply, from_payload
from handlers.settings import LANGUAGE_NAMES
from storage.database import Database
from storage.tables import identities, outbox
from tests.conftest import SHANGHAI
from tests.consultation import ALICE, SECRETARY, SUN, SUPERVISOR, ZHAO, plan, published_meeting
from tests.convention import GARBAGE, actor, add_convention, services
from tests.conversations.conftest import Chat
from tests.e2e.convention_steps import publish_directly
from tests.factories import ROSTER, person_by_phone
from tests.unit.test_digest import FIRST_OF_DECEMBER, scheduler
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel
from village.consultation.topics import TopicProposal
from village.reports.model import ReportDraft
from village.settings import VillageSettings

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# What villagers wrote in the seeded data: it stays as written in every language.
REPORT_TEXT, REPORT_ADDRESS = "桥边的路灯坏了", "村口桥边"
TOPIC_TITLE, TOPIC_BODY = "修一修村口的桥", "桥面有裂缝，老人走路不安全。"
REASON = "查实：垃圾混投"
NEWCOMER = "刘新来"
# Answers to questions that want typing, tried in turn until one is taken.
ANSWERS = ("Broken lamp by the bridge", "11-20 14:00", "16:00", "20", "Village hall")
STEPS_PER_WALK = 30
WALKS_PER_TOOL = 3


def village_data() -> list[str]:
    """Return every piece of village data the test seeds, longest first (so that parts go after wholes)."""
    titles = [role.split(":", 1)[1] for row in ROSTER for role in row[7].split(";") if ":" in role]
    meeting = plan()
    seeded = [REPORT_TEXT, REPORT_ADDRESS, TOPIC_TITLE, TOPIC_BODY, REASON, NEWCOMER, meeting.title,
              meeting.venue_name]
    found = {value for row in ROSTER for value in row[1:6] if value} | set(titles) | set(seeded)
    return sorted(found | set(LANGUAGE_NAMES.values()), key=len, reverse=True)


def leak(text: str, allowed: Iterable[str]) -> str | None:
    """Return the Chinese left in `text` once the village's data is taken out, or None."""
    for value in allowed:
        text = text.replace(value, "")
    found = CJK.findall(text)
    return "".join(found) if found else None


@dataclass
class Walker:
    """One person in English pressing everything they are shown, and noting any Chinese Hemei said."""

    chat: Chat
    database: Database
    allowed: list[str]
    pressed: set[str] = field(default_factory=set)
    leaks: list[str] = field(default_factory=list)
    seen_outbox: int = 0

    def check(self, where: str, replies: Iterable[Reply]) -> None:
        """Note every text, label and file name that says something in Chinese."""
        for reply in replies:
            shown = [str(reply.text), *(b.label for row in inline_rows(reply) for b in row),
                     *(k.label for row in keyboard_rows(reply) or () for k in row),
                     reply.attachment.file_name or "" if reply.attachment else ""]
            for text in shown:
                if (found := leak(text, self.allowed)) is not None:
                    self.leaks.append(f"{where}: {found!r} in {text!r}")

    async def queued(self) -> list[Reply]:
        """Return the messages queued for this person since the last look (rendered when queued)."""
        async with self.database.connection() as connection:
            rows = (await connection.execute(
                select(outbox.c.id, outbox.c.payload).join(identities, identities.c.id == outbox.c.identity_id)
                .where(identities.c.external_id == self.chat.external_id, outbox.c.id > self.seen_outbox)
                .order_by(outbox.c.id))).all()
        if rows:
            self.seen_outbox = rows[-1].id
        return [from_payload(row.payload) for row in rows]

    async def walk(self, label: object) -> bool:
        """Start from a menu button and press new buttons until none is left; return whether any was new."""
        self.check(f"{label}", await self.chat.taps(str(label)))
        news, answers = False, 0
        for _step in range(STEPS_PER_WALK):
            mail = await self.queued()
            self.check(f"{label} (queued)", mail)
            data = self._next_button([*self.chat.replies, *mail])
            if data is None and answers % 2 and (again := self._first_button()) is not None:
                data, answers = again, answers + 1  # typing was refused last time: go on with a button
            if data is not None:
                news |= data not in self.pressed
                self.pressed.add(data)
                self.check(f"{label} → {data}", await self.chat.send_button(data))
            elif self._wants_typing() and answers < len(ANSWERS) * 2:
                self.check(f"{label} typed", await self.chat.says(ANSWERS[answers // 2 % len(ANSWERS)]))
                answers += 1
            else:
                break
        await self.chat.says("/cancel")
        return news

    def _next_button(self, replies: list[Reply]) -> str | None:
        for reply in reversed(replies):
            for row in inline_rows(reply):
                for button in row:
                    # Navigation is not a screen, and a language button would leave English.
                    if button.data not in self.pressed and not button.data.startswith("nav:") \
                            and str(button.label) not in LANGUAGE_NAMES.values():
                        return button.data
        return None

    def _first_button(self) -> str | None:
        """Return the first forward button of the last reply, pressed before or not."""
        buttons = [b.data for r in self.chat.replies[-1:] for row in inline_rows(r) for b in row
                   if not b.data.startswith("nav:") and str(b.label) not in LANGUAGE_NAMES.values()]
        return buttons[0] if buttons else None

    def _wants_typing(self) -> bool:
        """Tell whether the person is inside a conversation (not back at the menu), so typing answers it."""
        menu = {str(glossary.MORE.msgid), str(glossary.WORK_TOOLS.msgid), str(glossary.MENU.msgid)}
        return bool(self.chat.replies) and not menu & set(_keys(self.chat.replies[-1]))


def _keys(reply: Reply) -> list[str]:
    return [k.label for row in keyboard_rows(reply) or () for k in row]


@pytest.fixture
async def seeded(engine: Engine, database: Database, clock: ManualClock) -> Engine:
    """The test roster with a convention and published results, a meeting, a topic and a report."""
    convention = await add_convention(database, clock)
    await publish_directly(database, clock, convention, "一组", {"1-01": {GARBAGE: 5}, "1-02": {}})
    await published_meeting(database, clock)
    alice = await actor(database, ALICE)
    async with services(database, clock) as village:
        await village.topics.propose(alice, TopicProposal(MeetingLevel.VILLAGE, TOPIC_TITLE, TOPIC_BODY))
        await village.reports.file(alice, ReportDraft("垃圾/环境卫生", REPORT_TEXT, address=REPORT_ADDRESS))
    return engine


async def in_english(engine: Engine, user: str, phone: str | None) -> Chat:
    """Return a chat that chose English first, then joined (or not, without a phone)."""
    chat = Chat(engine, user)
    await chat.says("/lang")
    await chat.taps("English")
    if phone is not None:
        await chat.says("/start")
        await chat.shares_contact(f"+86{phone}")
    return chat


async def walk_everything(walker: Walker) -> None:
    """Walk every tool on the person's menu, More and Work tools included, a few times each."""
    menu = await walker.chat.says("/menu")
    walker.check("menu", menu)
    sections = [str(glossary.MORE.msgid), str(glossary.WORK_TOOLS.msgid)]
    tools = [label for label in _keys(menu[-1]) if label not in sections]
    for section in sections:
        if section in _keys(menu[-1]):
            shown = await walker.chat.says(section)
            walker.check(section, shown)
            tools += [label for label in _keys(shown[-1]) if label != str(glossary.MENU.msgid)]
    for tool in tools:
        if tool == str(glossary.LANGUAGE.msgid):
            continue  # its only buttons switch the language: its screen was seen when choosing English
        for _walk in range(WALKS_PER_TOOL):
            if not await walker.walk(tool):
                break


async def test_every_screen_is_english_but_the_village_s_data(seeded: Engine, database: Database) -> None:
    allowed = village_data()
    newcomer = Walker(await in_english(seeded, "7000", None), database, allowed)
    newcomer.check("start", await newcomer.chat.says("/start"))
    newcomer.check("contact", await newcomer.chat.shares_contact("+8613700000000"))
    newcomer.check("village", await newcomer.chat.taps("和美村"))
    newcomer.check("name", await newcomer.chat.says(NEWCOMER))
    # One after another on the same data, so each sees what the others caused (appeals, join requests, cards).
    members = [Walker(await in_english(seeded, f"7{phone[-3:]}", phone), database, allowed)
               for phone in (ALICE, ZHAO, SUN, SECRETARY, SUPERVISOR)]

    for member in members:
        await walk_everything(member)

    assert [len(m.pressed) > 10 for m in members] == [True] * len(members)
    assert [leak for walker in (newcomer, *members) for leak in walker.leaks] == []


async def test_the_score_chart_names_months_in_english(seeded: Engine, database: Database, clock: ManualClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[ChartPicture] = []
    monkeypatch.setattr(score, "draw_chart", lambda chart, font: drawn.append(chart) or b"\x89PNG")
    engine = Engine(registry.flows(), database=database, clock=clock, settings=VillageSettings(),
                    renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW, cjk_font=Path("any.ttf"))
    alice = await in_english(engine, "7001", ALICE)

    await alice.says("/score")

    labels = [label for label, _total, _face in drawn[0].points]
    assert labels[-3:] == ["Sep", "Oct", "Nov"]
    assert leak(drawn[0].title + "".join(labels), village_data()) is None


async def test_the_monthly_digest_in_english_names_categories_in_english(
        seeded: Engine, database: Database, clock: ManualClock, db_url: str, tmp_path: Path) -> None:
    secretary = await person_by_phone(database, SECRETARY)
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", "9", chat_ref="9", display_name="9", now=clock.now())
        await store.identities.bind(identity.id, secretary.id)
        await store.identities.set_locale(identity.id, "en")
    jobs = scheduler(database, clock, load_config(None, {"HEMEI_DATABASE__URL": db_url}), tmp_path, font=None)

    await jobs.run("monthly_digest", FIRST_OF_DECEMBER)

    async with database.transaction() as store:
        [item] = await store.outbox.claim(datetime(2030, 1, 1, tzinfo=SHANGHAI), 10)
    assert "Rubbish / sanitation ▇" in item.payload["text"]
    assert leak(item.payload["text"], village_data()) is None
