"""GET /chat/demo: a sample business web page with the chat widget embedded, as a customer's
site would have it, for the installation's first active widget (the demo workspace after
`inbox demo`). Without one, a page that says how to load the demo."""

from __future__ import annotations

import html
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from data import webchat, workspaces
from data.addresses import format_phone
from data.models import Workspace
from data.vocab import ChannelKind
from ingest.store import in_transaction
from ingest.webchat.widget import STATIC

router = APIRouter(tags=["web chat"])

DAYS = (("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"))
DAYS += (("sat", "Sat"), ("sun", "Sun"))


def _clock(hhmm: str) -> str:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    suffix = "AM" if hours < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


def opening_hours(workspace: Workspace) -> list[tuple[str, str]]:
    """("Mon–Fri", "7:30 AM – 6:00 PM") rows, consecutive days with the same hours joined."""
    rows: list[tuple[str, str, str]] = []  # first day, last day, hours
    for key, label in DAYS:
        ranges = workspace.business_hours.get(key) or []
        text = ", ".join(f"{_clock(a)} – {_clock(b)}" for a, b in ranges) or "Closed"
        if rows and rows[-1][2] == text:
            rows[-1] = (rows[-1][0], label, text)
        else:
            rows.append((label, label, text))
    return [(first if first == last else f"{first}–{last}", text) for first, last, text in rows]


def _page(name: str, values: dict[str, str]) -> HTMLResponse:
    template = Template((STATIC / name).read_text(encoding="utf-8"))
    return HTMLResponse(template.safe_substitute(values))


@router.get(
    "/chat/demo", summary="A sample business page with the widget", response_class=HTMLResponse
)
async def demo_page(request: Request) -> HTMLResponse:
    def load(session: Session) -> dict[str, str] | None:
        channel = webchat.first_widget(session)
        if channel is None:
            return None
        workspace = workspaces.get(session, channel.workspace_id)
        phone = workspaces.channel_for(session, workspace.id, ChannelKind.SMS)
        origin = f"{request.url.scheme}://{request.url.netloc}"
        allowed = webchat.allowed_origins(channel)
        notice = ""
        if not webchat.origin_allowed(channel, origin):
            notice = (
                '<p class="notice" role="note">This page is served from '
                f"<code>{html.escape(origin)}</code>, which is not among this widget's allowed "
                f"origins ({html.escape(', '.join(allowed) or 'none')}), so the chat will refuse "
                "it. Add the origin to the web-chat channel's <code>allowed_origins</code>, or "
                "open the page on one of those addresses.</p>"
            )
        hours = "".join(
            f"<tr><th scope=row>{html.escape(days)}</th><td>{html.escape(text)}</td></tr>"
            for days, text in opening_hours(workspace)
        )
        return {
            "name": html.escape(workspace.name),
            "phone": html.escape(format_phone(phone.address) if phone else ""),
            "phone_href": html.escape(phone.address if phone else ""),
            "hours": hours,
            "after_hours": html.escape(workspace.after_hours_note),
            "notice": notice,
            "widget_src": html.escape(str(request.base_url).rstrip("/") + "/widget.js"),
            "widget_key": html.escape(channel.address),
        }

    values = await in_transaction(load)
    if values is None:
        return _page("no-demo.html", {})
    return _page("demo.html", values)
