"""What every part of the report service shares: its collaborators, lookups and permission checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.clock import Clock
from village.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError
from village.people import Actor, Person
from village.permissions import READERS, require_person
from village.reports.model import NewEvent, Report, ReportAction, ReportEvent, StatusChange
from village.reports.transitions import next_status
from village.reports.views import ReportChange
from village.roles import Role
from village.settings import ReportPolicy
from village.workdays import MONDAY_TO_FRIDAY, WorkCalendar

if TYPE_CHECKING:
    from village.ports import Store

# Staff who see a village's reports in full (anonymous reporters stay hidden from grid workers).
STAFF = (Role.CADRE, Role.SUPERVISOR, Role.GRID_WORKER)


class ReportBase:
    """The report service's state and the helpers its parts share."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: ReportPolicy,
                 zone: ZoneInfo, calendar: WorkCalendar = MONDAY_TO_FRIDAY) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._zone = zone
        self._calendar = calendar  # the working days that deadlines count

    @property
    def policy(self) -> ReportPolicy:
        """The configured rules."""
        return self._policy

    async def _report(self, report_id: int) -> Report:
        report = await self._store.reports.get(report_id)
        if report is None:
            raise NotFoundError()
        return report

    def _member(self, actor: Actor) -> Person:
        require_person(actor)
        assert actor.person is not None
        return actor.person

    def _require_village(self, actor: Actor, report: Report) -> None:
        """Refuse a person of another village (an operator or admin passes)."""
        if actor.person is not None and actor.person.village_id != report.village_id \
                and not actor.has_role(report.village_id, Role.ADMIN):
            raise PermissionDeniedError()

    def _can_handle(self, actor: Actor, report: Report) -> bool:
        """The village's cadres (and admins, operators) handle any report; a grid worker the ones assigned."""
        if actor.has_role(report.village_id, Role.CADRE):
            return True
        person = actor.person
        return (person is not None and person.has_role(report.village_id, Role.GRID_WORKER)
                and report.assignee_id == person.id)

    def _can_reveal(self, actor: Actor, report: Report) -> bool:
        return actor.has_role(report.village_id, *READERS)

    async def _handled(self, actor: Actor, report_id: int) -> Report:
        """Return the report if the actor may handle it; refuse otherwise."""
        report = await self._report(report_id)
        if not self._can_handle(actor, report):
            raise PermissionDeniedError()
        return report

    async def _cadres(self, village_id: int) -> list[Person]:
        people = await self._store.people.with_roles(village_id, [Role.CADRE.value])
        return [p for p in people if any(g.role is Role.CADRE and g.village_id == village_id for g in p.roles)]

    async def _secretaries(self, village_id: int) -> tuple[int, ...]:
        """Return the village's secretaries (书记), or all its cadres when no cadre has that title."""
        cadres = await self._cadres(village_id)
        secretaries = [p for p in cadres if any(g.is_secretary and g.village_id == village_id for g in p.roles)]
        return tuple(p.id for p in secretaries or cadres)

    async def _audience(self, report: Report) -> tuple[int, ...]:
        followers = await self._store.reports.followers(report.id)
        return tuple(dict.fromkeys([report.reporter_id, *followers]))

    async def _names(self, person_ids: Iterable[int | None]) -> dict[int, str]:
        names = {}
        for person_id in {p for p in person_ids if p is not None}:
            person = await self._store.people.get(person_id)
            if person is not None:
                names[person_id] = person.name
        return names

    async def _event(self, report: Report, kind: str, actor_id: int | None, *, at: datetime | None = None,
                     note: str = "", params: Mapping[str, Any] | None = None, key: str | None = None,
                     before: Report | None = None) -> ReportEvent | None:
        """Add a timeline row; None when `key` was recorded before."""
        new = NewEvent(report.id, report.village_id, at or self._clock.now(), kind, actor_id,
                       from_status=before.status if before else None,
                       to_status=report.status if before else None, note=note, params=dict(params or {}), key=key)
        return await self._store.reports.add_event(new)

    async def _transition(self, actor: Actor | None, report: Report, action: ReportAction, change: StatusChange, *,
                          note: str = "", params: Mapping[str, Any] | None = None,
                          audited: bool = True) -> ReportChange:
        """Apply an action: check the table, update only if nobody changed it meanwhile, log it, audit it.

        `actor` None is the system (a job); `audited` False for a resident's own act (rating).
        """
        target = next_status(report.status, action)
        if not await self._store.reports.change(report.id, report.status, replace(change, status=target)):
            raise ConflictError(ErrorCode.REPORT_WRONG_STATE)
        after = await self._report(report.id)
        actor_id = actor.person_id if actor else None
        event = await self._event(after, action.value, actor_id, note=note, params=params, before=report)
        assert event is not None
        if actor is not None and audited:
            await self._audit.record(actor, report.village_id, f"report.{action.value}", f"report:{report.id}",
                                     before=_audit_state(report), after={**_audit_state(after), **(params or {})})
        return ReportChange(after, event, await self._audience(after))


def _audit_state(report: Report) -> dict[str, Any]:
    return {"status": report.status.value, "assignee_id": report.assignee_id}
