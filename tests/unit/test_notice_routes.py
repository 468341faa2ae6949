"""The delivery report names the routes when a notice went out by more than Telegram (one report, both channels)."""

from __future__ import annotations

from bot.i18n import Catalogs
from handlers.notices.views import route_lines
from handlers.texts import lines
from village.outbox import BatchProgress


def figures(routes: dict[str, int]) -> BatchProgress:
    sent = sum(routes.values())
    return BatchProgress(total=sent, sent=sent, failed=0, blocked=0, pending=0, waiting=0, resent=0, routes=routes)


def test_telegram_alone_adds_no_lines() -> None:
    assert route_lines(figures({"telegram": 3})) == []


def test_both_channels_are_counted_route_by_route() -> None:
    shown = Catalogs.load().text(lines(*route_lines(figures({"custom": 1, "telegram": 2, "summary": 1}))), "zh_CN")

    assert shown == "  · Telegram：2\n  · 微信消息：1\n  · 微信（对方再发消息时汇总送达）：1"
