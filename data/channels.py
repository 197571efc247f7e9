"""A workspace's addresses as an owner sets them in Settings: the AI number (one number for
texts and calls), the WhatsApp sender and the email address, validated, unique across
workspaces, and recorded as settings_changed Events. (The web-chat widget's key and origins
are in `data.webchat`.)"""

from __future__ import annotations

from sqlmodel import Session, select

from data import events, workspaces
from data.addresses import InvalidAddress
from data.events import Actor
from data.models import Channel, Workspace
from data.settings import get_settings
from data.vocab import ChannelKind, EventKind, Provider
from data.vocab import label as label_of

#: The addresses an owner sets in Settings, by the kind named there, with the providers each
#: may come through. The AI number is one number for texts and calls: its `sms` and `voice`
#: channels change together.
SETTABLE_ADDRESSES: dict[str, tuple[str, ...]] = {
    ChannelKind.SMS: (Provider.TWILIO,),
    ChannelKind.WHATSAPP: (Provider.TWILIO,),
    ChannelKind.EMAIL: (Provider.MAILGUN, Provider.SENDGRID, Provider.SMTP),
}
_NAMES = {ChannelKind.SMS: "AI number", ChannelKind.WHATSAPP: "WhatsApp sender"}


def set_channel_address(
    session: Session,
    workspace: Workspace,
    kind: str,
    address: str,
    actor: Actor,
    provider: str | None = None,
) -> bool:
    """Make `address` the workspace's address on `kind` (its AI number for `sms`), changing
    the channel in place (conversations keep their history) or adding it if there is none.
    Refused if the address is not valid or another channel already has it. One
    settings_changed Event; returns whether anything changed."""
    if kind not in SETTABLE_ADDRESSES:
        raise workspaces.InvalidSetting(f"The {kind!r} address cannot be set here.")
    provider = provider or SETTABLE_ADDRESSES[kind][0]
    if provider not in SETTABLE_ADDRESSES[kind]:
        raise workspaces.InvalidSetting(
            f"{kind} addresses come through {', '.join(SETTABLE_ADDRESSES[kind])}."
        )
    try:
        normalised = workspaces.normalize_channel_address(
            kind, address, get_settings().default_region
        )
    except InvalidAddress as exc:
        raise workspaces.InvalidSetting(str(exc)) from exc
    kinds = (ChannelKind.SMS, ChannelKind.VOICE) if kind == ChannelKind.SMS else (kind,)
    current = {k: workspaces.channel_for(session, workspace.id, k) for k in kinds}
    # Every kind is checked before any is changed, so the AI number never half-moves.
    for k, channel in current.items():
        taken = session.exec(
            select(Channel).where(Channel.kind == k, Channel.address == normalised)
        ).first()
        if taken is not None and (channel is None or taken.id != channel.id):
            # Another workspace's address is not named: only that it is in use.
            raise workspaces.InvalidSetting(
                f"{normalised} is already the {label_of(k)} address of another channel."
            )
    before = {k: c.address if c else None for k, c in current.items()}
    primary = current[kind]
    unchanged = all(b == normalised for b in before.values())
    if unchanged and primary is not None and primary.provider == provider:
        return False
    for k, channel in current.items():
        if channel is None:
            channel = Channel(
                workspace_id=workspace.id,
                kind=k,
                address=normalised,
                provider=provider,
                label=_NAMES.get(kind, ""),
            )
        channel.address = normalised
        # The voice channel keeps its own provider (calls may come from a voice-AI system).
        if k == kind:
            channel.provider = provider
        session.add(channel)
    session.flush()
    events.record(
        session,
        workspace.id,
        EventKind.SETTINGS_CHANGED,
        actor,
        data={
            "channel": kind,
            "from": before[kind],
            "to": normalised,
            "provider": provider,
        },
    )
    return True
