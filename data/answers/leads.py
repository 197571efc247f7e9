"""Lead details customers give in passing: an email address (checked with
`email-validator`), a phone number (found with `phonenumbers`' matcher) and a name said the
usual ways ("my name is Maria Gonzalez", "this is Tom", "I'm Priya")."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NAME = re.compile(
    r"\b(?i:my\s+name\s+is|my\s+name'?s|name'?s|this\s+is|i\s+am|i'?m|it'?s|call\s+me)\s+"
    r"([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2})",
)
#: Capitalised words that follow "I'm" / "this is" without being a name.
_NOT_NAMES = frozenset(
    """Home Here There Back Out Good Fine Okay Ok Sorry Looking Interested Available Free
    Calling Texting Writing Just Still Not Done Ready Sure Glad Happy Trying Wondering Brightwater
    The A An In On At Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow
    Hi Hello Hey Thanks Yes No Please Also Very So Really Your You Interested Having Getting
    Going Moving Renting Buying Selling Selling Landlord Owner Tenant Realtor Property""".split()  # noqa: SIM905 - a word list reads best as words
)


@dataclass(frozen=True)
class LeadDetails:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


def email_in(text: str) -> str | None:
    """The first valid email address in the text, normalised."""
    for candidate in _EMAIL.findall(text or ""):
        try:
            return validate_email(candidate.strip(".'"), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def phone_in(text: str, region: str = "US") -> str | None:
    """The first possible phone number in the text, in E.164."""
    for match in phonenumbers.PhoneNumberMatcher(text or "", region):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def name_in(text: str) -> str | None:
    """A name the customer gives for themselves, or None."""
    for match in _NAME.finditer(text or ""):
        # Stop at the first word that is not part of a name ("Tom Here" -> "Tom").
        kept = []
        for word in match.group(1).split():
            if word in _NOT_NAMES:
                break
            kept.append(word)
        if kept:
            return " ".join(kept)[:200]
    return None


def details_in(text: str, region: str = "US") -> LeadDetails:
    return LeadDetails(name=name_in(text), email=email_in(text), phone=phone_in(text, region))
