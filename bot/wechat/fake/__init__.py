"""A fake WeChat (API and pushes) for offline tests, beside the Telegram emulator."""

from bot.wechat.fake.inputs import InputFactory, Push
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.fake.server import FAKE_APP_ID, FAKE_APP_SECRET, FakeWechat
from bot.wechat.fake.windows import Trigger

__all__ = ["FAKE_APP_ID", "FAKE_APP_SECRET", "FakeWechat", "InputFactory", "Push", "PushAccount", "Pusher", "Trigger"]
