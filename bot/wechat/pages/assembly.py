"""Build the pages of the configured account: what the process serving the callback mounts at PAGES_PATH."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.i18n import Catalogs
from bot.wechat.api import WechatApi
from bot.wechat.pages.app import PAGES_PATH, Answers, Pages
from bot.wechat.pages.links import PageLinks, derive_key
from bot.wechat.pages.store import PageStore
from bot.wechat.pages.tickets import JsapiTickets
from bot.wechat.settings import WechatSettings
from bot.wechat.tokens import TokenStore
from village.clock import Clock


@dataclass(frozen=True)
class PageKit:
    """The pages to serve, the links to put in messages, and the store to keep their contents in."""

    pages: Pages
    links: PageLinks
    store: PageStore


def build_pages(settings: WechatSettings, api: WechatApi, tokens: TokenStore, clock: Clock, *, root: Path,
                catalogs: Catalogs, locale: str, answers: Answers | None = None) -> PageKit:
    """Return the pages of the account, their contents kept under `root` (e.g. the media folder's `pages/`)."""
    key = derive_key(settings.pages_key.get_secret_value(), settings.app_secret.get_secret_value())
    links = PageLinks(key, settings.public_base_url.rstrip("/") + PAGES_PATH, clock,
                      lifetime=timedelta(days=settings.page_link_days))
    store = PageStore(root)
    tickets = JsapiTickets(api, settings.app_id, tokens, clock)
    # The page offers the configured templates, else every template some kind of message is routed by.
    templates = settings.subscribe_templates or tuple(sorted(set(settings.subscriptions.values())))
    pages = Pages(store, links, tickets, catalogs, locale=locale, templates=templates, answers=answers)
    return PageKit(pages, links, store)
