"""How the console shows things: customer text made inert for Markdown, times in the
workspace's zone, names, and the badges of the inbox."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from data.addresses import format_phone
from data.clock import as_utc, utcnow
from data.vocab import ChannelKind, ConversationStatus, label

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it leaves no
# emphasis, link, image, HTML tag, Streamlit directive (":red[...]") or LaTeX ("$") intact.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

# What a URL keeps as is in `safe_link`: RFC 3986's reserved and unreserved characters and
# "%", but not the sub-delimiters "(", ")", "'" and "*", which Markdown reads.
_URL_SAFE = ":/?#[]@!$&+,;=%~-._"

CHANNEL_BADGES = {
    ChannelKind.SMS: ":blue-badge[SMS]",
    ChannelKind.WHATSAPP: ":green-badge[WhatsApp]",
    ChannelKind.WEBCHAT: ":violet-badge[Web Chat]",
    ChannelKind.EMAIL: ":orange-badge[Email]",
    ChannelKind.VOICE: ":gray-badge[Voice]",
}

STATUS_BADGES = {
    ConversationStatus.ACTIVE: ":green-badge[Active]",
    ConversationStatus.ESCALATED: ":red-badge[:material/priority_high: Escalated]",
    ConversationStatus.CLOSED: ":gray-badge[Closed]",
}

TEMPERATURE_BADGES = {
    "hot": ":red-badge[HOT]",
    "warm": ":orange-badge[WARM]",
    "cool": ":blue-badge[COOL]",
    "cold": ":gray-badge[COLD]",
}


def inert(text: str | None) -> str:
    """`text` (from a customer, or anyone) for a Markdown context: shown exactly as typed.
    Line breaks become spaces: labels and captions are one line."""
    flat = " ".join((text or "").split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def customer_name(name: str | None, phone: str | None, email: str | None) -> str:
    """A contact as the inbox names them: name, else formatted phone, else email."""
    if name and name.strip():
        return name.strip()
    if phone:
        return format_phone(phone)
    if email:
        return email
    return "Web visitor"


def relative(at: datetime, now: datetime | None = None) -> str:
    """ "just now", "5m", "3h", "2d", or a date for older activity."""
    seconds = int((as_utc(now or utcnow()) - as_utc(at)).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    return as_utc(at).strftime("%d %b")


def local_time(at: datetime, timezone: str, with_date: bool = True) -> str:
    """A moment in the workspace's time zone, e.g. "Tue 3 Nov, 14:05"."""
    local = as_utc(at).astimezone(ZoneInfo(timezone))
    if not with_date:
        return local.strftime("%H:%M")
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def channel_badge(channel: str) -> str:
    return CHANNEL_BADGES.get(channel, f":gray-badge[{inert(label(channel))}]")


def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, f":gray-badge[{inert(label(status))}]")


def duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


def safe_link(url: str | None) -> str | None:
    """A link the console may offer, ready for a Markdown link's parentheses: http(s) only (no
    javascript:, data: or file:), and every character that could end the link or start
    Markdown or HTML (parentheses, quotes, angle brackets, backslashes…) percent-encoded, so a
    URL like `https://x/a)![i](https://evil/x.png)` stays one link and never an image."""
    if url and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return quote(url, safe=_URL_SAFE)
    return None
