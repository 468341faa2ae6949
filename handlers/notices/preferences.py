"""/settings: mute optional notices (activities) and choose the language, from one message of buttons."""

from __future__ import annotations

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, Turn, finish, stay
from handlers.notices.views import CATEGORY_NAMES, category_label
from handlers.replies import Choice, Reply
from handlers.settings import LANGUAGE_NAMES
from handlers.texts import _, lines
from village.errors import InvalidInputError
from village.memberships import LOCALES
from village.notices import NoticeCategory, is_mutable

FLOW = "st"


async def begin(ctx: Context) -> Turn:
    """Show the settings with their buttons."""
    return finish(await _settings_reply(ctx))


async def mute(ctx: Context) -> Turn:
    """Mute a category (the service refuses official and urgent notices)."""
    await ctx.services.notices.set_muted(ctx.actor, _category(ctx), True)
    return stay(await _settings_reply(ctx, edit=True))


async def unmute(ctx: Context) -> Turn:
    """Receive a muted category again."""
    await ctx.services.notices.set_muted(ctx.actor, _category(ctx), False)
    return stay(await _settings_reply(ctx, edit=True))


async def set_language(ctx: Context) -> Turn:
    """Store the language and show the settings in it."""
    callback = unpack(ctx.event.payload)
    locale = callback.args[0] if callback and callback.args else ""
    await ctx.services.memberships.set_locale(ctx.identity, locale)
    ctx.locale = locale
    return stay(await _settings_reply(ctx, edit=True))


async def _settings_reply(ctx: Context, *, edit: bool = False) -> Reply:
    muted = await ctx.services.notices.muted_categories(ctx.actor)
    mutable = [c for c in NoticeCategory if is_mutable(c)]
    states = [_("{category}: muted 🔕", category=category_label(c)) if c in muted
              else _("{category}: on 🔔", category=category_label(c)) for c in mutable]
    toggles = tuple(
        (Choice(_("🔔 Receive {category} again", category=CATEGORY_NAMES[c]), pack(FLOW, "unmute", c.value)),)
        if c in muted else (Choice(_("🔕 Mute {category}", category=CATEGORY_NAMES[c]), pack(FLOW, "mute", c.value)),)
        for c in mutable)
    languages = tuple(Choice(LANGUAGE_NAMES[loc], pack(FLOW, "lang", loc)) for loc in LOCALES)
    pages = ctx.reminder_pages
    reminders = pages.settings_link(ctx.event.channel, ctx.event.external_id) if pages is not None else None
    text = lines(
        _("⚙️ Your settings"), *states,
        _("Public affairs, notices and urgent notices always reach you."),
        _("Language: {language}", language=LANGUAGE_NAMES.get(ctx.locale, ctx.locale)),
        # WeChat sends a reminder outside the chat only with the person's consent, given on a web page.
        _("🔔 Reminders: choose which reminders WeChat may send you\n{link}", link=reminders) if reminders else None,
    )
    return Reply(text, choices=(*toggles, languages), edit=edit)


def _category(ctx: Context) -> NoticeCategory:
    callback = unpack(ctx.event.payload)
    try:
        return NoticeCategory(callback.args[0] if callback and callback.args else "")
    except ValueError:
        raise InvalidInputError(field="category") from None


def build() -> Flow:
    """Return the /settings flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("settings",),
        menu=MenuItem(glossary.SETTINGS, order=85),
        actions={"mute": mute, "unmute": unmute, "lang": set_language},
    )
