"""Consultation (议事协商): topics from below, meetings with sign-up, the two disclosures, 四议两公开.

    levels.py       meeting levels (the 三步曲) and venue types
    settings.py     the [consultation] policy: support thresholds, reminders, check-in window
    times.py        reading times typed by cadres; month bounds
    scope.py        who is in a meeting's or topic's scope, who manages it
    topics.py       topics (议题) and supports (附议): TopicService
    meetings.py     what a meeting is, and the pure rules for times, capacity, windows and reminders
    planning.py     MeetingService: plan, publish, move, cancel, resize; pages; reminders due
    figures.py      a month in figures for the digest (MeetingService.month_figures)
    signups.py      sign-up with a waitlist, check-in and attendance: SignUpService
    disclosures.py  the resolution (决议) and the implementation result (实施结果): DisclosureService
    matters.py      major matters through the six stages of 四议两公开: MatterService
    ports.py        what these services need from storage
"""
