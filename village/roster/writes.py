"""Writing one village's validated roster rows in bulk: match everyone in memory, then a few big writes.

Matching follows the row-by-row rules: a row is the person with its phone, else the member of its household
with its name, else someone new; a later row matching an earlier one updates it. Places keep the first row's
parent (a group's grid, a household's group), as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from village.people import PersonFields
from village.roles import Role, RoleGrant, RoleSource
from village.roster.rows import ImportSummary, RosterRow


@dataclass(frozen=True)
class PhoneHolder:
    """Who holds a phone number today."""

    person_id: int
    village_id: int


class RosterWriter(Protocol):
    """The bulk reads and writes an import needs (storage implements it)."""

    async def phone_holders(self, phones: Collection[str]) -> dict[str, PhoneHolder]: ...
    async def save_grids(self, village_id: int, names: Collection[str]) -> dict[str, int]: ...
    async def save_groups(self, village_id: int, grid_of: Mapping[str, int]) -> dict[str, int]: ...
    async def save_households(self, village_id: int, group_of: Mapping[str, int]) -> dict[str, int]: ...
    async def members(self, village_id: int) -> dict[tuple[int, str], int]: ...
    async def roster_facts(self, village_id: int) -> dict[int, RosterFacts]: ...
    async def add_people(self, fields: Sequence[PersonFields]) -> list[int]: ...
    async def update_people(self, changes: Mapping[int, PersonFields]) -> None: ...
    async def clear_roles(self, person_ids: Collection[int], source: RoleSource) -> None: ...
    async def add_roles(self, grants: Sequence[tuple[int, RoleGrant]]) -> None: ...


class RosterFacts(NamedTuple):
    """What the roster holds about a person today: their fields and their roster roles."""

    fields: PersonFields
    grants: frozenset[tuple[Role, int | None, str]]


@dataclass(frozen=True)
class _New:
    """A person this import adds: their position among the new people."""

    index: int


_Target = int | _New  # an existing person's id, or a new person


@dataclass
class _Plan:
    """What the village's rows add and change, decided before anything is written."""

    new: list[PersonFields] = field(default_factory=list)
    changed: dict[int, PersonFields] = field(default_factory=dict)
    grants: dict[_Target, list[RoleGrant]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Places:
    grids: dict[str, int]
    groups: dict[str, int]
    households: dict[str, int]


async def write_village(writer: RosterWriter, village_id: int, rows: Sequence[RosterRow],
                        phones: Mapping[str, int], summary: ImportSummary) -> None:
    """Write one village's rows: places first, then people and their roster roles.

    `phones` maps the rows' phones held in this village today to their holders (held in another village,
    the import was refused).
    """
    places = await _save_places(writer, village_id, rows)
    plan = _plan(village_id, rows, places, phones, await writer.members(village_id), summary)
    _drop_unchanged(plan, await writer.roster_facts(village_id), summary)
    new_ids = await writer.add_people(plan.new)
    await writer.update_people(plan.changed)
    await writer.clear_roles(plan.changed.keys(), RoleSource.ROSTER)
    await writer.add_roles([(new_ids[t.index] if isinstance(t, _New) else t, grant)
                            for t, grants in plan.grants.items() for grant in grants])
    summary.households += len(places.households)


async def _save_places(writer: RosterWriter, village_id: int, rows: Sequence[RosterRow]) -> _Places:
    grids = await writer.save_grids(village_id, {r.grid for r in rows if r.grid})
    grid_of: dict[str, int] = {}
    for row in rows:
        if row.household:
            grid_of.setdefault(row.group, grids[row.grid])  # validated: a household row names its grid
    groups = await writer.save_groups(village_id, grid_of)
    group_of: dict[str, int] = {}
    for row in rows:
        if row.household:
            group_of.setdefault(row.household, groups[row.group])
    households = await writer.save_households(village_id, group_of)
    return _Places(grids, groups, {label: households[label] for label in group_of})


def _plan(village_id: int, rows: Sequence[RosterRow], places: _Places, phones: Mapping[str, int],
          members: Mapping[tuple[int, str], int], summary: ImportSummary) -> _Plan:
    plan = _Plan()
    by_phone: dict[str, _Target] = dict(phones)
    by_member: dict[tuple[int, str], _Target] = dict(members)
    kinds: dict[tuple[tuple[RoleGrant, ...], bool], list[RoleGrant]] = {}
    for row in rows:
        fields = _fields(village_id, row, places)
        target = _match(fields, by_phone, by_member)
        if target is None:
            target = _New(len(plan.new))
            plan.new.append(fields)
            summary.added += 1
        else:
            _change(plan, target, fields)
            summary.updated += 1
        if fields.phone:
            by_phone[fields.phone] = target
        if fields.household_id is not None:
            by_member.setdefault((fields.household_id, fields.name), target)
        kind = (row.roles, bool(row.household))  # a few kinds of row per village: grant lists are shared
        grants = kinds.get(kind)
        if grants is None:
            grants = kinds[kind] = _grants(village_id, row)
        plan.grants[target] = grants
    return plan


def _drop_unchanged(plan: _Plan, facts: Mapping[int, RosterFacts], summary: ImportSummary) -> None:
    """Leave out people whose row changes nothing the roster holds, counted "unchanged" instead of "updated".

    A monthly re-import is mostly such people: it then writes only what changed.
    """
    keys: dict[int, frozenset[tuple[Role, int | None, str]]] = {}  # rows of a kind share one grants list
    for person_id, fields in list(plan.changed.items()):
        before = facts.get(person_id)
        grants = plan.grants.get(person_id, [])
        key = keys.get(id(grants))
        if key is None:
            key = keys[id(grants)] = _grant_keys(grants)
        if before is not None and before.fields == fields and before.grants == key:
            del plan.changed[person_id]
            plan.grants.pop(person_id, None)
            summary.updated -= 1
            summary.unchanged += 1


def _grant_keys(grants: Sequence[RoleGrant]) -> frozenset[tuple[Role, int | None, str]]:
    return frozenset((g.role, g.village_id, g.title) for g in grants)


def _fields(village_id: int, row: RosterRow, places: _Places) -> PersonFields:
    return PersonFields(
        village_id=village_id, name=row.name, phone=row.phone or None,
        household_id=places.households.get(row.household) if row.household else None,
        group_id=places.groups.get(row.group) if row.group else None,
        grid_id=places.grids.get(row.grid) if row.grid else None,
    )


def _match(fields: PersonFields, by_phone: Mapping[str, _Target],
           by_member: Mapping[tuple[int, str], _Target]) -> _Target | None:
    if fields.phone and fields.phone in by_phone:
        return by_phone[fields.phone]
    if fields.household_id is not None:
        return by_member.get((fields.household_id, fields.name))
    return None


def _change(plan: _Plan, target: _Target, fields: PersonFields) -> None:
    if isinstance(target, _New):
        plan.new[target.index] = fields
    else:
        plan.changed[target] = fields


def _grants(village_id: int, row: RosterRow) -> list[RoleGrant]:
    grants = [RoleGrant(g.role, village_id, g.title, RoleSource.ROSTER) for g in row.roles]
    if row.household and not row.has(Role.RESIDENT):
        grants.append(RoleGrant(Role.RESIDENT, village_id, "", RoleSource.ROSTER))
    return grants
