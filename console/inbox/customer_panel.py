"""The right column: who the customer is (editable, validated), their lead status and
temperature, previous calls, appointments and notes."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import TEMPERATURE_BADGES, duration, inert, local_time, safe_link
from console.inbox.appointments_panel import appointments_panel
from console.pages import acting
from data import calls, contacts, notes
from data.db import session_scope
from data.models import Contact, Workspace
from data.vocab import LeadStatus, LeadTemperature, label

LEAD_STATUSES = [str(s) for s in LeadStatus]
TEMPERATURES = [str(t) for t in LeadTemperature]


def _contact(session: Session, user: SignedIn, contact_id: int) -> Contact:
    contact = contacts.get(session, user.workspace_id, contact_id)
    if contact is None:
        raise LookupError("That customer no longer exists.")
    return contact


def _details(user: SignedIn, contact: Contact) -> None:
    cid = contact.id
    for field in ("name", "phone", "email"):
        actions.sync(f"contact.{field}.{cid}", getattr(contact, field) or "")
    with st.form(f"contact.{cid}", border=False):
        name = st.text_input("Name", key=f"contact.name.{cid}")
        phone = st.text_input("Phone", key=f"contact.phone.{cid}")
        email = st.text_input("Email", key=f"contact.email.{cid}")
        saved = st.form_submit_button("Save details")
    if saved:
        changes = {"name": name, "phone": phone, "email": email}
        actions.run(
            lambda s: contacts.update_details(s, _contact(s, user, cid), changes, user.actor),
            done="Customer details saved.",
        )


def _set_status(user: SignedIn, contact_id: int, conversation_id: int) -> None:
    if (now := acting(user, "inbox")) is None:
        return
    user = now
    status = st.session_state[f"lead.status.{contact_id}"]
    actions.run(
        lambda s: contacts.set_lead_status(
            s, _contact(s, user, contact_id), status, user.actor, conversation_id
        ),
        done=f"Lead status: {label(status)}.",
        rerun=False,
    )


def _set_temperature(user: SignedIn, contact_id: int, conversation_id: int) -> None:
    if (now := acting(user, "inbox")) is None:
        return
    user = now
    temperature = st.session_state[f"lead.temperature.{contact_id}"]
    actions.run(
        lambda s: contacts.set_lead_temperature(
            s,
            _contact(s, user, contact_id),
            temperature,
            user.actor,
            "set by hand",
            conversation_id,
        ),
        done=f"Lead temperature: {label(temperature)}.",
        rerun=False,
    )


def _lead(user: SignedIn, contact: Contact, conversation_id: int) -> None:
    # Changes are written from on_change callbacks only: a value the pipeline changed
    # meanwhile is shown (sync), never written back.
    cid = contact.id
    actions.sync(f"lead.status.{cid}", contact.lead_status)
    actions.sync(f"lead.temperature.{cid}", contact.lead_temperature)
    st.selectbox(
        "Lead status",
        LEAD_STATUSES,
        format_func=label,
        key=f"lead.status.{cid}",
        on_change=_set_status,
        args=(user, cid, conversation_id),
    )
    st.selectbox(
        "Lead temperature",
        TEMPERATURES,
        format_func=label,
        key=f"lead.temperature.{cid}",
        on_change=_set_temperature,
        args=(user, cid, conversation_id),
    )
    badge = TEMPERATURE_BADGES.get(contact.lead_temperature, "")
    with st.container():  # one or two elements: the forms below stay where they are
        if contact.lead_temperature_manual:
            st.caption(f"{badge} set by hand: automatic scoring leaves it alone.")
            if st.button("Let scoring decide", key=f"lead.auto.{cid}"):
                actions.run(
                    lambda s: contacts.clear_manual_temperature(
                        s, _contact(s, user, cid), user.actor
                    ),
                    done="Lead temperature is scored automatically again.",
                )
        else:
            st.caption(f"{badge} scored automatically from the conversation.")


def _calls(workspace: Workspace, contact: Contact) -> None:
    with session_scope() as session:
        previous = calls.for_contact(session, workspace.id, contact.id)[:10]
    if not previous:
        st.caption("No calls.")
    for call in previous:
        line = (
            f"{local_time(call.started_at, workspace.timezone)} · "
            f"{'in' if call.direction == 'inbound' else 'out'} · {inert(label(call.status))}"
        )
        length = duration(call.duration_seconds)
        recording = safe_link(call.recording_url)
        st.markdown(
            line
            + (f" · {length}" if length else "")
            + (f" · [Recording]({recording})" if recording else "")
        )


def _notes(user: SignedIn, workspace: Workspace, contact: Contact, conversation_id: int) -> None:
    cid = contact.id
    body_key = f"note.body.{cid}"
    with st.form(f"note.{cid}", border=False):
        body = st.text_area("New note", key=body_key, height=80)
        added = st.form_submit_button("Add note")
    if added:
        actions.run(
            lambda s: notes.add(s, _contact(s, user, cid), body, user.actor, conversation_id),
            done="Note added.",
            clear=(body_key,),
        )
    with session_scope() as session:
        written = notes.with_authors(session, workspace.id, cid)
    for note, author in written:
        with st.container(border=True):
            st.caption(f"{inert(author)} · {local_time(note.created_at, workspace.timezone)}")
            st.text(note.body)


def customer_panel(
    user: SignedIn, workspace: Workspace, contact: Contact, conversation_id: int
) -> None:
    st.subheader("Customer")
    # Whatever comes and goes with the customer's state sits in a container, so a live redraw
    # doesn't remount the forms below it (which took the focus out of a note being typed).
    with st.container():
        if contact.opted_out:
            st.error(
                f"Opted out ({inert(contact.opted_out_keyword or 'opt-out')})",
                icon=":material/block:",
            )
    _details(user, contact)
    _lead(user, contact, conversation_id)
    with st.expander("Previous calls", expanded=False):
        _calls(workspace, contact)
    with st.expander("Appointments", expanded=True):
        appointments_panel(user, workspace, contact, conversation_id)
    with st.expander("Notes", expanded=True):
        _notes(user, workspace, contact, conversation_id)
