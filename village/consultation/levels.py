"""The three levels of consultation (the 三步曲) and the kinds of venue meetings are held in."""

from __future__ import annotations

from enum import StrEnum


class MeetingLevel(StrEnum):
    """Where a matter is talked over: homestead, social organisation, or the whole village."""

    HOMESTEAD = "homestead"  # 宅基议事: one group
    SOCIAL_ORG = "social_org"  # 社会组织议事
    VILLAGE = "village"  # 村级议事


class VenueType(StrEnum):
    """Kinds of venue named in the Fengxian and Chongming practice."""

    NEIGHBOUR_HALL = "neighbour_hall"  # 睦邻四堂间
    PARLOUR = "parlour"  # 客堂汇
    STATION = "station"  # 生活驿站
    OFFICE = "office"  # 村委会议室
    OTHER = "other"


def is_group_level(level: MeetingLevel) -> bool:
    """Tell whether the level always belongs to one group (the homestead)."""
    return level is MeetingLevel.HOMESTEAD
