"""Triage through the real pipeline: every inbound message is scored once, escalations go to
people with one holding reply and one set of alerts, plain-language opt-outs are honoured,
and lead details and temperature follow what the customer says."""

from __future__ import annotations

from sqlmodel import Session

from data import contacts, conversations, leads
from data.clock import utcnow
from data.events import Actor
from data.models import Message
from tests.factories import make_business, make_user, text_in
from tests.pipeline_helpers import ai_replies, alerts, answer, events_of, fresh, outbound


def test_every_inbound_message_is_triaged_once_with_its_sentiment_stored(engine, session) -> None:
    make_business(session)
    first = text_in(session, "Thanks so much, you guys are great!")
    second = text_in(session, "do you do gas line work?")
    answer(engine, session)
    for result in (first, second):
        message = fresh(session, result.message)
        assert message.triaged_at is not None and message.sentiment is not None
    assert fresh(session, first.message).sentiment > 0.5
    conversation = fresh(session, first.conversation)
    assert conversation.sentiment_samples == 2 and conversation.sentiment_trend is not None
    assert answer(engine, session) == 0  # nothing is triaged twice


def test_a_customer_asking_for_a_person_is_escalated_with_one_holding_reply_and_alerts(
    engine, session: Session
) -> None:
    make_business(session)
    result = text_in(session, "can I talk to a real person please")
    answer(engine, session)
    conversation = fresh(session, result.conversation)
    assert (conversation.status, conversation.escalation_reason) == (
        "escalated",
        "asked_for_person",
    )
    [holding] = ai_replies(session, conversation.id)
    assert holding.meta["purpose"] == "holding_reply"
    assert holding.answers_message_id == result.message.id
    sent_to = sorted((m.channel, m.to_address) for m in alerts(session, conversation.id))
    assert sent_to == [("email", "owner@acme.example"), ("sms", "+15125550190")]
    assert "can I talk to a real person" in alerts(session, conversation.id)[0].body
    [event] = events_of(session, "escalated", conversation.id)
    assert event.data["reason"] == "asked_for_person" and event.actor_kind == "ai"


def test_team_members_who_get_alerts_are_alerted_too(engine, session: Session) -> None:
    workspace = make_business(session)
    sam = make_user(session, workspace, "operator", "Sam")
    sam.phone, sam.receives_alerts = "+15125550177", True
    session.add(sam)
    result = text_in(session, "get me your manager")
    answer(engine, session)
    addresses = {m.to_address for m in alerts(session, result.conversation.id)}
    assert {"+15125550177", sam.email, "+15125550190", "owner@acme.example"} == addresses


def test_an_escalated_conversation_is_not_alerted_again_and_the_ai_stays_silent(
    engine, session: Session
) -> None:
    make_business(session)
    text_in(session, "I want to speak to a human")
    answer(engine, session)
    later = text_in(session, "what are your business hours?")
    answer(engine, session)
    conversation_id = later.conversation.id
    assert len(alerts(session, conversation_id)) == 2
    assert len(ai_replies(session, conversation_id)) == 1  # the holding reply only
    suggestion = fresh(session, later.message).meta["suggestion"]
    assert suggestion["entry_question"] == "What are your business hours?"
    assert "7:30" in suggestion["text"]


def test_a_very_negative_message_is_escalated_for_sentiment(engine, session: Session) -> None:
    make_business(session)
    result = text_in(session, "Terrible experience. Rude technician, overpriced, leak is back")
    answer(engine, session)
    conversation = fresh(session, result.conversation)
    assert conversation.escalation_reason == "negative_sentiment"
    assert len(alerts(session, conversation.id)) == 2


def test_a_falling_sentiment_trend_is_escalated(engine, session: Session) -> None:
    make_business(session, sentiment_trend_threshold=-0.3, negative_sentiment_threshold=-0.95)
    text_in(session, "the water heater you installed is making a weird noise, not happy")
    answer(engine, session)
    result = text_in(session, "still no hot water and nobody called back. annoyed")
    answer(engine, session)
    conversation = fresh(session, result.conversation)
    assert conversation.escalation_reason == "negative_sentiment"
    assert "falling" in conversation.escalation_note


def test_a_question_the_knowledge_base_cannot_answer_goes_to_a_person(engine, session) -> None:
    make_business(session)
    result = text_in(session, "do you sell pool pumps")
    answer(engine, session)
    conversation = fresh(session, result.conversation)
    assert conversation.escalation_reason == "cant_answer"
    [holding] = ai_replies(session, conversation.id)
    assert holding.answers_message_id == result.message.id
    assert fresh(session, result.message).meta["reply"]["kind"] == "cannot_answer"


def test_a_plain_language_opt_out_opts_the_contact_out_with_one_confirmation(
    engine, session: Session
) -> None:
    make_business(session)
    result = text_in(session, "please stop texting me")
    answer(engine, session)
    contact = fresh(session, result.contact)
    assert contact.opted_out and contact.lead_temperature == "cold"
    [confirmation] = outbound(session, result.conversation.id)
    assert confirmation.meta["purpose"] == "opt_out_confirmation"
    text_in(session, "what are your hours?")
    answer(engine, session)
    assert len(outbound(session, result.conversation.id)) == 1  # the AI stays silent


def test_a_whatsapp_opt_out_in_plain_words_is_honoured_by_the_product(engine, session) -> None:
    make_business(session)
    result = text_in(session, "take me off your list", channel="whatsapp", to="+15125550101")
    answer(engine, session)
    assert fresh(session, result.contact).opted_out
    assert fresh(session, result.contact).opted_out_channel == "whatsapp"


def test_an_unclear_opt_out_is_escalated_for_a_person_to_decide(engine, session) -> None:
    make_business(session)
    result = text_in(session, "ugh enough already")
    answer(engine, session)
    assert not fresh(session, result.contact).opted_out
    assert fresh(session, result.conversation).escalation_reason == "opt_out_unclear"


def test_name_and_email_given_in_a_message_land_on_the_contact(engine, session) -> None:
    make_business(session)
    result = text_in(session, "Hi, my name is Maria Gonzalez, email maria.g@example.com")
    answer(engine, session)
    contact = fresh(session, result.contact)
    assert (contact.name, contact.email) == ("Maria Gonzalez", "maria.g@example.com")
    [event] = events_of(session, "contact_updated")
    assert event.data["captured"] == {"name": "Maria Gonzalez", "email": "maria.g@example.com"}
    assert contact.lead_temperature == "warm"


def test_lead_temperature_follows_the_signals_and_never_drops_on_a_general_question(
    engine, session: Session
) -> None:
    make_business(session)
    result = text_in(session, "are you licensed and insured?")
    answer(engine, session)
    assert fresh(session, result.contact).lead_temperature == "cool"
    text_in(session, "how much does a new water heater cost?")
    answer(engine, session)
    assert fresh(session, result.contact).lead_temperature == "warm"
    text_in(session, "ok can you book me in for tomorrow")
    answer(engine, session)
    assert fresh(session, result.contact).lead_temperature == "hot"
    text_in(session, "do you speak spanish?")
    answer(engine, session)
    assert fresh(session, result.contact).lead_temperature == "hot"


def test_an_operators_manual_temperature_wins_over_the_signals(engine, session) -> None:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "are you licensed?")
    contacts.set_lead_temperature(session, result.contact, "cold", jamie)
    text_in(session, "can you come out tomorrow morning?")
    answer(engine, session)
    assert fresh(session, result.contact).lead_temperature == "cold"


def test_the_nightly_job_cools_silent_leads(engine, session: Session) -> None:
    from datetime import timedelta

    workspace = make_business(session, cold_after_days=7)
    quiet = text_in(session, "how much is drain cleaning?", sender="+15125550111").contact
    recent = text_in(session, "how much is drain cleaning?", sender="+15125550112").contact
    answer(engine, session)
    quiet = fresh(session, quiet)
    quiet.last_inbound_at = utcnow() - timedelta(days=8)
    session.add(quiet)
    session.commit()
    assert leads.cool_silent(session, fresh(session, workspace), utcnow()) == 1
    assert fresh(session, quiet).lead_temperature == "cold"
    assert fresh(session, recent).lead_temperature == "warm"


def test_keywords_handled_at_ingest_are_not_triaged_again(engine, session) -> None:
    make_business(session)
    result = text_in(session, "STOP")
    triaged_at = result.message.triaged_at
    answer(engine, session)
    message: Message = fresh(session, result.message)
    assert message.triaged_at == triaged_at and message.sentiment is None


def test_resume_ai_after_an_escalation_lets_the_ai_answer_again(engine, session) -> None:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "call me please")
    answer(engine, session)
    conversations.resume_ai(session, fresh(session, result.conversation), jamie)
    later = text_in(session, "what payment methods do you accept?")
    answer(engine, session)
    [reply] = [
        m for m in ai_replies(session, result.conversation.id) if m.meta["purpose"] == "ai_reply"
    ]
    assert reply.answers_message_id == later.message.id
