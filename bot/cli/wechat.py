"""`hemei wechat menu`: push the residents' and the staff menus, and tag the staff; the staff tag after role changes."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx

from bot.cli.common import CliError, Printer, Subparsers, add_config_option, command, services
from bot.config import Config
from bot.i18n import Catalogs
from bot.wechat.api import WechatApi
from bot.wechat.client import WechatClient
from bot.wechat.errors import WechatApiError
from bot.wechat.menus import MenuLabelError
from bot.wechat.staff import CHANNEL, StaffTags, push_menus
from bot.wechat.token_store import DatabaseTokenStore
from handlers.menu import Menu
from handlers.registry import flows
from handlers.texts import Text, _
from storage.database import Database
from village.clock import SystemClock
from village.people import Identity, Person
from village.ports import Store

TIMEOUT_SECONDS = 10.0


def register(subparsers: Subparsers) -> None:
    """Add `hemei wechat menu`."""
    parser = subparsers.add_parser("wechat", help="the WeChat Service Account")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    menu = actions.add_parser("menu", help="push the residents' and staff menus and tag the staff")
    add_config_option(menu)
    menu.set_defaults(handler=command(_menu))


@asynccontextmanager
async def staff_tags(config: Config) -> AsyncIterator[tuple[WechatClient, StaffTags]]:
    """Yield a client of the configured account and its staff tag (tokens shared through the database)."""
    settings = config.wechat
    database = Database.open(config.database.url)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
            api = WechatApi(http, base_url=settings.base_url, app_id=settings.app_id,
                            app_secret=settings.app_secret.get_secret_value(), store=DatabaseTokenStore(database),
                            clock=SystemClock())
            client = WechatClient(api)
            yield client, StaffTags(client, Menu(flows()))
    finally:
        await database.close()


async def sync_staff_tag(config: Config, person: Person, identities: Sequence[Identity]) -> Text | None:
    """Put the staff tag on the person's WeChat accounts or take it off, after their roles changed.

    Returns a warning when WeChat could not be told: the role change stands, and the next
    `hemei wechat menu` tags everyone again.
    """
    if not config.wechat.enabled or not any(i.channel == CHANNEL for i in identities):
        return None
    try:
        async with staff_tags(config) as (_client, tags):
            await tags.sync(person, identities)
    except WechatApiError as error:
        return _("WeChat's staff menu was not updated ({reason}); run `hemei wechat menu` to try again.",
                 reason=str(error))
    return None


async def reconcile_staff_tags(config: Config) -> Text | None:
    """Make the staff tag follow everyone's roles (after a roster import); a warning if WeChat said no."""
    if not config.wechat.enabled:
        return None
    async with services(config) as village:
        people = await _everyone(village.store)
    try:
        async with staff_tags(config) as (_client, tags):
            await tags.sync_all(people)
    except WechatApiError as error:
        return _("WeChat's staff menu was not updated ({reason}); run `hemei wechat menu` to try again.",
                 reason=str(error))
    return None


async def _menu(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    if not config.wechat.enabled:
        raise CliError(_("WeChat is not configured: set wechat.app_id first."))
    async with services(config) as village:
        people = await _everyone(village.store)
    try:
        async with staff_tags(config) as (client, tags):
            await push_menus(client, tags, Catalogs.load(config.locale), config.locale)
            tagged = await tags.sync_all(people)
    except MenuLabelError as error:
        raise CliError(_("The menu cannot be pushed: {reason}", reason=str(error))) from None
    except WechatApiError as error:
        raise CliError(_("WeChat refused the menu: {reason}", reason=str(error)), status=1) from None
    printer.out(_("Pushed the residents' menu and the staff menu; {count} WeChat account(s) tagged as staff.",
                  count=tagged))
    return 0


async def _everyone(store: Store) -> list[tuple[Person, list[Identity]]]:
    """Return every person of every village with their identities."""
    people: list[Person] = []
    for village in await store.places.villages():
        people += await store.people.in_village(village.id)
    identities = await store.identities.of_people([p.id for p in people])
    return [(p, [i for i in identities if i.person_id == p.id]) for p in people]
