"""What each persona's events may change in the database, checked on the changes of every event.

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

from tests.properties.snapshots import Change
from tests.properties.world import Persona
from village.roles import Role

SESSION = frozenset({"identities", "conversations", "processed_updates", "outbox", "job_runs"})
ROSTER = frozenset({"villages", "grids", "groups", "households", "people", "roles", "invites", "conventions",
                    "convention_clauses"})
STAFF_ONLY = frozenset({"assessments", "assessment_deductions", "homestead_assessments", "rectifications",
                        "meetings", "matters", "matter_stages", "notices", "notice_recipients", "join_requests"})


def forbidden(persona: Persona, person_id: int | None, village_id: int | None,
              found: Iterable[Change]) -> list[str]:
    """Return a line for each change the persona may not make."""
    problems = []
    for change in found:
        why = _why_forbidden(persona, person_id, village_id, change)
        if why:
            problems.append(f"{why}: {change}")
    return problems


def _why_forbidden(persona: Persona, person_id: int | None, village_id: int | None,
                   change: Change) -> str | None:
    table, row = change.table, change.row
    if table in SESSION:
        return None
    if table == "audit_log":
        return _audit(person_id, village_id, change)
    if table in ROSTER:
        return "roster or convention changed in chat"
    if "village_id" in row and row["village_id"] != village_id:
        return "another village's row changed"
    if person_id is None:
        return None if table == "join_requests" and change.before is None else "a stranger changed data"
    if table == "assessments" and change.before and change.before["status"] == "published" \
            and Role.CADRE not in persona.roles:
        return "a published assessment changed by a non-cadre"
    if not _staff_writer(persona) and table in STAFF_ONLY:
        return "staff-only table changed by a villager"
    if not _staff_writer(persona) and table == "reports" and row["reporter_id"] != person_id:
        return "someone else's report changed by a villager"
    return None


def _staff_writer(persona: Persona) -> bool:
    return bool(persona.roles & {Role.CADRE, Role.GRID_WORKER, Role.GROUP_LEADER, Role.ADMIN})


def _audit(person_id: int | None, village_id: int | None, change: Change) -> str | None:
    if change.before is not None:
        return "the audit log is append-only"
    if change.row["actor_person_id"] != person_id or change.row["village_id"] not in (village_id, None):
        return "an audit entry names someone else, or another village"
    return None
