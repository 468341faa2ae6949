"""All domain services, bound to one transaction's store: built per event or job."""

from __future__ import annotations

from functools import cached_property

from village.audit import AuditService
from village.clock import Clock
from village.digests import DigestService
from village.invites import InviteService
from village.joining import JoiningService
from village.memberships import MembershipService
from village.notices import NoticeService
from village.outbox import OutboxService
from village.ports import Store
from village.roster import RosterService
from village.settings import VillageSettings


class Services:
    """The services of one unit of work; each is made on first use."""

    def __init__(self, store: Store, clock: Clock, settings: VillageSettings) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings

    @cached_property
    def audit(self) -> AuditService:
        """The audit log."""
        return AuditService(self.store, self.clock)

    @cached_property
    def outbox(self) -> OutboxService:
        """The outgoing message queue."""
        return OutboxService(self.store, self.clock, self.settings.quiet_hours, self.settings.timezone)

    @cached_property
    def joining(self) -> JoiningService:
        """Joining by contact, invite or approval."""
        return JoiningService(self.store, self.clock, self.audit)

    @cached_property
    def memberships(self) -> MembershipService:
        """Profiles, languages and role grants."""
        return MembershipService(self.store, self.audit)

    @cached_property
    def roster(self) -> RosterService:
        """Roster import and export."""
        return RosterService(self.store, self.audit)

    @cached_property
    def invites(self) -> InviteService:
        """Household invite cards."""
        return InviteService(self.store, self.clock, self.audit, self.settings.invites)

    @cached_property
    def notices(self) -> NoticeService:
        """Notices (村务公开): publishing, the archive, mutes.

        The integrator wires a meeting's sign-ups in with `meetings=MeetingSignUps(self.meetings)`
        (an adapter implementing `village.notices.MeetingAudience`); None hides that audience.
        """
        return NoticeService(self.store, self.clock, self.audit, self.settings.notices,
                             quiet_hours=self.settings.quiet_hours, zone=self.settings.timezone, meetings=None)

    @cached_property
    def digests(self) -> DigestService:
        """The monthly digest's villages, recipients and membership figures."""
        return DigestService(self.store, self.settings.timezone)
