"""What a responder is asked and what it answers, shared by the offline responder (here in
`data/`) and the OpenAI-compatible one (in `pipeline/`), so the pipeline treats both alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from data.scheduling import Hours


class ReplyKind(StrEnum):
    ANSWER = "answer"  # from a knowledge entry
    GREETING = "greeting"
    THANKS = "thanks"
    NOTED = "noted"  # a statement acknowledged ("the gate code is 4411")
    OFFER_SLOTS = "offer_slots"
    BOOKED = "booked"
    CANNOT_ANSWER = "cannot_answer"  # escalate: a person must answer
    WANTS_PERSON = "wants_person"  # escalate: the customer asked for one
    NONE = "none"  # nothing to say ("ok", "👍", spam)


#: Kinds after which a person must take over.
ESCALATING = (ReplyKind.CANNOT_ANSWER, ReplyKind.WANTS_PERSON)


@dataclass(frozen=True)
class Business:
    name: str
    hours: Hours
    after_hours_note: str = ""
    holding_reply: str = ""


@dataclass(frozen=True)
class Turn:
    """An earlier message of the conversation: `customer` or `business`."""

    role: str
    text: str


@dataclass(frozen=True)
class ReplyRequest:
    business: Business
    channel: str
    #: The customer's messages being answered together (a burst), oldest first.
    messages: list[str]
    now: datetime
    customer_name: str | None = None
    history: list[Turn] = field(default_factory=list)
    #: Slots the AI offered earlier and the customer has not picked yet.
    offered_slots: list[datetime] = field(default_factory=list)
    #: The next free slots, to offer.
    free_slots: list[datetime] = field(default_factory=list)
    #: Booked appointments (start, end) that a requested time must not overlap.
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(m.strip() for m in self.messages if m.strip())


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    text: str = ""
    entry_id: int | None = None
    entry_question: str | None = None
    confidence: float | None = None
    #: Slots this reply offers (remembered on the outbound message for the customer's pick).
    slots: list[datetime] = field(default_factory=list)
    #: The slot to book (the customer's pick, checked free again before booking).
    book_at: datetime | None = None
    #: Details the customer gave that belong on the contact.
    lead_name: str | None = None
    lead_email: str | None = None
    #: "offline", or the model that wrote it.
    source: str = "offline"
    #: Why the responder could not answer, for the escalation's note.
    reason: str | None = None

    @property
    def escalates(self) -> bool:
        return self.kind in ESCALATING
