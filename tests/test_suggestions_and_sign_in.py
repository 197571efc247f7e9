"""The AI's suggested answer for a person in charge. (The sign-in throttle's tests moved to
test_attack_sign_in.py.)"""

from __future__ import annotations

from sqlmodel import Session

from data import conversations, outbox
from data.events import Actor
from data.suggestions import suggest
from tests.factories import make_business, make_user, text_in


def test_a_question_the_knowledge_base_answers_gets_a_suggestion_naming_the_entry(
    session: Session,
) -> None:
    workspace = make_business(session)
    first = text_in(session, "do you do water heater installs?")
    conversations.take_over(
        session, first.conversation, Actor.operator(make_user(session, workspace))
    )

    offer = suggest(session, workspace, first.conversation)

    assert offer is not None
    assert "water heater" in offer.text.lower()
    assert offer.entry_question
    assert offer.answers_message_id == first.message.id


def test_a_suggestion_the_pipeline_stored_is_used_as_is(session: Session) -> None:
    workspace = make_business(session)
    first = text_in(session, "something odd")
    first.message.meta = {"suggestion": {"text": "From the model", "entry_question": None}}
    session.add(first.message)
    session.flush()

    offer = suggest(session, workspace, first.conversation)

    assert offer is not None and offer.text == "From the model"


def test_no_suggestion_once_the_business_has_answered(session: Session) -> None:
    workspace = make_business(session)
    first = text_in(session, "do you do water heater installs?")
    operator = make_user(session, workspace)
    outbox.enqueue(session, first.conversation, "Yes we do", Actor.operator(operator))

    assert suggest(session, workspace, first.conversation) is None


def test_no_suggestion_when_the_responder_cannot_answer(session: Session) -> None:
    workspace = make_business(session)
    first = text_in(session, "what is the airspeed of an unladen swallow")

    assert suggest(session, workspace, first.conversation) is None
