"""From a parsed email to a stored message, the same for every provider: the sender, the
provider id (Message-ID, or a stable hash when there is none so retries still dedupe), the
meta the pipeline needs (threading ids, the auto-reply verdict, the full text), and, inside the
caller's transaction, the recipient address that routes to a workspace."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from sqlmodel import Session

from data import workspaces
from data.addresses import InvalidAddress, normalize_email
from data.inbound import InboundMessage, InboundResult, receive
from data.settings import get_settings
from data.vocab import ChannelKind
from ingest import verify
from ingest.email.mime import ParsedEmail, Unparseable
from ingest.email.parts import Attachment

log = logging.getLogger("inbox.ingest.email")

#: Limits of the message columns (PostgreSQL refuses longer values, which would be a 503
#: that the provider retries forever) and of what is worth keeping.
MAX_PROVIDER_ID = 255
MAX_SUBJECT = 998
MAX_NAME = 200
#: No customer writes more; a pasted log or a newsletter is cut here (and marked).
MAX_BODY = 100_000
MAX_FULL_TEXT = 20_000
MAX_THREAD_REFS = 20
#: Each candidate costs a lookup; ours is nearly always the envelope recipient, listed first.
MAX_RECIPIENTS = 50
#: Fields that differ between a provider's attempts at delivering the same email.
VOLATILE_FIELDS = {"timestamp", "token", "signature"}


@dataclass
class Prepared:
    """An email ready to store, but for the workspace address it goes to."""

    inbound: InboundMessage
    #: Addresses it was sent to, the most reliable first (the envelope before the headers).
    recipients: list[str]


def prepare(
    parsed: ParsedEmail,
    *,
    provider: str,
    fingerprint: bytes,
    envelope_to: list[str] | None = None,
    envelope_from: str | None = None,
    extra_meta: dict[str, Any] | None = None,
) -> Prepared:
    """Everything that needs no database. Raises Unparseable when there is no sender."""
    body = (parsed.new_text or parsed.text).strip()
    meta: dict[str, Any] = {
        "provider": provider,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to[0] if parsed.in_reply_to else None,
        "references": parsed.references,
        "full_text": parsed.text[:MAX_FULL_TEXT],
    }
    optional = {
        "no_auto_reply": parsed.no_auto_reply,
        "date": parsed.date.isoformat() if parsed.date else None,
        "cc": parsed.cc,
        "body_from_html": parsed.from_html,
        "full_text_truncated": len(parsed.text) > MAX_FULL_TEXT,
        "body_truncated": len(body) > MAX_BODY,
        "defects": parsed.defects,
        **(extra_meta or {}),
    }
    meta.update({key: value for key, value in optional.items() if value})
    inbound = InboundMessage(
        channel=ChannelKind.EMAIL,
        to_address="",
        from_address=sender_of(parsed, envelope_from),
        body=body[:MAX_BODY],
        provider_id=provider_id(parsed.message_id, fingerprint),
        name=(parsed.from_name or "").strip()[:MAX_NAME] or None,
        subject=(parsed.subject or "").strip()[:MAX_SUBJECT] or None,
        media=[attachment.as_media() for attachment in parsed.attachments],
        meta=meta,
        thread_refs=parsed.thread_refs[:MAX_THREAD_REFS],
    )
    recipients = [address for address in envelope_to or [] if address] + parsed.recipients
    return Prepared(inbound=inbound, recipients=list(dict.fromkeys(recipients))[:MAX_RECIPIENTS])


def sender_of(parsed: ParsedEmail, envelope_from: str | None) -> str:
    """The normalised address of who wrote it: From, else Sender, Return-Path, the envelope."""
    for candidate in (parsed.from_address, *parsed.other_senders, envelope_from):
        if candidate:
            try:
                return normalize_email(candidate)
            except InvalidAddress:
                continue
    raise Unparseable("No sender address: the From header is missing or not an email address.")


def provider_id(message_id: str | None, fingerprint: bytes) -> str:
    """The Message-ID (angle brackets kept); without one, a hash of what the provider sent
    (its retries send the same), shaped like a Message-ID."""
    if message_id and len(message_id) <= MAX_PROVIDER_ID:
        return message_id
    basis = message_id.encode("utf-8", errors="replace") if message_id else fingerprint
    return f"<{hashlib.sha256(basis).hexdigest()}@inbox.local>"


def deliver(session: Session, prepared: Prepared, *, not_ours_status: int = 404) -> InboundResult:
    """Store the email for the first recipient a workspace receives at; a `not_ours_status`
    refusal naming the addresses when none does."""
    for address in prepared.recipients:
        channel = workspaces.route_inbound(session, ChannelKind.EMAIL, address)
        if channel is not None:
            inbound = dataclasses.replace(prepared.inbound, to_address=channel.address)
            return receive(session, inbound)
    tried = ", ".join(prepared.recipients[:5]) or "no recipient address at all"
    log.warning(
        "email %s refused: no workspace receives it (%s)", prepared.inbound.provider_id, tried
    )
    raise HTTPException(not_ours_status, f"No workspace receives email at {tried}.")


def answer(result: InboundResult) -> dict[str, Any]:
    """The JSON every email route answers with."""
    return {
        "status": "stored" if result.created else "duplicate",
        "message_id": result.message.provider_id,
        "conversation_id": result.conversation.id,
    }


def require_secret(request: Request) -> None:
    """HTTP Basic with INBOX_WEBHOOK_SECRET (SendGrid, raw MIME), checked before the body is
    read, so a forged request learns nothing about its content."""
    verify.shared_secret(request, get_settings())


def fingerprint(fields: dict[str, str], attachments: list[Attachment]) -> bytes:
    """A stable digest basis for a parsed post without a Message-ID: every field a retry sends
    again unchanged (Mailgun's signature fields change with each attempt)."""
    stable = {key: value for key, value in fields.items() if key not in VOLATILE_FIELDS}
    files = [attachment.as_media() for attachment in attachments]
    return json.dumps([sorted(stable.items()), files], ensure_ascii=False).encode()
