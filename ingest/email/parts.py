"""Walking a parsed MIME tree: the body text (text/plain preferred in each
multipart/alternative, HTML converted when there is no plain part) and the attachments'
metadata (filename, type, size; their contents are never kept). A broken part is skipped and
named in `defects`; what can be read is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from ingest.email.charsets import clean, decode, unescape
from ingest.email.headers import Headers
from ingest.email.htmltext import html_to_text

#: MIME trees nest a few levels; deeper is machine-made or hostile.
MAX_DEPTH = 30
MAX_PARTS = 500
MAX_ATTACHMENTS = 100
#: What a content type looks like; anything else (a mangled header) is stored as unknown.
MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")


@dataclass
class Attachment:
    filename: str | None
    content_type: str
    size: int
    inline: bool = False

    def as_media(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "inline": self.inline,
        }


@dataclass
class Body:
    text: str = ""
    from_html: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def read_body(message: Message) -> Body:
    body = Body()
    texts: list[tuple[str, bool]] = []
    _walk(message, body, texts, depth=0, seen=[0])
    body.defects = list(dict.fromkeys(body.defects))
    body.text = "\n\n".join(text for text, _ in texts if text.strip()).strip()
    body.from_html = bool(texts) and all(is_html for _, is_html in texts)
    return body


def _walk(
    part: Message, body: Body, texts: list[tuple[str, bool]], depth: int, seen: list[int]
) -> None:
    seen[0] += 1
    if depth > MAX_DEPTH or seen[0] > MAX_PARTS:
        _defect(body, "too many or too deeply nested MIME parts (the rest was skipped)")
        return
    try:
        _read_part(part, body, texts, depth, seen)
    finally:
        # After reading: decoding a payload is what reports bad base64 and the like.
        body.defects.extend(type(defect).__name__ for defect in part.defects)


def _read_part(
    part: Message, body: Body, texts: list[tuple[str, bool]], depth: int, seen: list[int]
) -> None:
    kind = part.get_content_type()
    children = part.get_payload() if part.is_multipart() else None
    if kind == "multipart/alternative" and isinstance(children, list):
        chosen = _best_alternative(children)
        if chosen is not None:
            _walk(chosen, body, texts, depth + 1, seen)
        return
    if kind == "multipart/report" and isinstance(children, list):
        # The first part is the human-readable notice; the rest are machine reports.
        if children:
            _walk(children[0], body, texts, depth + 1, seen)
        return
    if isinstance(children, list) and kind.startswith("multipart/"):
        for child in children:
            if isinstance(child, Message):
                _walk(child, body, texts, depth + 1, seen)
        return
    disposition = _disposition(part)
    filename = _filename(part)
    if kind in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = decode(_payload(part), _charset(part))
        texts.append((html_to_text(text) if kind == "text/html" else text, kind == "text/html"))
        return
    if len(body.attachments) < MAX_ATTACHMENTS:
        body.attachments.append(
            Attachment(
                filename=filename,
                content_type=kind if MIME_TYPE.match(kind) else "application/octet-stream",
                size=_size(part),
                inline=disposition == "inline" or (disposition is None and "content-id" in part),
            )
        )


def _best_alternative(children: list[Any]) -> Message | None:
    """text/plain if it says something, else HTML, else whatever else there is."""
    parts = [child for child in children if isinstance(child, Message)]
    for wanted in ("text/plain", "text/html"):
        for child in parts:
            if child.get_content_type() == wanted and _payload(child).strip():
                return child
    nested = [child for child in parts if child.is_multipart()]
    return nested[-1] if nested else (parts[-1] if parts else None)


def _payload(part: Message) -> bytes:
    """The part's decoded bytes (quoted-printable and base64 undone; broken base64 gives what
    it can, with a defect noted by the parser)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _size(part: Message) -> int:
    if part.get_content_type() == "message/rfc822":
        try:
            return len(part.as_bytes())
        except Exception:
            return 0
    return len(_payload(part))


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _filename(part: Message) -> str | None:
    """The filename (RFC 2231 and encoded-word names decoded), else the Content-Type name."""
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:
        return None
    if isinstance(name, tuple):  # an RFC 2231 value the package left undecoded
        name = name[2]
    if not isinstance(name, str) or not name.strip():
        return None
    if "=?" in name:  # some mailers put an encoded word in a quoted parameter
        name = Headers([("subject", name)]).text("subject") or name
    return clean(unescape(name)).strip()[:255] or None


def _defect(body: Body, text: str) -> None:
    if text not in body.defects:
        body.defects.append(text)
