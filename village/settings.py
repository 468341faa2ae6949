"""The domain's part of the configuration: policies the services apply."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from village.care.policy import CarePolicy
from village.consultation.settings import ConsultationPolicy
from village.convention.policy import ConventionPolicy
from village.family.models import FamilyPolicy
from village.media import MediaPolicy
from village.notices.models import NoticePolicy
from village.outbox import QuietHours
from village.workdays import MONDAY_TO_FRIDAY, WorkCalendar

Locale = Literal["zh_CN", "en"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InvitePolicy(_Section):
    """How long a printed household card stays valid."""

    valid_days: int = Field(default=365, ge=1, le=3650)

    @property
    def validity(self) -> timedelta:
        """Return the validity as a duration."""
        return timedelta(days=self.valid_days)


class ConversationPolicy(_Section):
    """How long a half-finished conversation is kept."""

    timeout_hours: float = Field(default=24, gt=0, le=24 * 30)

    @property
    def timeout(self) -> timedelta:
        """Return the timeout as a duration."""
        return timedelta(hours=self.timeout_hours)


DEFAULT_REPORT_CATEGORIES = (
    "违法建筑(五违)", "群租/房屋出租", "垃圾/环境卫生", "河道/水环境", "绿化", "乡风民风/邻里纠纷",
    "养老助老", "医疗卫生", "道路/设施", "治安/安全", "其他",
)


# Working days to resolve a report once accepted, per category; others get `default_resolve_days`.
DEFAULT_RESOLVE_DAYS = {
    "违法建筑(五违)": 15, "群租/房屋出租": 10, "垃圾/环境卫生": 3, "河道/水环境": 5, "绿化": 5,
    "乡风民风/邻里纠纷": 10, "养老助老": 5, "医疗卫生": 5, "道路/设施": 10, "治安/安全": 3, "其他": 10,
}


class ReportPolicy(_Section):
    """Problem reports: categories, deadlines, duplicate detection, limits and the feedback period."""

    categories: tuple[str, ...] = Field(default=DEFAULT_REPORT_CATEGORIES, min_length=1)
    accept_working_days: int = Field(default=1, ge=1, le=30)
    resolve_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_RESOLVE_DAYS))
    default_resolve_days: int = Field(default=10, ge=1, le=365)
    nearby_meters: float = Field(default=200, ge=0, le=10_000)
    max_per_day: int = Field(default=10, ge=1, le=1000)
    max_photos: int = Field(default=5, ge=0, le=10)
    max_text_chars: int = Field(default=500, ge=10, le=3000)
    max_note_chars: int = Field(default=300, ge=10, le=3000)
    max_address_chars: int = Field(default=100, ge=10, le=500)
    feedback_reminder_days: float = Field(default=3, gt=0, le=60)
    auto_close_days: float = Field(default=7, gt=0, le=60)
    local_holidays: tuple[date, ...] = Field(default=(), max_length=366)

    @model_validator(mode="after")
    def _check(self) -> ReportPolicy:
        if "resolve_days" in self.model_fields_set:
            unknown = sorted(set(self.resolve_days) - set(self.categories))
            if unknown:
                raise ValueError(f"resolve_days names categories that are not in categories: {unknown}")
        if any(days < 1 for days in self.resolve_days.values()):
            raise ValueError("resolve_days must be at least 1 working day")
        if self.feedback_reminder_days >= self.auto_close_days:
            raise ValueError("feedback_reminder_days must come before auto_close_days")
        return self

    def resolve_working_days(self, category: str) -> int:
        """Return the working days allowed to resolve a report of `category` after acceptance."""
        return self.resolve_days.get(category, self.default_resolve_days)

    @property
    def feedback_reminder(self) -> timedelta:
        """Return how long after resolution the reporter is reminded to rate."""
        return timedelta(days=self.feedback_reminder_days)

    @property
    def auto_close(self) -> timedelta:
        """Return how long after resolution an unrated report closes itself."""
        return timedelta(days=self.auto_close_days)


class VillageSettings(_Section):
    """Everything the domain services read from configuration."""

    timezone: ZoneInfo = ZoneInfo("Asia/Shanghai")
    locale: Locale = "zh_CN"
    quiet_hours: QuietHours = QuietHours()
    invites: InvitePolicy = InvitePolicy()
    conversations: ConversationPolicy = ConversationPolicy()
    reports: ReportPolicy = ReportPolicy()
    media: MediaPolicy = MediaPolicy()
    convention: ConventionPolicy = ConventionPolicy()
    consultation: ConsultationPolicy = ConsultationPolicy()
    notices: NoticePolicy = NoticePolicy()
    care: CarePolicy = CarePolicy()
    family: FamilyPolicy = FamilyPolicy()

    @property
    def follow_up_after(self) -> timedelta:
        """Return how long an important message may wait for its person's return before the cadres follow up.

        bot.config.Config reads it from `outbox.follow_up_after_hours`.
        """
        return timedelta(hours=24)

    @property
    def bot_username(self) -> str:
        """Return the Telegram bot's @username (without @) for deep links, or "" when unknown.

        bot.config.Config reads it from `telegram.bot_username`; the domain reads no channel settings.
        """
        return ""

    @property
    def wechat_enabled(self) -> bool:
        """Tell whether residents also reach Hemei on WeChat (bot.config.Config reads `[wechat]`)."""
        return False

    def work_calendar(self) -> WorkCalendar:
        """Return the working days deadlines count: Monday to Friday and the local holidays.

        bot.config.Config adds the official holidays and make-up days (the domain reads no package data).
        """
        return MONDAY_TO_FRIDAY.with_holidays(self.reports.local_holidays)
