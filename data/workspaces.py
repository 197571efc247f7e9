"""Workspaces and their channels: creating them, routing inbound traffic by the address it was
sent to, per-workspace settings (auto-reply switches, hours) and their change Events."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from data import events
from data.addresses import InvalidAddress, normalize_email, normalize_phone
from data.events import Actor
from data.models import Channel, Workspace
from data.transaction_cache import flushing_only_for, remembered_rows
from data.vocab import PHONE_CHANNELS, REPLYABLE_CHANNELS, ChannelKind, EventKind

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class WorkspaceNotFound(LookupError):
    """No workspace matches; the message says which exist."""


class InvalidSetting(ValueError):
    """A workspace setting that cannot be stored; the message says why."""


def get(session: Session, workspace_id: int) -> Workspace:
    with flushing_only_for(session, Workspace):  # other rows' pending changes can wait
        workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise WorkspaceNotFound(f"No workspace with id {workspace_id}.")
    return workspace


def by_slug(session: Session, slug: str) -> Workspace | None:
    return session.exec(select(Workspace).where(Workspace.slug == slug)).first()


def all_workspaces(session: Session) -> list[Workspace]:
    return list(session.exec(select(Workspace).order_by(col(Workspace.id))))


def resolve(session: Session, slug: str | None) -> Workspace:
    """The workspace a command means: the named one, or the only one when none is named."""
    if slug:
        workspace = by_slug(session, slug)
        if workspace is None:
            known = ", ".join(w.slug for w in all_workspaces(session)) or "none yet"
            raise WorkspaceNotFound(f"No workspace {slug!r} (workspaces: {known}).")
        return workspace
    workspaces = all_workspaces(session)
    if not workspaces:
        raise WorkspaceNotFound("There is no workspace yet: run `inbox demo` to create one.")
    if len(workspaces) > 1:
        known = ", ".join(w.slug for w in workspaces)
        raise WorkspaceNotFound(f"Several workspaces exist ({known}): pass --workspace.")
    return workspaces[0]


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidSetting(f"{name!r} is not a time zone (try 'America/Chicago').") from exc
    return name


def validate_business_hours(hours: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Hours as {"mon": [["08:00", "17:00"]], ...}: every weekday present, ranges in order."""
    clean: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        ranges = hours.get(day, [])
        if not isinstance(ranges, list):
            raise InvalidSetting(f"Hours for {day} must be a list of [open, close] pairs.")
        clean[day] = []
        for pair in ranges:
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                raise InvalidSetting(f"Hours for {day} must be [open, close] pairs.")
            start, end = (str(pair[0]), str(pair[1]))
            if not (_HHMM.match(start) and _HHMM.match(end)):
                raise InvalidSetting(f"Hours for {day} must be HH:MM (got {start}-{end}).")
            if start >= end:
                raise InvalidSetting(
                    f"On {_DAY_NAMES[day]}, closing ({end}) must be after opening ({start})."
                )
            clean[day].append([start, end])
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise InvalidSetting(f"Unknown weekday keys: {', '.join(sorted(unknown))}.")
    return clean


def create(session: Session, slug: str, name: str, **settings: Any) -> Workspace:
    """A new workspace; settings are Workspace fields (validated like `update_settings`)."""
    if not _SLUG.match(slug):
        raise InvalidSetting("A workspace slug is lower-case letters, digits and dashes.")
    if by_slug(session, slug) is not None:
        raise InvalidSetting(f"Workspace {slug!r} already exists.")
    workspace = Workspace(slug=slug, name=name)
    _apply(workspace, settings)
    session.add(workspace)
    session.flush()
    return workspace


_EDITABLE = {
    "name",
    "timezone",
    "business_hours",
    "after_hours_note",
    "help_text",
    "holding_reply",
    "sms_allowance",
    "alert_phone",
    "alert_email",
    "auto_reply_sms",
    "auto_reply_whatsapp",
    "auto_reply_webchat",
    "auto_reply_email",
    "negative_sentiment_threshold",
    "sentiment_trend_threshold",
    "cold_after_days",
    "reminder_hours",
    "follow_up_days",
    "quiet_hours_start",
    "quiet_hours_end",
    "email_auto_replies_per_day",
}

#: Whole-number settings: (lowest, highest, what the number is, in words for the owner).
_COUNTS = {
    "sms_allowance": (0, 10_000_000, "The SMS allowance"),
    "cold_after_days": (1, 365, "Days before a silent lead turns cold"),
    "reminder_hours": (1, 168, "Hours before a visit for the reminder"),
    "follow_up_days": (1, 60, "Days before a quote follow-up"),
    "email_auto_replies_per_day": (0, 50, "Automatic emails to one sender a day"),
}
#: Text settings and their column lengths: a longer value would fail only at the database
#: (PostgreSQL refuses it), so it is refused here with a sentence instead.
_TEXTS = {
    "name": (200, "The business name"),
    "after_hours_note": (1000, "The after-hours note"),
    "help_text": (320, "The HELP reply"),
    "holding_reply": (500, "The holding reply"),
}
_DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


def _apply(workspace: Workspace, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise InvalidSetting(f"Not a workspace setting: {', '.join(sorted(unknown))}.")
    clean = dict(changes)
    if "timezone" in clean:
        clean["timezone"] = validate_timezone(clean["timezone"])
    if "business_hours" in clean:
        clean["business_hours"] = validate_business_hours(clean["business_hours"])
    # An emptied alert address means "no alerts there": stored as None, not "".
    for key, normalise in (("alert_phone", normalize_phone), ("alert_email", normalize_email)):
        if key in clean:
            value = (clean[key] or "").strip()
            clean[key] = _checked(normalise, value) if value else None
    for key, (low, high, what) in _COUNTS.items():
        if key in clean:
            clean[key] = _count(clean[key], low, high, what)
    for key, (longest, what) in _TEXTS.items():
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
            if len(clean[key]) > longest:
                raise InvalidSetting(f"{what} is at most {longest} characters.")
    for key in ("quiet_hours_start", "quiet_hours_end"):
        if key in clean and not _HHMM.match(str(clean[key])):
            raise InvalidSetting(f"Quiet hours are HH:MM times (got {clean[key]!r}).")
    for key in ("negative_sentiment_threshold", "sentiment_trend_threshold"):
        if key in clean and not -1 <= float(clean[key]) <= 0:
            raise InvalidSetting("Sentiment thresholds are between -1 and 0.")
    if "name" in clean and not clean["name"]:
        raise InvalidSetting("The business name cannot be empty.")
    for key, value in clean.items():
        setattr(workspace, key, value)
    return clean


def _count(value: Any, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InvalidSetting(f"{what} must be a whole number.")
    if value < 0 and low == 0:
        raise InvalidSetting(f"{what} cannot be negative.")
    if not low <= value <= high:
        raise InvalidSetting(f"{what} must be between {low:,} and {high:,}.")
    return int(value)


def _checked(normalise: Any, value: str) -> str:
    try:
        return normalise(value)
    except InvalidAddress as exc:
        raise InvalidSetting(str(exc)) from exc


def update_settings(
    session: Session, workspace: Workspace, changes: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """Validate and apply `changes`; one settings_changed Event lists what changed."""
    before = {key: getattr(workspace, key) for key in changes if key in _EDITABLE}
    clean = _apply(workspace, changes)
    changed = {k: {"from": before.get(k), "to": v} for k, v in clean.items() if before.get(k) != v}
    if changed:
        session.add(workspace)
        events.record(
            session, workspace.id, EventKind.SETTINGS_CHANGED, actor, data={"changes": changed}
        )
    return changed


def auto_reply_enabled(workspace: Workspace, channel: str) -> bool:
    """Whether the AI answers on `channel` (the console's "SMS Replies" toggle is SMS's)."""
    if channel not in REPLYABLE_CHANNELS:
        return False
    return bool(getattr(workspace, f"auto_reply_{channel}"))


def set_auto_reply(
    session: Session, workspace: Workspace, channel: str, enabled: bool, actor: Actor
) -> bool:
    """Switch AI replies on `channel` on or off; returns whether anything changed."""
    if channel not in REPLYABLE_CHANNELS:
        raise InvalidSetting(f"AI replies cannot be switched for {channel!r}.")
    return bool(update_settings(session, workspace, {f"auto_reply_{channel}": enabled}, actor))


def normalize_channel_address(kind: str, address: str, default_region: str = "US") -> str:
    """The canonical form an address of channel `kind` is stored and routed by."""
    if kind in PHONE_CHANNELS:
        return normalize_phone(address, default_region)
    if kind == ChannelKind.EMAIL:
        return normalize_email(address)
    if kind == ChannelKind.WEBCHAT:
        key = (address or "").strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", key):
            raise InvalidAddress("A widget key is 8-64 letters, digits, '-' or '_'.")
        return key
    raise InvalidAddress(f"Unknown channel kind {kind!r}.")


def add_channel(
    session: Session,
    workspace: Workspace,
    kind: str,
    address: str,
    provider: str,
    label: str = "",
    config: dict[str, Any] | None = None,
) -> Channel:
    """Give the workspace an address on `kind`; an address routes to one workspace only."""
    if kind not in set(ChannelKind):
        raise InvalidSetting(f"Unknown channel kind {kind!r}.")
    try:
        normalised = normalize_channel_address(kind, address)
    except InvalidAddress as exc:
        raise InvalidSetting(str(exc)) from exc
    taken = session.exec(
        select(Channel).where(Channel.kind == kind, Channel.address == normalised)
    ).first()
    if taken is not None:
        raise InvalidSetting(f"{normalised} is already a {kind} address of a workspace.")
    channel = Channel(
        workspace_id=workspace.id,
        kind=kind,
        address=normalised,
        provider=provider,
        label=label,
        config=config or {},
    )
    session.add(channel)
    session.flush()
    return channel


#: The active channel of a kind at an address (parameters `kind`, `address`). Built once, since
#: every webhook routes and building a statement costs more than running a cached one;
#: `data.inbound` extends it with the duplicate check so both take one round trip.
ROUTE = select(Channel).where(
    Channel.kind == bindparam("kind"),
    Channel.address == bindparam("address"),
    col(Channel.active).is_(True),
)
#: A workspace's channels, oldest first (parameter `workspace_id`).
CHANNELS = (
    select(Channel)
    .where(Channel.workspace_id == bindparam("workspace_id"))
    .order_by(col(Channel.id))
)


def routable_address(kind: str, address: str) -> str | None:
    """`address` in the form channels of `kind` are stored by, or None if it cannot be one."""
    try:
        return normalize_channel_address(kind, address)
    except InvalidAddress:
        return None


def route_inbound(session: Session, kind: str, address: str) -> Channel | None:
    """The active channel that inbound traffic on `kind` sent to `address` belongs to."""
    normalised = routable_address(kind, address)
    if normalised is None:
        return None
    return session.exec(ROUTE, params={"kind": kind, "address": normalised}).first()


def channels(session: Session, workspace_id: int) -> list[Channel]:
    """Every channel of the workspace, oldest first, read once per transaction: a batch of
    replies asks for its sending address on each channel it answers on, and the email loop
    guard for all of them (one round trip instead of one per channel)."""
    return remembered_rows(
        session,
        Channel,
        workspace_id,
        lambda: session.exec(CHANNELS, params={"workspace_id": workspace_id}).all(),
    )


def channel_for(session: Session, workspace_id: int, kind: str) -> Channel | None:
    """The workspace's (first active) address on `kind`: where outbound messages come from."""
    return next((c for c in channels(session, workspace_id) if c.kind == kind and c.active), None)
