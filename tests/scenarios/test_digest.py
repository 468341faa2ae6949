"""一月一汇 on each channel: on the 1st the cadres get the month's digest, as a chart and its figures."""

from __future__ import annotations

from datetime import datetime

from bot.fonts import find_cjk_font
from tests.conftest import SHANGHAI
from tests.scenarios.channels import ChannelDriver
from tests.scenarios.conftest import ALICE, SECRETARY, Village
from village.clock import ManualClock

PNG = b"\x89PNG\r\n\x1a\n"
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


async def test_the_monthly_digest_reaches_the_cadres(channel: ChannelDriver, village: Village,
                                                     clock: ManualClock) -> None:
    await channel.enrol(SECRETARY)
    await channel.join(ALICE)
    clock.set(FIRST_OF_DECEMBER)

    await village.runtime.scheduler.run("monthly_digest", clock.now())
    await channel.settle()
    await channel.says(SECRETARY, "你好")  # on WeChat, weeks after her last message, it may wait for her to write

    digests = [m.text for m in channel.inbox(SECRETARY) if m.text.startswith("📊 一月一汇")]
    assert len(digests) == 1
    assert digests[0].startswith("📊 一月一汇 · 和美村 · 2026年11月\n▌问题上报\n")
    assert "▌议事协商\n召开议事会 0 场" in digests[0]
    assert not any(m.text.startswith("📊 一月一汇") for m in channel.inbox(ALICE))
    if find_cjk_font() is not None:  # the chart needs a Chinese font; without one the figures come alone
        assert any(m.picture is not None and m.picture.startswith(PNG) for m in channel.inbox(SECRETARY))
