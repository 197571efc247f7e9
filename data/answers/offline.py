"""The offline responder: answers from the knowledge base when it is sure, handles
greetings, thanks and bookings, and says plainly when a person must answer. It never writes a
fact that is not in a knowledge entry, the business profile or the calendar."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from data.answers import intents, leads
from data.answers.replies import Reply, ReplyKind, ReplyRequest
from data.answers.retrieval import DEFAULT_MIN_CONFIDENCE, KnowledgeIndex
from data.scheduling import (
    day_asked_for,
    describe_hours,
    format_slot,
    free_slots,
    is_free,
    read_pick,
    read_requested_time,
)

_SPAM = re.compile(
    r"https?://|\bwww\.|\bbit\.ly\b|\bcongratulations\b|\byou'?ve\s+won\b|\bbitcoin\b|\bcrypto\b|"
    r"\bseo\b|\bgoogle\s+rank|\bmerchant\s+cash\b|\bwe\s+buy\s+houses\b|\bleads?\s+for\b|"
    r"\bper\s+lead\b|/lead\b|\bbusiness\s+listing\b|\bgift\s+card\b.*\bclaim\b|"
    r"\blead\s+gen(?:eration)?\b|\bleads\s+(?:a|per|each|every)\s+(?:day|week|month)\b|"
    r"\b(?:marketing|advertising|web\s+design|seo)\s+(?:agency|company|firm|services)\b|"
    r"\bgrow\s+your\s+business\b|\bfirst\s+page\s+(?:of|on)\s+google\b|"
    r"\b(?:business|working\s+capital)\s+(?:loan|funding)\b|\bguaranteed\s+(?:leads|ranking|results)\b",
    re.IGNORECASE,
)


class OfflineResponder:
    """Knowledge-base retrieval plus a few conversational rules; no network."""

    name = "offline"

    def __init__(self, index: KnowledgeIndex, min_confidence: float = DEFAULT_MIN_CONFIDENCE):
        self.index = index
        self.min_confidence = min_confidence

    def respond(self, request: ReplyRequest) -> Reply:
        text, last = request.text, (request.messages[-1] if request.messages else "")
        hours = request.business.hours
        found = intents.read(text)
        details = leads.details_in(text)
        extra = {"lead_name": details.name, "lead_email": details.email}

        pick = read_pick(last, request.offered_slots, hours)
        if pick is not None:
            return self._book(request, pick, extra)
        asked_for = read_requested_time(last, hours, request.now)
        if asked_for is not None and (found.booking or request.offered_slots):
            if is_free(hours, asked_for, request.busy, request.now):
                return self._book(request, asked_for, extra)
            return slot_offer(request, "That time isn't free.", extra)

        if found.wants_person:
            return Reply(ReplyKind.WANTS_PERSON, reason="The customer asked for a person.", **extra)
        clean = intents.without_injection(text) if found.injection else text
        if found.injection and not clean:
            return Reply(
                ReplyKind.CANNOT_ANSWER, reason="The message tries to instruct the AI.", **extra
            )
        if _SPAM.search(text) and not found.booking:
            return Reply(ReplyKind.NONE, reason="Looks like marketing or spam.", **extra)

        small_talk = not found.question and not found.booking
        if found.greeting and not found.booking:  # the whole message is a greeting
            name = f", {request.customer_name.split()[0]}" if request.customer_name else ""
            greeting = f"Hi{name}! This is {request.business.name}'s assistant. How can I help?"
            return self._after_hours(request, Reply(ReplyKind.GREETING, greeting, **extra))
        if small_talk and found.thanks:
            return Reply(
                ReplyKind.THANKS, "You're welcome! Anything else I can help with?", **extra
            )
        if small_talk and found.acknowledgement:
            return Reply(ReplyKind.NONE, **extra)
        match = self.index.best(clean, self.min_confidence)
        if match is not None:
            answer = match.entry.answer
            reply = Reply(
                ReplyKind.ANSWER,
                answer,
                entry_id=match.entry.id,
                entry_question=match.entry.question,
                confidence=round(match.confidence, 3),
                **extra,
            )
            if found.booking and request.free_slots:
                asked_day = _for_day_asked(request, last)
                return slot_offer(asked_day, answer, extra, base=reply)
            return self._after_hours(request, reply)
        if found.booking:
            return slot_offer(_for_day_asked(request, last), "", extra)
        if found.question or found.opt_out:
            return Reply(
                ReplyKind.CANNOT_ANSWER,
                reason="No knowledge entry answers this with confidence.",
                **extra,
            )
        thanks = f"Thanks, {details.name.split()[0]}!" if details.name else "Thanks!"
        return Reply(ReplyKind.NOTED, f"{thanks} I've noted that for the team.", **extra)

    def _book(self, request: ReplyRequest, at: datetime, extra: dict) -> Reply:
        when = format_slot(at, request.business.hours)
        text = f"You're booked for {when}. We'll see you then - reply here if anything changes."
        return Reply(ReplyKind.BOOKED, text, book_at=at, **extra)

    def _after_hours(self, request: ReplyRequest, reply: Reply) -> Reply:
        """Outside opening hours the reply still comes, and says when a person is back."""
        hours = request.business.hours
        if hours.is_open(request.now) or not request.free_slots:
            return reply
        first = request.free_slots[0]
        note = (
            f"We're closed right now (hours: {describe_hours(hours)}). The next available "
            f"appointment is {format_slot(first, hours)} - reply 1 to book it."
        )
        return Reply(
            reply.kind,
            f"{reply.text}\n\n{note}",
            entry_id=reply.entry_id,
            entry_question=reply.entry_question,
            confidence=reply.confidence,
            slots=[first],
            lead_name=reply.lead_name,
            lead_email=reply.lead_email,
        )


def _for_day_asked(request: ReplyRequest, text: str) -> ReplyRequest:
    """The request with its free slots on the day the customer named, when there are any."""
    hours = request.business.hours
    day = day_asked_for(text, hours, request.now)
    if day is None:
        return request
    on_day = free_slots(hours, request.now, request.busy, on=day)
    return replace(request, free_slots=on_day) if on_day else request


def slot_offer(
    request: ReplyRequest, prefix: str = "", extra: dict | None = None, base: Reply | None = None
) -> Reply:
    """Offer the request's free slots, after `prefix`; keeps `base`'s answer details."""
    extra = extra or {}
    slots = request.free_slots
    if not slots:
        return Reply(
            ReplyKind.CANNOT_ANSWER, reason="No free appointment slots in the next weeks.", **extra
        )
    hours = request.business.hours
    listed = " ".join(f"{n}) {format_slot(s, hours)}" for n, s in enumerate(slots, 1))
    offer = (
        f"I can book you in: {listed}. Reply with the number, or tell me a day and time "
        "that suits you."
    )
    text = f"{prefix} {offer}".strip()
    if base is not None:
        return Reply(
            ReplyKind.ANSWER,
            text,
            entry_id=base.entry_id,
            entry_question=base.entry_question,
            confidence=base.confidence,
            slots=list(slots),
            **extra,
        )
    return Reply(ReplyKind.OFFER_SLOTS, text, slots=list(slots), **extra)
