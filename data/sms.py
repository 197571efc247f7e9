"""SMS length: which encoding a text needs and how many segments it is billed as (GSM-7:
160 characters, 153 per segment when split; UCS-2: 70, 67 per segment), and trimming a
reply to a few segments at a sentence boundary."""

from __future__ import annotations

import re

# GSM 03.38 basic character set and its extension table (extension characters take two).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")
_GSM = frozenset(_GSM_BASIC | _GSM_EXTENDED)

SINGLE = {"gsm7": 160, "ucs2": 70}
MULTI = {"gsm7": 153, "ucs2": 67}
#: AI replies by SMS are kept to this many segments.
MAX_REPLY_SEGMENTS = 3


def encoding(text: str) -> str:
    # Set operations rather than a loop over the characters: every queued SMS is measured,
    # and a reply trimmed to fit is measured once per sentence.
    return "gsm7" if _GSM.issuperset(text) else "ucs2"


def units(text: str) -> int:
    """Length in the encoding's units: GSM extension characters count twice; in UCS-2 a
    character outside the basic plane (most emoji) counts twice (a surrogate pair)."""
    if encoding(text) == "gsm7":
        return len(text) + sum(text.count(c) for c in _GSM_EXTENDED.intersection(text))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def segments(text: str) -> int:
    """How many SMS segments the text is billed as (0 for an empty text)."""
    if not text:
        return 0
    kind, length = encoding(text), units(text)
    if length <= SINGLE[kind]:
        return 1
    return -(-length // MULTI[kind])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def fit(text: str, max_segments: int = MAX_REPLY_SEGMENTS) -> str:
    """`text` shortened at a sentence boundary (or a word boundary, with "…") so that it fits
    in `max_segments` segments."""
    if segments(text) <= max_segments:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if segments(candidate) > max_segments:
            break
        kept = candidate
    if kept:
        return kept
    words = text.split()
    while words and segments(" ".join(words) + "…") > max_segments:
        words.pop()
    return " ".join(words) + "…"
