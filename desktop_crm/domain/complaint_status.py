"""A complaint's status and its follow-up deadline: what Today and the care
calendar need of complaints (a resolved complaint's follow-up call is due
within seven days), apart from the rest of ``domain.complaint`` (its
categories, its record and log, their checks and deadlines), which loads when
a complaint is opened or written. ``domain.complaint`` names both as its own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop_crm.domain.enums import LabelledEnum, register_labels
from desktop_crm.i18n import N_


class ComplaintStatus(LabelledEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


register_labels({
    "ComplaintStatus": {
        "new": N_("Registered"), "in_progress": N_("In progress"), "resolved": N_("Resolved"),
        "followed_up": N_("Followed up"), "closed": N_("Closed"),
    },
})

FOLLOW_UP_DAYS = 7


def follow_up_due(resolved_at: datetime) -> date:
    """No later than seven days after the resolution."""
    return resolved_at.date() + timedelta(days=FOLLOW_UP_DAYS)
