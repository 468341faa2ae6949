"""All domain services, bound to one transaction's store: built per event or job."""

from __future__ import annotations

from functools import cached_property

from village.audit import AuditService
from village.clock import Clock
from village.consultation.disclosures import DisclosureService
from village.consultation.matters import MatterService
from village.consultation.planning import MeetingService
from village.consultation.signups import SignUpService
from village.consultation.topics import TopicService
from village.invites import InviteService
from village.joining import JoiningService
from village.memberships import MembershipService
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

    # --- consultation ---

    @cached_property
    def topics(self) -> TopicService:
        """Topics (议题) and supports (附议)."""
        return TopicService(self.store, self.clock, self.audit, self.settings.consultation)

    @cached_property
    def meetings(self) -> MeetingService:
        """Consultation meetings: planning, publishing, pages, reminders, monthly figures."""
        return MeetingService(self.store, self.clock, self.audit, self.settings.consultation, self.settings.timezone)

    @cached_property
    def signups(self) -> SignUpService:
        """Meeting sign-ups, the waitlist and check-in."""
        return SignUpService(self.store, self.clock, self.audit, self.settings.consultation)

    @cached_property
    def disclosures(self) -> DisclosureService:
        """A meeting's resolution and implementation result (两公开)."""
        return DisclosureService(self.store, self.clock, self.audit)

    @cached_property
    def matters(self) -> MatterService:
        """Major matters through 四议两公开."""
        return MatterService(self.store, self.clock, self.audit, self.settings.timezone)
