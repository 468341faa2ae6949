"""A generated roster for the demo: two villages, 1,000 households, cadres, grid workers, supervisors.

The first rows are the demo's named personas, so the same people exist in every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]
SURNAMES = "张王李赵钱孙周吴郑陈沈顾陆朱徐杨黄何高林"
GIVEN = "建国秀英桂兰美华志强玉珍海明小红国平丽娟文杰金凤德明春梅永福雪芳伟东晓燕"
GRIDS = ("一网格", "二网格", "三网格", "四网格")


@dataclass(frozen=True)
class Persona:
    """Someone the demo user can be."""

    name: str
    phone: str
    what: str


@dataclass(frozen=True)
class VillagePlan:
    """A village to generate."""

    code: str
    name: str
    households: int
    phone_prefix: str


VILLAGES = (
    VillagePlan("FX01", "奉贤区青村镇和美村", 500, "1390001"),
    VillagePlan("CM01", "崇明区竖新镇长兴村", 500, "1390002"),
)

# Persona rows come first; their phones are outside the generated ranges.
PERSONA_ROWS = [
    ["FX01", "奉贤区青村镇和美村", "一网格", "1组", "1-001", "张阿婆", "13800000001", "household_head"],
    ["FX01", "奉贤区青村镇和美村", "一网格", "1组", "1-001", "张小明", "13800000002", ""],
    ["FX01", "奉贤区青村镇和美村", "一网格", "1组", "1-002", "王大伯", "13800000003",
     "household_head;representative;group_leader"],
    ["FX01", "奉贤区青村镇和美村", "一网格", "", "", "孙网格", "13800000006", "grid_worker"],
    ["FX01", "奉贤区青村镇和美村", "", "", "", "李书记", "13800000009", "cadre:书记"],
    ["FX01", "奉贤区青村镇和美村", "", "", "", "吴监督", "13800000011", "supervisor"],
]

PERSONAS = (
    Persona("张阿婆", "+8613800000001", "村民、户主 (resident, household head)"),
    Persona("王大伯", "+8613800000003", "村民代表、小组长 (representative, group leader)"),
    Persona("孙网格", "+8613800000006", "网格员 (grid worker)"),
    Persona("李书记", "+8613800000009", "村党总支书记 (cadre, secretary)"),
    Persona("吴监督", "+8613800000011", "村务监督委员 (supervisor)"),
    Persona("刘新来", "+8613700000077", "不在名册中的新住户 (not on the roster)"),
    Persona("张小红", "", "张阿婆在城里的女儿，亲情代办 (daughter in the city, linked family member)"),
)
# The Telegram id the demo terminal gives a persona (7000 + its place in PERSONAS).
PERSONA_ID_BASE = 7000
FAMILY_PERSONA = len(PERSONAS) - 1


def demo_roster(seed: int = 2026) -> list[list[str]]:
    """Return the whole demo roster, header first."""
    rng = random.Random(seed)
    rows = [list(HEADER), *PERSONA_ROWS]
    for plan in VILLAGES:
        rows += _village_rows(plan, rng)
    return rows


def _village_rows(plan: VillagePlan, rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    serial = iter(range(1, 10_000))
    taken = {"1-001", "1-002"} if plan.code == "FX01" else set()
    for number in range(1, plan.households + 1):
        group_number = (number - 1) // 50 + 1
        group = f"{group_number}组"
        grid = GRIDS[min((group_number - 1) // 3, len(GRIDS) - 1)]  # a group lies within one grid
        household = f"{group_number}-{number:03d}"
        if household in taken:
            continue
        for member in range(rng.choice((1, 2, 2, 3, 3, 4))):
            roles = ["household_head"] if member == 0 else []
            if member == 0 and number % 10 == 5:
                roles.append("representative")
            if member == 0 and number % 50 == 7:
                roles.append("group_leader")
            phone = f"{plan.phone_prefix}{next(serial):04d}" if rng.random() > 0.2 else ""  # some have no phone
            rows.append([plan.code, plan.name, grid, group, household, _name(rng), phone, ";".join(roles)])
    rows += _staff(plan, serial)
    return rows


def _staff(plan: VillagePlan, serial: object) -> list[list[str]]:
    numbers = iter(range(9000, 9100))
    staff = [[plan.code, plan.name, grid, "", "", f"{grid[:1]}网格员", f"{plan.phone_prefix}{next(numbers)}",
              "grid_worker"] for grid in GRIDS if not (plan.code == "FX01" and grid == "一网格")]
    titles = ("主任", "委员") if plan.code == "FX01" else ("书记", "主任", "委员")
    staff += [[plan.code, plan.name, "", "", "", f"{title}{plan.code[-1]}号", f"{plan.phone_prefix}{next(numbers)}",
               f"cadre:{title}"] for title in titles]
    staff.append([plan.code, plan.name, "", "", "", f"监督员{plan.code[-1]}号", f"{plan.phone_prefix}{next(numbers)}",
                  "supervisor"])
    return staff


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
