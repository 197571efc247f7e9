"""SendGrid Inbound Parse: a multipart post, either parsed (`headers`, `text`, `html`, `from`,
`to`, `cc`, `subject`, `envelope`, `charsets`, `attachment-info` and files `attachment1..N`)
or, with "POST the raw, full MIME message" ticked, the whole message in `email`.

SendGrid puts the Basic credentials in the URL (https://inbox:SECRET@…). It retries only on
5xx, so bad input is a 400 and an address no workspace has is a 404 (logged): neither would
ever succeed on a retry.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ingest.email.charsets import clean, decode
from ingest.email.forms import (
    EmailForm,
    attachment_of,
    json_field,
    openapi_form,
    read_email_form,
    uploads,
)
from ingest.email.headers import Headers
from ingest.email.inbound import Prepared, answer, deliver, fingerprint, prepare, require_secret
from ingest.email.mime import Unparseable, assemble, parse, provider_body
from ingest.email.parts import Attachment
from ingest.store import in_transaction

router = APIRouter()


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise HTTPException(400, f"{name} must be a JSON object.")
    return value


def _addresses(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _prepare(email_form: EmailForm) -> Prepared:
    fields = email_form.fields
    envelope = _object(json_field(fields, "envelope", {}), "envelope")
    charsets = _object(json_field(fields, "charsets", {}), "charsets")
    sender = envelope.get("from") if isinstance(envelope.get("from"), str) else None
    extra = {
        key: clean(fields[name]).strip()[:200]
        for key, name in (("spam_score", "spam_score"), ("spf", "SPF"), ("dkim", "dkim"))
        if fields.get(name, "").strip()
    }
    if "email" in fields:
        raw = email_form.bytes_of("email") or b""
        parsed = parse(raw)
        basis = raw
    else:

        def text(name: str) -> str | None:
            data = email_form.bytes_of(name)
            label = charsets.get(name)
            return decode(data, label if isinstance(label, str) else None) if data else None

        attachments = _attachments(email_form)
        headers = Headers.from_block(text("headers") or "").plus(
            [("from", text("from")), ("to", text("to")), ("cc", text("cc"))]
        )
        body = provider_body(text("text"), text("html"), attachments)
        parsed = assemble(headers, body, from_field=text("from"), subject=text("subject"))
        basis = fingerprint(fields, attachments)
    return prepare(
        parsed,
        provider="sendgrid",
        fingerprint=basis,
        envelope_to=_addresses(envelope.get("to")),
        envelope_from=sender,
        extra_meta=extra,
    )


def _attachments(email_form: EmailForm) -> list[Attachment]:
    info = json_field(email_form.fields, "attachment-info", {})
    info = info if isinstance(info, dict) else {}
    found: list[Attachment] = []
    for name, upload in uploads(email_form.form):
        details = info.get(name) if isinstance(info.get(name), dict) else {}
        filename = details.get("filename") or details.get("name")
        kind = details.get("type")
        found.append(
            attachment_of(
                upload,
                filename if isinstance(filename, str) else None,
                kind if isinstance(kind, str) else None,
            )
        )
    return found


FORM = {
    "headers": "The raw header block.",
    "text": "The text body, in the charset `charsets` names.",
    "html": "The HTML body, in the charset `charsets` names.",
    "from": "The From header.",
    "to": "The To header.",
    "cc": "The Cc header.",
    "subject": "The subject.",
    "envelope": 'JSON: {"to": [addresses], "from": address}.',
    "charsets": 'JSON: each field\'s charset, e.g. {"text": "iso-8859-1"}.',
    "attachments": "How many attachmentN files follow.",
    "attachment-info": "JSON: filename and type of each attachmentN.",
    "email": 'The whole raw message ("POST the raw, full MIME message").',
    "SPF": "SPF result.",
    "dkim": "DKIM results.",
    "spam_score": "SpamAssassin score.",
}


@router.post(
    "/sendgrid",
    summary="SendGrid Inbound Parse",
    dependencies=[Depends(require_secret)],
    openapi_extra=openapi_form(FORM, "attachment1"),
)
async def sendgrid(request: Request) -> dict[str, Any]:
    email_form = await read_email_form(request)
    try:
        prepared = await run_in_threadpool(_prepare, email_form)
    except Unparseable as exc:
        raise HTTPException(400, str(exc)) from exc
    return answer(await in_transaction(lambda session: deliver(session, prepared)))
