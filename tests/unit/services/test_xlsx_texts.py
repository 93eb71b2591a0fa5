"""The workbook's texts: labels and yes/no looked up once per export give
what the enums and the catalogue give, member by member."""

from __future__ import annotations

import pytest

from desktop_crm.domain import enums
from desktop_crm.i18n import N_, translate
from desktop_crm.services.exporting.texts import Texts

ENUMS = [e for e in vars(enums).values()
         if isinstance(e, type) and issubclass(e, enums.LabelledEnum)
         and e is not enums.LabelledEnum]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_member_gets_its_own_enums_label_even_when_values_are_shared(lang: str) -> None:
    members = [m for e in ENUMS for m in e]
    # members of different enums share values ("new", "birthday"): equal as strings
    assert len({m.value for m in members}) < len(members)
    t = Texts(lang)
    for _ in range(2):  # the second round from what the first looked up
        for member in members:
            assert t.label(member) == member.label_in(lang), member
            assert t.label(None) == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_yes_and_no(lang: str) -> None:
    t = Texts(lang)
    assert t.yes_no(True) == translate(N_("Yes"), lang)
    assert t.yes_no(False) == translate(N_("No"), lang)
