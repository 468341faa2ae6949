"""What a person's events may change in the database, checked on the changes of every event.

Who the person is and which roles they hold are read from the database as it was before the
event (a stranger who shares a roster phone is that person from then on), not from the persona.

The rules, from the design's permissions (a villager's own reports, topics and sign-ups are
theirs; assessing, publishing, scheduling and the roster belong to staff; a village's cadres act
only in their village; the audit log is append-only and says who did it):

- session tables (identities, conversations, processed updates, the outbox, job runs) are the
  engine's bookkeeping and free to change;
- nobody changes another village's rows, nor the roster and conventions (the CLI's business);
- the audit log only grows, and every new entry names the persona as actor, in its village;
- a published assessment changes only by a cadre;
- villagers without a staff role (and supervisors, who only read) change no staff-only table, and
  no report someone else filed;
- a stranger changes nothing but a join request of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tests.properties.snapshots import Change, Snapshot
from village.roles import Role


@dataclass(frozen=True)
class Writer:
    """Who sent an event, as the database knew them: None for a stranger."""

    person_id: int | None
    village_id: int | None
    roles: frozenset[Role]


def writer(snapshot: Snapshot, identity_id: int) -> Writer:
    """Return who the identity is bound to in the snapshot, with the roles the roster gives them."""
    person_id = snapshot.rows("identities")[(identity_id,)]["person_id"]
    if person_id is None:
        return Writer(None, None, frozenset())
    village_id = snapshot.rows("people")[(person_id,)]["village_id"]
    roles = frozenset(Role(r["role"]) for r in snapshot.rows("roles").values()
                      if r["person_id"] == person_id and r["village_id"] in (village_id, None))
    return Writer(person_id, village_id, roles)

SESSION = frozenset({"identities", "conversations", "processed_updates", "outbox", "job_runs"})
ROSTER = frozenset({"villages", "grids", "groups", "households", "people", "roles", "invites", "conventions",
                    "convention_clauses"})
STAFF_ONLY = frozenset({"assessments", "assessment_deductions", "homestead_assessments", "rectifications",
                        "meetings", "matters", "matter_stages", "notices", "notice_recipients", "join_requests"})


def forbidden(who: Writer, found: Iterable[Change]) -> list[str]:
    """Return a line for each change the writer may not make."""
    problems = []
    for change in found:
        why = _why_forbidden(who, change)
        if why:
            problems.append(f"{why}: {change}")
    return problems


def _why_forbidden(who: Writer, change: Change) -> str | None:
    table, row, person_id, village_id = change.table, change.row, who.person_id, who.village_id
    if table in SESSION:
        return None
    if table == "audit_log":
        return _audit(who, change)
    if table in ROSTER:
        return "roster or convention changed in chat"
    if "village_id" in row and row["village_id"] != village_id:
        return "another village's row changed"
    if person_id is None:
        return None if table == "join_requests" and change.before is None else "a stranger changed data"
    if table == "assessments" and change.before and change.before["status"] == "published" \
            and Role.CADRE not in who.roles:
        return "a published assessment changed by a non-cadre"
    if not _staff_writer(who) and table in STAFF_ONLY:
        return "staff-only table changed by a villager"
    if not _staff_writer(who) and table == "reports" and row["reporter_id"] != person_id:
        return "someone else's report changed by a villager"
    return None


def _staff_writer(who: Writer) -> bool:
    return bool(who.roles & {Role.CADRE, Role.GRID_WORKER, Role.GROUP_LEADER, Role.ADMIN})


def _audit(who: Writer, change: Change) -> str | None:
    if change.before is not None:
        return "the audit log is append-only"
    if change.row["actor_person_id"] != who.person_id or change.row["village_id"] not in (who.village_id, None):
        return "an audit entry names someone else, or another village"
    return None
