"""The Analytics page: managers and owners see every section drawn from the data; operators
are refused; the filters redraw it."""

from __future__ import annotations

from sqlmodel import Session

from data.vocab import Role
from tests.console_helpers import (
    customer_writes,
    make_shop,
    ok,
    open_page,
    shown,
    signed_in_app,
    sqlite_only,
)
from tests.factories import make_user

SECTIONS = ["Leads", "Conversations", "Responsiveness", "Escalations", "Compliance & cost"]


def _shop_with_traffic(session: Session) -> tuple:
    workspace = make_shop(session)
    manager = make_user(session, workspace, Role.MANAGER, "Mia")
    customer_writes(session, "do you fix leaks?", sender="+15125550123")
    customer_writes(session, "hello on whatsapp", channel="whatsapp", sender="+15125550124")
    session.commit()
    return workspace, manager


def test_a_manager_sees_every_section_with_the_figures(session: Session) -> None:
    _, manager = _shop_with_traffic(session)

    at = open_page(signed_in_app(manager), "analytics")

    assert [tab.label for tab in at.tabs] == SECTIONS
    assert shown(at.markdown, "Lead temperature over time")
    assert shown(at.markdown, "Conversations by channel")
    volume = next(frame.value for frame in at.dataframe if "conversations" in frame.value)
    assert volume["conversations"].sum() == 2
    assert {b.label for b in at.get("download_button")} == {"Download CSV"}


def test_an_operator_is_refused_the_analytics_page(session: Session) -> None:
    workspace = make_shop(session)
    operator = make_user(session, workspace, Role.OPERATOR, "Otto")
    session.commit()

    at = open_page(signed_in_app(operator), "analytics")

    assert [e.value for e in at.error] == ["Your role doesn't give access to this page."]
    assert not at.tabs


@sqlite_only
def test_filtering_to_one_channel_by_week_redraws_the_figures(session: Session) -> None:
    _, manager = _shop_with_traffic(session)
    at = open_page(signed_in_app(manager), "analytics")

    at.selectbox(key="analytics.channel").select("WhatsApp").run()
    at.segmented_control(key="analytics.grain").set_value("week").run()
    ok(at)

    volume = next(frame.value for frame in at.dataframe if "conversations" in frame.value)
    assert list(volume["channel"]) == ["WhatsApp"]
