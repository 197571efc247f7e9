"""Send realistic, correctly signed provider webhooks to a running ingest (``inbox simulate``).

The simulator plays the part of Twilio (SMS, WhatsApp), Mailgun (inbound email routes), a web
chat visitor and the voice transcription service. Each simulated message is one HTTP request
shaped and signed the way the real provider sends it, so the ingest's signature checks, parsing
and idempotency are exercised exactly as in production.

Requests go out on an open-loop schedule: request ``i`` is due at ``start + i / rate`` however
slowly the server answers (only the in-flight cap can delay it), which is what a load test needs.

Content (names, phone numbers, texts, reply threads) comes from ``rng`` and is reproducible with a
seed. Provider ids, Mailgun tokens and idempotency tokens are always fresh random values, so
re-running a seeded simulation is never swallowed by the ingest's duplicate detection.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import math
import random
import time
import uuid
import weakref
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from secrets import token_bytes, token_hex
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

CHANNELS = ("sms", "whatsapp", "email", "webchat", "voice")

TWILIO_MESSAGING_PATH = "/webhooks/twilio/messaging"
MAILGUN_PATH = "/webhooks/email/mailgun"
CHAT_SESSIONS_PATH = "/chat/sessions"
CHAT_MESSAGES_PATH = "/chat/messages"
VOICE_TRANSCRIPT_PATH = "/webhooks/voice/transcript"

WIDGET_ORIGIN = "http://127.0.0.1:8000"
VOICE_BASIC_USER = "inbox"

PHONE_POOL_SIZE = 200
VISITOR_POOL_SIZE = 50
MEDIA_ONE_IN = 8
REPLY_ONE_IN = 5
ATTACHMENT_ONE_IN = 10
LEAD_FORM_ONE_IN = 6

# (email subject, message text). Used for every channel; the subject only for email.
MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Water heater replacement price",
        "Hi, how much do you charge to replace a 50 gallon gas water heater?",
    ),
    (
        "Leak under kitchen sink",
        "There's water leaking under my kitchen sink, dripping from the pipe behind the garbage "
        "disposal. Can someone come out today?",
    ),
    ("Saturday hours", "What are your hours on Saturday?"),
    (
        "Emergency - burst pipe",
        "Pipe burst in the garage!! Water everywhere. Do you do emergency calls at night?",
    ),
    (
        "Running toilet",
        "I'd like to book someone to look at a running toilet. Tuesday or Wednesday afternoon "
        "works best.",
    ),
    ("Can I talk to someone?", "Can I talk to a real person please?"),
    ("Thank you!", "Thanks so much, the tech did a great job yesterday 👍"),
    (
        "No hot water",
        "Our water heater stopped making hot water this morning. It's a Rheem, maybe 12 years "
        "old. Worth fixing or should we replace it?",
    ),
    ("Drain cleaning cost", "How much is it to snake a slow bathroom drain?"),
    ("Service area", "Do you service Round Rock or just Austin?"),
    (
        "Tankless water heater quote",
        "Do you install tankless water heaters? Looking for a quote on a Navien.",
    ),
    ("Estimates", "Do you charge for estimates?"),
    (
        "Low water pressure",
        "Water pressure in the shower is really low all of a sudden, the rest of the house seems "
        "fine.",
    ),
    (
        "Need to reschedule",
        "I need to reschedule my appointment on Friday, something came up. Is Monday morning open?",
    ),
    (
        "Is the technician still coming?",
        "Is the technician still coming today? The window was 1-3 and it's 3:15.",
    ),
    ("Insurance claim", "Do you work with home insurance for water damage claims?"),
    (
        "Sewer smell",
        "There's a sewer smell in the downstairs bathroom, it started a couple of days ago.",
    ),
    (
        "Garbage disposal",
        "My garbage disposal just hums and doesn't spin. Can you replace it? How much?",
    ),
    ("Payment options", "Do you take credit cards or only checks?"),
    ("Fuga de agua", "Hola, tengo una fuga de agua debajo del lavabo. ¿Pueden venir hoy?"),
    ("Precio del calentador", "¿Cuánto cuesta cambiar un calentador de agua?"),
    ("Horario", "¿Están abiertos los domingos?"),
    ("Cita para el baño", "Quisiera hacer una cita para revisar el baño. Gracias."),
    (
        "Possible slab leak",
        "I hear water running under the floor when everything is off and the meter keeps "
        "spinning. Slab leak? 😟",
    ),
    (
        "Freeze this weekend",
        "With the freeze coming this weekend, can you come insulate the outdoor pipes?",
    ),
    (
        "Clogged toilet",
        "Toilet is clogged and the plunger isn't doing anything. How soon can you come out?",
    ),
    ("Sunday fee", "Is there an extra fee for coming out on a Sunday?"),
    (
        "Warranty question",
        "You replaced our water heater last year and now it's leaking from the bottom. Is that "
        "under warranty?",
    ),
    ("Gas line for new stove", "Do you do gas line work? Need a line run for a new stove."),
    (
        "Water softener",
        "Looking to get a water softener installed. What brands do you carry and what's the "
        "price range?",
    ),
    ("Repipe quote", "Got your quote for the repipe, $4,800 seems high. Is there any flexibility?"),
    ("Dripping tub faucet", "Bathtub faucet won't stop dripping even when shut off hard."),
    ("Your address", "What's your address? I want to drop off a check."),
    ("See you Thursday", "Thank you! See you Thursday at 10."),
    ("Re: appointment time", "Yes that time works"),
    ("ok", "ok 👍"),
    ("Photos", "I can send photos if that helps"),
    (
        "Double charge on invoice",
        "I want to speak to a manager about my last invoice. I was charged twice.",
    ),
    ("Backflow test", "Need my annual backflow test done for the city. Do you do those?"),
    (
        "Leaky outdoor spigot",
        "Outdoor spigot is leaking at the handle. Small job, is it worth the visit fee?",
    ),
    ("Left you a review", "Just left you guys a 5 star review ⭐⭐⭐⭐⭐"),
    (
        "Availability this week",
        "Any availability this week for a kitchen faucet install? I already bought the faucet.",
    ),
)

EMAIL_FOLLOW_UPS: tuple[str, ...] = (
    "Any update on this?",
    "Thanks for getting back to me. Tuesday morning works for us.",
    "Just following up, we still need someone to come out.",
    "Sounds good, please go ahead and book it.",
    "Sorry, one more question: do you charge a trip fee?",
    "Perfect, thank you!",
    "Can you send the estimate in writing before the visit?",
)

MEDIA_CAPTIONS: tuple[str, ...] = (
    "",
    "Here's a photo",
    "This is what it looks like under the sink",
    "Photo of the water heater label",
    "See the water on the floor",
)

NAMES: tuple[str, ...] = (
    "Maria Garcia",
    "James Johnson",
    "Linda Martinez",
    "Robert Smith",
    "Patricia Brown",
    "Michael Davis",
    "Jennifer Wilson",
    "David Anderson",
    "Elizabeth Thomas",
    "William Taylor",
    "Susan Moore",
    "Richard Jackson",
    "Jessica White",
    "Joseph Harris",
    "Sarah Martin",
    "Thomas Thompson",
    "Karen Lopez",
    "Charles Lee",
    "Nancy Gonzalez",
    "Christopher Clark",
    "Lisa Rodriguez",
    "Daniel Lewis",
    "Betty Walker",
    "Matthew Hall",
    "Sandra Allen",
    "Anthony Young",
    "Ashley Hernandez",
    "Mark King",
    "Emily Nguyen",
    "Juan Ramirez",
    "Olivia Patel",
    "Kevin O'Brien",
)

EMAIL_DOMAINS = ("gmail.example", "outlook.example", "yahoo.example")

STREETS = (
    "Barton Springs Rd",
    "S Lamar Blvd",
    "Burnet Rd",
    "E Cesar Chavez St",
    "Manchaca Rd",
    "Duval St",
    "Airport Blvd",
    "W Slaughter Ln",
    "Koenig Ln",
    "Brodie Ln",
)

VOICE_ISSUES: tuple[str, ...] = (
    "Hi, yeah, my water heater is leaking from the bottom and there's a puddle in the garage.",
    "Hi, our kitchen sink is backed up and the dishwasher won't drain either.",
    "Hello, I think a pipe burst in the wall, I can hear water running.",
    "Hey, I wanted to get a price on replacing a toilet, it keeps running and cracking.",
    "Hi, we have no hot water since last night.",
    "Yes hi, I'm calling about the appointment I have on Friday, I need to move it.",
    "Hola, tengo una fuga en el baño, ¿alguien habla español?",
    "Hi, there's a strong sewer smell coming from the basement drain.",
    "Hi, I'm looking for a quote on a tankless water heater.",
    "Hello, the outdoor faucet froze and now it's spraying water.",
)

VOICE_GREETINGS: tuple[str, ...] = (
    "Thanks for calling, this is the virtual assistant. How can I help you today?",
    "Hi, thanks for calling! What can I do for you?",
    "Good morning, thanks for calling. How can I help?",
)

VOICE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Can I get your name, please?", "Sure, it's {name}."),
    ("What's the address where you need the service?", "It's {street}, here in Austin."),
    ("Were you able to shut the water off?", "Yeah, I closed the valve, so it's okay for now."),
    ("Roughly how old is the unit?", "Probably ten or twelve years, it came with the house."),
    ("Is this the best number to reach you at?", "Yes, this number is fine."),
    ("Would tomorrow morning between 8 and 10 work?", "Tomorrow morning works."),
    ("Is anything damaged, like the ceiling or floors?", "Just some wet drywall, I think."),
)

VOICE_CLOSINGS: tuple[tuple[str, str], ...] = (
    (
        "Great, I've noted everything and someone from the team will confirm by text shortly.",
        "Okay, thank you so much.",
    ),
    (
        "Perfect. A technician will call you about 30 minutes before arriving.",
        "Sounds good, thanks.",
    ),
    ("Got it. I'll have a team member call you back within the hour.", "Great, thank you."),
)

VOICE_GOODBYES = ("You're welcome, have a great day!", "Thanks for calling, bye now!")

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)

# GSM 03.38 basic character set and the extension characters that take two septets.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SimulationTargets:
    """The workspace addresses webhooks are sent *to* (read from the database by the CLI)."""

    sms_number: str | None
    whatsapp_number: str | None
    email_address: str | None
    widget_key: str | None


@dataclass(frozen=True)
class SimulationSecrets:
    """The provider credentials the simulator signs with (the same ones the ingest verifies)."""

    twilio_account_sid: str
    twilio_auth_token: str | None
    mailgun_signing_key: str | None
    webhook_secret: str | None


@dataclass
class SimRequest:
    """One simulated provider request, ready to send.

    Exactly one of ``data`` (url-encoded form), ``json`` or ``files`` (multipart, sent together
    with ``data``) carries the body. A web chat message also carries ``session``: the request
    that opens the visitor's chat session, sent first unless the runner already holds a token
    for ``session_key``; its JSON ``token`` goes into the message's ``Authorization`` header.
    """

    channel: str
    method: str
    url: str
    headers: dict[str, str]
    provider_id: str
    data: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    session: SimRequest | None = None
    session_key: str | None = None


@dataclass
class SimulationReport:
    """What happened: counts, status codes and latencies of the requests that were sent.

    ``accepted`` counts 2xx answers, ``rejected`` every other HTTP status, ``errors`` requests
    that got no HTTP answer (connection refused, timeout, ...). ``latencies_ms`` holds one entry
    per HTTP answer; requests that errored have none.
    """

    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    status_counts: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    accepted_ids: list[str] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    channel: str = ""
    target_rate: float = 0.0
    dispatch_seconds: float = 0.0
    elapsed_seconds: float = 0.0

    def _percentile(self, pct: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(pct / 100 * len(ordered)))
        return ordered[rank - 1]

    def p50(self) -> float:
        """Median latency in milliseconds (nearest rank; 0.0 when nothing was answered)."""
        return self._percentile(50)

    def p99(self) -> float:
        """99th percentile latency in milliseconds (nearest rank; 0.0 when nothing answered)."""
        return self._percentile(99)

    def achieved_rate(self) -> float:
        """Requests per second actually dispatched (first to last request)."""
        if self.sent < 2 or self.dispatch_seconds <= 0:
            return 0.0
        return (self.sent - 1) / self.dispatch_seconds

    def summary(self) -> str:
        """One human-readable paragraph: counts, status codes, p50/p99 and achieved rate."""
        what = f"{self.channel} " if self.channel else ""
        codes = ", ".join(f"{code}×{n}" for code, n in sorted(self.status_counts.items()))
        parts = [
            f"Sent {self.sent} {what}request{'s' if self.sent != 1 else ''} "
            f"in {self.elapsed_seconds:.2f} s: {self.accepted} accepted (2xx), "
            f"{self.rejected} rejected, {self.errors} error{'s' if self.errors != 1 else ''}."
        ]
        parts.append(f"Status codes: {codes}." if codes else "No HTTP responses.")
        if self.error_counts:
            kinds = ", ".join(f"{kind}×{n}" for kind, n in sorted(self.error_counts.items()))
            parts.append(f"Errors: {kinds}.")
        if self.latencies_ms:
            parts.append(f"Latency p50 {self.p50():.1f} ms, p99 {self.p99():.1f} ms.")
        if self.sent > 1:
            target = f" (target {self.target_rate:g}/s)" if self.target_rate else ""
            parts.append(f"Achieved rate {self.achieved_rate():.1f} requests/s{target}.")
        return " ".join(parts)


# --------------------------------------------------------------------------- per-run memory


@dataclass
class _Person:
    name: str
    phone: str
    email: str


@dataclass
class _SentEmail:
    message_id: str
    references: list[str]
    subject: str
    text: str
    date: datetime


@dataclass
class _RunState:
    """Pools and history that make one run look like ongoing conversations."""

    phones: list[_Person]
    emailers: list[_Person]
    visitors: list[tuple[str, _Person]]
    sent_emails: dict[str, list[_SentEmail]] = field(default_factory=dict)


# The rng stands for the run: build_request keeps its pools and email history alongside it.
_RUN_STATES: weakref.WeakKeyDictionary[random.Random, _RunState] = weakref.WeakKeyDictionary()


def _email_for(name: str, rng: random.Random) -> str:
    first, last = (part.lower().replace("'", "") for part in name.split(" ", 1))
    local = rng.choice(
        (f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{first}{last[0]}")
    )
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _state_for(rng: random.Random) -> _RunState:
    state = _RUN_STATES.get(rng)
    if state is None:
        suffixes = rng.sample(range(200, 10000), PHONE_POOL_SIZE)
        phones = []
        for suffix in suffixes:
            name = rng.choice(NAMES)
            phones.append(_Person(name, f"+1512555{suffix:04d}", _email_for(name, rng)))
        emailers = [
            _Person(name, rng.choice(phones).phone, _email_for(name, rng)) for name in NAMES
        ]
        visitors = [
            (f"v_{rng.getrandbits(64):016x}", rng.choice(emailers))
            for _ in range(VISITOR_POOL_SIZE)
        ]
        state = _RunState(phones=phones, emailers=emailers, visitors=visitors)
        _RUN_STATES[rng] = state
    return state


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


_TARGET_FIELDS = {
    "sms": ("sms_number", "SMS number"),
    "whatsapp": ("whatsapp_number", "WhatsApp number"),
    "email": ("email_address", "inbound email address"),
    "webchat": ("widget_key", "web chat widget key"),
    "voice": ("sms_number", "phone number (voice uses the SMS number)"),
}


def _require_target(channel: str, targets: SimulationTargets) -> str:
    if channel not in _TARGET_FIELDS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    attr, label = _TARGET_FIELDS[channel]
    value = getattr(targets, attr)
    if value is None:
        raise ValueError(
            f"cannot simulate {channel}: the workspace has no {label} (targets.{attr} is None)"
        )
    return value


def _available_channels(targets: SimulationTargets) -> list[str]:
    return [ch for ch in CHANNELS if getattr(targets, _TARGET_FIELDS[ch][0]) is not None]


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


# --------------------------------------------------------------------------- sending


class _SessionFailed(Exception):
    def __init__(self, status: int | None, error: str | None) -> None:
        super().__init__(status, error)
        self.status = status
        self.error = error


class _Runner:
    def __init__(self, client: httpx.AsyncClient, report: SimulationReport) -> None:
        self.client = client
        self.report = report
        self.sessions: dict[str, asyncio.Task[str]] = {}
        self.status_counts: Counter[int] = Counter()
        self.error_counts: Counter[str] = Counter()

    async def _open_session(self, session: SimRequest) -> str:
        try:
            response = await self.client.request(
                session.method, session.url, headers=session.headers, json=session.json
            )
        except Exception as exc:
            raise _SessionFailed(None, type(exc).__name__) from exc
        if not response.is_success:
            raise _SessionFailed(response.status_code, None)
        try:
            token = response.json()["token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise _SessionFailed(None, "SessionResponseWithoutToken") from exc
        if not isinstance(token, str) or not token:
            raise _SessionFailed(None, "SessionResponseWithoutToken")
        return token

    async def _token_for(self, request: SimRequest) -> str:
        assert request.session is not None and request.session_key is not None
        key = request.session_key
        task = self.sessions.get(key)
        if task is None:
            task = asyncio.create_task(self._open_session(request.session))
            self.sessions[key] = task
        try:
            return await asyncio.shield(task)
        except _SessionFailed:
            if self.sessions.get(key) is task:
                del self.sessions[key]  # the visitor's next message tries again
            raise

    def _count_error(self, kind: str) -> None:
        self.report.errors += 1
        self.error_counts[kind] += 1

    async def send(self, request: SimRequest) -> None:
        headers = request.headers
        if request.session is not None:
            try:
                token = await self._token_for(request)
            except _SessionFailed as failed:
                if failed.status is None:
                    self._count_error(failed.error or "SessionError")
                else:
                    self.report.rejected += 1
                    self.status_counts[failed.status] += 1
                return
            headers = {**headers, "Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        try:
            response = await self.client.request(
                request.method,
                request.url,
                headers=headers,
                data=request.data,
                json=request.json,
                files=request.files,
            )
        except Exception as exc:
            self._count_error(type(exc).__name__)
            return
        self.report.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.status_counts[response.status_code] += 1
        if response.is_success:
            self.report.accepted += 1
            self.report.accepted_ids.append(request.provider_id)
        else:
            self.report.rejected += 1


async def _simulate(
    base_url: str,
    channel: str,
    count: int,
    rate: float,
    targets: SimulationTargets,
    secrets_: SimulationSecrets,
    public_url: str | None,
    rng: random.Random,
    timeout: float,
    concurrency: int,
    channels: list[str],
) -> SimulationReport:
    report = SimulationReport(channel=channel, target_rate=rate)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    loop = asyncio.get_running_loop()
    wall_start = time.perf_counter()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        runner = _Runner(client, report)
        slots = asyncio.Semaphore(concurrency)
        tasks: set[asyncio.Task[None]] = set()

        async def send_and_release(request: SimRequest) -> None:
            try:
                await runner.send(request)
            finally:
                slots.release()

        start = loop.time()
        first = last = start
        for i in range(count):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await slots.acquire()
            this_channel = rng.choice(channels) if channel == "mixed" else channel
            try:
                request = build_request(
                    this_channel, i, base_url, public_url, targets, secrets_, rng
                )
            except BaseException:
                slots.release()
                raise
            task = asyncio.create_task(send_and_release(request))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            report.sent += 1
            last = loop.time()
            if i == 0:
                first = last
        if tasks:
            await asyncio.gather(*tasks)
    report.dispatch_seconds = last - first
    report.elapsed_seconds = time.perf_counter() - wall_start
    report.status_counts = dict(sorted(runner.status_counts.items()))
    report.error_counts = dict(sorted(runner.error_counts.items()))
    return report


def run_simulation(
    base_url: str,
    channel: str,
    count: int,
    rate: float,
    targets: SimulationTargets,
    secrets: SimulationSecrets,
    public_url: str | None = None,
    seed: int | None = None,
    timeout: float = 10.0,
    concurrency: int = 8,
) -> SimulationReport:
    """Send ``count`` simulated webhooks for ``channel`` (or ``"mixed"``) at ``rate`` per second.

    Open-loop: request ``i`` is due at ``start + i / rate``; at most ``concurrency`` requests are
    in flight. HTTP errors and connection failures are counted in the report, never raised.
    Raises ValueError for a bad channel, count, rate or concurrency, or a missing target address.
    """
    if channel == "mixed":
        channels = _available_channels(targets)
        if not channels:
            raise ValueError("cannot simulate mixed traffic: the workspace has no addresses")
    else:
        _require_target(channel, targets)
        channels = [channel]
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not rate > 0 or math.isinf(rate):
        raise ValueError(f"rate must be a positive number of requests per second, got {rate}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")

    def coroutine() -> Any:
        return _simulate(
            base_url,
            channel,
            count,
            rate,
            targets,
            secrets,
            public_url,
            random.Random(seed),
            timeout,
            concurrency,
            channels,
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    # Called from inside an event loop (a notebook, an async app): run on a private loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()
