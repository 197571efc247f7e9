"""The middle column's thread: every message with the customer on every channel, calls as
read-only transcripts, and escalations, takeovers and resumes inline. Customer text is
always shown with `st.text` (never Markdown or HTML)."""

from __future__ import annotations

import streamlit as st

from console.display import channel_badge, duration, inert, local_time, safe_link
from data.alerts import ALERT_PURPOSE
from data.models import Call, Event, Message
from data.thread import Thread, ThreadItem
from data.vocab import DeliveryStatus, Direction, EventKind, SenderKind, label

_STATUS_COLOURS = {
    DeliveryStatus.QUEUED: "gray",
    DeliveryStatus.SENDING: "gray",
    DeliveryStatus.SENT: "blue",
    DeliveryStatus.DELIVERED: "green",
    DeliveryStatus.READ: "green",
    DeliveryStatus.UNDELIVERED: "red",
    DeliveryStatus.FAILED: "red",
    DeliveryStatus.UNKNOWN: "orange",
}
_AVATARS = {
    SenderKind.AI: ":material/smart_toy:",
    SenderKind.OPERATOR: ":material/support_agent:",
    SenderKind.AUTOMATION: ":material/schedule:",
    SenderKind.SYSTEM: ":material/settings:",
}


def sender_label(message: Message, sender_name: str | None) -> str:
    """Who sent an outbound message, as the thread labels it."""
    if message.sender_kind == SenderKind.AI:
        return ":violet-badge[AI]"
    if message.sender_kind == SenderKind.OPERATOR:
        return f":blue-badge[{inert(sender_name or 'Operator')}]"
    if message.sender_kind == SenderKind.AUTOMATION:
        return (
            f":gray-badge[Automation: {inert(label(message.meta.get('purpose') or 'automation'))}]"
        )
    return ":gray-badge[System]"


def delivery_line(message: Message) -> str:
    colour = _STATUS_COLOURS.get(message.status, "gray")
    text = f":{colour}[{inert(label(message.status))}]"
    if message.error_message or message.error_code:
        reason = message.error_message or f"error {message.error_code}"
        text += f" :{colour}[— {inert(reason)}]"
    return text


def _attachments(message: Message) -> None:
    for item in message.media or []:
        name = item.get("filename") or item.get("content_type") or "attachment"
        kilobytes = (int(item["size"]) // 1024 or 1) if item.get("size") else None
        # inert() trims: the space before the size stays outside it.
        size = f" {inert(f'({kilobytes} KB)')}" if kilobytes else ""
        url = safe_link(item.get("url"))
        if url:
            st.markdown(f":material/attach_file: [{inert(name)}]({url}){size}")
        else:
            st.caption(f":material/attach_file: {inert(name)}{size}")


def _message(item: ThreadItem, timezone: str) -> None:
    message = item.message
    assert message is not None
    when = local_time(message.created_at, timezone)
    if message.meta.get("purpose") == ALERT_PURPOSE:
        who = message.meta.get("recipient") or message.to_address or "staff"
        st.caption(
            f":material/notifications: Alert to {inert(who)} by {inert(label(message.channel))}"
            f" · {when} · {delivery_line(message)}"
        )
        return
    inbound = message.direction == Direction.INBOUND
    avatar = ":material/person:" if inbound else _AVATARS.get(message.sender_kind)
    # The key's prefix places the bubble: the customer's on the left, the business's on the
    # right (see THREAD_STYLE).
    side = st.container(key=f"{'msg-in' if inbound else 'msg-out'}-{message.id}")
    with side, st.chat_message("user" if inbound else "assistant", avatar=avatar):
        header = [channel_badge(message.channel)]
        if not inbound:
            header.append(sender_label(message, item.sender_name))
        header.append(f":gray[{when}]")
        if not inbound:
            header.append(delivery_line(message))
        st.markdown(" ".join(header))
        if message.subject:
            st.caption(f"Subject: {inert(message.subject)}")
        if message.body:
            st.text(message.body)
        _attachments(message)


def _call(call: Call, timezone: str) -> None:
    with st.container(border=True):
        length = duration(call.duration_seconds)
        st.markdown(
            f":material/call: **{'Incoming' if call.direction == 'inbound' else 'Outgoing'} call**"
            f" · {local_time(call.started_at, timezone)}"
            + (f" · {length}" if length else "")
            + f" · {inert(label(call.status))}"
        )
        if call.error_message:
            st.caption(f":red[{inert(call.error_message)}]")
        recording = safe_link(call.recording_url)
        if recording:
            st.markdown(f"[:material/play_circle: Recording]({recording})")
        if call.summary:
            st.caption(f"Summary: {inert(call.summary)}")
        lines = [
            f"{'Customer' if t.get('speaker') == 'customer' else 'Agent'}: {t.get('text', '')}"
            for t in call.transcript or []
        ]
        if lines:
            st.text("\n".join(lines))
        st.caption("Transcript (read-only)")


def event_text(event: Event) -> str:
    """An event as one line of the thread (plain words; shown through `inert`)."""
    data, who = event.data or {}, event.actor_label or label(event.actor_kind)
    match event.kind:
        case EventKind.ESCALATED:
            note = f" ({data['note']})" if data.get("note") else ""
            return f"Escalated by {who}: {label(data.get('reason') or 'manual')}{note}"
        case EventKind.TAKEN_OVER:
            return f"{who} took over: the AI is silent"
        case EventKind.AI_RESUMED:
            return f"{who} handed the conversation back to the AI"
        case EventKind.CLOSED:
            return f"Closed by {who}"
        case EventKind.REOPENED:
            return f"Reopened by {who}"
        case EventKind.OPTED_OUT:
            return f"Opted out ({data.get('keyword') or data.get('reason') or who})"
        case EventKind.OPTED_IN:
            return "Opted back in"
        case EventKind.OPT_OUT_OVERRIDDEN:
            return f"{who} sent a message despite the opt-out"
        case EventKind.AUTOMATION_SKIPPED:
            return f"{who} skipped: {data.get('reason') or 'not allowed now'}"
        case EventKind.CALL_REQUESTED:
            return f"{who} started a call"
        case EventKind.APPOINTMENT_BOOKED:
            return f"Appointment booked by {who}"
        case EventKind.APPOINTMENT_CHANGED:
            return f"Appointment changed by {who}"
    return f"{label(event.kind)} ({who})"


def _event(event: Event, timezone: str) -> None:
    colour = "red" if event.kind == EventKind.ESCALATED else "gray"
    st.caption(
        f":{colour}[— {inert(event_text(event))} · {local_time(event.created_at, timezone)} —]"
    )


#: Our own static CSS (never customer text): customer bubbles left, the business's right.
THREAD_STYLE = """<style>
[class*="st-key-msg-in-"] { width: 82% !important; margin-right: auto; }
[class*="st-key-msg-out-"] { width: 82% !important; margin-left: auto; }
[class*="st-key-msg-out-"] [data-testid="stChatMessage"] { background: rgba(28, 131, 225, 0.08); }
</style>"""


def render_thread(thread: Thread, timezone: str) -> None:
    st.html(THREAD_STYLE)
    if not thread.items:
        st.caption("No messages yet.")
    for item in thread.items:
        if item.kind == "message":
            _message(item, timezone)
        elif item.kind == "call" and item.call is not None:
            _call(item.call, timezone)
        elif item.event is not None:
            _event(item.event, timezone)
