"""Calls: Twilio's call status, recording and transcription callbacks, and a JSON transcript
from any voice-AI system. A call becomes a Call row (one per call id; later callbacks add to
it) and a read-only thread in the customer's voice conversation."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, HttpUrl
from sqlmodel import Session

from data import calls, contacts, workspaces
from data.addresses import normalize_phone
from data.settings import get_settings
from data.vocab import ChannelKind
from ingest import verify
from ingest.requests import required
from ingest.store import in_transaction
from ingest.twilio import twiml, verified_fields

router = APIRouter(tags=["voice"])

MAX_TURNS = 2000


def _record(
    session: Session,
    *,
    call_id: str,
    ours: str,
    theirs: str,
    direction: str,
    **details: object,
) -> None:
    """Store or update the call on our number `ours` with the customer at `theirs`."""
    channel = workspaces.route_inbound(session, ChannelKind.VOICE, ours)
    if channel is None:
        raise HTTPException(404, f"No workspace takes calls at {ours}.")
    contact, _ = contacts.find_or_create(session, channel.workspace_id, phone=theirs)
    inbound = direction == "inbound"
    calls.record(
        session,
        contact,
        call_id,
        channel_id=channel.id,
        direction=direction,
        from_address=theirs if inbound else ours,
        to_address=ours if inbound else theirs,
        **details,
    )


def _int_or_none(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a whole number.") from exc
    if number < 0:
        raise HTTPException(400, f"{name} cannot be negative.")
    return number


def _add_to_known_call(session: Session, call_id: str, fields: dict[str, str]) -> None:
    call = calls.route_by_provider_id(session, call_id)
    if call is None:
        raise HTTPException(404, f"No call {call_id} is known yet.")
    text = (fields.get("TranscriptionText") or "").strip()
    calls.update(
        session,
        call,
        recording_url=fields.get("RecordingUrl") or None,
        transcript=[{"speaker": "customer", "text": text}] if text else None,
    )


@router.post("/webhooks/twilio/voice", summary="Twilio call status, recording, transcription")
async def twilio_voice(request: Request) -> Response:
    fields = await verified_fields(request)
    (call_id,) = required(fields, "CallSid")
    if not (fields.get("From") and fields.get("To")):
        # Recording status callbacks name only the call: add to the call we already have.
        await in_transaction(lambda session: _add_to_known_call(session, call_id, fields))
        return twiml()
    caller, callee = required(fields, "From", "To")
    outbound = (fields.get("Direction") or "inbound").startswith("outbound")
    ours, theirs = (caller, callee) if outbound else (callee, caller)
    text = (fields.get("TranscriptionText") or "").strip()
    await in_transaction(
        lambda session: _record(
            session,
            call_id=call_id,
            ours=normalize_phone(ours),
            theirs=normalize_phone(theirs),
            direction="outbound" if outbound else "inbound",
            status=(fields.get("CallStatus") or "").strip()[:32] or "completed",
            duration_seconds=_int_or_none(fields.get("CallDuration"), "CallDuration"),
            recording_url=fields.get("RecordingUrl") or None,
            transcript=[{"speaker": "customer", "text": text}] if text else None,
        )
    )
    return twiml()


class Turn(BaseModel):
    speaker: str = Field(min_length=1, max_length=40, examples=["customer", "agent"])
    text: str = Field(max_length=10_000)


class Transcript(BaseModel):
    """A finished call from a voice-AI system."""

    call_id: str = Field(min_length=1, max_length=128)
    from_: str = Field(alias="from", min_length=1, max_length=40)
    to: str = Field(min_length=1, max_length=40)
    direction: Literal["inbound", "outbound"] = "inbound"
    started_at: datetime | None = None
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)
    recording_url: HttpUrl | None = None
    summary: str = Field(default="", max_length=2000)
    turns: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)


class SecretFirstRoute(APIRoute):
    """Checks the shared secret before FastAPI reads the body, so a forged request is a 403
    whatever it sends (a dependency would run only after the JSON was decoded)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def verified(request: Request) -> Response:
            verify.shared_secret(request, get_settings())
            return await handler(request)

        return verified


transcripts = APIRouter(tags=["voice"], route_class=SecretFirstRoute)


@transcripts.post("/webhooks/voice/transcript", summary="JSON call transcript")
async def voice_transcript(transcript: Transcript) -> dict[str, str]:
    inbound = transcript.direction == "inbound"
    ours, theirs = (
        (transcript.to, transcript.from_) if inbound else (transcript.from_, transcript.to)
    )
    await in_transaction(
        lambda session: _record(
            session,
            call_id=transcript.call_id,
            ours=normalize_phone(ours),
            theirs=normalize_phone(theirs),
            direction=transcript.direction,
            started_at=transcript.started_at,
            duration_seconds=transcript.duration_seconds,
            recording_url=str(transcript.recording_url) if transcript.recording_url else None,
            summary=transcript.summary,
            transcript=[turn.model_dump() for turn in transcript.turns],
        )
    )
    return {"status": "stored", "call_id": transcript.call_id}


# Included after its route is declared: include_router copies the routes it finds.
router.include_router(transcripts)
