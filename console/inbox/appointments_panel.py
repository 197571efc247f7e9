"""Appointments in the customer panel: upcoming and past, add, reschedule and cancel. Times
are entered and shown in the workspace's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import inert, local_time
from data import appointments, contacts
from data.clock import as_utc, utcnow
from data.db import session_scope
from data.models import Appointment, Contact, Workspace
from data.vocab import AppointmentStatus, label

DURATIONS = [30, 60, 90, 120, 180, 240]


def _utc(day: date, at: time, timezone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def _appointment(session: Session, user: SignedIn, appointment_id: int) -> Appointment:
    appointment = appointments.get(session, user.workspace_id, appointment_id)
    if appointment is None:
        raise LookupError("That appointment no longer exists.")
    return appointment


def _add_form(user: SignedIn, workspace: Workspace, contact: Contact, conversation_id: int) -> None:
    cid = contact.id
    tomorrow = (utcnow().astimezone(ZoneInfo(workspace.timezone)) + timedelta(days=1)).date()
    with st.form(f"appointment.add.{cid}", border=False):
        title = st.text_input("Title", value="Appointment", key=f"appointment.title.{cid}")
        # Two to a row: the right panel is narrow, and three inputs cut the date short.
        left, right = st.columns(2)
        day = left.date_input("Day", value=tomorrow, key=f"appointment.day.{cid}")
        at = right.time_input("Time", value=time(9, 0), step=900, key=f"appointment.time.{cid}")
        minutes = st.selectbox("Minutes", DURATIONS, index=1, key=f"appointment.minutes.{cid}")
        added = st.form_submit_button("Add appointment")
    if added:
        starts = _utc(day, at, workspace.timezone)

        def book(session: Session) -> None:
            contact_now = contacts.get(session, user.workspace_id, cid)
            if contact_now is None:
                raise LookupError("That customer no longer exists.")
            appointments.book(
                session,
                contact_now,
                starts,
                starts + timedelta(minutes=minutes),
                user.actor,
                title=title,
                conversation_id=conversation_id,
            )

        actions.run(book, done=f"Booked {local_time(starts, workspace.timezone)}.")


def _change_form(user: SignedIn, workspace: Workspace, appointment: Appointment) -> None:
    aid = appointment.id
    local = as_utc(appointment.starts_at).astimezone(ZoneInfo(workspace.timezone))
    length = as_utc(appointment.ends_at) - as_utc(appointment.starts_at)
    with st.popover("Change", icon=":material/edit_calendar:"):
        day = st.date_input("Day", value=local.date(), key=f"appointment.move.day.{aid}")
        at = st.time_input("Time", value=local.time(), step=900, key=f"appointment.move.time.{aid}")
        if st.button("Reschedule", key=f"appointment.move.{aid}", type="primary"):
            starts = _utc(day, at, workspace.timezone)
            actions.run(
                lambda s: appointments.reschedule(
                    s, _appointment(s, user, aid), starts, starts + length, user.actor
                ),
                done=f"Moved to {local_time(starts, workspace.timezone)}.",
            )
        if st.button("Cancel appointment", key=f"appointment.cancel.{aid}"):
            actions.run(
                lambda s: appointments.set_status(
                    s, _appointment(s, user, aid), AppointmentStatus.CANCELLED, user.actor
                ),
                done="Appointment cancelled.",
            )


def _line(appointment: Appointment, timezone: str) -> str:
    status = (
        ""
        if appointment.status == AppointmentStatus.BOOKED
        else f" · {inert(label(appointment.status))}"
    )
    when = local_time(appointment.starts_at, timezone)
    return f"**{inert(appointment.title)}** · {when}{status}"


def appointments_panel(
    user: SignedIn, workspace: Workspace, contact: Contact, conversation_id: int
) -> None:
    with session_scope() as session:
        booked = appointments.for_contact(session, workspace.id, contact.id)
    now = utcnow()
    upcoming = [a for a in booked if as_utc(a.ends_at) >= now]
    past = [a for a in booked if as_utc(a.ends_at) < now]
    st.caption("Upcoming" if upcoming else "No upcoming appointments.")
    for appointment in sorted(upcoming, key=lambda a: as_utc(a.starts_at)):
        st.markdown(_line(appointment, workspace.timezone))
        if appointment.status == AppointmentStatus.BOOKED:
            _change_form(user, workspace, appointment)
    if past:
        st.caption("Past")
        for appointment in sorted(past, key=lambda a: as_utc(a.starts_at), reverse=True)[:10]:
            st.markdown(_line(appointment, workspace.timezone))
    _add_form(user, workspace, contact, conversation_id)
