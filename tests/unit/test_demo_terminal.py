"""The demo's terminal: pressing buttons by #N, typed numbers as text, received files, and :job."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.cli import demo as demo_command
from bot.cli import main
from bot.demo.terminal import DemoChat
from bot.emulator import FakeUser, Sent
from handlers import registry

PNG = b"\x89PNG\r\n\x1a\n fake image"


@dataclass
class FakeTelegram:
    """Records what the demo user did."""

    done: list[tuple[str, str]] = field(default_factory=list)

    async def user_says(self, user: FakeUser, text: str) -> None:
        self.done.append(("says", text))

    async def user_taps(self, user: FakeUser, label: str) -> None:
        self.done.append(("taps", label))

    async def user_presses_data(self, user: FakeUser, data: str, message: Sent | None = None) -> None:
        self.done.append(("presses", data))


@dataclass
class FakeApi:
    """Shows the demo user a question with inline buttons, and later an image."""

    sent: list[Sent] = field(default_factory=list)
    keyboard: list[str] = field(default_factory=list)

    def messages_to(self, user_id: int) -> list[Sent]:
        return self.sent if user_id == 7000 else []

    def current_keyboard(self, user_id: int) -> list[str]:
        return self.keyboard


@dataclass
class FakeHarness:
    tg: FakeTelegram = field(default_factory=FakeTelegram)
    api: FakeApi = field(default_factory=FakeApi)
    ran: list[str] = field(default_factory=list)

    async def run_job(self, name: str) -> str:
        self.ran.append(name)
        return "done"


def question(seq: int, labels: list[str], **extra: Any) -> Sent:
    markup = {"inline_keyboard": [[{"text": label, "callback_data": f"cb:{label}"} for label in labels]]}
    return Sent(seq, 7000, extra.pop("method", "sendMessage"), extra.pop("text", "How many seats?"), markup, seq, 0.0,
                **extra)


@pytest.fixture
def harness() -> FakeHarness:
    return FakeHarness()


@pytest.fixture
def chat(harness: FakeHarness, tmp_path: Path) -> tuple[DemoChat, list[str]]:
    printed: list[str] = []
    return DemoChat(harness, printed.append, received=tmp_path / "received"), printed  # type: ignore[arg-type]


async def test_a_typed_number_is_sent_as_text_while_buttons_are_shown(harness: FakeHarness,
                                                                       chat: tuple[DemoChat, list[str]]) -> None:
    demo, _printed = chat
    harness.api.sent.append(question(1, ["⬅️ 返回", "❌ 取消"]))
    await demo.handle("hello")  # shows the question and its numbered buttons

    await demo.handle("1")

    assert harness.tg.done[-1] == ("says", "1")


async def test_hash_number_presses_that_button(harness: FakeHarness, chat: tuple[DemoChat, list[str]]) -> None:
    demo, printed = chat
    harness.api.sent.append(question(1, ["⬅️ 返回", "❌ 取消"]))
    await demo.handle("hello")

    await demo.handle("#2")

    assert "   [#1] ⬅️ 返回  [#2] ❌ 取消" in printed
    assert harness.tg.done[-1] == ("presses", "cb:❌ 取消")


@pytest.mark.parametrize("file_name", [None, "application.octet-stream"])  # PTB's name for bytes it sends
async def test_an_image_from_the_bot_is_saved_and_its_path_printed(harness: FakeHarness, tmp_path: Path,
                                                                   chat: tuple[DemoChat, list[str]],
                                                                   file_name: str | None) -> None:
    demo, printed = chat
    harness.api.sent.append(question(5, [], method="sendPhoto", text="📊 一月一汇", file=PNG, file_name=file_name))

    await demo.handle("hello")

    saved = tmp_path / "received" / "5-photo.png"
    assert saved.read_bytes() == PNG
    assert f"   💾 saved to {saved}" in printed


async def test_job_without_a_name_lists_the_jobs(harness: FakeHarness, chat: tuple[DemoChat, list[str]]) -> None:
    demo, printed = chat

    await demo.handle(":job")

    assert harness.ran == []
    assert all(name in printed[-1] for name in registry.job_names())


async def test_job_with_a_name_runs_it(harness: FakeHarness, chat: tuple[DemoChat, list[str]]) -> None:
    demo, printed = chat

    await demo.handle(":job monthly_digest")

    assert harness.ran == ["monthly_digest"]
    assert "job monthly_digest: done" in printed


def run_demo_recording_its_folder(monkeypatch: pytest.MonkeyPatch, script: Path, *options: str) -> Path:
    """Run `hemei demo` with the chat replaced by one that leaves a file in its folder; return that folder."""
    seen: list[Path] = []

    async def chat_in(folder: Path, source: object, *, echo: bool) -> int:
        (folder / "demo.db").write_bytes(b"")
        seen.append(folder)
        return 0

    monkeypatch.setattr(demo_command, "_chat_in", chat_in)
    assert main(["demo", "--script", str(script), *options]) == 0
    return seen[0]


def test_demo_deletes_its_temporary_folder_when_it_ends(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    script = tmp_path / "script.txt"
    script.write_text(":quit\n", encoding="utf-8")

    folder = run_demo_recording_its_folder(monkeypatch, script)

    assert folder.parent == tmp_path
    assert not folder.exists()
    assert f"The demo works in {folder}, deleted when you leave" in capsys.readouterr().out


def test_demo_keeps_the_folder_given_with_keep(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(":quit\n", encoding="utf-8")

    folder = run_demo_recording_its_folder(monkeypatch, script, "--keep", str(tmp_path / "kept"))

    assert (folder / "demo.db").exists()
