"""The web pages WeChat needs: reminder settings (subscriptions), a message a teaser opens, file downloads.

`Pages(...).app()` is a Starlette app to mount at `PAGES_PATH` beside the callback; `PageLinks` makes the
signed, expiring links to its pages, and `PageStore` keeps what the pages show.
"""

from bot.wechat.pages.app import PAGES_PATH, Pages
from bot.wechat.pages.links import PageLinks
from bot.wechat.pages.store import PageStore

__all__ = ["PAGES_PATH", "PageLinks", "PageStore", "Pages"]
