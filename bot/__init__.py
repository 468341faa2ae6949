"""Wiring: configuration, the Telegram adapter, dispatcher, scheduler, CLI, i18n and the demo."""

import os

# python-telegram-bot 22 warns unless durations are timedelta objects; opt in before it is imported.
os.environ.setdefault("PTB_TIMEDELTA", "true")
