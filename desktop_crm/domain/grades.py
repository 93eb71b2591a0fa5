"""The grades A, B and C (客户等级) by name, with the service strategy the
source gives each: what Today's recent grade changes and the card show,
apart from the scoring schemes of ``domain.scoring`` (which names these as
its own), which load with the evaluation form or the Evaluation tab."""

from __future__ import annotations

from desktop_crm.i18n import N_, _

GRADES = ("A", "B", "C")

_GRADE_INFO: dict[str, tuple[str, str]] = {
    "A": (N_("Key client (A)"), N_("Best service and efficient selling: give this client your "
                               "best people and fastest answers.")),
    "B": (N_("Promising client (B)"), N_("Communicate more and grow sales: visit often and look "
                                     "for more business.")),
    "C": (N_("Ordinary client (C)"), N_("Ordinary time and effort: keep in touch at the usual "
                                    "rhythm.")),
}


def grade_title(grade: str) -> str:
    return _(_GRADE_INFO[grade][0])


def grade_strategy(grade: str) -> str:
    """The service strategy the source gives for a grade."""
    return _(_GRADE_INFO[grade][1])
