"""`hemei roles grant|revoke PHONE ROLE [--village CODE]`."""

from __future__ import annotations

import argparse

from bot.cli.common import Printer, Subparsers, add_config_option, command, operator, refuse_on_domain_error, services
from bot.cli.wechat import sync_staff_tag
from bot.config import Config
from handlers.texts import _


def register(subparsers: Subparsers) -> None:
    """Add `hemei roles`."""
    parser = subparsers.add_parser("roles", help="grant or revoke a role")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, helptext in (("grant", "give a person a role"), ("revoke", "take a role away")):
        sub = actions.add_parser(action, help=helptext)
        add_config_option(sub)
        sub.add_argument("phone", help="the person's phone number as in the roster")
        sub.add_argument("role", help="resident, household_head, representative, group_leader, grid_worker, "
                                      "cadre[:title], supervisor or admin")
        sub.add_argument("--village", help="village code (admin without it: every village)")
        sub.set_defaults(handler=command(_grant if action == "grant" else _revoke))


async def _grant(args: argparse.Namespace, config: Config) -> int:
    return await _change(args, config, grant=True)


async def _revoke(args: argparse.Namespace, config: Config) -> int:
    return await _change(args, config, grant=False)


async def _change(args: argparse.Namespace, config: Config, *, grant: bool) -> int:
    printer = Printer(config)
    async with services(config) as village:
        change = village.memberships.grant if grant else village.memberships.revoke
        person = await refuse_on_domain_error(printer, change(operator(), args.phone, args.role, args.village))
        changed = await village.store.people.get(person.id) or person
        identities = await village.store.identities.of_person(person.id)
    warning = await sync_staff_tag(config, changed, identities)  # after the commit: WeChat follows the database
    if grant:
        printer.out(_("Granted {role} to {name}.", role=args.role, name=person.name))
    else:
        printer.out(_("Revoked {role} from {name}.", role=args.role, name=person.name))
    if warning is not None:
        printer.out(warning)
    return 0
