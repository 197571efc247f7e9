"""The foundation's dispatcher delivers the outbox through the log sender, and checks opt-outs
at send time: a contact who opts out after a message was queued does not get it."""

from sqlmodel import Session, select

from data import outbox
from data.events import Actor
from pipeline.runner import run_once
from tests.factories import make_user, make_workspace, text_in


def test_a_queued_reply_is_sent_once_and_gets_a_provider_id(engine, session: Session) -> None:
    make_workspace(session)
    result = text_in(session, "Are you open Saturday?")
    result.conversation.managed_by = "human"  # only the queued reply goes out, no AI answer
    reply = outbox.enqueue(session, result.conversation, "Yes, 9 to 1.", Actor.ai())
    session.commit()
    assert run_once(engine)["dispatch"] == 1
    assert run_once(engine)["dispatch"] == 0
    session.refresh(reply)
    assert reply.status == "sent" and reply.provider_id.startswith("log-")
    assert reply.attempts == 1 and reply.sent_at is not None


def test_an_ai_reply_queued_before_stop_is_not_sent_after_it(engine, session: Session) -> None:
    make_workspace(session)
    result = text_in(session, "How much for a drain clog?")
    reply = outbox.enqueue(session, result.conversation, "Drain cleaning is $189.", Actor.ai())
    text_in(session, "STOP")
    session.commit()
    run_once(engine)
    session.refresh(reply)
    assert (reply.status, reply.error_code) == ("failed", "opted_out")
    assert "opted out" in reply.error_message


def test_an_overridden_manual_sms_to_an_opted_out_contact_is_sent(engine, session) -> None:
    workspace = make_workspace(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "STOP")
    message = outbox.enqueue(
        session, result.conversation, "Your refund is processed.", jamie, override_opt_out=True
    )
    session.commit()
    run_once(engine)
    session.refresh(message)
    assert message.status == "sent"


def test_a_manual_sms_written_before_the_opt_out_waits_for_an_override(engine, session) -> None:
    workspace = make_workspace(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "Can you come Monday?")
    message = outbox.enqueue(session, result.conversation, "Monday 9am works.", jamie)
    text_in(session, "stop")
    session.commit()
    run_once(engine)
    session.refresh(message)
    assert message.status == "failed" and "override" in message.error_message


def test_old_webhook_tokens_are_forgotten_and_recent_ones_kept(engine, session: Session) -> None:
    from datetime import timedelta

    from data import webhooks
    from data.clock import utcnow
    from data.models import WebhookNonce

    assert webhooks.claim_nonce(session, "mailgun", "old-token")
    assert webhooks.claim_nonce(session, "mailgun", "new-token")
    session.exec(select(WebhookNonce).where(WebhookNonce.token == "old-token")).one().seen_at = (
        utcnow() - webhooks.NONCE_RETENTION - timedelta(minutes=1)
    )
    session.commit()
    assert run_once(engine)["webhook_tokens"] == 1
    assert not webhooks.claim_nonce(session, "mailgun", "new-token")  # still a replay
    assert webhooks.claim_nonce(session, "mailgun", "old-token")  # forgotten: accepted again
