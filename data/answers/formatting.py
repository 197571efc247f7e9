"""A reply shaped for its channel: SMS kept to a few segments, WhatsApp and web chat as plain
text, email with a greeting and a signature."""

from __future__ import annotations

import re

from data import sms
from data.vocab import ChannelKind

#: WhatsApp's limit for a free-form message body.
WHATSAPP_MAX = 1600
_MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+)", re.MULTILINE)


def plain(text: str) -> str:
    """Markdown emphasis and list markers removed, runs of blank lines squeezed."""
    text = _MARKDOWN.sub("", text or "")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def for_channel(
    text: str, channel: str, business_name: str, customer_name: str | None = None
) -> str:
    body = plain(text)
    if channel == ChannelKind.SMS:
        return sms.fit(re.sub(r"\s*\n\s*", " ", body))
    if channel == ChannelKind.WHATSAPP:
        return body[:WHATSAPP_MAX]
    if channel == ChannelKind.EMAIL:
        first = (customer_name or "").split()[0] if customer_name else ""
        greeting = f"Hi {first}," if first else "Hello,"
        return (
            f"{greeting}\n\n{body}\n\nBest regards,\n{business_name}\n"
            "(This reply was written by our assistant. Reply to this email to reach the team.)"
        )
    return body


def email_subject(subject: str | None) -> str | None:
    """The subject of a reply in an email thread."""
    if not subject:
        return None
    return subject if re.match(r"^\s*re\s*:", subject, re.IGNORECASE) else f"Re: {subject}"
