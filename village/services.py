"""All domain services, bound to one transaction's store: built per event or job."""

from __future__ import annotations

from functools import cached_property

from village.audit import AuditService
from village.care.service import CareService
from village.care.transfers import CareTransfers
from village.clock import Clock
from village.consultation.audience import MeetingSignUps
from village.consultation.disclosures import DisclosureService
from village.consultation.matters import MatterService
from village.consultation.planning import MeetingService
from village.consultation.signups import SignUpService
from village.consultation.topics import TopicService
from village.convention.appeals import AppealService
from village.convention.assessments import AssessmentService
from village.convention.conventions import ConventionService
from village.convention.homesteads import HomesteadService
from village.convention.lookups import Lookups
from village.convention.rectifications import RectificationService
from village.convention.rewards import RewardService
from village.convention.scores import ScoreService
from village.digests import DigestService
from village.family.reach import FamilyReach
from village.family.service import FamilyService
from village.followups import FollowUpService
from village.invites import InviteService
from village.joining import JoiningService
from village.memberships import MembershipService
from village.notices import NoticeService
from village.outbox import OutboxService
from village.ports import Store
from village.reports import ReportService
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
    def follow_ups(self) -> FollowUpService:
        """The cadres' follow-up list (待联系): important messages that did not reach their person."""
        return FollowUpService(self.store, self.clock, self.audit, self.settings.follow_up_after)

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
    def reports(self) -> ReportService:
        """Problem reports: filing, handling, views, reminders and monthly figures."""
        return ReportService(self.store, self.clock, self.audit, self.settings.reports, self.settings.timezone,
                             self.settings.work_calendar())
    # --- convention ---

    @cached_property
    def convention_lookups(self) -> Lookups:
        """Shared reads of the convention's services."""
        return Lookups(self.store, self.clock, self.settings.timezone)

    @cached_property
    def conventions(self) -> ConventionService:
        """The convention (美丽约定) in force per village."""
        return ConventionService(self.store, self.clock, self.audit, self.convention_lookups)

    @cached_property
    def assessments(self) -> AssessmentService:
        """Assessing households: drafts, publication, revisions, figures."""
        return AssessmentService(self.store, self.clock, self.audit, self.convention_lookups,
                                 self.settings.convention)

    @cached_property
    def scores(self) -> ScoreService:
        """A household's score and a group's public board."""
        return ScoreService(self.store, self.clock, self.convention_lookups, self.settings.convention)

    @cached_property
    def appeals(self) -> AppealService:
        """Appeals (申诉) against published results."""
        return AppealService(self.store, self.clock, self.audit, self.convention_lookups, self.settings.convention,
                             self.assessments)

    @cached_property
    def rectifications(self) -> RectificationService:
        """Rectification tasks (整改) of failing households."""
        return RectificationService(self.store, self.clock, self.audit, self.convention_lookups)

    @cached_property
    def homesteads(self) -> HomesteadService:
        """和美宅基 group assessments and spot checks."""
        return HomesteadService(self.store, self.clock, self.audit, self.convention_lookups)

    @cached_property
    def rewards(self) -> RewardService:
        """The reward ledger."""
        return RewardService(self.store, self.convention_lookups)
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

    # --- notices ---

    @cached_property
    def notices(self) -> NoticeService:
        """Notices (村务公开): publishing, the archive, mutes; a meeting's sign-ups as an audience."""
        return NoticeService(self.store, self.clock, self.audit, self.settings.notices,
                             quiet_hours=self.settings.quiet_hours, zone=self.settings.timezone,
                             meetings=MeetingSignUps(self.meetings))

    @cached_property
    def digests(self) -> DigestService:
        """The monthly digest's villages, recipients and membership figures."""
        return DigestService(self.store, self.settings.timezone)

    # --- care ---

    @cached_property
    def care(self) -> CareService:
        """The care list (关爱对象), visits and patrols, reminders and monthly figures."""
        return CareService(self.store, self.clock, self.audit, self.settings.care, self.settings.timezone)

    @cached_property
    def care_sheets(self) -> CareTransfers:
        """The care list in and out of spreadsheets, and a month's visits."""
        return CareTransfers(self.store, self.clock, self.audit, self.settings.timezone)
    # --- family link ---

    @cached_property
    def family(self) -> FamilyService:
        """The family link (亲情代办): invites, confirmations, removals."""
        return FamilyService(self.store, self.clock, self.audit, self.settings.family)

    @cached_property
    def family_reach(self) -> FamilyReach:
        """Who else receives a household's messages: its linked relatives."""
        return FamilyReach(self.store)
