"""Shared steps for the convention's end-to-end tests: villagers on the emulator, results arranged directly."""

from __future__ import annotations

from bot.emulator import Sent
from bot.emulator.harness import Harness
from storage.database import Database
from tests.convention import actor, clause, group_id, household_id, services
from tests.e2e.conftest import villager
from village.clock import ManualClock
from village.convention.models import Convention

WANG = villager(1003, "Wang", "13800000003")  # 王大伯, head of 1-02 in 一组
ZHAO = villager(1004, "Zhao", "13800000004")  # 赵阿姨, head of 2-01 and leader of 二组
QIAN = villager(1005, "Qian", "13800000005")  # 钱大叔, head of 3-01 in 三组
SUPERVISOR = villager(1011, "Wu", "13800000011")  # 吴监督


async def assess_in_chat(bot: Harness, who: object, household: str, taps: list[str], reason: str = "") -> None:
    """Open a household on /assess (period and group already chosen), tap clauses, give a reason, save."""
    await bot.tg.user_taps(who, f"⬜ {household}")  # type: ignore[arg-type]
    for label in taps:
        await bot.tg.user_taps(who, _current_label(bot, who, label))  # type: ignore[arg-type]
    if reason:
        await bot.tg.user_says(who, reason)  # type: ignore[arg-type]
    await bot.tg.user_taps(who, "💾 保存草稿")  # type: ignore[arg-type]


def _current_label(bot: Harness, who: object, clause_name: str) -> str:
    """Return the clause's button as shown now (its label carries the deduction so far)."""
    for label in bot.tg.buttons(who):  # type: ignore[arg-type]
        if label == clause_name or label.startswith(f"{clause_name} −"):
            return label
    raise AssertionError(f"no button for {clause_name}: {bot.tg.buttons(who)}")  # type: ignore[arg-type]


async def publish_directly(database: Database, clock: ManualClock, convention: Convention, group: str,
                           cuts: dict[str, dict[str, int]], period: str = "2026-11") -> list[int]:
    """Draft and publish results as the secretary, without notices (arranging a test); return the ids."""
    secretary, group_ref = await actor(database, "13800000009"), await group_id(database, group)
    households = {label: await household_id(database, label) for label in cuts}
    async with services(database, clock) as s:
        for label, points in cuts.items():
            by_id = {clause(convention, name): value for name, value in points.items()}
            await s.assessments.save_draft(secretary, households[label], period, deductions=by_id,
                                           reasons=dict.fromkeys(by_id, "查实：垃圾混投"))
        published = await s.assessments.publish(secretary, group_ref, period, include_missing=True)
    return [p.assessment.id for p in published]


def texts_with(bot: Harness, who: object, fragment: str) -> list[str]:
    """Return the texts sent to a person that contain `fragment`."""
    return [t for t in bot.tg.texts_to(who) if fragment in t]  # type: ignore[arg-type]


def photos_to(bot: Harness, who: object) -> list[Sent]:
    """Return the pictures sent to a person."""
    return [s for s in bot.tg.replies_to(who) if s.method == "sendPhoto"]  # type: ignore[arg-type]
