"""Places: village → grid → group (宅基) → household."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Village:
    """A village; `code` (e.g. FX01) is short and used in codes and on the command line."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Grid:
    """A cadre's responsibility zone (网格)."""

    id: int
    village_id: int
    name: str


@dataclass(frozen=True)
class Group:
    """A villagers' group, the homestead (村民小组 / 宅基)."""

    id: int
    village_id: int
    grid_id: int
    name: str


@dataclass(frozen=True)
class Household:
    """A household (户); `label` is the household number or name as the roster gives it."""

    id: int
    village_id: int
    group_id: int
    label: str
