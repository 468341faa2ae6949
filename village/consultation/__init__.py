"""Consultation (议事协商): topics from below, meetings with sign-up, the two disclosures, 四议两公开.

    levels.py       meeting levels (the 三步曲) and venue types
    settings.py     the [consultation] policy: support thresholds, reminders, check-in window
    times.py        reading times typed by cadres; month bounds
    scope.py        who is in a meeting's or topic's scope, who manages it
    topics.py       topics (议题) and supports (附议)
    meetings.py     meetings: plan, publish, move, cancel, capacity; reminders due; month figures
    signups.py      sign-up with a waitlist, check-in and attendance
    disclosures.py  the resolution (决议) and the implementation result (实施结果)
    matters.py      major matters through the six stages of 四议两公开
    ports.py        what these services need from storage
"""
