"""一月一汇 end to end: sent once per village and month, also when the bot was down at 09:00 and restarts."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator.harness import Harness
from bot.fonts import find_cjk_font
from storage.database import Database
from tests.conftest import SHANGHAI, START
from tests.e2e.conftest import ALICE, SECRETARY, join, villager
from tests.e2e.test_notices_compose import compose
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock

SUPERVISOR = villager(1011, "Wu", "13800000011")  # 吴监督
LATE_ON_THE_FIRST = datetime(2026, 12, 1, 11, 0, tzinfo=SHANGHAI)


def digests_to(bot: Harness, user_id: int) -> list[str]:
    return [m.text for m in bot.api.messages_to(user_id) if m.text.startswith("📊 一月一汇")]


async def test_digest_is_sent_once_after_downtime_and_restarts(bot: Harness, clock: ManualClock) -> None:
    for user in (SECRETARY, SUPERVISOR, ALICE):
        await join(bot, user)
    await compose(bot, picks=("⬜ 一组",))
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    clock.set(LATE_ON_THE_FIRST)  # the bot was down at 09:00 and starts at 11:00
    await bot.restart()
    await bot.runtime.settle()
    await bot.restart()
    await bot.runtime.scheduler.run("monthly_digest", LATE_ON_THE_FIRST)  # as `hemei jobs run` would
    await bot.runtime.settle()

    assert len(digests_to(bot, SECRETARY.id)) == 1
    assert len(digests_to(bot, SUPERVISOR.id)) == 1
    assert digests_to(bot, ALICE.id) == []
    digest = digests_to(bot, SECRETARY.id)[0]
    assert digest.startswith("📊 一月一汇 · 和美村 · 2026年11月\n▌问题上报\n")
    assert "▌通知公告\n发出通知 1 条，共发给 3 人\n消息送达 1 / 1（100%）" in digest
    assert "▌美丽约定评定" in digest
    assert "▌议事协商\n召开议事会 0 场" in digest


async def test_digest_composed_in_quiet_hours_waits_for_the_morning(bot: Harness, clock: ManualClock) -> None:
    await join(bot, SECRETARY)
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI))

    await bot.runtime.scheduler.run("monthly_digest", clock.now())
    await bot.runtime.settle()
    before_eight = digests_to(bot, SECRETARY.id)
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    await bot.runtime.settle()

    assert before_eight == []
    assert len(digests_to(bot, SECRETARY.id)) == 1


@pytest.fixture
def cli_config(db_url: str, tmp_path: Path) -> Path:
    async def prepare() -> None:
        database = Database.open(db_url)
        await load_roster(database, ManualClock(START))
        secretary = await person_by_phone(database, "13800000009")
        async with database.transaction() as store:
            identity = await store.identities.seen("telegram", "1009", chat_ref="1009", display_name="Li", now=START)
            await store.identities.bind(identity.id, secretary.id)
        await database.close()

    asyncio.run(prepare())
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n[media]\ndir = "{tmp_path / "media"}"\n', encoding="utf-8")
    return path


def test_hemei_jobs_lists_the_digest_with_its_next_run(cli_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["jobs", "--config", str(cli_config)])

    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("monthly_digest"))
    assert status == 0
    assert "0 9 1 * *" in line
    assert "-01 09:00" in line.split("next")[1]


def test_hemei_jobs_run_dry_run_shows_the_digest_and_queues_nothing(cli_config: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run = ["jobs", "run", "monthly_digest", "--at", "2026-12-01T09:00", "--config", str(cli_config)]

    statuses = [main([*run, "--dry-run"]), main(run), main(run)]

    out = capsys.readouterr().out
    assert statuses == [0, 0, 0]
    assert "monthly_digest (dry run, nothing was changed): digest for 2026-11: 1 message(s) queued" in out
    assert "--- to 1 account(s): Li\n📊 一月一汇 · 和美村 · 2026年11月\n▌问题上报" in out
    assert "monthly_digest: digest for 2026-11: 1 message(s) queued for 1 village(s)" in out
    assert "monthly_digest: digest for 2026-11: 0 message(s) queued for 1 village(s)" in out


# Any TrueType font draws the chart (Chinese as boxes without a CJK one): enough to see where the PNG goes.
CHART_FONT = find_cjk_font() or next((p for p in Path("/usr/share/fonts").rglob("*.ttf")), None)


@pytest.mark.skipif(CHART_FONT is None, reason="no TrueType font installed")
def test_hemei_jobs_run_dry_run_saves_no_chart(cli_config: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with cli_config.open("a", encoding="utf-8") as config:
        config.write(f'[fonts]\ncjk_path = "{CHART_FONT}"\n')

    status = main(["jobs", "run", "monthly_digest", "--at", "2026-12-01T09:00", "--dry-run",
                   "--config", str(cli_config)])

    out = capsys.readouterr().out
    assert status == 0
    assert "[attachment: png, " in out
    assert "not saved (dry run)]" in out
    assert list((tmp_path / "media").rglob("*.png")) == []
