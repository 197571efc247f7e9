"""Verifying that a webhook comes from who it says, before anything is stored.

- Twilio: `X-Twilio-Signature` with the `twilio` package's RequestValidator, HMAC-SHA1 with the
  auth token, or HMAC-SHA256 with the Webhook Settings shared key when Twilio sends
  `X-Twilio-Webhooks-Signature-Settings`. The URL is the public one (INBOX_PUBLIC_URL) plus the
  path and query string, exactly as Twilio called it behind a proxy. On whenever the auth token
  is set; turning it off needs INBOX_INSECURE_WEBHOOKS=1.
- Mailgun: HMAC-SHA256 over timestamp + token with the signing key, a fresh timestamp, and a
  token never seen before (remembered in the database, so any worker refuses a replay).
- Everything else (SendGrid Inbound Parse, raw MIME, voice transcripts): HTTP Basic auth whose
  password is INBOX_WEBHOOK_SECRET.

Each check is on whenever its secret is set (the DESIGN's rule for Twilio, applied to every
provider); INBOX_INSECURE_WEBHOOKS=1 turns them off for development. A provider whose secret
is not set is accepted unverified and named in a warning at start-up (`unverified()`).
A failed check is a 403 and nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import time

from fastapi import HTTPException, Request
from sqlmodel import Session
from twilio.request_validator import (
    HMAC_SHA1,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from data import webhooks
from data.settings import Settings

log = logging.getLogger("inbox.ingest.verify")

MAILGUN_MAX_AGE_SECONDS = 5 * 60


def forbidden(reason: str) -> HTTPException:
    log.warning("refused webhook: %s", reason)
    return HTTPException(403, reason)


def public_url(request: Request, settings: Settings) -> str:
    """The URL the provider called: INBOX_PUBLIC_URL's origin (and path prefix) with this
    request's path and raw query string."""
    query = request.url.query
    if settings.public_url:
        base = settings.public_url.rstrip("/")
        return f"{base}{request.url.path}" + (f"?{query}" if query else "")
    return str(request.url)


def twilio(request: Request, params: dict[str, str], settings: Settings) -> None:
    token = settings.twilio_auth_token
    if token is None or settings.insecure_webhooks:
        return
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        raise forbidden("Missing X-Twilio-Signature.")
    settings_header = request.headers.get(SIGNATURE_SETTINGS_HEADER)
    algorithm = get_signature_algorithm(settings_header) if settings_header else HMAC_SHA1
    if settings_header:
        if settings.twilio_webhook_shared_key is None:
            raise forbidden("Signed with a Webhook Settings key, but none is configured.")
        secret = settings.twilio_webhook_shared_key.get_secret_value()
    else:
        secret = token.get_secret_value()
    url = public_url(request, settings)
    try:
        valid = RequestValidator(secret).validate(url, params, signature, algorithm=algorithm)
    except ValueError:
        valid = False
    if not valid:
        raise forbidden(f"Invalid X-Twilio-Signature for {url}.")


def twilio_account(params: dict[str, str], settings: Settings) -> None:
    """A webhook for another Twilio account is refused even if signed."""
    sent = params.get("AccountSid")
    if settings.twilio_account_sid and sent and sent != settings.twilio_account_sid:
        raise forbidden("AccountSid is not this installation's Twilio account.")


def unverified(settings: Settings) -> list[str]:
    """The providers whose webhooks are accepted without a check, for the start-up warning."""
    if settings.insecure_webhooks:
        return ["every provider (INBOX_INSECURE_WEBHOOKS=1)"]
    missing = {
        "Twilio (INBOX_TWILIO_AUTH_TOKEN)": settings.twilio_auth_token,
        "Mailgun (INBOX_MAILGUN_SIGNING_KEY)": settings.mailgun_signing_key,
        "SendGrid, raw MIME and voice transcripts (INBOX_WEBHOOK_SECRET)": settings.webhook_secret,
    }
    return [name for name, secret in missing.items() if secret is None]


def mailgun(session: Session, fields: dict[str, str], settings: Settings) -> None:
    key = settings.mailgun_signing_key
    if key is None or settings.insecure_webhooks:
        return
    timestamp, token, signature = (fields.get(k, "") for k in ("timestamp", "token", "signature"))
    if not (timestamp and token and signature):
        raise forbidden("Missing Mailgun timestamp, token or signature.")
    expected = hmac.new(
        key.get_secret_value().encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        raise forbidden("Invalid Mailgun signature.")
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError as exc:
        raise forbidden("Mailgun timestamp is not a number.") from exc
    if age > MAILGUN_MAX_AGE_SECONDS:
        raise forbidden("Stale Mailgun timestamp (replayed or clock skew over 5 minutes).")
    if not webhooks.claim_nonce(session, "mailgun", token):
        raise forbidden("Mailgun token already used (a replay).")


def shared_secret(request: Request, settings: Settings) -> None:
    secret = settings.webhook_secret
    if secret is None or settings.insecure_webhooks:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise forbidden("Missing HTTP Basic credentials.")
    try:
        _, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise forbidden("Malformed HTTP Basic credentials.") from exc
    if not hmac.compare_digest(password.encode(), secret.get_secret_value().encode()):
        raise forbidden("Wrong webhook secret.")
