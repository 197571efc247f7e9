"""Demo workspace content: Brightwater Plumbing & Heating, a fictional family-run plumbing and
heating company in Austin, Texas. The content itself is data, in `brightwater.json` beside
this module; the loader (`seed.py`) turns it into a workspace with channels, users, a
knowledge base and a month of conversations.

Conventions of the file:
- Phone numbers are in the fictional 555-01XX range and email addresses use .example domains;
  contact phones are unique.
- Times are relative to the moment the demo is seeded: `started_hours_ago` is when a
  conversation's first message or call happened, message, call and note `minutes` are offsets
  from that start, and appointment `starts_in_hours` is relative to now (negative: past).
- Weekday names in booking messages ("Tue 1:00 PM") are flavour text; the real appointment time
  is `starts_in_hours`.
- Exactly one conversation is opted out (an SMS thread ending in STOP).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DOCUMENT: dict[str, Any] = json.loads(
    (Path(__file__).with_name("brightwater.json")).read_text(encoding="utf-8")
)

BUSINESS: dict[str, Any] = _DOCUMENT["BUSINESS"]
CHANNELS: list[dict[str, Any]] = _DOCUMENT["CHANNELS"]
USERS: list[dict[str, Any]] = _DOCUMENT["USERS"]
KNOWLEDGE: list[dict[str, Any]] = _DOCUMENT["KNOWLEDGE"]
CONVERSATIONS: list[dict[str, Any]] = _DOCUMENT["CONVERSATIONS"]
