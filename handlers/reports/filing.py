"""Reporting a problem (/report, 我要反映), and reporting for a resident (代报): one set of steps, two flows.

Category → describe (text or voice) → photos → location or address → duplicates
nearby (附和) → anonymous or named → preview → confirm. The draft survives a
restart; a draft left 24 hours is discarded by the engine with `Flow.expired`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto
from typing import Any

from handlers import glossary
from handlers.callback_data import Callback, pack, unpack
from handlers.context import Context, keep_media
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import BACK_LABEL, CANCEL_LABEL, choice_rows, nav_row
from handlers.replies import Button, KeyButton, KeyRequest, Reply
from handlers.reports import notices
from handlers.reports.cards import STATUS, excerpt
from handlers.reports.categories import category_name
from handlers.texts import Content, _, lines
from village.geo import Datum, GeoPoint
from village.media import MediaKind, StoredMedia
from village.reports import ReportDraft, ResidentMatch
from village.roles import Role

SEND_LOCATION = _("📍 Send my location")
SKIP, NEXT = glossary.SKIP, glossary.NEXT
CONFIRM = glossary.SUBMIT
EXPIRED = _("Your unfinished report was not submitted within 24 hours and has been discarded. Tap 📣 Report a "
            "problem to start again.")


class FilingState(Enum):
    """Where a person is in writing a report."""

    OFFER = auto()
    RESIDENT = auto()
    CATEGORY = auto()
    DESCRIBE = auto()
    PHOTOS = auto()
    LOCATION = auto()
    NEARBY = auto()
    ANONYMITY = auto()
    PREVIEW = auto()


def media_json(media: StoredMedia) -> dict[str, Any]:
    """Return a kept file as draft JSON."""
    return {"kind": media.kind.value, "media_id": media.id, "size": media.size, "mime_type": media.mime_type}


def media_of(data: dict[str, Any]) -> StoredMedia:
    """Rebuild a kept file from draft JSON."""
    return StoredMedia(int(data["media_id"]), MediaKind(data["kind"]), int(data["size"]), data["mime_type"])


def point_json(point: GeoPoint) -> list[Any]:
    """Return a location as draft JSON, with its datum."""
    return [point.latitude, point.longitude, point.datum.value]


def point_of(data: list[Any]) -> GeoPoint:
    """Rebuild a location from draft JSON; drafts saved before datums were kept hold Telegram's WGS-84."""
    datum = Datum(data[2]) if len(data) > 2 else Datum.WGS84
    return GeoPoint(float(data[0]), float(data[1]), datum)


async def keep(ctx: Context, kind: MediaKind) -> StoredMedia:
    """Return the file just sent, as the adapter kept it (size-checked)."""
    media = ctx.event.media
    assert media is not None
    return await keep_media(ctx, media, kind)


def button(ctx: Context) -> Callback | None:
    """Return the pressed button's data, None for any other input."""
    return unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None


class FilingSteps:
    """The steps of a report, bound to the flow whose buttons they draw (rpt: mine, rpo: 代报)."""

    def __init__(self, flow: str, *, on_behalf: bool) -> None:
        self.flow = flow
        self.on_behalf = on_behalf

    async def begin(self, ctx: Context) -> Turn:
        """Check the daily limit (or the right to 代报), then ask for the category or the resident."""
        if self.on_behalf:
            ctx.services.reports.require_on_behalf(ctx.actor)
            return goto(FilingState.RESIDENT)
        await ctx.services.reports.check_quota(ctx.actor)
        return goto(FilingState.CATEGORY, Reply(_("Let's report a problem. It takes less than a minute.")))

    async def take(self, ctx: Context) -> Turn:
        """A photo, voice message or location sent from the menu: keep it and offer to report with it."""
        await ctx.services.reports.check_quota(ctx.actor)
        if ctx.event.kind is EventKind.PHOTO:
            await self._add_photo(ctx)
        elif ctx.event.kind is EventKind.VOICE:
            ctx.draft["voice"] = media_json(await keep(ctx, MediaKind.VOICE))
        elif ctx.event.kind is EventKind.LOCATION and ctx.event.location is not None:
            ctx.draft["point"] = point_json(ctx.event.location.point)
        return goto(FilingState.OFFER)

    async def ask_offer(self, ctx: Context) -> Sequence[Reply]:
        """Ask whether what was sent is about a problem to report."""
        return [Reply(_("Would you like to report a problem with what you sent?"),
                      buttons=((Button(_("📣 Yes, report a problem"), pack(self.flow, "offer")),),))]

    async def receive_offer(self, ctx: Context) -> Turn:
        """Go on to the category."""
        pressed = button(ctx)
        if pressed is None or pressed.action != "offer":
            return reask(Reply(_("Please tap 📣 Yes, report a problem, or ❌ Cancel.")))
        return goto(FilingState.CATEGORY)

    async def ask_resident(self, ctx: Context) -> Sequence[Reply]:
        """Ask whom the report is for."""
        return [Reply(_("Whom are you reporting for? Type the resident's name, or the last 4 digits of their "
                        "phone number."))]

    async def receive_resident(self, ctx: Context) -> Turn:
        """Search the roster by what was typed, or take the chosen resident."""
        pressed = button(ctx)
        if pressed is not None and pressed.action == "who":
            ctx.draft["reporter_id"] = pressed.int_arg()
            await ctx.services.reports.check_quota(ctx.actor, ctx.draft["reporter_id"])
            return goto(FilingState.CATEGORY)
        if ctx.event.kind is not EventKind.TEXT:
            return reask(Reply(_("Please type the resident's name.")))
        found = await ctx.services.reports.find_residents(ctx.actor, ctx.event.text)
        if not found:
            return reask(Reply(_("Nobody in the village roster matches “{query}”.", query=ctx.event.text.strip())))
        choices = [(_resident_label(match), pack(self.flow, "who", match.person.id)) for match in found]
        return stay(Reply(_("Tap the resident:"), buttons=choice_rows(choices, per_row=1)))

    async def ask_category(self, ctx: Context) -> Sequence[Reply]:
        """Offer the configured categories as buttons."""
        categories = ctx.services.reports.policy.categories
        choices = [(category_name(name), pack(self.flow, "cat", i)) for i, name in enumerate(categories)]
        return [Reply(_("What kind of problem is it? Tap one:"), buttons=choice_rows(choices, per_row=2))]

    async def receive_category(self, ctx: Context) -> Turn:
        """Remember the category."""
        pressed = button(ctx)
        if pressed is None or pressed.action != "cat":
            return reask(Reply(_("Please tap one of the kinds of problem below.")))
        ctx.draft["category"] = ctx.services.reports.check_category(pressed.int_arg())
        return goto(FilingState.PHOTOS if ctx.draft.get("voice") else FilingState.DESCRIBE)

    async def ask_describe(self, ctx: Context) -> Sequence[Reply]:
        """Ask for the description, typed or spoken."""
        return [Reply(_("Please tell us what the problem is: type it, or hold the microphone button and send a "
                        "voice message."))]

    async def receive_describe(self, ctx: Context) -> Turn:
        """Take typed text or a voice message; a photo first is kept too."""
        kind = ctx.event.kind
        if kind is EventKind.TEXT:
            ctx.draft["text"] = ctx.services.reports.check_description(ctx.event.text)
            return goto(FilingState.PHOTOS)
        if kind is EventKind.VOICE:
            ctx.draft["voice"] = media_json(await keep(ctx, MediaKind.VOICE))
            return goto(FilingState.PHOTOS, Reply(_("🎤 Voice message received.")))
        if kind is EventKind.PHOTO:
            return await self._photo_first(ctx)
        return reask(Reply(_("Please type a few words, or send a voice message.")))

    async def _photo_first(self, ctx: Context) -> Turn:
        await self._add_photo(ctx)
        if ctx.event.text.strip():
            ctx.draft["text"] = ctx.services.reports.check_description(ctx.event.text)
            return goto(FilingState.PHOTOS)
        return stay(Reply(_("📷 Photo received. Now please tell us in words or by voice what the problem is.")))

    async def _add_photo(self, ctx: Context) -> int:
        photos = list(ctx.draft.get("photos", []))
        limit = ctx.services.reports.policy.max_photos
        if len(photos) >= limit:
            return len(photos)
        photos.append(media_json(await keep(ctx, MediaKind.PHOTO)))
        ctx.draft["photos"] = photos
        return len(photos)

    async def ask_photos(self, ctx: Context) -> Sequence[Reply]:
        """Invite photos, up to the limit, with a button to go on."""
        limit = ctx.services.reports.policy.max_photos
        have = len(ctx.draft.get("photos", []))
        text = _("You can send photos of it (at most {limit}). When you are done, or have none, tap {next}.", next=NEXT,
                 limit=limit)
        got = _("Photos so far: {count}.", count=have) if have else None
        return [Reply(lines(got, text), buttons=((Button(NEXT, pack(self.flow, "next")),),))]

    async def receive_photos(self, ctx: Context) -> Turn:
        """Keep each photo; go on when the limit is reached or Next is tapped."""
        pressed = button(ctx)
        if pressed is not None and pressed.action == "next":
            return goto(FilingState.LOCATION)
        if ctx.event.kind is EventKind.DOCUMENT:
            return reask(Reply(_("Please send pictures as photos, not as files.")))
        if ctx.event.kind is EventKind.VOICE and not ctx.draft.get("voice"):
            ctx.draft["voice"] = media_json(await keep(ctx, MediaKind.VOICE))
            return stay(Reply(_("🎤 Voice message received. Send photos, or tap {next}.", next=NEXT),
                              buttons=self._next_buttons()))
        if ctx.event.kind is not EventKind.PHOTO:
            return reask(Reply(_("Please send a photo, or tap {next}.", next=NEXT)))
        count = await self._add_photo(ctx)
        limit = ctx.services.reports.policy.max_photos
        if count >= limit:
            return goto(FilingState.LOCATION, Reply(_("📷 {count} photo(s) received.", count=count)))
        return stay(Reply(_("📷 Photo {count} received. Send more, or tap {next}.", count=count, next=NEXT),
                          buttons=self._next_buttons()))

    def _next_buttons(self) -> tuple[tuple[Button, ...], ...]:
        """Next, with Back and Cancel: a reply that stays in the photo step shows them again."""
        return ((Button(NEXT, pack(self.flow, "next")),), nav_row())

    async def ask_location(self, ctx: Context) -> Sequence[Reply]:
        """Ask where: the phone's location button, a typed address, or skip."""
        keyboard = ((KeyButton(SEND_LOCATION, KeyRequest.LOCATION),), (KeyButton(SKIP),),
                    (KeyButton(BACK_LABEL), KeyButton(CANCEL_LABEL)))
        return [Reply(_("Where is it? Tap {location}, or type the address. If you are not sure, tap {skip}.",
                        location=SEND_LOCATION, skip=SKIP), keyboard=keyboard)]

    async def receive_location(self, ctx: Context) -> Turn:
        """Take a location (then look for the same problem nearby), an address, or skip."""
        if ctx.event.kind is EventKind.LOCATION and ctx.event.location is not None:
            point = ctx.event.location
            ctx.draft.pop("address", None)
            ctx.draft["point"] = point_json(point.point)
            return await self._after_location(ctx, point.point)
        if ctx.event.kind is not EventKind.TEXT:
            return reask(Reply(_("Please tap {location}, type the address, or tap {skip}.", location=SEND_LOCATION,
                                 skip=SKIP)))
        # One answer to "where": whatever an earlier answer (or a location sent from the menu) set goes.
        ctx.draft.pop("point", None)
        ctx.draft.pop("address", None)
        if ctx.event.text.strip() == ctx.render(SKIP):
            return goto(FilingState.ANONYMITY, Reply(_("All right, no location.")))
        ctx.draft["address"] = ctx.services.reports.check_address(ctx.event.text)
        return goto(FilingState.ANONYMITY, Reply(_("📍 Address noted.")))

    async def _after_location(self, ctx: Context, point: GeoPoint) -> Turn:
        # The acknowledgement also takes the location keyboard away (the engine puts Back/Cancel on it).
        received = Reply(_("📍 Location received."))
        if self.on_behalf:
            return goto(FilingState.ANONYMITY, received)
        nearby = await ctx.services.reports.nearby(ctx.actor, ctx.draft["category"], point)
        if not nearby:
            return goto(FilingState.ANONYMITY, received)
        ctx.draft["nearby"] = [r.id for r in nearby]
        return goto(FilingState.NEARBY, received)

    async def ask_nearby(self, ctx: Context) -> Sequence[Reply]:
        """Show open reports of the same kind close by: is it one of these?"""
        rows: list[Content] = [_("This may have been reported already nearby. Is it one of these?")]
        buttons = []
        for report_id in ctx.draft.get("nearby", []):
            report = await ctx.services.store.reports.get(int(report_id))
            if report is None or not report.is_open:
                continue
            rows.append(_("· {code} ({status}): {excerpt}", code=report.code, status=STATUS[report.status],
                          excerpt=excerpt(report.text) or "—"))
            buttons.append((Button(_("👍 Yes, it is {code}", code=report.code), pack(self.flow, "join", report.id)),))
        buttons.append((Button(_("No, it is a different problem"), pack(self.flow, "new")),))
        return [Reply(lines(*rows), buttons=tuple(buttons))]

    async def receive_nearby(self, ctx: Context) -> Turn:
        """Join the chosen report (附和), or go on with a new one."""
        pressed = button(ctx)
        if pressed is not None and pressed.action == "new":
            return goto(FilingState.ANONYMITY)
        if pressed is None or pressed.action != "join":
            return reask(Reply(_("Please tap one of the buttons.")))
        report = await ctx.services.reports.follow(ctx.actor, pressed.int_arg())
        return finish(Reply(_("👍 You have joined report {code}. {count} resident(s) reported the same problem; "
                              "you will be told of its progress. No need to report it again.",
                              code=report.code, count=report.followers + 1)))

    async def ask_anonymity(self, ctx: Context) -> Sequence[Reply]:
        """Ask whether the name may be shown."""
        question = (_("Should the resident's name be shown with the report? If anonymous, only the village cadres "
                      "and supervisors can see who reported it.") if self.on_behalf else
                    _("Should your name be shown with the report? If anonymous, only the village cadres and "
                      "supervisors can see who reported it."))
        return [Reply(question,
                      buttons=((Button(_("👤 Show my name"), pack(self.flow, "anon", 0)),
                                Button(_("🙈 Anonymous"), pack(self.flow, "anon", 1))),))]

    async def receive_anonymity(self, ctx: Context) -> Turn:
        """Remember the choice."""
        pressed = button(ctx)
        if pressed is None or pressed.action != "anon":
            return reask(Reply(_("Please tap 👤 Show my name or 🙈 Anonymous.")))
        ctx.draft["anonymous"] = pressed.int_arg() == 1
        return goto(FilingState.PREVIEW)

    async def ask_preview(self, ctx: Context) -> Sequence[Reply]:
        """Show the report as it will be sent, with a button to submit."""
        return [Reply(await self._preview(ctx), buttons=((Button(CONFIRM, pack(self.flow, "ok")),),))]

    async def _preview(self, ctx: Context) -> Content:
        draft = ctx.draft
        where: Content = (_("Location: sent") if draft.get("point") else
                          _("Address: {address}", address=draft["address"]) if draft.get("address") else
                          _("Location: not given"))
        reporter = await self._reporter_name(ctx)
        return lines(
            _("Please check your report:"),
            _("For: {name}", name=reporter) if self.on_behalf else None,
            _("Kind: {category}", category=category_name(draft["category"])),
            _("Description: {text}", text=draft["text"]) if draft.get("text") else None,
            _("🎤 Voice message: 1") if draft.get("voice") else None,
            _("📷 Photos: {count}", count=len(draft.get("photos", []))),
            where,
            _("Name shown: no, anonymous") if draft.get("anonymous") else _("Name shown: yes"),
            _("If it is right, tap ✅ Submit."),
        )

    async def _reporter_name(self, ctx: Context) -> str:
        if not self.on_behalf:
            return ctx.member.name
        person = await ctx.services.store.people.get(int(ctx.draft["reporter_id"]))
        return person.name if person else "—"

    async def receive_preview(self, ctx: Context) -> Turn:
        """File the report, send it to its handlers, and give the code."""
        pressed = button(ctx)
        if pressed is None or pressed.action != "ok":
            return reask(Reply(_("Please tap ✅ Submit, or ⬅️ Back to change something.")))
        reporter_id = ctx.draft.get("reporter_id") if self.on_behalf else None
        filed = await ctx.services.reports.file(ctx.actor, self._draft(ctx), reporter_id=reporter_id)
        await notices.to_handlers(ctx.notify, ctx.services, filed)
        code = filed.report.code
        if self.on_behalf:
            await notices.filed_for_you(ctx.notify, filed, ctx.member.name)
            return finish(Reply(_("✅ Filed for {name}. Report number: {code}.",
                                  name=await self._reporter_name(ctx), code=code)))
        return finish(Reply(_("✅ Submitted, thank you! Your report number is {code}.\nIt has gone to the person in "
                              "charge; you will be told of every step. Tap 📂 My reports to follow it.", code=code)))

    def _draft(self, ctx: Context) -> ReportDraft:
        draft = ctx.draft
        point = draft.get("point")
        return ReportDraft(
            category=draft["category"], text=draft.get("text", ""),
            voice=media_of(draft["voice"]) if draft.get("voice") else None,
            photos=tuple(media_of(p) for p in draft.get("photos", [])),
            point=point_of(point) if point else None,
            address=draft.get("address", ""), anonymous=bool(draft.get("anonymous")),
        )

    def states(self) -> dict[Enum, State]:
        """Return the flow's states."""
        states: dict[Enum, State] = {
            FilingState.OFFER: State(self.ask_offer, self.receive_offer),
            FilingState.CATEGORY: State(self.ask_category, self.receive_category),
            FilingState.DESCRIBE: State(self.ask_describe, self.receive_describe),
            FilingState.PHOTOS: State(self.ask_photos, self.receive_photos),
            FilingState.LOCATION: State(self.ask_location, self.receive_location),
            FilingState.ANONYMITY: State(self.ask_anonymity, self.receive_anonymity),
            FilingState.PREVIEW: State(self.ask_preview, self.receive_preview),
        }
        if self.on_behalf:
            states[FilingState.RESIDENT] = State(self.ask_resident, self.receive_resident)
        else:
            states[FilingState.NEARBY] = State(self.ask_nearby, self.receive_nearby)
        return states


def build() -> list[Flow]:
    """Return the flows for reporting a problem and for reporting for a resident."""
    mine, for_resident = FilingSteps("rpt", on_behalf=False), FilingSteps("rpo", on_behalf=True)
    return [
        Flow(name=mine.flow, begin=mine.begin, states=mine.states(), commands=("report",),
             menu=MenuItem(glossary.REPORT_PROBLEM, order=10, section=MenuSection.MAIN), expired=EXPIRED,
             takes=frozenset({EventKind.PHOTO, EventKind.VOICE, EventKind.LOCATION}), take=mine.take),
        Flow(name=for_resident.flow, begin=for_resident.begin, states=for_resident.states(),
             commands=("reportfor",), expired=EXPIRED,
             menu=MenuItem(glossary.REPORT_FOR_RESIDENT, roles=frozenset({Role.GRID_WORKER, Role.CADRE}),
                           order=24, section=MenuSection.TOOLS)),
    ]


def _resident_label(match: ResidentMatch) -> Content:
    """Name, group and household, and the phone's last digits: enough to tell two of the same name apart."""
    person = match.person
    phone = f" ({person.phone[-4:]})" if person.phone else ""
    if match.household is None:
        return person.name + phone
    return _("{name} · {group} household {household}{phone}", name=person.name, group=match.group or "",
             household=match.household, phone=phone)
