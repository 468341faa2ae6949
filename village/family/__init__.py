"""The family link (亲情代办): relatives outside the roster who follow and act for a household."""

from village.family.models import (
    FamilyInvite,
    FamilyLink,
    FamilyMember,
    FamilyPolicy,
    LinkStatus,
    Relation,
    family_code_of,
    looks_like_family_code,
)
from village.family.service import FamilyService

__all__ = [
    "FamilyInvite", "FamilyLink", "FamilyMember", "FamilyPolicy", "FamilyService", "LinkStatus", "Relation",
    "family_code_of", "looks_like_family_code",
]
