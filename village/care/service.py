"""The care service: the list (关爱对象), visits (走访), patrols (巡查), reminders and monthly figures.

Every method taking an `Actor` checks permissions from the database (village/care/access.py);
every change to the list is audited. The `remind_*` and `overdue` methods are for the daily jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.care import access
from village.care.models import (
    CareCategory,
    CareEntry,
    CareFigures,
    CareReminder,
    CareSubject,
    Flag,
    LoggedVisit,
    Patrol,
    PatrolDraft,
    Rhythm,
    Visit,
    VisitDraft,
    Wellbeing,
)
from village.care.policy import CarePolicy
from village.care.rules import due_at, flag_of, is_due, is_overdue
from village.clock import Clock
from village.digests import month_bounds
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.people import Actor, Person
from village.permissions import require_person
from village.reports.rules import clean_text
from village.reports.views import ResidentMatch
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

MATCHES_SHOWN = 8


class CareService:
    """The care list and its visits, scoped by village."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: CarePolicy, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._zone = zone

    @property
    def policy(self) -> CarePolicy:
        """The configured rules."""
        return self._policy

    # --- the list ---

    def require_list(self, actor: Actor) -> Person:
        """Refuse anyone who may not open the care list (residents); return the actor's person."""
        person = self._member(actor)
        if not access.sees_list(actor, person.village_id):
            raise PermissionDeniedError()
        return person

    def may_manage(self, actor: Actor) -> bool:
        """Tell whether the actor may change the list (a cadre)."""
        person = self._member(actor)
        return access.manages(actor, person.village_id)

    async def entries(self, actor: Actor) -> list[CareEntry]:
        """Return the people on the list the actor may see, the most urgent visit first."""
        person = self.require_list(actor)
        entries = await self._entries(person.village_id)
        return [e for e in entries if access.sees_person(actor, e.subject.village_id, e.person.grid_id)]

    async def due(self, actor: Actor) -> list[CareEntry]:
        """Return the actor's visible people whose visit is due (within the reminder notice) or late."""
        at = self._clock.now()
        return [e for e in await self.entries(actor) if is_due(e.due_at, at, self._policy.notice)]

    async def entry(self, actor: Actor, subject_id: int) -> CareEntry:
        """Return one person of the list, if the actor may see them."""
        self.require_list(actor)  # before the lookup: a resident learns nothing, not even whether the id exists
        subject = await self._store.care.subject(subject_id)
        if subject is None or not subject.active:
            raise NotFoundError()
        entry = await self._entry(subject)
        if not access.sees_person(actor, subject.village_id, entry.person.grid_id):
            raise PermissionDeniedError()
        return entry

    async def find_people(self, actor: Actor, query: str) -> list[ResidentMatch]:
        """Return the village's people whose name contains `query`, with their household (cadres)."""
        person = self._manager(actor)
        wanted = "".join(query.split())
        if not wanted:
            raise InvalidInputError(ErrorCode.REPORT_TEXT_EMPTY)
        found = [p for p in await self._store.people.in_village(person.village_id) if wanted in p.name]
        households = {h.id: h.label for h in await self._store.places.households(person.village_id)}
        groups = {g.id: g.name for g in await self._store.places.groups(person.village_id)}
        return [ResidentMatch(p, households.get(p.household_id or 0), groups.get(p.group_id or 0))
                for p in found[:MATCHES_SHOWN]]

    async def add(self, actor: Actor, person_id: int, category: CareCategory, rhythm: Rhythm) -> CareSubject:
        """Put a person of the actor's village on the list (or back on it), audited."""
        manager = self._manager(actor)
        person = await self._store.people.get(person_id)
        if person is None or person.village_id != manager.village_id:
            raise NotFoundError()
        existing = await self._store.care.subject_of_person(person.id)
        if existing is not None and existing.active:
            raise ConflictError(ErrorCode.CARE_ALREADY_LISTED, name=person.name)
        subject = await self._store.care.add_subject(person.village_id, person.id, category, rhythm,
                                                     self._clock.now())
        await self._audit.record(actor, person.village_id, "care.add", f"person:{person.id}",
                                 after=_state(subject))
        return subject

    async def change(self, actor: Actor, subject_id: int, category: CareCategory, rhythm: Rhythm) -> CareSubject:
        """Change a person's category or visit rhythm, audited."""
        subject = await self._managed(actor, subject_id)
        await self._store.care.update_subject(subject.id, category, rhythm)
        after = await self._store.care.subject(subject.id)
        assert after is not None
        await self._audit.record(actor, subject.village_id, "care.change", f"person:{subject.person_id}",
                                 before=_state(subject), after=_state(after))
        return after

    async def remove(self, actor: Actor, subject_id: int) -> CareSubject:
        """Take a person off the list (their visits are kept), audited."""
        subject = await self._managed(actor, subject_id)
        await self._store.care.remove_subject(subject.id, self._clock.now())
        await self._audit.record(actor, subject.village_id, "care.remove", f"person:{subject.person_id}",
                                 before=_state(subject))
        return subject

    # --- visits and patrols ---

    async def log_visit(self, actor: Actor, subject_id: int, draft: VisitDraft) -> LoggedVisit:
        """Record a visit; return it with the secretaries to flag it to, when it calls for that."""
        visitor = self._member(actor)
        entry = await self.entry(actor, subject_id)
        if not access.may_visit(actor, entry.subject.village_id, entry.person.grid_id):
            raise PermissionDeniedError()
        draft = replace(draft, note=self.check_note(draft.note, required=False))
        visit = await self._store.care.add_visit(entry.subject, visitor.id, self._clock.now(), draft)
        await self._audit.record(actor, entry.subject.village_id, "care.visit", f"person:{entry.person.id}",
                                 after={"visit_id": visit.id, "wellbeing": draft.wellbeing.value,
                                        "problem": draft.problem, "family_contacted": draft.family_contacted})
        flag = flag_of(await self._store.care.visits_of(entry.subject.id, 2))
        secretaries = await self._secretaries(entry.subject.village_id) if flag else ()
        return LoggedVisit(visit, entry, secretaries, flag.value if flag else None)

    async def link_visit_report(self, actor: Actor, visit: Visit, report_id: int) -> None:
        """Note the report filed for the person from this visit (the visitor only)."""
        if actor.person_id != visit.visitor_id:
            raise PermissionDeniedError()
        await self._store.care.link_visit_report(visit.id, report_id)
        await self._audit.record(actor, visit.village_id, "care.visit_report", f"visit:{visit.id}",
                                 after={"report_id": report_id})

    async def log_patrol(self, actor: Actor, draft: PatrolDraft) -> Patrol:
        """Record a patrol of the actor's grid (巡查)."""
        person = self._member(actor)
        if not actor.has_role(person.village_id, *access.VISITORS):
            raise PermissionDeniedError()
        if draft.point is None and not draft.address.strip():
            raise InvalidInputError(ErrorCode.CARE_PATROL_NO_PLACE)
        draft = PatrolDraft(self.check_note(draft.note, required=draft.voice is None), draft.voice, draft.point,
                            clean_text(draft.address, 100, required=False), draft.problem)
        patrol = await self._store.care.add_patrol(person.village_id, person.id, person.grid_id, self._clock.now(),
                                                   draft)
        await self._audit.record(actor, person.village_id, "care.patrol", f"patrol:{patrol.id}",
                                 after={"problem": draft.problem, "address": draft.address})
        return patrol

    async def link_patrol_report(self, actor: Actor, patrol: Patrol, report_id: int) -> None:
        """Note the report filed from this patrol (the patroller only)."""
        if actor.person_id != patrol.patroller_id:
            raise PermissionDeniedError()
        await self._store.care.link_patrol_report(patrol.id, report_id)

    def check_note(self, text: str, *, required: bool = True) -> str:
        """Return a typed note tidied; refuse it when too long (or empty, if required)."""
        return clean_text(text, self._policy.max_note_chars, required=required)

    # --- the daily jobs and the digest ---

    async def reminders(self, at: datetime) -> list[CareReminder]:
        """Return, per grid worker (or the cadres of a grid without one), the visits due at `at`."""
        day = at.astimezone(self._zone).date().isoformat()
        due: dict[tuple[int, ...], list[CareEntry]] = {}
        for village in await self._store.places.villages():
            workers = await self._store.people.with_roles(village.id, [Role.GRID_WORKER.value])
            cadres = tuple(p.id for p in await self._cadres(village.id))
            for entry in await self._entries(village.id):
                if not is_due(entry.due_at, at, self._policy.notice):
                    continue
                grid_workers = tuple(w.id for w in workers if w.grid_id is not None
                                     and w.grid_id == entry.person.grid_id)
                due.setdefault(grid_workers or cadres, []).append(entry)
        return [CareReminder(f"care:due:{day}:{'-'.join(map(str, who))}", who, tuple(entries))
                for who, entries in due.items() if who]

    async def overdue(self, at: datetime) -> list[CareReminder]:
        """Return each visit late by more than the margin, for the village's cadres, once per missed due date."""
        late = []
        for village in await self._store.places.villages():
            cadres = tuple(p.id for p in await self._cadres(village.id))
            workers = await self._store.people.with_roles(village.id, [Role.GRID_WORKER.value])
            for entry in await self._entries(village.id):
                if cadres and is_overdue(entry.due_at, at, self._policy.margin):
                    key = f"care:{entry.subject.id}:overdue:{int(entry.due_at.timestamp())}"
                    names = tuple(w.name for w in workers if w.grid_id is not None
                                  and w.grid_id == entry.person.grid_id)
                    late.append(CareReminder(key, cadres, (entry,), names))
        return late

    async def month_figures(self, village_id: int, year: int, month: int) -> CareFigures:
        """Return the month's figures: the list, visits done, due and overdue now, flagged visits, patrols."""
        start, end = month_bounds(year, month, self._zone)
        entries = await self._entries(village_id)
        visits = await self._store.care.visits_between(village_id, start, end)
        flagged = sum(1 for v in visits if v.draft.problem)
        flagged += await self._needs_help_twice(visits)
        at = min(self._clock.now(), end)
        return CareFigures(
            on_list=len(entries), visits=len(visits), visited_people=len({v.subject_id for v in visits}),
            due=sum(1 for e in entries if e.due_at < end), overdue=sum(
                1 for e in entries if is_overdue(e.due_at, at, self._policy.margin)),
            flagged=flagged, patrols=len(await self._store.care.patrols_between(village_id, start, end)))

    async def _needs_help_twice(self, visits: Sequence[Visit]) -> int:
        count = 0
        for visit in visits:
            if visit.draft.problem or visit.draft.wellbeing is not Wellbeing.NEEDS_HELP:
                continue
            history = [v for v in await self._store.care.visits_of(visit.subject_id, 50) if v.at <= visit.at]
            if flag_of(history) is Flag.NEEDS_HELP_TWICE:
                count += 1
        return count

    # --- helpers ---

    async def _entries(self, village_id: int) -> list[CareEntry]:
        subjects = await self._store.care.subjects(village_id)
        if not subjects:  # most villages of a district keep no list: the digest asks each of them
            return []
        last = await self._store.care.last_visits([s.id for s in subjects])
        people = {p.id: p for p in await self._store.people.many([s.person_id for s in subjects])
                  if p.village_id == village_id}
        households = {h.id: h.label for h in await self._store.places.households(village_id)}
        entries = [CareEntry(s, people[s.person_id], households.get(people[s.person_id].household_id or 0),
                             last.get(s.id), due_at(s, last.get(s.id)))
                   for s in subjects if s.person_id in people]
        return sorted(entries, key=lambda e: (e.due_at, e.subject.id))

    async def _entry(self, subject: CareSubject) -> CareEntry:
        person = await self._store.people.get(subject.person_id)
        if person is None:
            raise NotFoundError()
        household = await self._store.places.household(person.household_id) if person.household_id else None
        last = (await self._store.care.last_visits([subject.id])).get(subject.id)
        return CareEntry(subject, person, household.label if household else None, last, due_at(subject, last))

    async def _managed(self, actor: Actor, subject_id: int) -> CareSubject:
        manager = self._manager(actor)
        subject = await self._store.care.subject(subject_id)
        if subject is None or not subject.active or subject.village_id != manager.village_id:
            raise NotFoundError()
        return subject

    def _manager(self, actor: Actor) -> Person:
        person = self._member(actor)
        if not access.manages(actor, person.village_id):
            raise PermissionDeniedError()
        return person

    def _member(self, actor: Actor) -> Person:
        require_person(actor)
        assert actor.person is not None
        return actor.person

    async def _cadres(self, village_id: int) -> list[Person]:
        people = await self._store.people.with_roles(village_id, [Role.CADRE.value])
        return [p for p in people if any(g.role is Role.CADRE and g.village_id == village_id for g in p.roles)]

    async def _secretaries(self, village_id: int) -> tuple[int, ...]:
        """Return the village's secretaries (书记), or all its cadres when no cadre has that title."""
        cadres = await self._cadres(village_id)
        secretaries = [p for p in cadres if any(g.is_secretary and g.village_id == village_id for g in p.roles)]
        return tuple(p.id for p in secretaries or cadres)


def _state(subject: CareSubject) -> dict[str, str]:
    return {"category": subject.category.value, "rhythm": subject.rhythm.value}
