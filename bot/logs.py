"""Logging set-up: text or JSON lines, httpx quiet, and no bot token, WeChat secret or access token in any record."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import TextIO

# A Telegram token looks like 123456789:AA... ; it also appears inside request URLs.
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# A WeChat access token travels as a query parameter (`?access_token=...`) or in a JSON answer.
_ACCESS_TOKEN = re.compile(r"""(access_token["']?\s*[=:]\s*["']?)[A-Za-z0-9_*-]{16,}""")
# Phone numbers are personal data: keep only the last four digits in logs.
_PHONE = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d{5})(\d{4})(?!\d)")
_TRACEBACKS = logging.Formatter()


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token with a placeholder, and mask phone numbers."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and traceback in place; always keep the record."""
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # An exception's text can quote the token (PTB's InvalidToken does): the formatter uses this instead.
            record.exc_text = self.redact(_TRACEBACKS.formatException(record.exc_info))
        return True

    def redact(self, text: str) -> str:
        """Return `text` with tokens, secrets and phone numbers masked."""
        cleaned = _PHONE.sub(r"***\3", _ACCESS_TOKEN.sub(r"\1<token>", _TOKEN.sub("<token>", text)))
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "<secret>")
        return cleaned


class JsonLines(logging.Formatter):
    """One JSON object a line (time in UTC, level, logger, message, traceback), for a log collector.

    It formats what `RedactTokens` left: the filter runs on the handler before any formatter.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def setup_logging(level: str = "INFO", secrets: tuple[str, ...] = (), stream: TextIO | None = None, *,
                  line_format: str = "text") -> None:
    """Configure the root logger once; quiet the libraries that log URLs."""
    handler = logging.StreamHandler(stream)
    text_lines = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonLines() if line_format == "json" else text_lines)
    handler.addFilter(RedactTokens(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
