"""Twilio messaging webhooks: inbound SMS, MMS and WhatsApp, and message status callbacks.

Inbound messages are answered with an empty TwiML `<Response/>`: replies go out later through
the REST API from the pipeline, never from here.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlmodel import Session

from data import delivery, workspaces
from data.addresses import normalize_phone
from data.inbound import InboundMessage
from data.settings import get_settings
from data.vocab import ChannelKind
from ingest import verify
from ingest.requests import read_form, required, text_fields
from ingest.store import in_transaction, store_message

router = APIRouter(prefix="/webhooks/twilio", tags=["twilio"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
MAX_MEDIA = 10


def twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


async def verified_fields(request: Request) -> dict[str, str]:
    fields = text_fields(await read_form(request))
    settings = get_settings()
    verify.twilio(request, fields, settings)
    verify.twilio_account(fields, settings)
    return fields


def channel_of(address: str) -> str:
    return ChannelKind.WHATSAPP if address.lower().startswith("whatsapp:") else ChannelKind.SMS


def media_of(fields: dict[str, str]) -> list[dict[str, str]]:
    try:
        count = int(fields.get("NumMedia") or 0)
    except ValueError as exc:
        raise HTTPException(400, "NumMedia must be a whole number.") from exc
    if not 0 <= count <= MAX_MEDIA:
        raise HTTPException(400, f"NumMedia must be between 0 and {MAX_MEDIA}.")
    media = []
    for index in range(count):
        url = fields.get(f"MediaUrl{index}")
        if not url:
            raise HTTPException(400, f"MediaUrl{index} is missing (NumMedia is {count}).")
        media.append({"url": url, "content_type": fields.get(f"MediaContentType{index}", "")})
    return media


@router.post("/messaging", summary="Inbound SMS, MMS and WhatsApp")
async def messaging(request: Request) -> Response:
    fields = await verified_fields(request)
    sid, sender, to = required(fields, "MessageSid", "From", "To")
    channel = channel_of(to)
    if channel_of(sender) != channel:
        raise HTTPException(400, "From and To must both be WhatsApp addresses, or neither.")
    meta = {
        key: fields[source]
        for key, source in (
            ("account_sid", "AccountSid"),
            ("wa_id", "WaId"),
            ("num_segments", "NumSegments"),
            ("messaging_service_sid", "MessagingServiceSid"),
        )
        if fields.get(source)
    }
    await store_message(
        InboundMessage(
            channel=channel,
            to_address=normalize_phone(to),
            from_address=normalize_phone(sender),
            body=fields.get("Body", ""),
            provider_id=sid,
            name=(fields.get("ProfileName") or "").strip()[:200] or None,
            media=media_of(fields),
            meta=meta,
        )
    )
    return twiml()


@router.post("/status", summary="Outbound message status callback")
async def status(request: Request) -> Response:
    fields = await verified_fields(request)
    sid, ours = required(fields, "MessageSid", "From")
    state = (fields.get("MessageStatus") or fields.get("SmsStatus") or "").strip()
    if not state:
        raise HTTPException(400, "Missing required field(s): MessageStatus.")
    if state.lower() not in delivery.PROVIDER_STATUSES:
        raise HTTPException(400, f"Unknown MessageStatus {state!r}.")
    kind = channel_of(ours)
    address = normalize_phone(ours)

    def apply(session: Session) -> None:
        channel = workspaces.route_inbound(session, kind, address)
        if channel is None:
            raise HTTPException(404, f"No workspace sends {kind} from {address}.")
        delivery.record_status(
            session,
            channel.workspace_id,
            kind,
            sid,
            state,
            error_code=(fields.get("ErrorCode") or "").strip() or None,
            error_message=fields.get("ErrorMessage"),
        )

    await in_transaction(apply)
    return Response(status_code=204)
