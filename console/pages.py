"""The console's pages, which roles see each, and the navigation built from them.

A page a role may not open is hidden from the navigation, and refuses to draw when it runs
for that role (reached by URL, say) with a sentence saying so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from console.auth import SignedIn, current_user
from data.users import ROLE_PAGES


@dataclass(frozen=True)
class ConsolePage:
    key: str
    title: str
    icon: str
    render: Callable[[SignedIn], None]


def allowed(user: SignedIn, key: str) -> bool:
    return key in ROLE_PAGES.get(user.role, frozenset())


def acting(user: SignedIn, key: str) -> SignedIn | None:
    """`user` as the database has them now, if they are still signed in and may still use the
    page `key`; else None. Widget callbacks (on_change) run before the page and its guard do,
    with the user of the previous run, so each asks this first: someone switched off or given
    another role meanwhile changes nothing."""
    now = current_user()
    if now is None or now.user_id != user.user_id or not allowed(now, key):
        return None
    return now


def guarded(page: ConsolePage) -> Callable[[], None]:
    """The page's script: refuses a user whose role may not open it."""

    def run() -> None:
        user = current_user()
        if user is None or not allowed(user, page.key):
            st.error("Your role doesn't give access to this page.")
            st.stop()
        page.render(user)

    run.__name__ = f"page_{page.key}"
    return run


def all_pages() -> list[ConsolePage]:
    from console.analytics.page import render as analytics
    from console.inbox.page import render as inbox
    from console.knowledge.page import render as knowledge
    from console.settings.page import render as settings
    from console.team import render as team

    return [
        ConsolePage("inbox", "Inbox", ":material/inbox:", inbox),
        ConsolePage("analytics", "Analytics", ":material/monitoring:", analytics),
        ConsolePage("knowledge", "Knowledge base", ":material/menu_book:", knowledge),
        ConsolePage("team", "Team", ":material/group:", team),
        ConsolePage("settings", "Settings", ":material/settings:", settings),
    ]


def navigation(user: SignedIn) -> st.navigation:  # type: ignore[valid-type]
    # Pages the role may not open are registered hidden, not left out: reached by URL, they
    # say why they are refused instead of silently showing the inbox.
    pages = [
        st.Page(
            guarded(page),
            title=page.title,
            icon=page.icon,
            url_path=page.key,
            visibility="visible" if allowed(user, page.key) else "hidden",
        )
        for page in all_pages()
    ]
    return st.navigation(pages, position="top")
