"""Provider posts built from .eml fixtures the way Mailgun and SendGrid document them, signed
with their real schemes. They use only the standard library, never the code under test.

- Mailgun Routes forward(), "fully parsed": recipient, sender, from, subject, body-plain,
  body-html, message-headers ([[name, value], …]), the headers again as their own fields,
  attachment-count and files attachment-1..N, and timestamp/token/signature (hex HMAC-SHA256
  of timestamp + token with the signing key). Urlencoded, or multipart with attachments. The
  raw variant posts the message in body-mime.
- SendGrid Inbound Parse, always multipart: headers (the raw block), text and html in the
  message's own charsets with `charsets` saying which, from, to, cc, subject, envelope, SPF,
  dkim, spam_score, attachments + attachment-info + files attachment1..N; or the raw message
  in `email` ("POST the raw, full MIME message").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "email"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
WEBHOOK_SECRET = "correct-horse-webhook-secret"

Field = tuple[str, str | bytes]
File = tuple[str, str, bytes, str]


def eml(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _message(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[return-value]


def mailgun_signature(timestamp: str, token: str, key: str = MAILGUN_KEY) -> str:
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def multipart(fields: list[Field], files: list[File] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body, each text field's bytes exactly as given."""
    boundary = f"----------{uuid.uuid4().hex}"
    chunks: list[bytes] = []
    for name, value in fields:
        data = value.encode() if isinstance(value, str) else value
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    for name, filename, data, kind in files or []:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _signed(token: str | None, timestamp: str | None, key: str) -> dict[str, str]:
    token = token or secrets.token_hex(25)
    timestamp = timestamp or str(int(time.time()))
    return {
        "timestamp": timestamp,
        "token": token,
        "signature": mailgun_signature(timestamp, token, key),
    }


def mailgun_post(
    raw: bytes,
    *,
    recipient: str = "hello@brightwater.example",
    stripped_text: str | None = None,
    token: str | None = None,
    timestamp: str | None = None,
    key: str = MAILGUN_KEY,
) -> dict:
    """httpx keyword arguments for Mailgun's fully parsed post of `raw`."""
    message = _message(raw)
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    fields = {
        "recipient": recipient,
        "sender": parseaddr(str(message.get("Return-Path") or message["From"]))[1],
        "from": str(message["From"]),
        "subject": str(message.get("Subject", "")),
        "body-plain": plain.get_content() if plain is not None else "",
        "body-html": html.get_content() if html is not None else "",
        "message-headers": json.dumps([[name, str(value)] for name, value in message.items()]),
    }
    for name in ("Message-Id", "In-Reply-To", "References", "Date", "From", "To", "Subject"):
        if message.get(name) is not None:
            fields[name] = str(message[name])
    if stripped_text is not None:
        fields["stripped-text"] = stripped_text
    fields.update(_signed(token, timestamp, key))
    files = [
        (
            f"attachment-{index}",
            part.get_filename() or "file",
            part.get_payload(decode=True),
            part.get_content_type(),
        )
        for index, part in enumerate(message.iter_attachments(), 1)
    ]
    if not files:
        return {"data": fields}
    fields["attachment-count"] = str(len(files))
    body, content_type = multipart(list(fields.items()), files)
    return {"content": body, "headers": {"Content-Type": content_type}}


def mailgun_mime_post(raw: bytes, *, recipient: str = "hello@brightwater.example") -> dict:
    """httpx keyword arguments for Mailgun's raw-MIME post (a forward() URL ending in mime)."""
    fields: list[Field] = [
        ("recipient", recipient),
        ("sender", "someone@example.org"),
        ("body-mime", raw),
        *_signed(None, None, MAILGUN_KEY).items(),
    ]
    body, content_type = multipart(fields)
    return {"content": body, "headers": {"Content-Type": content_type}}


def sendgrid_post(
    raw: bytes, *, envelope_to: list[str] | None = None, raw_mode: bool = False
) -> dict:
    """httpx keyword arguments for SendGrid Inbound Parse's post of `raw`."""
    message = _message(raw)
    to = envelope_to or [parseaddr(str(message["To"]))[1]]
    sender = parseaddr(str(message["From"]))[1]
    common: list[Field] = [
        ("envelope", json.dumps({"to": to, "from": sender})),
        ("from", str(message["From"])),
        ("to", str(message["To"])),
        ("subject", str(message.get("Subject", ""))),
        ("SPF", "pass"),
        ("dkim", "{@" + sender.split("@")[-1] + " : pass}"),
        ("spam_score", "0.012"),
        ("sender_ip", "209.85.220.41"),
    ]
    if raw_mode:
        fields = [
            *common,
            ("email", raw),
            ("charsets", json.dumps({"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8"})),
        ]
        body, content_type = multipart(fields)
        return {"content": body, "headers": {"Content-Type": content_type}}
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", errors="replace")
    charsets = {"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8", "cc": "UTF-8"}
    fields = [("headers", head), *common]
    if message.get("Cc"):
        fields.append(("cc", str(message["Cc"])))
    for field_name, kind in (("text", "plain"), ("html", "html")):
        part = message.get_body((kind,))
        if part is not None:
            # SendGrid sends the body in the email's own charset and says which in `charsets`.
            fields.append((field_name, part.get_payload(decode=True)))
            charsets[field_name] = part.get_content_charset() or "us-ascii"
    files: list[File] = []
    info = {}
    for index, part in enumerate(message.iter_attachments(), 1):
        name = f"attachment{index}"
        filename = part.get_filename() or "file"
        files.append((name, filename, part.get_payload(decode=True), part.get_content_type()))
        info[name] = {"filename": filename, "name": filename, "type": part.get_content_type()}
    fields.append(("charsets", json.dumps(charsets)))
    if files:
        fields += [("attachments", str(len(files))), ("attachment-info", json.dumps(info))]
    body, content_type = multipart(fields, files)
    return {"content": body, "headers": {"Content-Type": content_type}}
