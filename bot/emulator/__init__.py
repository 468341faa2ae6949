"""A local Telegram Bot API emulator (loopback only) for the demo and the end-to-end tests."""

from bot.emulator.api import FakeBotApi, FakeUser, Sent
from bot.emulator.driver import Driver

__all__ = ["Driver", "FakeBotApi", "FakeUser", "Sent"]
