"""An inbound email as the inbox needs it, read from a raw RFC 5322 message with the standard
`email` package (`BytesParser(policy=email.policy.default)`) or assembled from a provider's
already-parsed fields: sender and recipients, subject, the threading ids, the text (full and
with the quoted reply stripped), attachments' metadata, and whether it may be auto-answered.

The parser never raises on a partially broken message: it keeps what can be read and lists
the problems in `defects`. Only a message that cannot be an email at all raises Unparseable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesParser

from ingest.email import autoreply
from ingest.email.charsets import clean
from ingest.email.headers import Headers
from ingest.email.htmltext import html_to_text
from ingest.email.parts import Attachment, Body, read_body
from ingest.email.quotes import strip_reply


class Unparseable(ValueError):
    """The request holds no readable email; the message says what is wrong."""


@dataclass
class ParsedEmail:
    from_address: str | None
    from_name: str | None
    #: Other addresses the message came from, in order of trust: Sender, Return-Path.
    other_senders: list[str]
    to: list[str]
    cc: list[str]
    #: Delivered-To and X-Original-To: where the receiving system delivered it.
    delivered_to: list[str]
    subject: str | None
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    date: datetime | None
    #: The whole text body (HTML converted when there is no plain text).
    text: str
    #: What the sender just wrote: `text` without the quoted earlier messages and signature.
    new_text: str
    from_html: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    #: Why this email must never be answered automatically; None when it may be.
    no_auto_reply: str | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        """Every address it was sent to: To, Cc, then Delivered-To/X-Original-To."""
        return list(dict.fromkeys(self.to + self.cc + self.delivered_to))

    @property
    def thread_refs(self) -> list[str]:
        """The Message-IDs it answers, the most telling first: In-Reply-To, then References
        newest first (RFC 5322 lists References oldest first)."""
        return list(dict.fromkeys(self.in_reply_to + self.references[::-1]))


def parse(raw: bytes) -> ParsedEmail:
    """Read a raw RFC 5322 message. Raises Unparseable if it is not one at all."""
    if not raw.strip():
        raise Unparseable("The message is empty.")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; this is its own failure
        raise Unparseable(f"The message cannot be read as MIME: {exc}.") from exc
    if not message.keys():
        raise Unparseable(
            "Not an RFC 5322 message: it does not start with header fields (From:, To:, …)."
        )
    try:
        body = read_body(message)
    except RecursionError:
        body = Body(defects=["MIME structure too deep to read"])
    return assemble(
        Headers(message.raw_items()),
        body,
        content_type=message.get_content_type(),
    )


def assemble(
    headers: Headers,
    body: Body,
    *,
    content_type: str | None = None,
    from_field: str | None = None,
    subject: str | None = None,
    stripped_text: str | None = None,
) -> ParsedEmail:
    """A ParsedEmail from header fields and a body; a provider's own decoded From and subject
    and its own quote-stripped text win over what the headers say."""
    senders = Headers([("from", from_field)]).addresses("from") if from_field else []
    senders = senders or headers.addresses("from")
    from_name, from_address = senders[0] if senders else ("", None)
    new_text = clean(stripped_text or "").strip() or (strip_reply(body.text) if body.text else "")
    return ParsedEmail(
        from_address=from_address,
        from_name=from_name or None,
        other_senders=[address for _, address in headers.addresses("sender", "return-path")],
        to=[address for _, address in headers.addresses("to")],
        cc=[address for _, address in headers.addresses("cc")],
        delivered_to=[address for _, address in headers.addresses("delivered-to", "x-original-to")],
        subject=clean(subject) if subject is not None else headers.text("subject"),
        message_id=headers.message_id(),
        in_reply_to=headers.message_ids("in-reply-to"),
        references=headers.message_ids("references"),
        date=headers.date(),
        text=body.text,
        new_text=new_text,
        from_html=body.from_html,
        attachments=body.attachments,
        no_auto_reply=autoreply.verdict(headers, from_address, content_type),
        defects=body.defects,
    )


def provider_body(plain: str | None, html: str | None, attachments: list[Attachment]) -> Body:
    """The Body of a provider's parsed post: its plain text, else its HTML made readable."""
    plain, html = clean(plain or ""), clean(html or "")
    if plain.strip():
        return Body(text=plain.strip(), attachments=attachments)
    if html.strip():
        return Body(text=html_to_text(html), from_html=True, attachments=attachments)
    return Body(attachments=attachments)
