"""Sentiment tuned for a trades business (job words neutral, complaints and sarcasm negative),
the conversation trend, lead details given in passing, and the triage rules in their order:
unclear opt-out, clear opt-out, a person asked for, one very negative message, a falling trend;
plus the lead temperature a message signals and when a short message is a burst fragment."""

from __future__ import annotations

import pytest

from data.answers import leads
from data.answers.intents import OptOut, read
from data.answers.sentiment import next_trend, score
from data.answers.triage import Thresholds, assess, is_fragment
from data.vocab import EscalationReason, LeadTemperature

# Sentiment


@pytest.mark.parametrize(
    "text",
    ["my water heater is leaking", "toilet is clogged and broken", "emergency! pipe burst"],
)
def test_words_that_describe_the_job_are_neutral(text: str) -> None:
    assert score(text) == 0.0


@pytest.mark.parametrize("text", ["nobody called back", "no one showed up", "still leaking"])
def test_complaints_without_a_negative_word_count_as_negative(text: str) -> None:
    assert score(text) < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "it's worse than before you came",
        "what a waste of money",
        "I feel ripped off",
        "I'm going to report you to the BBB",
        "leaving a 1 star review",
        "your tech damaged my floor",
        "I took the day off for nothing",
        "I've texted you three times today",
        "how hard is it to show up on time",
        "you overcharged me",
        "you guys are unreliable",
    ],
)
def test_a_complaint_about_the_business_is_escalated_on_its_own(text: str) -> None:
    assert assess(text).escalation == EscalationReason.NEGATIVE_SENTIMENT


@pytest.mark.parametrize(
    "text",
    [
        "theres a rotten egg smell by the stove, kind of freaking out",
        "is it normal to be worried about a small leak under the sink?",
        "we're nervous about the cost of a repipe, do you offer financing?",
    ],
)
def test_worry_about_the_job_is_not_anger_at_the_business(text: str) -> None:
    assert assess(text).escalation is None


@pytest.mark.parametrize(
    "text",
    [
        "thanks again",
        "ok thanks again!",
        "loved the service, will use again",
        "great work, would hire again",
        "you guys did a great job, 10/10 would recommend",
        "take your time, no rush",
    ],
)
def test_thanks_and_praise_that_end_on_again_are_not_complaints(text: str) -> None:
    assert score(text) > 0 or assess(text).escalation is None


def test_a_complaint_context_is_not_sarcasm_without_praise() -> None:
    assert score("still no hot water and nobody called back. annoyed") > -0.95
    assert score("great, no hot water for a week") <= -0.5


@pytest.mark.parametrize(
    "text",
    [
        "no hot water AGAIN",
        "oh sure, take your time calling me back. it's only been a week with no hot water",
        "10/10 would wait on hold for an hour again 🙃",
        "thanks so much for a repair that lasted a whole two days",
    ],
)
def test_a_complaint_that_ends_on_again_or_is_sarcastic_is_escalated(text: str) -> None:
    assert assess(text).escalation == EscalationReason.NEGATIVE_SENTIMENT


@pytest.mark.parametrize(
    "text",
    [
        "great, another week with no hot water",
        "thanks a lot for nothing",
        "Great job, money well spent 🙃",
    ],
)
def test_praise_wrapped_around_a_complaint_is_read_as_sarcasm(text: str) -> None:
    assert score(text) <= -0.5


@pytest.mark.parametrize("text", ["Thanks so much, you guys are great!", "love the service"])
def test_real_praise_is_positive(text: str) -> None:
    assert score(text) > 0.5


def test_a_pile_of_complaints_stays_within_minus_one() -> None:
    assert score("worst company ever. nobody called back and I want a refund") == -1.0


def test_an_empty_message_is_neutral() -> None:
    assert score("") == 0.0


def test_the_first_message_sets_the_trend() -> None:
    assert next_trend(None, -0.4) == -0.4


@pytest.mark.parametrize(
    ("previous", "latest", "trend"), [(0.2, -0.6, -0.2), (-0.5, 0.5, 0.0), (-0.8, -0.8, -0.8)]
)
def test_each_new_message_moves_the_trend_halfway(previous, latest, trend) -> None:
    assert next_trend(previous, latest) == pytest.approx(trend)


# Lead details


def test_an_email_address_is_found_and_its_domain_normalised() -> None:
    text = "my email is Maria.Gonzalez@Example.COM thanks"
    assert leads.email_in(text) == "Maria.Gonzalez@example.com"


def test_a_full_stop_after_an_email_address_is_not_part_of_it() -> None:
    assert leads.email_in("reach me at tom@gmail.com.") == "tom@gmail.com"


@pytest.mark.parametrize("text", ["email me at bob@example", "joe@@example.com"])
def test_an_invalid_or_missing_email_address_gives_none(text: str) -> None:
    assert leads.email_in(text) is None


@pytest.mark.parametrize("text", ["call 512-555-0142", "my number is (512) 555-0142"])
def test_a_us_phone_number_is_found_in_e164(text: str) -> None:
    assert leads.phone_in(text) == "+15125550142"


def test_a_phone_number_abroad_keeps_its_country_code() -> None:
    assert leads.phone_in("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("text", ["555-0142", "call me at 123", "order 12345678"])
def test_numbers_that_are_not_a_full_phone_number_are_ignored(text: str) -> None:
    assert leads.phone_in(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is Maria Gonzalez", "Maria Gonzalez"),
        ("this is Tom", "Tom"),
        ("I'm Priya", "Priya"),
        ("Hi, it's Jose from 5th street", "Jose"),
    ],
)
def test_a_name_the_customer_gives_for_themselves_is_found(text: str, name: str) -> None:
    assert leads.name_in(text) == name


@pytest.mark.parametrize(
    "text",
    ["I'm home all day", "this is the worst", "I am Interested"],
)
def test_capitalised_words_after_im_that_are_not_names_are_ignored(text: str) -> None:
    assert leads.name_in(text) is None


def test_details_in_collects_name_email_and_phone_together() -> None:
    text = "This is Dana Reyes, dana@example.com or 512-555-0142"
    assert leads.details_in(text) == leads.LeadDetails(
        name="Dana Reyes", email="dana@example.com", phone="+15125550142"
    )


# Triage


def test_an_unclear_opt_out_goes_to_a_person_to_decide() -> None:
    result = assess("stop")
    assert result.opt_out == OptOut.UNCLEAR
    assert result.escalation == EscalationReason.OPT_OUT_UNCLEAR


def test_an_unclear_opt_out_wins_over_asking_for_a_person() -> None:
    result = assess("leave me alone, call me back tomorrow")
    assert result.intents.wants_person
    assert result.escalation == EscalationReason.OPT_OUT_UNCLEAR


def test_a_clear_opt_out_is_honoured_without_escalating_even_when_angry() -> None:
    result = assess("STOP texting me, this is a scam")
    assert result.sentiment <= Thresholds().negative
    assert (result.opt_out, result.escalation) == (OptOut.CLEAR, None)
    assert result.temperature == LeadTemperature.COLD


def test_a_customer_asking_for_a_real_person_is_escalated_as_wanting_a_person() -> None:
    result = assess("this is unacceptable, let me talk to a manager")
    assert result.escalation == EscalationReason.ASKED_FOR_PERSON
    assert result.escalation_note == "The customer asked for a person."


def test_a_customer_leaving_their_number_for_a_call_back_is_escalated_not_opted_out() -> None:
    result = assess("take my number and call me back")
    assert (result.opt_out, result.escalation) == (None, EscalationReason.ASKED_FOR_PERSON)


def test_one_very_negative_message_is_escalated_with_its_score() -> None:
    result = assess("this is unacceptable")
    assert result.escalation == EscalationReason.NEGATIVE_SENTIMENT
    assert result.escalation_note == f"Very negative message ({result.sentiment:+.2f})."


def test_the_negative_threshold_comes_from_the_workspace() -> None:
    lenient = Thresholds(negative=-0.9, trend=-0.9)
    assert assess("this is unacceptable", thresholds=lenient).escalation is None


def test_a_score_from_elsewhere_is_used_instead_of_vader() -> None:
    result = assess("hmm", score=-0.7)
    assert result.sentiment == -0.7 and result.escalation == EscalationReason.NEGATIVE_SENTIMENT


def test_a_falling_trend_over_two_messages_is_escalated() -> None:
    result = assess("nobody called back", previous_trend=-0.4, scored_before=1)
    assert result.trend == pytest.approx(-0.375)
    assert result.escalation == EscalationReason.NEGATIVE_SENTIMENT
    assert result.escalation_note == "Sentiment falling (-0.38)."


def test_a_mildly_negative_first_message_is_not_a_falling_trend() -> None:
    assert assess("nobody called back", previous_trend=-0.4, scored_before=0).escalation is None


def test_a_mild_complaint_after_a_good_conversation_is_not_escalated() -> None:
    assert assess("nobody called back", previous_trend=0.5, scored_before=3).escalation is None


def test_a_positive_message_after_a_bad_run_is_not_escalated() -> None:
    result = assess("great thanks", previous_trend=-0.9, scored_before=5)
    assert result.trend < 0 and result.escalation is None


@pytest.mark.parametrize(
    ("text", "temperature"),
    [
        ("can you come out tomorrow?", LeadTemperature.HOT),
        ("how much for a water heater?", LeadTemperature.WARM),
        ("my name is Maria Gonzalez", LeadTemperature.WARM),
        ("you can reach me at 512-555-0142", LeadTemperature.WARM),
        ("do you work weekends?", LeadTemperature.COOL),
        ("unsubscribe, how much is it?", LeadTemperature.COLD),
        ("the gate code is 4411", None),
    ],
)
def test_a_message_signals_the_lead_temperature_its_words_show(text, temperature) -> None:
    assert assess(text).temperature == temperature


@pytest.mark.parametrize("text", ["hi", "quick question", "hi there team"])
def test_a_short_message_that_asks_nothing_is_a_fragment_of_a_burst(text: str) -> None:
    assert is_fragment(text, read(text))


@pytest.mark.parametrize(
    "text", ["are you open?", "book me", "thanks!", "my water heater is leaking again"]
)
def test_a_question_a_booking_thanks_or_a_longer_message_is_not_a_fragment(text: str) -> None:
    assert not is_fragment(text, read(text))
