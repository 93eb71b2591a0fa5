"""The festivals a salesperson sends greetings for (节日问候).

The main Chinese festivals plus New Year's Day and National Day, each as a
recurring ``DateSpec``, so the agenda finds them with the same lookup as any
birthday.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_crm.domain.dates import DateSpec
from desktop_crm.i18n import N_, _


@dataclass(frozen=True)
class Festival:
    key: str
    spec: DateSpec
    msgid: str

    @property
    def name(self) -> str:
        return _(self.msgid)


FESTIVALS: tuple[Festival, ...] = (
    Festival("new_year", DateSpec.solar(1, 1), N_("New Year's Day")),
    Festival("spring", DateSpec.lunar(1, 1), N_("Spring Festival")),
    Festival("lantern", DateSpec.lunar(1, 15), N_("Lantern Festival")),
    Festival("dragon_boat", DateSpec.lunar(5, 5), N_("Dragon Boat Festival")),
    Festival("qixi", DateSpec.lunar(7, 7), N_("Qixi Festival")),
    Festival("mid_autumn", DateSpec.lunar(8, 15), N_("Mid-Autumn Festival")),
    Festival("national_day", DateSpec.solar(10, 1), N_("National Day")),
    Festival("double_ninth", DateSpec.lunar(9, 9), N_("Double Ninth Festival")),
)


def festival(key: str) -> Festival:
    for item in FESTIVALS:
        if item.key == key:
            return item
    raise KeyError(key)
