"""`[logging] format = "json"`: one JSON object a line, with tokens, secrets and phone numbers masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "webhook-secret-Kq8v1Xo3Rz7T9bLm2Nw5abc"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Log as `hemei run` does with JSON lines, into a buffer; restore the root logger afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    setup_logging("INFO", (SECRET,), buffer, line_format="json")
    yield buffer
    root.handlers[:], root.level = saved


def logged(buffer: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_record_is_one_json_line_with_its_level_and_logger(json_lines: io.StringIO) -> None:
    logging.getLogger("bot.test").warning("村民 %s 反映了问题", "张阿婆")

    [line] = logged(json_lines)

    assert line["level"] == "WARNING"
    assert line["logger"] == "bot.test"
    assert line["message"] == "村民 张阿婆 反映了问题"
    assert line["time"].endswith("+00:00")


def test_tokens_secrets_and_phones_are_masked_in_json_lines(json_lines: io.StringIO) -> None:
    logging.getLogger("bot.test").info("GET https://api.telegram.org/bot%s/getMe for +8613812345678 with %s",
                                       TOKEN, SECRET)

    [line] = logged(json_lines)

    assert line["message"] == "GET https://api.telegram.org/bot<token>/getMe for ***5678 with <secret>"


def test_a_traceback_stays_inside_its_line_and_is_masked(json_lines: io.StringIO) -> None:
    try:
        raise ValueError(f"token {TOKEN} refused for 13812345678")
    except ValueError:
        logging.getLogger("bot.test").exception("sending failed")

    [line] = logged(json_lines)

    assert line["message"] == "sending failed"
    assert "ValueError: token <token> refused for ***5678" in line["traceback"]
    assert TOKEN not in json_lines.getvalue()
