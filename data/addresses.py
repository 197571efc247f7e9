"""Customer addresses in canonical form: phones in E.164 (`phonenumbers`), emails normalised
(`email-validator`). Every process stores and looks up addresses through these two functions."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidAddress(ValueError):
    """An address that cannot be a phone number or email; the message says why."""


def normalize_phone(raw: str, default_region: str = "US") -> str:
    """`raw` as E.164 ("+15125550123"). Accepts Twilio's `whatsapp:` prefix, spaces, dashes,
    brackets and national formats for `default_region`; raises InvalidAddress otherwise."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:") :]
    if not text:
        raise InvalidAddress("A phone number is required.")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidAddress(f"{raw!r} is not a phone number.") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidAddress(f"{raw!r} is not a possible phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored E.164 number as people write it: national format at home, international
    otherwise ("+15125550123" -> "(512) 555-0123")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def normalize_email(raw: str) -> str:
    """`raw` as a normalised email address (domain lower-cased, IDNA handled; the local part
    lower-cased too, since every provider we route for treats it case-insensitively)."""
    text = (raw or "").strip()
    if not text:
        raise InvalidAddress("An email address is required.")
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise InvalidAddress(f"{raw!r} is not a valid email address: {exc}") from exc
    return result.normalized.lower()
