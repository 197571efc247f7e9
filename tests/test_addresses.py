"""Addresses are stored in one canonical form, whatever the provider or person wrote."""

import pytest

from data.addresses import InvalidAddress, format_phone, normalize_email, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "+15125550123",
        "(512) 555-0123",
        "512.555.0123",
        "whatsapp:+15125550123",
        " +1 512 555 0123 ",
    ],
)
def test_us_phone_numbers_become_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+15125550123"


def test_foreign_numbers_keep_their_country() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("020 7946 0958", default_region="GB") == "+442079460958"


@pytest.mark.parametrize("raw", ["", "hello", "123", "whatsapp:", "+1 555"])
def test_things_that_are_not_phone_numbers_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(InvalidAddress, match="phone"):
        normalize_phone(raw)


def test_stored_numbers_are_shown_the_way_people_write_them() -> None:
    assert format_phone("+15125550123") == "(512) 555-0123"
    assert format_phone("+442079460958") == "+44 20 7946 0958"


def test_emails_are_normalised_and_invalid_ones_refused() -> None:
    assert normalize_email("  Maria.Gonzalez@Gmail.COM ") == "maria.gonzalez@gmail.com"
    with pytest.raises(InvalidAddress, match="not a valid email"):
        normalize_email("maria@")
