"""Contacts: finding or creating a customer from an inbound address, their details, opt-out
state and lead status/temperature. Every change writes an Event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from data import events
from data.addresses import InvalidAddress, normalize_email, normalize_phone
from data.clock import utcnow
from data.db import insert_returning
from data.events import Actor
from data.models import Contact, Event
from data.search import ESCAPE, clean_term, contains_pattern
from data.vocab import EventKind, LeadStatus, LeadTemperature

#: Set (True) in `session.info` by a caller that changes many contacts in one transaction
#: and does not read them back from the database meanwhile (the pipeline's chunks): a
#: change's Event then waits for the transaction's next flush instead of flushing at once.
BATCHED = "contacts.batched"


class InvalidContact(ValueError):
    """A contact change that cannot be made; the message says why."""


def get(session: Session, workspace_id: int, contact_id: int) -> Contact | None:
    # session.get: a contact this session already holds costs no query.
    contact = session.get(Contact, contact_id)
    return contact if contact is not None and contact.workspace_id == workspace_id else None


#: The columns a contact is found by (each unique in a workspace).
ADDRESS_COLUMNS = {
    "phone": Contact.phone,
    "email": Contact.email,
    "visitor_id": Contact.visitor_id,
}

# One statement per address field, built once: every inbound message looks its sender up.
_BY_ADDRESS = {
    field: select(Contact).where(
        Contact.workspace_id == bindparam("workspace_id"), column == bindparam("value")
    )
    for field, column in ADDRESS_COLUMNS.items()
}


def by_address(session: Session, workspace_id: int, field: str, value: str) -> Contact | None:
    """The workspace's contact that has `value` as its `field`: phone, email or visitor id."""
    return session.exec(
        _BY_ADDRESS[field], params={"workspace_id": workspace_id, "value": value}
    ).first()


def _find(
    session: Session,
    workspace_id: int,
    phone: str | None,
    email: str | None,
    visitor_id: str | None,
) -> Contact | None:
    for field, value in (("phone", phone), ("email", email), ("visitor_id", visitor_id)):
        found = by_address(session, workspace_id, field, value) if value else None
        if found is not None:
            return found
    return None


def find_or_create(
    session: Session,
    workspace_id: int,
    *,
    phone: str | None = None,
    email: str | None = None,
    visitor_id: str | None = None,
    name: str | None = None,
) -> tuple[Contact, bool]:
    """The contact with any of these (already normalised) addresses, created if none has
    them; returns (contact, created). A known contact gains a name or address it lacked."""
    if not (phone or email or visitor_id):
        raise InvalidContact("A contact needs a phone number, an email or a visitor id.")
    contact = _find(session, workspace_id, phone, email, visitor_id)
    # A concurrent request may create the same contact: the unique indexes decide, and the
    # loser (nothing inserted) finds the winner's row. A second round only if that row was
    # deleted in between.
    for _ in range(2):
        if contact is not None:
            break
        new = Contact(
            workspace_id=workspace_id, phone=phone, email=email, visitor_id=visitor_id, name=name
        )
        created = insert_returning(session, new, skip_conflicts=True)
        if created is not None:
            return created, True
        contact = _find(session, workspace_id, phone, email, visitor_id)
    if contact is None:
        raise InvalidContact("The contact could neither be created nor found; retry.")
    add_missing_details(
        session, contact, phone=phone, email=email, visitor_id=visitor_id, name=name
    )
    return contact, False


def add_missing_details(session: Session, contact: Contact, **values: str | None) -> None:
    """Give the contact a name or address it lacks; one that belongs to another contact of
    the workspace is left out (a person decides on merging, not an inbound message)."""
    for field, value in values.items():
        if not value or getattr(contact, field):
            continue
        if field != "name" and by_address(session, contact.workspace_id, field, value):
            continue  # that address already belongs to another contact
        setattr(contact, field, value.strip() if field == "name" else value)
        contact.updated_at = utcnow()
    session.add(contact)


def _changed(
    session: Session,
    contact: Contact,
    kind: EventKind,
    actor: Actor,
    data: dict[str, Any],
    conversation_id: int | None = None,
) -> None:
    """Persist a change to `contact` and its Event."""
    contact.updated_at = utcnow()
    session.add(contact)
    if not session.info.get(BATCHED):
        events.record(
            session,
            contact.workspace_id,
            kind,
            actor,
            contact_id=contact.id,
            conversation_id=conversation_id,
            data=data,
        )
        return
    # The Event is added without the flush `events.record` makes to give it an id (nothing
    # here reads the id): the transaction's next flush writes it, in the order it was added,
    # together with the other changes pending then instead of one statement at a time.
    session.add(
        Event(
            workspace_id=contact.workspace_id,
            conversation_id=conversation_id,
            contact_id=contact.id,
            kind=str(kind),
            actor_kind=str(actor.kind),
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            data=data,
        )
    )


def update_details(
    session: Session, contact: Contact, changes: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """Edit name, phone or email (validated, unique in the workspace); one Event."""
    allowed = {"name", "phone", "email"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidContact(f"Cannot edit {', '.join(sorted(unknown))} here.")
    clean: dict[str, Any] = {}
    for field, raw in changes.items():
        value = (raw or "").strip() or None
        try:
            if value and field == "phone":
                value = normalize_phone(value)
            elif value and field == "email":
                value = normalize_email(value)
        except InvalidAddress as exc:
            raise InvalidContact(str(exc)) from exc
        if value and field != "name":
            other = by_address(session, contact.workspace_id, field, value)
            if other is not None and other.id != contact.id:
                raise InvalidContact(f"Another contact already has {value}.")
        clean[field] = value
    changed = {
        k: {"from": getattr(contact, k), "to": v}
        for k, v in clean.items()
        if getattr(contact, k) != v
    }
    if all(clean.get(k, getattr(contact, k)) is None for k in ("phone", "email", "visitor_id")):
        raise InvalidContact("A contact needs a phone number, an email or a web-chat session.")
    if changed:
        for field, change in changed.items():
            setattr(contact, field, change["to"])
        _changed(session, contact, EventKind.CONTACT_UPDATED, actor, {"changes": changed})
    return changed


def opt_out(
    session: Session,
    contact: Contact,
    *,
    keyword: str,
    channel: str,
    actor: Actor,
    conversation_id: int | None = None,
) -> bool:
    """Record that the contact revoked consent (a STOP keyword or plain words); returns
    False when they were already opted out."""
    if contact.opted_out_at is not None:
        return False
    contact.opted_out_at = utcnow()
    contact.opted_out_keyword = keyword[:200]
    contact.opted_out_channel = channel
    _changed(
        session,
        contact,
        EventKind.OPTED_OUT,
        actor,
        {"keyword": keyword[:200], "channel": channel},
        conversation_id,
    )
    return True


def opt_in(
    session: Session,
    contact: Contact,
    *,
    keyword: str,
    channel: str,
    actor: Actor,
    conversation_id: int | None = None,
) -> bool:
    """Re-subscribe an opted-out contact (START); returns False when they were not out."""
    if contact.opted_out_at is None:
        return False
    previous = contact.opted_out_keyword
    contact.opted_out_at = None
    contact.opted_out_keyword = None
    contact.opted_out_channel = None
    _changed(
        session,
        contact,
        EventKind.OPTED_IN,
        actor,
        {"keyword": keyword[:200], "channel": channel, "was": previous},
        conversation_id,
    )
    return True


def set_lead_status(
    session: Session,
    contact: Contact,
    status: str,
    actor: Actor,
    conversation_id: int | None = None,
) -> bool:
    """Move the lead to `status` (any status may follow any other: people correct mistakes)."""
    if status not in set(LeadStatus):
        raise InvalidContact(f"Lead status must be one of {', '.join(LeadStatus)}.")
    if contact.lead_status == status:
        return False
    previous = contact.lead_status
    contact.lead_status = status
    _changed(
        session,
        contact,
        EventKind.LEAD_STATUS_CHANGED,
        actor,
        {"from": previous, "to": status},
        conversation_id,
    )
    return True


def set_lead_temperature(
    session: Session,
    contact: Contact,
    temperature: str,
    actor: Actor,
    reason: str = "",
    conversation_id: int | None = None,
) -> bool:
    """Set the lead temperature. A person's choice is sticky: automatic scoring leaves it
    alone until someone clears it with `clear_manual_temperature`."""
    if temperature not in set(LeadTemperature):
        raise InvalidContact(f"Lead temperature must be one of {', '.join(LeadTemperature)}.")
    if not actor.is_person and contact.lead_temperature_manual:
        return False
    manual_before = contact.lead_temperature_manual
    if contact.lead_temperature == temperature and manual_before == actor.is_person:
        return False
    previous = contact.lead_temperature
    contact.lead_temperature = temperature
    contact.lead_temperature_manual = actor.is_person
    _changed(
        session,
        contact,
        EventKind.LEAD_TEMPERATURE_CHANGED,
        actor,
        {"from": previous, "to": temperature, "manual": actor.is_person, "reason": reason},
        conversation_id,
    )
    return True


def clear_manual_temperature(session: Session, contact: Contact, actor: Actor) -> bool:
    """Hand the temperature back to automatic scoring."""
    if not contact.lead_temperature_manual:
        return False
    contact.lead_temperature_manual = False
    _changed(
        session,
        contact,
        EventKind.LEAD_TEMPERATURE_CHANGED,
        actor,
        {
            "from": contact.lead_temperature,
            "to": contact.lead_temperature,
            "manual": False,
            "reason": "manual choice cleared",
        },
    )
    return True


def search(session: Session, workspace_id: int, text: str, limit: int = 20) -> list[Contact]:
    """Contacts whose name, phone or email contains `text` (case-insensitive)."""
    if text.strip() and not clean_term(text):
        return []
    pattern = contains_pattern(text)
    return list(
        session.exec(
            select(Contact)
            .where(
                Contact.workspace_id == workspace_id,
                or_(
                    col(Contact.name).ilike(pattern, escape=ESCAPE),
                    col(Contact.phone).ilike(pattern, escape=ESCAPE),
                    col(Contact.email).ilike(pattern, escape=ESCAPE),
                ),
            )
            .order_by(col(Contact.updated_at).desc())
            .limit(limit)
        )
    )
