"""The store: every repository bound to one connection, i.e. one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.appeals import AppealRepository
from storage.arrivals import ArrivalRepository
from storage.assessments import AssessmentRepository
from storage.audit import AuditRepository
from storage.callback_tokens import CallbackTokenRepository
from storage.care import CareRepository
from storage.consultation.matters import MatterRepository
from storage.consultation.meetings import MeetingRepository
from storage.consultation.signups import SignUpRepository
from storage.consultation.topics import TopicRepository
from storage.conventions import ConventionRepository
from storage.conversations import ConversationRepository
from storage.digests import DigestRepository
from storage.family import FamilyRepository
from storage.followups import FollowUpRepository
from storage.homesteads import HomesteadRepository
from storage.identities import IdentityRepository
from storage.jobs import JobRunRepository, UpdateLog
from storage.joining import InviteRepository, JoinRequestRepository
from storage.media import MediaRefRepository, MediaRepository
from storage.notices import NoticeRepository
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository
from storage.places import PlaceRepository
from storage.rectifications import RectificationRepository
from storage.reports import ReportRepository
from storage.roster import RosterRepository
from storage.savepoints import deferred_savepoint


class SqlStore:
    """Implements `village.ports.Store` over SQLAlchemy Core."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.places = PlaceRepository(connection)
        self.people = PeopleRepository(connection)
        self.roster = RosterRepository(connection)
        self.identities = IdentityRepository(connection)
        self.invites = InviteRepository(connection)
        self.join_requests = JoinRequestRepository(connection)
        self.audit = AuditRepository(connection)
        self.outbox = OutboxRepository(connection)
        self.follow_ups = FollowUpRepository(connection)
        self.conversations = ConversationRepository(connection)
        self.job_runs = JobRunRepository(connection)
        self.updates = UpdateLog(connection)
        self.callback_tokens = CallbackTokenRepository(connection)
        self.arrivals = ArrivalRepository(connection, self.identities, self.updates, self.conversations)
        self.reports = ReportRepository(connection)
        self.conventions = ConventionRepository(connection)
        self.assessments = AssessmentRepository(connection)
        self.appeals = AppealRepository(connection)
        self.rectifications = RectificationRepository(connection)
        self.homesteads = HomesteadRepository(connection)
        # --- consultation ---
        self.topics = TopicRepository(connection)
        self.meetings = MeetingRepository(connection)
        self.signups = SignUpRepository(connection)
        self.matters = MatterRepository(connection)
        self.notices = NoticeRepository(connection)
        self.digests = DigestRepository(connection)
        self.media = MediaRepository(connection)
        self.media_refs = MediaRefRepository(connection)
        # --- care ---
        self.care = CareRepository(connection)
        self.family = FamilyRepository(connection)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Run a block whose writes roll back alone if it raises (its SAVEPOINT goes out before its first write)."""
        async with deferred_savepoint(self.connection):
            yield
