"""The convention score on each channel: /score shows the face, the deductions and a chart; /board is a
picture of the group's faces."""

from __future__ import annotations

import pytest

from bot.fonts import find_cjk_font
from tests.convention import add_convention
from tests.e2e.convention_steps import publish_directly
from tests.scenarios.channels import ChannelDriver, texts
from tests.scenarios.conftest import MING, WANG, Village
from village.clock import ManualClock

PNG = b"\x89PNG\r\n\x1a\n"
pytestmark = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (fonts-wqy-microhei)")


async def test_score_and_the_board_picture(channel: ChannelDriver, village: Village, clock: ManualClock) -> None:
    convention = await add_convention(village.database, clock)
    await publish_directly(village.database, clock, convention, "一组",
                           {"1-01": {"垃圾分类": 20, "不违章搭建": 15}, "1-02": {}})
    await channel.join(MING)
    await channel.join(WANG)

    score = await channel.says(MING, "/score")
    board = await channel.says(WANG, "/board")

    assert [m.picture[:8] for m in score if m.picture] == [PNG]
    assert "🏠 1-01户 美丽约定积分" in texts(score)
    assert "2026年11月：😢 哭脸，65分（满分100）" in texts(score)
    assert "· 不违章搭建 −15分：查实：垃圾混投" in texts(score)
    assert "2026年和美奖励金：已发放 25.00元，暂扣 25.00元" in texts(score)
    assert "· 垃圾分类（2026-11）：待整改" in texts(score)
    assert "请点「⚖️ 申诉」（截止 2026-11-17）" in texts(score)
    assert [m.picture[:8] for m in board if m.picture] == [PNG]
    assert "一组 · 2026年11月 公示牌" in texts(board)
    assert "😊 1 · 😐 0 · 😢 1 · ⬜ 0" in texts(board)
    assert "垃圾" not in texts(board)  # faces only, never deductions
