"""Several processes on one PostgreSQL: a worker answers people, two leader candidates share the outbox and jobs.

Real `hemei run` processes (a polling worker, which takes updates as a webhook worker would, and two
`--role leader`); the leader is killed with SIGKILL mid-broadcast. The standby takes over within
seconds, every message arrives (only those in flight at the kill may arrive twice), the worker keeps
answering, and no scheduled slot runs twice.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.emulator import FakeBotApi
from bot.emulator.messages import user_message
from bot.i18n import Catalogs
from bot.processes import BotProcess, write_config
from handlers.context import Notifier
from handlers.replies import Reply
from storage.database import Database
from storage.tables import outbox
from tests.factories import bind_telegram, load_roster, person_by_phone
from village.clock import SystemClock
from village.outbox import MessageKind
from village.services import Services
from village.settings import VillageSettings

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]
MESSAGES = 100  # 40 sent before the kill, the rest after the takeover
IN_FLIGHT = 4
TAKEOVER_SECONDS = 10  # the standby retries every 2 s; the rest is slack for a loaded CI machine
STRANGER = {"id": 7777, "is_bot": False, "first_name": "路人"}
EVERY_MINUTE = ["[schedules]", 'prune_updates = "* * * * *"']
LEADING = "now runs the scheduler"
JOB_RUN = re.compile(r"job prune_updates for (\S+): ")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    emulator = FakeBotApi()
    await emulator.start()
    emulator.send_delay = 0.05  # slow enough that the kill finds the broadcast half sent
    yield emulator
    await emulator.stop()


async def queue_broadcast(database: Database) -> None:
    clock = SystemClock()
    people = [(await person_by_phone(database, phone)).id for phone in PHONES]
    async with database.transaction() as store:
        notifier = Notifier(Services(store, clock, VillageSettings()), Catalogs.load(), "zh_CN")
        for number in range(MESSAGES):
            await notifier.to_person(people[number % 5], f"notice:{number}", Reply(f"通知 {number}"),
                                         kind=MessageKind.NOTICE_BROADCAST)


def delivered(api: FakeBotApi) -> Counter[str]:
    return Counter(m.text for i in range(5) for m in api.messages_to(4000 + i))


async def resent(database: Database) -> int:
    async with database.connection() as connection:
        return int((await connection.execute(select(func.count()).where(outbox.c.resent.is_(True)))).scalar_one())


def bot(tmp_path: Path, api: FakeBotApi, db_url: str, name: str, role: str) -> BotProcess:
    config = write_config(tmp_path / name, api, db_url, max_in_flight=IN_FLIGHT, log_level="INFO",
                          extra=EVERY_MINUTE)
    return BotProcess(config, role=role)


def log_of(process: BotProcess) -> str:
    return process.log.read_text(encoding="utf-8")


async def test_killing_the_leader_hands_the_outbox_and_jobs_to_the_standby(
        api: FakeBotApi, database: Database, db_url: str, tmp_path: Path) -> None:
    leader, standby = bot(tmp_path, api, db_url, "a", "leader"), bot(tmp_path, api, db_url, "b", "leader")
    worker = bot(tmp_path, api, db_url, "w", "worker")
    for process in (leader, standby, worker):
        await process.prepare()  # the imports run while the roster loads; only the starts are in order
    clock = SystemClock()
    await load_roster(database, clock)
    for index, phone in enumerate(PHONES):
        await bind_telegram(database, clock, phone, 4000 + index)
    await leader.start()
    await leader.wait_for_log(LEADING)
    await standby.start()
    await worker.start()
    await standby.wait_for_log("is running")
    await worker.wait_for_log("is running")

    await queue_broadcast(database)
    await api.wait_until(lambda: sum(delivered(api).values()) >= 40)
    await leader.kill()
    killed_at, before = time.monotonic(), sum(delivered(api).values())
    api.push(user_message(api.new_message_id(), STRANGER, text="你好"))
    await api.wait_until(lambda: sum(delivered(api).values()) > before)
    takeover = time.monotonic() - killed_at
    await api.wait_until(lambda: len(delivered(api)) == MESSAGES)
    await api.wait_until(lambda: bool(api.messages_to(STRANGER["id"])))
    await standby.terminate()
    await worker.terminate()

    counts, runs = delivered(api), Counter(JOB_RUN.findall(log_of(leader) + log_of(standby)))
    assert set(counts) == {f"通知 {n}" for n in range(MESSAGES)}
    assert sum(n - 1 for n in counts.values()) <= await resent(database) <= IN_FLIGHT
    assert takeover < TAKEOVER_SECONDS, takeover
    assert LEADING in log_of(standby)
    assert LEADING not in log_of(worker)
    assert runs, "the jobs ran"
    assert set(runs.values()) == {1}, runs  # every slot ran once
