"""The flow names of consultation, shared by the buttons that point into them."""

from __future__ import annotations

TOPICS = "topics"  # browse, support, decide
TOPIC_NEW = "topic_new"  # propose a topic
TOPIC_DECLINE = "topic_no"  # a manager's reason for declining
MEETINGS = "meetings"  # browse, sign up, the sign-up sheet, publish
PLANNING = "meeting_new"  # plan a meeting step by step
CHANGES = "meeting_edit"  # move, resize or cancel a meeting
CHECKIN = "checkin"  # check in with the venue's code
DISCLOSE = "disclose"  # publish the resolution or the result
MATTERS = "matters"  # browse major matters
MATTER_NEW = "matter_new"  # open a major matter
STAGE = "stage"  # record a matter's next stage
