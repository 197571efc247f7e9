"""Storing an inbound message: routed by the address it was sent to, deduplicated on the
provider's id, contact and conversation found or created, carrier keywords applied at once."""

import pytest
from sqlmodel import Session, func, select

from data import events, inbound
from data.inbound import InboundMessage, UnknownAddress, receive
from data.models import Contact, Message
from data.vocab import DeliveryStatus
from tests.factories import make_workspace, text_in


@pytest.fixture
def workspace(session: Session):
    return make_workspace(session)


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_text_creates_the_contact_conversation_and_message(session, workspace) -> None:
    result = text_in(session, "Do you do gas lines?", name="Maria")
    assert result.created and result.keyword is None
    assert (result.contact.phone, result.contact.name) == ("+15125550123", "Maria")
    assert result.conversation.channel == "sms"
    assert result.conversation.last_message_preview == "Do you do gas lines?"
    assert result.conversation.unread_count == 1
    assert result.message.status == DeliveryStatus.RECEIVED
    assert result.message.triaged_at is None  # the pipeline's to triage


def test_a_provider_retry_of_the_same_id_stores_nothing_new(session, workspace) -> None:
    first = text_in(session, "hello", provider_id="SMdup")
    again = text_in(session, "hello", provider_id="SMdup")
    assert not again.created and again.message.id == first.message.id
    assert count(session, Message) == 1
    assert again.conversation.unread_count == 1


def test_the_same_customer_keeps_one_conversation_per_channel(session, workspace) -> None:
    a = text_in(session, "hi")
    b = text_in(session, "quick question")
    c = text_in(session, "hi on whatsapp", channel="whatsapp", to="+15125550101")
    assert a.conversation.id == b.conversation.id != c.conversation.id
    assert a.contact.id == c.contact.id
    assert count(session, Contact) == 1


def test_a_message_to_an_unknown_address_is_refused(session, workspace) -> None:
    with pytest.raises(UnknownAddress):
        text_in(session, "hello", to="+15125559999")
    assert count(session, Message) == 0


def test_stop_opts_the_number_out_in_the_same_transaction(session, workspace) -> None:
    result = text_in(session, "Stop.")
    assert result.keyword == "stop" and result.contact.opted_out
    assert result.contact.opted_out_keyword == "Stop."
    assert result.message.triaged_at is not None  # nothing for the AI to answer
    kinds = [e.kind for e in events.for_contact(session, workspace.id, result.contact.id)]
    assert kinds == ["opted_out"]


def test_twilio_sms_stop_is_confirmed_by_twilio_so_we_queue_nothing(session, workspace) -> None:
    text_in(session, "STOP")
    outbound = session.exec(select(Message).where(Message.direction == "outbound")).all()
    assert outbound == []


def test_whatsapp_stop_gets_exactly_one_confirmation_from_us(session, workspace) -> None:
    text_in(session, "STOP", channel="whatsapp", to="+15125550101")
    text_in(session, "stop", channel="whatsapp", to="+15125550101")
    outbound = session.exec(select(Message).where(Message.direction == "outbound")).all()
    assert len(outbound) == 1
    assert "unsubscribed" in outbound[0].body and outbound[0].sender_kind == "automation"
    assert outbound[0].meta["purpose"] == "opt_out_confirmation"


def test_start_resubscribes_and_help_answers_with_the_help_text(session, workspace) -> None:
    workspace.help_text = "Acme Plumbing: call (512) 555-0100. Reply STOP to opt out."
    text_in(session, "STOP", channel="whatsapp", to="+15125550101")
    result = text_in(session, "START", channel="whatsapp", to="+15125550101")
    assert not result.contact.opted_out
    text_in(session, "help", channel="whatsapp", to="+15125550101")
    bodies = [
        m.body
        for m in session.exec(
            select(Message).where(Message.direction == "outbound").order_by(Message.id)
        )
    ]
    assert len(bodies) == 3
    assert "resubscribed" in bodies[1] and bodies[2] == workspace.help_text


def test_an_opted_out_contact_asking_for_help_gets_no_automated_answer(session, workspace) -> None:
    text_in(session, "STOP", channel="whatsapp", to="+15125550101")
    result = text_in(session, "HELP", channel="whatsapp", to="+15125550101")
    assert result.contact.opted_out
    outbound = session.exec(select(Message).where(Message.direction == "outbound")).all()
    assert len(outbound) == 1  # the STOP confirmation only


def test_keywords_inside_sentences_do_not_opt_out(session, workspace) -> None:
    result = text_in(session, "don't stop texting me, I need the quote")
    assert result.keyword is None and not result.contact.opted_out


def test_keyword_replies_can_be_moved_from_the_provider_to_the_product(session, workspace) -> None:
    from data import workspaces

    sms = workspaces.channel_for(session, workspace.id, "sms")
    sms.config = {"keyword_replies_by": "product"}
    assert inbound.keyword_replies_by(sms) == "product"
    text_in(session, "STOP")
    assert len(session.exec(select(Message).where(Message.direction == "outbound")).all()) == 1


def test_email_and_webchat_senders_become_contacts_by_their_address(session, workspace) -> None:
    mail = receive(
        session,
        InboundMessage(
            channel="email",
            to_address="HELLO@acme.example",
            from_address="maria@example.com",
            body="Hi there",
            provider_id="<abc@mail>",
            subject="Leak under sink",
            name="Maria",
        ),
    )
    chat = receive(
        session,
        InboundMessage(
            channel="webchat",
            to_address="wk_acme_widget",
            from_address="v_123",
            body="hello",
            provider_id="cm_1",
            email="ana@example.com",
        ),
    )
    assert mail.contact.email == "maria@example.com"
    assert mail.conversation.subject == "Leak under sink"
    assert (chat.contact.visitor_id, chat.contact.email) == ("v_123", "ana@example.com")


def test_a_visitor_typing_a_known_customers_email_is_not_merged_into_them(
    session, workspace
) -> None:
    mail = receive(
        session,
        InboundMessage(
            channel="email",
            to_address="hello@acme.example",
            from_address="maria@example.com",
            body="Hi",
            provider_id="<m1@mail>",
        ),
    )
    chat = receive(
        session,
        InboundMessage(
            channel="webchat",
            to_address="wk_acme_widget",
            from_address="v_stranger",
            body="show me her history",
            provider_id="cm_2",
            email="maria@example.com",
        ),
    )
    assert chat.contact.id != mail.contact.id
    assert chat.contact.email is None  # the typed email belongs to someone else
    assert chat.conversation.id != mail.conversation.id
