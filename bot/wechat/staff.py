"""Staff on WeChat: the tag that shows them the staff menu, kept in step with their roles, and the menu push.

Someone is staff when the Telegram menu would show them 🧰 Work tools (a flow of that section is theirs),
so both channels agree on who gets the tools. WeChat shows a conditional menu to the people with its tag;
`StaffTags.sync` puts the tag on a person's WeChat accounts or takes it off whenever their roles change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.i18n import Catalogs
from bot.wechat import menus
from bot.wechat.client import WechatClient
from bot.wechat.errors import PermanentError, RerouteError
from handlers.conversations import MenuSection
from handlers.menu import Menu
from village.people import Identity, Person

log = logging.getLogger(__name__)

CHANNEL = "wechat"
STAFF_TAG = "和美工作人员"  # shown in the account's admin console, where the village's staff read it
MAX_PER_CALL = 50  # tags/members/batchtagging takes at most 50 OpenIDs


def is_staff(person: Person | None, menu: Menu) -> bool:
    """Tell whether the person's Telegram menu has 🧰 Work tools."""
    if person is None:
        return False
    return any(f.menu is not None and f.menu.section is MenuSection.TOOLS for f in menu.flows_for(person))


def wechat_ids(identities: Sequence[Identity]) -> list[str]:
    """Return the OpenIDs among a person's identities."""
    return [i.external_id for i in identities if i.channel == CHANNEL]


class StaffTags:
    """The staff tag of one account: found or created once, then put on or taken off people."""

    def __init__(self, client: WechatClient, menu: Menu) -> None:
        self._client, self._menu = client, menu
        self._tag_id: int | None = None

    async def tag_id(self) -> int:
        """Return the staff tag's id, creating the tag the first time."""
        if self._tag_id is None:
            answer = await self._client.api.call("cgi-bin/tags/get", method="GET")
            found = [int(t["id"]) for t in answer.get("tags", []) if t.get("name") == STAFF_TAG]
            self._tag_id = found[0] if found else await self._client.create_tag(STAFF_TAG)
        return self._tag_id

    async def sync(self, person: Person | None, identities: Sequence[Identity]) -> bool:
        """Tag the person's WeChat accounts if they are staff, untag them otherwise; return whether staff."""
        staff = is_staff(person, self._menu)
        route = "batchtagging" if staff else "batchuntagging"
        for open_id in wechat_ids(identities):
            await self._change(route, [open_id])
        return staff

    async def sync_all(self, people: Sequence[tuple[Person, Sequence[Identity]]]) -> int:
        """Make the tag's members exactly the staff's WeChat accounts (after a roster import or a menu push).

        Returns how many accounts are staff.
        """
        staff = {open_id for person, identities in people if is_staff(person, self._menu)
                 for open_id in wechat_ids(identities)}
        tagged = set(await self.members())
        await self._in_batches("batchtagging", sorted(staff - tagged))
        await self._in_batches("batchuntagging", sorted(tagged - staff))
        return len(staff)

    async def members(self) -> list[str]:
        """Return the OpenIDs that carry the staff tag now, page by page as WeChat lists them."""
        found: list[str] = []
        cursor = ""
        while True:
            answer = await self._client.api.call("cgi-bin/user/tag/get",
                                                 payload={"tagid": await self.tag_id(), "next_openid": cursor})
            page = [str(o) for o in answer.get("data", {}).get("openid", [])]
            found += page
            cursor = str(answer.get("next_openid") or "")
            if not page or not cursor:
                return found

    async def _in_batches(self, route: str, open_ids: list[str]) -> None:
        for start in range(0, len(open_ids), MAX_PER_CALL):
            batch = open_ids[start:start + MAX_PER_CALL]
            if not await self._change(route, batch) and len(batch) > 1:
                for open_id in batch:  # one unfollowed account refuses the whole batch: do the rest one by one
                    await self._change(route, [open_id])

    async def _change(self, route: str, open_ids: list[str]) -> bool:
        payload = {"openid_list": open_ids, "tagid": await self.tag_id()}
        try:
            await self._client.api.call(f"cgi-bin/tags/members/{route}", payload=payload)
        except (PermanentError, RerouteError) as error:  # unfollowed: their tag is set again when they return
            log.info("staff tag not changed for %d account(s): %s", len(open_ids), error)
            return False
        return True


async def push_menus(client: WechatClient, tags: StaffTags, catalogs: Catalogs, locale: str) -> str:
    """Replace the account's menus: the residents' as the default, the staff's for the staff tag.

    menu/delete first removes the conditional menus of an earlier push too, so pushing twice leaves one
    of each. Returns the staff menu's id.
    """
    residents = menus.build(menus.RESIDENTS, catalogs, locale)
    staff = menus.build(menus.STAFF, catalogs, locale)  # both built first: a label that does not fit changes nothing
    tag_id = await tags.tag_id()
    await client.api.call("cgi-bin/menu/delete", method="GET")
    await client.create_menu(residents)
    return await client.add_conditional_menu(staff, tag_id=tag_id)
