"""Building simulated provider requests: one builder per channel (Twilio SMS/WhatsApp, Mailgun
email, web chat, voice transcript), each shaped and signed like the real provider, and
``build_request``, which picks the builder for a channel.

Content comes from ``rng`` (reproducible with a seed); provider ids, Mailgun tokens and
idempotency tokens are always fresh random values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import math
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from secrets import token_bytes, token_hex
from typing import Any

from twilio.request_validator import RequestValidator

from inbox.simulate.content import (
    BROWSER_USER_AGENT,
    EMAIL_FOLLOW_UPS,
    MEDIA_CAPTIONS,
    MESSAGES,
    STREETS,
    VOICE_CLOSINGS,
    VOICE_GOODBYES,
    VOICE_GREETINGS,
    VOICE_ISSUES,
    VOICE_QUESTIONS,
)
from inbox.simulate.models import SimRequest, SimulationSecrets, SimulationTargets, _require_target
from inbox.simulate.state import _SentEmail, _state_for

TWILIO_MESSAGING_PATH = "/webhooks/twilio/messaging"
MAILGUN_PATH = "/webhooks/email/mailgun"
CHAT_SESSIONS_PATH = "/chat/sessions"
CHAT_MESSAGES_PATH = "/chat/messages"
VOICE_TRANSCRIPT_PATH = "/webhooks/voice/transcript"

WIDGET_ORIGIN = "http://127.0.0.1:8000"
VOICE_BASIC_USER = "inbox"

MEDIA_ONE_IN = 8
REPLY_ONE_IN = 5
ATTACHMENT_ONE_IN = 10
LEAD_FORM_ONE_IN = 6

# GSM 03.38 basic character set and the extension characters that take two septets.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


# --------------------------------------------------------------------------- helpers


def _hex32() -> str:
    return token_hex(16)


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _num_segments(body: str) -> int:
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in body):
        septets = len(body) + sum(ch in _GSM_EXTENDED for ch in body)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


# --------------------------------------------------------------------------- request builders


def _twilio_request(
    channel: str,
    base_url: str,
    public_url: str | None,
    to: str,
    secrets_: SimulationSecrets,
    rng: random.Random,
) -> SimRequest:
    person = rng.choice(_state_for(rng).phones)
    account_sid = secrets_.twilio_account_sid
    has_media = rng.randrange(MEDIA_ONE_IN) == 0
    body = rng.choice(MEDIA_CAPTIONS) if has_media else rng.choice(MESSAGES)[1]
    sid = ("MM" if has_media else "SM") + _hex32()
    params: dict[str, str] = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": account_sid,
        "Body": body,
        "NumMedia": "1" if has_media else "0",
        "NumSegments": str(_num_segments(body)),
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if has_media:
        params["MediaUrl0"] = (
            f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages/{sid}"
            f"/Media/ME{_hex32()}"
        )
        params["MediaContentType0"] = "image/jpeg"
    if channel == "whatsapp":
        params.update(
            {
                "From": f"whatsapp:{person.phone}",
                "To": f"whatsapp:{to}",
                "ProfileName": person.name,
                "WaId": person.phone.lstrip("+"),
                "MessageType": "image" if has_media else "text",
                "ReferralNumMedia": "0",
            }
        )
    else:
        params.update(
            {
                "From": person.phone,
                "To": to,
                "FromCity": "AUSTIN",
                "FromState": "TX",
                "FromZip": f"787{rng.randint(1, 59):02d}",
                "FromCountry": "US",
                "ToCity": "AUSTIN",
                "ToState": "TX",
                "ToZip": "78704",
                "ToCountry": "US",
            }
        )
    url = _join(base_url, TWILIO_MESSAGING_PATH)
    headers = {
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
        "X-Home-Region": "us1",
    }
    if secrets_.twilio_auth_token is not None:
        signed_url = _join(public_url, TWILIO_MESSAGING_PATH) if public_url else url
        headers["X-Twilio-Signature"] = RequestValidator(
            secrets_.twilio_auth_token
        ).compute_signature(signed_url, params)
    return SimRequest(
        channel=channel, method="POST", url=url, headers=headers, provider_id=sid, data=params
    )


def _email_request(
    base_url: str, to: str, secrets_: SimulationSecrets, rng: random.Random
) -> SimRequest:
    state = _state_for(rng)
    now = datetime.now(UTC).replace(microsecond=0)
    message_id = f"<{token_hex(12)}@mail.gmail.example>"
    earlier_senders = [p for p in state.emailers if state.sent_emails.get(p.email)]
    previous: _SentEmail | None = None
    if earlier_senders and rng.randrange(REPLY_ONE_IN) == 0:
        person = rng.choice(earlier_senders)
        previous = state.sent_emails[person.email][-1]
        text = rng.choice(EMAIL_FOLLOW_UPS + tuple(m[1] for m in MESSAGES[:10]))
        subject = previous.subject
        subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    else:
        person = rng.choice(state.emailers)
        subject, text = rng.choice(MESSAGES)
    first_name = person.name.split(" ", 1)[0]
    greeting = rng.choice(("Hi,", "Hello,", "Hi there,", "Good morning,"))
    sign_off = rng.choice(("Thanks,", "Thank you,", "Best,", "Regards,"))
    new_part = f"{greeting}\n\n{text}\n\n{sign_off}\n{first_name}"
    html_new = (
        f'<div dir="ltr"><p>{html.escape(greeting)}</p><p>{html.escape(text)}</p>'
        f"<p>{html.escape(sign_off)}<br>{html.escape(first_name)}</p></div>"
    )
    body_plain, body_html = new_part + "\n", html_new
    references: list[str] = []
    if previous is not None:
        when = format_datetime(previous.date)
        attribution = f"On {when}, {person.name} <{person.email}> wrote:"
        quoted = "\n".join(f"> {line}" if line else ">" for line in previous.text.splitlines())
        body_plain = f"{new_part}\n\n{attribution}\n{quoted}\n"
        quoted_html = html.escape(previous.text).replace("\n", "<br>")
        body_html = (
            f'{html_new}<br><div class="gmail_quote"><div class="gmail_attr">'
            f'{html.escape(attribution)}<br></div><blockquote class="gmail_quote">'
            f"{quoted_html}</blockquote></div>"
        )
        references = [*previous.references, previous.message_id]
    state.sent_emails.setdefault(person.email, []).append(
        _SentEmail(message_id, references, subject, new_part, now)
    )

    date = format_datetime(now)
    from_header = f"{person.name} <{person.email}>"
    attachments: list[tuple[str, tuple[str, bytes, str]]] = []
    if rng.randrange(ATTACHMENT_ONE_IN) == 0:
        fake_jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + token_bytes(512) + b"\xff\xd9"
        filename = f"IMG_{rng.randint(1000, 9999)}.jpg"
        attachments.append(("attachment-1", (filename, fake_jpeg, "image/jpeg")))
    boundary = "000000000000" + token_hex(8)
    content_type = (
        f'multipart/mixed; boundary="{boundary}"'
        if attachments
        else f'multipart/alternative; boundary="{boundary}"'
    )
    relay = rng.randint(41, 73)
    received = (
        f"from mail-sor-f{relay}.google.example (mail-sor-f{relay}.google.example "
        f"[209.85.220.{relay}]) by mxa.mailgun.org with SMTP id {token_hex(12)}; {date}"
    )
    mime_headers: list[list[str]] = [
        ["Received", received],
        ["X-Envelope-From", f"<{person.email}>"],
        ["Mime-Version", "1.0"],
        ["From", from_header],
        ["Date", date],
        ["Message-Id", message_id],
    ]
    if references:
        mime_headers += [["In-Reply-To", references[-1]], ["References", " ".join(references)]]
    mime_headers += [["Subject", subject], ["To", to], ["Content-Type", content_type]]

    timestamp = str(int(time.time()))
    token = token_hex(25)
    form: dict[str, str] = {
        "recipient": to,
        "sender": person.email,
        "from": from_header,
        "subject": subject,
        "body-plain": body_plain,
        "stripped-text": new_part,
        "stripped-signature": "",
        "body-html": body_html,
        "stripped-html": html_new,
        "message-headers": json.dumps(mime_headers),
        "Message-Id": message_id,
        "Date": date,
        "From": from_header,
        "To": to,
        "Subject": subject,
        "Mime-Version": "1.0",
        "timestamp": timestamp,
        "token": token,
    }
    if references:
        form["In-Reply-To"] = references[-1]
        form["References"] = " ".join(references)
    if attachments:
        form["attachment-count"] = str(len(attachments))
    if secrets_.mailgun_signing_key is not None:
        form["signature"] = hmac.new(
            secrets_.mailgun_signing_key.encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()
    return SimRequest(
        channel="email",
        method="POST",
        url=_join(base_url, MAILGUN_PATH),
        headers={"User-Agent": "mailgun/treq-16.12.0"},
        provider_id=message_id,
        data=form,
        files=attachments or None,
    )


def _webchat_request(base_url: str, widget_key: str, rng: random.Random) -> SimRequest:
    visitor_id, person = rng.choice(_state_for(rng).visitors)
    browser = {"Origin": WIDGET_ORIGIN, "User-Agent": BROWSER_USER_AGENT}
    session = SimRequest(
        channel="webchat",
        method="POST",
        url=_join(base_url, CHAT_SESSIONS_PATH),
        headers=dict(browser),
        provider_id=visitor_id,
        json={"widget_key": widget_key, "visitor_id": visitor_id},
    )
    client_id = "cm_" + uuid.uuid4().hex
    payload: dict[str, Any] = {"body": rng.choice(MESSAGES)[1], "client_id": client_id}
    if rng.randrange(LEAD_FORM_ONE_IN) == 0:
        payload["name"] = person.name
        payload["email"] = person.email
    return SimRequest(
        channel="webchat",
        method="POST",
        url=_join(base_url, CHAT_MESSAGES_PATH),
        headers=dict(browser),
        provider_id=client_id,
        json=payload,
        session=session,
        session_key=visitor_id,
    )


def _voice_request(
    base_url: str, to: str, secrets_: SimulationSecrets, rng: random.Random
) -> SimRequest:
    person = rng.choice(_state_for(rng).phones)
    street = f"{rng.randint(100, 9999)} {rng.choice(STREETS)}"
    pairs = rng.randint(0, 3)
    turns = [
        {"speaker": "agent", "text": rng.choice(VOICE_GREETINGS)},
        {"speaker": "customer", "text": rng.choice(VOICE_ISSUES)},
    ]
    for question, answer in rng.sample(VOICE_QUESTIONS, pairs):
        turns.append({"speaker": "agent", "text": question})
        turns.append(
            {"speaker": "customer", "text": answer.format(name=person.name, street=street)}
        )
    closing, thanks = rng.choice(VOICE_CLOSINGS)
    turns.append({"speaker": "agent", "text": closing})
    turns.append({"speaker": "customer", "text": thanks})
    if len(turns) < 10 and rng.random() < 0.5:
        turns.append({"speaker": "agent", "text": rng.choice(VOICE_GOODBYES)})

    duration = rng.randint(30, 600)
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=duration + 5)
    call_id = "CA" + _hex32()
    account_sid = secrets_.twilio_account_sid
    payload = {
        "call_id": call_id,
        "from": person.phone,
        "to": to,
        "direction": "inbound",
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "duration_seconds": duration,
        "recording_url": (
            f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Recordings/RE{_hex32()}"
        ),
        "turns": turns,
    }
    headers = {"User-Agent": "inbox-simulate/1.0"}
    if secrets_.webhook_secret is not None:
        raw = f"{VOICE_BASIC_USER}:{secrets_.webhook_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
    return SimRequest(
        channel="voice",
        method="POST",
        url=_join(base_url, VOICE_TRANSCRIPT_PATH),
        headers=headers,
        provider_id=call_id,
        json=payload,
    )


def build_request(
    channel: str,
    seq: int,
    base_url: str,
    public_url: str | None,
    targets: SimulationTargets,
    secrets: SimulationSecrets,
    rng: random.Random,
) -> SimRequest:
    """Build simulated request number ``seq`` of a run for ``channel``.

    ``rng`` stands for the run: the sender pools (~200 phone numbers, the email senders, ~50
    chat visitors) are drawn from it on first use and kept with it, as is the email history
    that replies quote, so successive calls with the same rng form conversations.

    ``seq`` is the request's position in the run; requests are otherwise independent.

    Raises ValueError when the channel is unknown or the workspace has no address for it.
    """
    to = _require_target(channel, targets)
    if channel in ("sms", "whatsapp"):
        return _twilio_request(channel, base_url, public_url, to, secrets, rng)
    if channel == "email":
        return _email_request(base_url, to, secrets, rng)
    if channel == "webchat":
        return _webchat_request(base_url, to, rng)
    return _voice_request(base_url, to, secrets, rng)
