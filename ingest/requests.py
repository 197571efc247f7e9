"""Reading provider requests safely: form bodies (urlencoded or multipart) whose malformed
encodings become a 400 with a reason, never a 500."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile

MAX_FIELDS = 1000


async def read_form(request: Request) -> FormData:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise HTTPException(415, "Send application/x-www-form-urlencoded or multipart/form-data.")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return await _strict_urlencoded(request)
    try:
        return await request.form(max_files=MAX_FIELDS, max_fields=MAX_FIELDS)
    except HTTPException:
        raise
    except (ValueError, UnicodeDecodeError, KeyError, AssertionError) as exc:
        raise HTTPException(400, f"Malformed form body: {exc}") from exc


async def _strict_urlencoded(request: Request) -> FormData:
    # Starlette would decode invalid UTF-8 silently (U+FFFD, or latin-1), storing a garbled
    # message and answering 200; a provider sending bad bytes must hear so.
    raw = await request.body()
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "The form body is not valid UTF-8.") from exc
    except ValueError as exc:
        raise HTTPException(400, f"Malformed form body: {exc}") from exc
    return FormData(pairs)


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (the first value of each name), files left out."""
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, UploadFile) and key not in fields:
            fields[key] = value
    return fields


def required(fields: dict[str, str], *names: str) -> list[str]:
    """The named fields, stripped; a 400 naming every missing one otherwise."""
    missing = [name for name in names if not (fields.get(name) or "").strip()]
    if missing:
        raise HTTPException(400, f"Missing required field(s): {', '.join(missing)}.")
    return [fields[name].strip() for name in names]
