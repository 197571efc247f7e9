"""The triage rules for one inbound message: its sentiment and the conversation's new trend,
a plain-language opt-out, whether it must go to a person and why, the lead details it gives
and the lead temperature it signals. Pure functions: the pipeline applies the outcome, the
evaluation bench measures it."""

from __future__ import annotations

from dataclasses import dataclass

from data.answers import intents, leads, sentiment
from data.answers.intents import OptOut
from data.vocab import EscalationReason, LeadTemperature

#: A falling trend escalates only once the conversation has this many scored messages.
TREND_MIN_MESSAGES = 2


@dataclass(frozen=True)
class Thresholds:
    """From the workspace's settings."""

    negative: float = -0.6
    trend: float = -0.35


@dataclass(frozen=True)
class Assessment:
    sentiment: float
    trend: float
    opt_out: OptOut | None
    escalation: EscalationReason | None
    escalation_note: str | None
    details: leads.LeadDetails
    intents: intents.Intents
    #: The temperature this message alone signals (None: no signal).
    temperature: LeadTemperature | None


def assess(
    text: str,
    *,
    previous_trend: float | None = None,
    scored_before: int = 0,
    thresholds: Thresholds = Thresholds(),
    region: str = "US",
    score: float | None = None,
) -> Assessment:
    """Triage one message. `score` is a sentiment computed elsewhere (the AI backend's);
    without it, VADER scores."""
    found = intents.read(text)
    score = sentiment.score(text) if score is None else score
    trend = sentiment.next_trend(previous_trend, score)
    details = leads.details_in(text, region)
    reason: EscalationReason | None = None
    note: str | None = None
    if found.opt_out == OptOut.UNCLEAR:
        reason, note = EscalationReason.OPT_OUT_UNCLEAR, "May want no more messages: decide."
    elif found.opt_out == OptOut.CLEAR:
        pass
    elif found.wants_person:
        reason, note = EscalationReason.ASKED_FOR_PERSON, "The customer asked for a person."
    elif score <= thresholds.negative:
        reason, note = EscalationReason.NEGATIVE_SENTIMENT, f"Very negative message ({score:+.2f})."
    elif scored_before + 1 >= TREND_MIN_MESSAGES and score < 0 and trend <= thresholds.trend:
        reason, note = EscalationReason.NEGATIVE_SENTIMENT, f"Sentiment falling ({trend:+.2f})."
    return Assessment(
        sentiment=score,
        trend=trend,
        opt_out=found.opt_out,
        escalation=reason,
        escalation_note=note,
        details=details,
        intents=found,
        temperature=temperature_signal(found, details),
    )


def temperature_signal(
    found: intents.Intents, details: leads.LeadDetails
) -> LeadTemperature | None:
    """The documented signals: booking intent HOT; a price or quote question, or contact
    details given, WARM; any other question COOL; an opt-out COLD."""
    if found.opt_out == OptOut.CLEAR:
        return LeadTemperature.COLD
    if found.booking:
        return LeadTemperature.HOT
    if found.price or details.email or details.phone or details.name:
        return LeadTemperature.WARM
    if found.question:
        return LeadTemperature.COOL
    return None


#: A message this short that asks nothing may be the start of a burst ("hi" / "quick question").
FRAGMENT_WORDS = 4


def is_fragment(text: str, found: intents.Intents) -> bool:
    """Whether the customer is probably still typing: the reply waits a few seconds for the
    rest, and then answers everything at once."""
    return (
        len(text.split()) <= FRAGMENT_WORDS
        and not found.question
        and not found.booking
        and not found.thanks
    )
