"""Notices (村务公开, 阳光村务): a cadre addresses the village or part of it; residents read them later.

A notice is published with its recipients recorded (people, whether or not they
use the bot), so the archive shows each person what was addressed to them. Its
deliveries go through the outbox as one batch, whose figures make the report.
"""

from village.notices.models import (
    AUDIENCE_ROLES,
    Audience,
    AudienceCount,
    AudienceKind,
    MeetingAudience,
    MeetingChoice,
    Notice,
    NoticeAttachment,
    NoticeCategory,
    NoticeDraft,
    NoticeFigures,
    NoticePage,
    NoticePolicy,
    ProgressMessage,
    allowed_document,
    batch_of,
    check_audience,
    delivery_priority,
    is_important,
    is_mutable,
    waits_for_quiet_hours,
)
from village.notices.service import NoticeService

__all__ = [
    "AUDIENCE_ROLES",
    "Audience",
    "AudienceCount",
    "AudienceKind",
    "MeetingAudience",
    "MeetingChoice",
    "Notice",
    "NoticeAttachment",
    "NoticeCategory",
    "NoticeDraft",
    "NoticeFigures",
    "NoticePage",
    "NoticePolicy",
    "NoticeService",
    "ProgressMessage",
    "allowed_document",
    "batch_of",
    "check_audience",
    "delivery_priority",
    "is_important",
    "is_mutable",
    "waits_for_quiet_hours",
]
