"""Reading an email provider's form post: fields as large as the email limit (Starlette's
default allows 1 MB per field, less than a raw MIME field with attachments), the exact bytes
of each text field (SendGrid sends `text` in the email's own charset; a raw MIME field can be
8-bit in any charset), JSON fields, and uploaded files' metadata without reading them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email import policy, utils
from email.message import Message
from email.parser import BytesParser
from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile

from ingest.email.charsets import clean
from ingest.email.parts import MIME_TYPE, Attachment
from ingest.limits import limit_for
from ingest.requests import MAX_FIELDS, text_fields


@dataclass
class EmailForm:
    form: FormData
    #: The text fields as Starlette decoded them (UTF-8, or latin-1 when that failed).
    fields: dict[str, str]
    #: The text fields of a multipart post as the bytes the provider sent.
    raw: dict[str, bytes]

    def bytes_of(self, name: str) -> bytes | None:
        if name in self.raw:
            return self.raw[name]
        value = self.fields.get(name)
        return value.encode("utf-8", errors="surrogateescape") if value is not None else None


async def read_email_form(request: Request) -> EmailForm:
    """The post's form; a malformed body is a 400 (415 if it is not a form at all)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise HTTPException(415, "Send application/x-www-form-urlencoded or multipart/form-data.")
    body = await request.body()  # kept by Starlette: request.form() parses the same bytes
    try:
        form = await request.form(
            max_files=MAX_FIELDS, max_fields=MAX_FIELDS, max_part_size=limit_for(request.url.path)
        )
    except HTTPException:
        raise
    except (ValueError, UnicodeDecodeError, KeyError, AssertionError) as exc:
        raise HTTPException(400, f"Malformed form body: {exc}") from exc
    raw = raw_text_fields(content_type, body) if content_type.startswith("multipart/") else {}
    return EmailForm(form=form, fields=text_fields(form), raw=raw)


def raw_text_fields(content_type: str, body: bytes) -> dict[str, bytes]:
    """The non-file fields of a multipart/form-data body, as sent. multipart/form-data is MIME,
    so the standard `email` parser reads it, leaving each part's bytes untouched."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(head + body)
        parts = message.get_payload() if message.is_multipart() else []
    except Exception:  # Starlette already accepted the form; fall back to its decoding
        return {}
    fields: dict[str, bytes] = {}
    for part in parts:
        if not isinstance(part, Message) or part.get_filename() is not None:
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, tuple):
            name = utils.collapse_rfc2231_value(name)
        data = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(data, bytes) and name not in fields:
            fields[name] = data
    return fields


def json_field(fields: dict[str, str], name: str, default: Any) -> Any:
    """A JSON-valued field, `default` when absent; a 400 naming it when it is not JSON."""
    value = fields.get(name)
    if value is None or not value.strip():
        return default
    try:
        return json.loads(value)
    except ValueError as exc:
        raise HTTPException(400, f"{name} is not valid JSON: {exc}.") from exc


def uploads(form: FormData) -> list[tuple[str, UploadFile]]:
    """The uploaded files, in order, with their field names."""
    return [(key, value) for key, value in form.multi_items() if isinstance(value, UploadFile)]


def attachment_of(
    upload: UploadFile, filename: str | None = None, kind: str | None = None
) -> Attachment:
    """An uploaded file's metadata; its contents are never read."""
    content_type = (kind or upload.content_type or "application/octet-stream").split(";")[0]
    return Attachment(
        filename=clean(filename or upload.filename or "").strip()[:255] or None,
        content_type=content_type.strip().lower()
        if MIME_TYPE.match(content_type.strip().lower())
        else "application/octet-stream",
        size=upload.size or 0,
    )


def openapi_form(fields: dict[str, str], files: str = "") -> dict[str, Any]:
    """`openapi_extra` describing a provider's form post for /docs (and request generators)."""
    properties: dict[str, Any] = {
        name: {"type": "string", "description": text} for name, text in fields.items()
    }
    if files:
        properties[files] = {"type": "string", "format": "binary", "description": "A file."}
    schema = {"type": "object", "properties": properties}
    kinds = ("application/x-www-form-urlencoded", "multipart/form-data")
    return {"requestBody": {"content": {kind: {"schema": schema} for kind in kinds}}}
