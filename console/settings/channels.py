"""The workspace's channels: every address customers reach it on, the forms to set the AI
number, the WhatsApp sender and the email address, and the web-chat widget with the snippet
a website pastes."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import channel_badge, inert
from console.settings.saving import apply
from data import channels as channel_settings
from data import webchat, workspaces
from data.addresses import format_phone
from data.db import session_scope
from data.models import Channel
from data.vocab import PHONE_CHANNELS, ChannelKind, label

_FORMS = (
    (ChannelKind.SMS, "AI number", "Customers text and call it; the AI answers from it."),
    (ChannelKind.WHATSAPP, "WhatsApp sender", "Your Twilio WhatsApp sender's number."),
    (ChannelKind.EMAIL, "Email address", "Where customers email you; replies come from it."),
)


def _address(channel: Channel) -> str:
    return format_phone(channel.address) if channel.kind in PHONE_CHANNELS else channel.address


def _listing(found: list[Channel]) -> None:
    st.subheader("Channels")
    if not found:
        st.caption("No channels yet: add the AI number, WhatsApp sender or email address below.")
    for channel in found:
        state = "" if channel.active else " :gray-badge[Off]"
        st.markdown(
            f"{channel_badge(channel.kind)} **{inert(_address(channel))}** · "
            f"{inert(label(channel.provider))}{state}"
        )


def _address_form(me: SignedIn, kind: str, title: str, hint: str, current: Channel | None) -> None:
    form = f"settings.channel.{kind}"
    providers = channel_settings.SETTABLE_ADDRESSES[kind]
    actions.sync(f"{form}.address", current.address if current else "")
    stored_provider = current.provider if current and current.provider in providers else None
    actions.sync(f"{form}.provider", stored_provider or providers[0])
    with st.form(form):
        st.markdown(f"**{title}**")
        st.text_input(title, key=f"{form}.address", help=hint, label_visibility="collapsed")
        if len(providers) > 1:
            st.selectbox(
                "Comes through",
                providers,
                format_func=label,
                key=f"{form}.provider",
                help="The service that forwards this address's mail to the inbox.",
            )
        saved = st.form_submit_button("Save", type="secondary")
    if saved:
        address = st.session_state[f"{form}.address"]
        provider = st.session_state[f"{form}.provider"]
        apply(
            lambda s: channel_settings.set_channel_address(
                s, workspaces.get(s, me.workspace_id), kind, address, me.actor, provider
            ),
            title,
        )


def _origins_typed(key: str) -> list[str]:
    return str(st.session_state.get(key) or "").splitlines()


def _widget(me: SignedIn, widget: Channel | None) -> None:
    st.subheader("Web-chat widget")
    if widget is None:
        with st.form("settings.widget.new"):
            st.caption("No widget yet. Name the websites it will be on (one a line).")
            st.text_area(
                "Websites", key="settings.widget.new.origins", placeholder="https://www.example.com"
            )
            created = st.form_submit_button("Create the widget", type="primary")
        if created:
            origins = _origins_typed("settings.widget.new.origins")
            actions.run(
                lambda s: webchat.create_widget(
                    s, workspaces.get(s, me.workspace_id), origins, me.actor
                ),
                done="Widget created: paste its snippet into your website.",
                clear=("settings.widget.new.origins",),
            )
        return
    st.caption(
        f"Widget key: `{inert(widget.address)}`. Paste this into every page of your website:"
    )
    st.code(webchat.embed_snippet(widget.address), language="html")
    key = "settings.widget.origins"
    actions.sync(key, "\n".join(webchat.allowed_origins(widget)))
    with st.form("settings.widget"):
        st.text_area(
            "Websites that may use the widget",
            key=key,
            help="One a line, like https://www.example.com: the widget refuses any other site.",
        )
        saved = st.form_submit_button("Save websites", type="secondary")
    if saved:
        origins = _origins_typed(key)

        def change(session: Session) -> bool:
            channel = workspaces.channel_for(session, me.workspace_id, ChannelKind.WEBCHAT)
            if channel is None:
                raise LookupError("The widget no longer exists.")
            return webchat.set_allowed_origins(session, channel, origins, me.actor)

        apply(change, "Websites")


def channels(me: SignedIn) -> None:
    with session_scope() as session:
        found = workspaces.channels(session, me.workspace_id)
        current = {
            kind: workspaces.channel_for(session, me.workspace_id, kind)
            for kind in (*channel_settings.SETTABLE_ADDRESSES, ChannelKind.WEBCHAT)
        }
    _listing(found)
    columns = st.columns(len(_FORMS))
    for column, (kind, title, hint) in zip(columns, _FORMS, strict=True):
        with column:
            _address_form(me, kind, title, hint, current[kind])
    _widget(me, current[ChannelKind.WEBCHAT])
