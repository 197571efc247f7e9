"""Placing click-to-call calls: each requested call is marked `dialing` (committed) before
Twilio is asked, so a crash cannot ring the operator twice; the CallSid comes back as the
call's provider id, and Twilio's status callbacks (ingest) move it along from there."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from data.click_to_call import DIALING, requested
from data.db import session_scope
from data.models import Call
from data.settings import get_settings
from pipeline.senders import Permanent, Transient, Unknown

log = logging.getLogger("inbox.pipeline.calls")


def place_requested_calls(engine: Engine, limit: int = 10) -> int:
    with session_scope(engine, write=True) as session:
        claimed = []
        for call in requested(session, limit):
            call.status = DIALING
            session.add(call)
            claimed.append((call.id, call.bridge_address, call.to_address, call.from_address))
    for call_id, operator, customer, from_number in claimed:
        sid, status, error = None, "failed", None
        try:
            sid, status = _dial(operator, customer, from_number)
        except (Permanent, Transient, Unknown) as failure:
            error = failure.reason
        with session_scope(engine, write=True) as session:
            call = session.get(Call, call_id)
            call.status = status
            call.error_message = error
            if sid:
                call.provider_id = sid
            session.add(call)
    return len(claimed)


def _dial(operator: str, customer: str, from_number: str) -> tuple[str, str]:
    settings = get_settings()
    if settings.sender == "log":
        log.info("click-to-call (log sender): would ring %s, then %s", operator, customer)
        return f"log-call-{customer}", "completed"
    from pipeline.senders.twilio import TwilioSender, build_client

    callback = (
        f"{settings.public_url.rstrip('/')}/webhooks/twilio/voice" if settings.public_url else None
    )
    sid = TwilioSender(build_client(settings), callback).call(operator, customer, from_number)
    return sid, "queued"
