"""Enumerations of the client card, with their labels in both languages.

Values are stable strings stored in the database; labels come from the
message catalog, using the terms of the source textbooks (the Chinese terms salespeople know).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from desktop_crm.i18n import LANGUAGES, N_, _, translate


class LabelledEnum(StrEnum):
    """A string enum whose members carry a translatable label."""

    @property
    def label(self) -> str:
        return _(_LABELS[type(self).__name__][self.value])

    def label_in(self, lang: str) -> str:
        """The label in ``lang`` whatever the window's language."""
        return translate(_LABELS[type(self).__name__][self.value], lang)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, text: str) -> Self | None:
        """The member whose value or label, in any language, is ``text``."""
        wanted = text.strip().casefold()
        for member in cls:
            names = {member.value, *(member.label_in(lang) for lang in LANGUAGES)}
            if wanted in {n.casefold() for n in names}:
                return member
        return None


class ClientKind(LabelledEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Gender(LabelledEnum):
    UNKNOWN = "unknown"
    MALE = "male"
    FEMALE = "female"


class Nature(LabelledEnum):
    """By nature (按性质): government, enterprise group, individual."""

    GOVERNMENT = "government"
    ENTERPRISE = "enterprise"
    INDIVIDUAL = "individual"


class Stage(LabelledEnum):
    """By stage: active (显现客户) or potential (潜在客户)."""

    ACTIVE = "active"
    POTENTIAL = "potential"


class Tenure(LabelledEnum):
    NEW = "new"
    OLD = "old"


class VolumeTier(LabelledEnum):
    KEY = "key"
    ORDINARY = "ordinary"
    OCCASIONAL = "occasional"


class Loyalty(LabelledEnum):
    PROSPECT = "prospect"
    NEW = "new"
    ACTIVE_REGULAR = "active_regular"
    CORE = "core"
    ADVOCATE = "advocate"
    INACTIVE = "inactive"
    AT_RISK = "at_risk"
    LOST = "lost"


class Channel(LabelledEnum):
    VISIT = "visit"
    CALL = "call"
    WECHAT = "wechat"
    EMAIL = "email"
    MEETING = "meeting"
    GIFT = "gift"
    GREETING = "greeting"


class PhoneKind(LabelledEnum):
    MOBILE = "mobile"
    OFFICE = "office"
    HOME = "home"
    FAX = "fax"
    OTHER = "other"


class DateKind(LabelledEnum):
    BIRTHDAY = "birthday"
    WEDDING_ANNIVERSARY = "wedding_anniversary"
    CUSTOM = "custom"


class CalendarKind(LabelledEnum):
    SOLAR = "solar"
    LUNAR = "lunar"


class AgendaKind(LabelledEnum):
    BIRTHDAY = "birthday"
    FAMILY_BIRTHDAY = "family_birthday"
    WEDDING_ANNIVERSARY = "wedding_anniversary"
    FOUNDING_ANNIVERSARY = "founding_anniversary"
    RELATIONSHIP_ANNIVERSARY = "relationship_anniversary"
    CUSTOM_DATE = "custom_date"
    FOLLOW_UP = "follow_up"
    COMPLAINT_FOLLOW_UP = "complaint_follow_up"
    NO_CONTACT = "no_contact"
    FESTIVAL = "festival"
    CHURN_WARNING = "churn_warning"
    CONTACT_BIRTHDAY = "contact_birthday"  # an organisation's contact person's


class Milestone(LabelledEnum):
    """An interaction after which the source says to thank the client."""

    DELIVERY = "delivery"
    DEAL = "deal"


_LABELS: dict[str, dict[str, str]] = {
    "ClientKind": {"person": N_("Individual"), "organisation": N_("Organisation")},
    "Gender": {"unknown": N_("Not given"), "male": N_("Male"), "female": N_("Female")},
    "Nature": {
        "government": N_("Government client"),
        "enterprise": N_("Enterprise group client"),
        "individual": N_("Individual client"),
    },
    "Stage": {"active": N_("Active client"), "potential": N_("Potential client")},
    "Tenure": {"new": N_("New client"), "old": N_("Old client")},
    "VolumeTier": {
        "key": N_("Key client"),
        "ordinary": N_("Ordinary client"),
        "occasional": N_("Occasional client"),
    },
    "Loyalty": {
        "prospect": N_("Prospect"),
        "new": N_("New"),
        "active_regular": N_("Active regular"),
        "core": N_("Core client"),
        "advocate": N_("Advocate"),
        "inactive": N_("Inactive"),
        "at_risk": N_("At risk of loss"),
        "lost": N_("Lost"),
    },
    "Channel": {
        "visit": N_("Visit"),
        "call": N_("Call"),
        "wechat": N_("WeChat"),
        "email": N_("E-mail"),
        "meeting": N_("Meeting"),
        "gift": N_("Gift"),
        "greeting": N_("Greeting"),
    },
    "PhoneKind": {
        "mobile": N_("Mobile"),
        "office": N_("Office"),
        "home": N_("Home"),
        "fax": N_("Fax"),
        "other": N_("Other"),
    },
    "DateKind": {
        "birthday": N_("Birthday"),
        "wedding_anniversary": N_("Wedding anniversary"),
        "custom": N_("Custom date"),
    },
    "CalendarKind": {"solar": N_("Gregorian"), "lunar": N_("Lunar")},
    "AgendaKind": {
        "birthday": N_("Birthday"),
        "family_birthday": N_("Family birthday"),
        "wedding_anniversary": N_("Wedding anniversary"),
        "founding_anniversary": N_("Founding anniversary"),
        "relationship_anniversary": N_("Relationship anniversary"),
        "custom_date": N_("Custom date"),
        "follow_up": N_("Follow-up"),
        "complaint_follow_up": N_("Complaint follow-up"),
        "no_contact": N_("Not contacted"),
        "festival": N_("Festival"),
        "churn_warning": N_("Churn warning"),
        "contact_birthday": N_("Contact person's birthday"),
    },
    "Milestone": {"delivery": N_("Delivery"), "deal": N_("Deal closed")},
}



def register_labels(labels: dict[str, dict[str, str]]) -> None:
    """Add the labels of enums defined in other domain modules (by class name)."""
    _LABELS.update(labels)


# Classification filters offered in the list: (card field, enum).
CLASSIFICATIONS: dict[str, type[LabelledEnum]] = {
    "nature": Nature,
    "stage": Stage,
    "tenure": Tenure,
    "volume_tier": VolumeTier,
    "loyalty": Loyalty,
}
