"""`hemei demo`, the README's first command, run as a new user would: it answers in Chinese."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = ("/start\n:contact\n➕ 更多\n👤 我的信息\n:as 4\n/start\n:contact\n🧰 工作台\n"
          "💬 议题征集\n村里办老年助餐点 👍0\n/family\n王大伯\n1-002 户 · 王大伯\n"  # the family link, cadre side
          ":as 3\n/start\n:contact\n🧰 工作台\n🗂 待办问题\n#2\n:as 7\n/family\n:job prune_updates\n:quit\n")


def test_demo_runs_a_scripted_chat_with_no_token(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--script", str(script), "--keep", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stderr
    assert "2 villages, 1,000 households loaded" in result.stdout
    assert "欢迎您，奉贤区青村镇和美村的张阿婆" in result.stdout
    assert "户号：1-001" in result.stdout
    assert "📝 入村申请" in result.stdout  # the cadre's own tools
    assert "您已作为子女关联到 张阿婆家" in result.stdout  # the demo's linked family member (亲情代办)
    assert "由 张小红（子女）代 张阿婆家 提议" in result.stdout  # her topic, as the secretary sees it
    assert "王小军（子女）申请做王大伯家的亲情代办" in result.stdout  # a request awaiting confirmation
    assert "由 张小红（子女）代 张阿婆家 提交" in result.stdout  # her report, in the grid worker's queue
    assert "job prune_updates: 0 old update id(s) forgotten" in result.stdout  # :job runs it in the demo's bot
