"""The domain's part of the configuration: policies the services apply."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from village.media import MediaPolicy
from village.notices.models import NoticePolicy
from village.outbox import QuietHours

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


class ReportPolicy(_Section):
    """Problem reports: the categories residents choose from."""

    categories: tuple[str, ...] = Field(default=DEFAULT_REPORT_CATEGORIES, min_length=1)


class VillageSettings(_Section):
    """Everything the domain services read from configuration."""

    timezone: ZoneInfo = ZoneInfo("Asia/Shanghai")
    locale: Locale = "zh_CN"
    quiet_hours: QuietHours = QuietHours()
    invites: InvitePolicy = InvitePolicy()
    conversations: ConversationPolicy = ConversationPolicy()
    reports: ReportPolicy = ReportPolicy()
    media: MediaPolicy = MediaPolicy()
    notices: NoticePolicy = NoticePolicy()
