"""The schema as SQLAlchemy Core tables, one module per feature; Alembic revisions create and change it."""

from storage.tables.base import metadata
from storage.tables.callbacks import callback_tokens
from storage.tables.care import care_subjects, care_visits, patrols
from storage.tables.consultation import (
    checkin_failures,
    matter_stage_attendees,
    matter_stages,
    matters,
    meeting_attendance,
    meeting_signups,
    meetings,
    topic_supports,
    topics,
)
from storage.tables.convention import (
    appeals,
    assessment_deductions,
    assessments,
    convention_clauses,
    conventions,
    homestead_assessments,
    rectifications,
)
from storage.tables.family import family_invites, family_links
from storage.tables.foundation import (
    audit_log,
    conversations,
    grids,
    groups,
    households,
    identities,
    invites,
    job_runs,
    join_requests,
    outbox,
    people,
    processed_updates,
    roles,
    unreached_messages,
    villages,
)
from storage.tables.media import media, media_refs
from storage.tables.notices import notice_mutes, notice_recipients, notices
from storage.tables.reports import report_events, report_followers, report_media, reports
from storage.tables.scheduling import job_slots
from storage.tables.wechat import wechat_inbound, wechat_offers, wechat_tokens

__all__ = [
    "appeals",
    "assessment_deductions",
    "assessments",
    "audit_log",
    "callback_tokens",
    "care_subjects",
    "care_visits",
    "checkin_failures",
    "convention_clauses",
    "conventions",
    "conversations",
    "family_invites",
    "family_links",
    "grids",
    "groups",
    "homestead_assessments",
    "households",
    "identities",
    "invites",
    "job_runs",
    "job_slots",
    "join_requests",
    "matter_stage_attendees",
    "matter_stages",
    "matters",
    "media",
    "media_refs",
    "meeting_attendance",
    "meeting_signups",
    "meetings",
    "metadata",
    "notice_mutes",
    "notice_recipients",
    "notices",
    "outbox",
    "patrols",
    "people",
    "processed_updates",
    "rectifications",
    "report_events",
    "report_followers",
    "report_media",
    "reports",
    "roles",
    "topic_supports",
    "topics",
    "unreached_messages",
    "villages",
    "wechat_inbound",
    "wechat_offers",
    "wechat_tokens",
]
