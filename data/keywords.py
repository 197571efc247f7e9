"""Carrier opt-out, opt-in and help keywords (CTIA / Twilio list).

The whole message must be the keyword: case, surrounding spaces and trailing punctuation are
ignored ("Stop." is STOP, "STOP PLEASE" is not). Plain-language revocations ("please stop
texting me") are the pipeline's job, not this module's.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

_TRAILING = ".!?,;:…。！？"


def _normalise(body: str) -> str:
    # NFKC folds full-width letters ("ＳＴＯＰ") and compatibility forms that phones produce.
    text = unicodedata.normalize("NFKC", body or "").strip()
    text = text.rstrip(_TRAILING).strip()
    # Quotes around a lone keyword ('"STOP"') still mean the keyword.
    text = text.strip("\"'“”‘’`").strip()
    return text.upper()


def classify(body: str) -> Keyword | None:
    """The carrier keyword the whole message is, or None."""
    word = _normalise(body)
    if word in OPT_OUT_WORDS:
        return Keyword.STOP
    if word in OPT_IN_WORDS:
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return None
