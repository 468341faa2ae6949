"""Moved to bot/processes.py (the district demo starts these processes too); kept for the tests' old import."""

from bot.processes import BotProcess, write_config

__all__ = ["BotProcess", "write_config"]
