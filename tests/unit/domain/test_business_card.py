"""The business card's field record: which fields hold something."""

from desktop_crm.domain.business_card import FIELD_NAMES, CardFields


def test_filled_lists_the_fields_with_text_in_form_order() -> None:
    card = CardFields(name="张伟", emails=("zw@example.com",), website="example.com")
    assert card.filled() == ("name", "emails", "website")
    assert not card.empty


def test_a_card_with_nothing_read_is_empty() -> None:
    assert CardFields().empty
    assert FIELD_NAMES[0] == "name" and "faxes" in FIELD_NAMES
