"""Per-run memory: the sender pools (phone numbers, email senders, chat visitors) and the
email history that replies quote, kept alongside the run's ``random.Random``."""

from __future__ import annotations

import random
import weakref
from dataclasses import dataclass, field
from datetime import datetime

from inbox.simulate.content import EMAIL_DOMAINS, NAMES

PHONE_POOL_SIZE = 200
VISITOR_POOL_SIZE = 50


@dataclass
class _Person:
    name: str
    phone: str
    email: str


@dataclass
class _SentEmail:
    message_id: str
    references: list[str]
    subject: str
    text: str
    date: datetime


@dataclass
class _RunState:
    """Pools and history that make one run look like ongoing conversations."""

    phones: list[_Person]
    emailers: list[_Person]
    visitors: list[tuple[str, _Person]]
    sent_emails: dict[str, list[_SentEmail]] = field(default_factory=dict)


# The rng stands for the run: build_request keeps its pools and email history alongside it.
_RUN_STATES: weakref.WeakKeyDictionary[random.Random, _RunState] = weakref.WeakKeyDictionary()


def _email_for(name: str, rng: random.Random) -> str:
    first, last = (part.lower().replace("'", "") for part in name.split(" ", 1))
    local = rng.choice(
        (f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{first}{last[0]}")
    )
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _state_for(rng: random.Random) -> _RunState:
    state = _RUN_STATES.get(rng)
    if state is None:
        suffixes = rng.sample(range(200, 10000), PHONE_POOL_SIZE)
        phones = []
        for suffix in suffixes:
            name = rng.choice(NAMES)
            phones.append(_Person(name, f"+1512555{suffix:04d}", _email_for(name, rng)))
        emailers = [
            _Person(name, rng.choice(phones).phone, _email_for(name, rng)) for name in NAMES
        ]
        visitors = [
            (f"v_{rng.getrandbits(64):016x}", rng.choice(emailers))
            for _ in range(VISITOR_POOL_SIZE)
        ]
        state = _RunState(phones=phones, emailers=emailers, visitors=visitors)
        _RUN_STATES[rng] = state
    return state
