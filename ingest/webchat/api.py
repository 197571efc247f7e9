"""The widget's calls: open a visitor session, send a message, leave a name and email, and
poll for new messages (both directions) after a cursor.

Each call is one transaction: the token is checked against the installation's secret and its
widget's origins, then the work is done and committed before the answer, so a 2xx means
stored. A message's client id is its provider id: a retry stores nothing new.
"""

from __future__ import annotations

import re
import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from data import webchat, workspaces
from data.addresses import InvalidAddress, normalize_email
from data.clock import iso
from data.inbound import InboundMessage, InboundResult, receive
from data.models import Channel
from data.vocab import ChannelKind
from ingest.store import in_transaction
from ingest.webchat import cors, ratelimit, tokens
from ingest.webchat.schemas import LeadRequest, MessageRequest, SessionRequest, public_message

router = APIRouter(tags=["web chat"], route_class=cors.ChatRoute)

HISTORY_LIMIT = 100
POLL_LIMIT = 100
_CURSOR = re.compile(r"^\d{1,18}$")


def client_ip(request: Request) -> str:
    # uvicorn runs with proxy_headers, so behind a trusted proxy this is the visitor's address.
    return request.client.host if request.client else "unknown"


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, "Send the session token as 'Authorization: Bearer <token>'.", _CHALLENGE
        )
    return token.strip()


_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def authorize(session: Session, request: Request, token: str) -> tokens.Visitor:
    """The token's visitor, if this installation issued it, it has not expired, its widget is
    still active in its workspace, and the request comes from one of the widget's origins."""
    try:
        visitor = tokens.verify(tokens.signing_secret(session), token)
    except tokens.InvalidToken as exc:
        raise HTTPException(
            401, "The chat session is invalid or has expired: open a new one.", _CHALLENGE
        ) from exc
    channel = webchat.widget_channel(session, visitor.widget_key)
    if channel is None or channel.workspace_id != visitor.workspace_id:
        raise HTTPException(401, "This chat session's widget is no longer active.", _CHALLENGE)
    cors.decide(request, channel)
    return visitor


def lead_email(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return normalize_email(raw)
    except InvalidAddress as exc:
        raise HTTPException(422, f"email: {exc}") from exc


@router.post("/chat/sessions", summary="Open a visitor session (widget key, visitor id)")
async def open_session(request: Request, payload: SessionRequest) -> JSONResponse:
    """A signed visitor token and the visitor's recent messages. A new visitor id is made when
    none is sent; the widget keeps it (the token expires, the visitor id does not)."""
    ratelimit.limits_for(request.app).check(
        ratelimit.SESSIONS_PER_IP, "sessions-ip", client_ip(request)
    )
    visitor_id = payload.visitor_id or "v_" + secrets.token_hex(16)

    def work(session: Session) -> dict:
        channel: Channel | None = webchat.widget_channel(session, payload.widget_key)
        if channel is None:
            raise HTTPException(404, "No active chat widget has this key.")
        cors.decide(request, channel)
        visitor = tokens.Visitor(channel.workspace_id, channel.address, visitor_id)
        token, expires = tokens.issue(tokens.signing_secret(session), visitor)
        history = webchat.visitor_messages(
            session, channel.workspace_id, visitor_id, limit=HISTORY_LIMIT, latest=True
        )
        contact = webchat.visitor_contact(session, channel.workspace_id, visitor_id)
        return {
            "token": token,
            "expires_at": iso(expires),
            "visitor_id": visitor_id,
            "business": workspaces.get(session, channel.workspace_id).name,
            "lead_captured": bool(contact and contact.email),
            "messages": [public_message(m) for m in history],
            "cursor": str(webchat.next_cursor(history, 0, latest=True)),
        }

    return JSONResponse(await in_transaction(work))


@router.post(
    "/chat/messages",
    status_code=201,
    summary="Send a visitor's message (Bearer token); a retried client_id is answered 200",
)
async def send_message(request: Request, payload: MessageRequest) -> JSONResponse:
    limits = ratelimit.limits_for(request.app)
    token = bearer(request)
    limits.check(ratelimit.WRITES_PER_IP, "writes-ip", client_ip(request))
    email = lead_email(payload.email)

    def work(session: Session) -> InboundResult:
        visitor = authorize(session, request, token)
        limits.check(
            ratelimit.WRITES_PER_VISITOR, "writes", visitor.workspace_id, visitor.visitor_id
        )
        result = receive(
            session,
            InboundMessage(
                channel=ChannelKind.WEBCHAT,
                to_address=visitor.widget_key,
                from_address=visitor.visitor_id,
                body=payload.body,
                provider_id=payload.client_id,
            ),
        )
        if result.message.from_address != visitor.visitor_id:
            # Another visitor's client id: never confirm (or reveal) their message.
            raise HTTPException(409, "This client_id was already used: make a new one.")
        if result.created and (payload.name or email):
            webchat.capture_lead(
                session,
                visitor.workspace_id,
                visitor.visitor_id,
                payload.name,
                email,
                conversation_id=result.conversation.id,
            )
        return result

    result = await in_transaction(work)
    return JSONResponse(
        {
            "id": result.message.id,
            "client_id": result.message.provider_id,
            "created_at": iso(result.message.created_at),
        },
        status_code=201 if result.created else 200,
    )


@router.get("/chat/messages", summary="New messages of the visitor's chat after a cursor")
async def poll_messages(request: Request, after: str | None = None) -> JSONResponse:
    """The visitor's messages and the business's replies after `after` (a cursor from an
    earlier answer; none: the recent history), and the cursor to ask with next. Recent
    messages can come again in the next answer: the widget keeps them by id."""
    limits = ratelimit.limits_for(request.app)
    token = bearer(request)
    limits.check(ratelimit.READS_PER_IP, "reads-ip", client_ip(request))
    if after is not None and not _CURSOR.match(after):
        raise HTTPException(400, "after must be a cursor from an earlier answer.")
    after_id = int(after) if after else 0

    def work(session: Session) -> dict:
        visitor = authorize(session, request, token)
        limits.check(ratelimit.READS_PER_VISITOR, "reads", visitor.workspace_id, visitor.visitor_id)
        latest = after is None
        rows = webchat.visitor_messages(
            session,
            visitor.workspace_id,
            visitor.visitor_id,
            after_id=after_id,
            limit=HISTORY_LIMIT if latest else POLL_LIMIT,
            latest=latest,
        )
        return {
            "messages": [public_message(m) for m in rows],
            "cursor": str(webchat.next_cursor(rows, after_id, latest=latest)),
        }

    return JSONResponse(await in_transaction(work))


@router.post("/chat/lead", summary="Leave a name and email without a message (Bearer token)")
async def leave_details(request: Request, payload: LeadRequest) -> JSONResponse:
    """Fills the visitor's contact's missing name and email (known details are kept)."""
    limits = ratelimit.limits_for(request.app)
    token = bearer(request)
    limits.check(ratelimit.WRITES_PER_IP, "writes-ip", client_ip(request))
    if not (payload.name or payload.email):
        raise HTTPException(422, "Send a name, an email or both.")
    email = lead_email(payload.email)

    def work(session: Session) -> dict:
        visitor = authorize(session, request, token)
        limits.check(
            ratelimit.WRITES_PER_VISITOR, "writes", visitor.workspace_id, visitor.visitor_id
        )
        contact, _ = webchat.capture_lead(
            session, visitor.workspace_id, visitor.visitor_id, payload.name, email
        )
        return {"lead_captured": bool(contact.email)}

    return JSONResponse(await in_transaction(work))
