"""The console's Settings page (owners), through the real Streamlit app and a real database:
each section saves through `data/` and records a settings_changed Event; invalid input is
refused with a sentence and changes nothing; managers and operators are kept out."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from data import workspaces
from data.events import Actor
from data.models import Channel, User, Workspace
from data.vocab import EventKind
from tests.console_helpers import (
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_page,
    reread,
    shown,
    signed_in_app,
    sqlite_only,
    submit,
    values,
)
from tests.factories import make_user, make_workspace

CHANGED = EventKind.SETTINGS_CHANGED


def owner_on_settings(session: Session, **settings: object) -> tuple[AppTest, Workspace, User]:
    workspace = make_shop(session, **settings)
    owner = make_user(session, workspace, "owner", name="Olive")
    session.commit()
    return open_page(signed_in_app(owner), "settings"), workspace, owner


def stored(session: Session, workspace: Workspace) -> Workspace:
    return reread(session).get(Workspace, workspace.id)


def refused(at: AppTest, message: str) -> None:
    assert shown(at.error, message), values(at.error)
    assert not at.success


# --- Business -------------------------------------------------------------------------


@sqlite_only
def test_the_page_shows_the_stored_settings(session: Session) -> None:
    at, _, _ = owner_on_settings(session, after_hours_note="Call 555-0199.")

    assert values(at.title) == ["Settings"]
    assert at.selectbox(key="settings.business.timezone").value == "America/Chicago"
    # make_shop is open around the clock: every day ticked, 00:00 to 23:59.
    assert at.checkbox(key="settings.business.mon.open").value
    assert at.time_input(key="settings.business.sun.closes").value == time(23, 59)
    assert at.text_area(key="settings.business.after_hours_note").value == "Call 555-0199."
    assert at.toggle(key="settings.auto_reply.sms").value
    assert at.text_input(key="settings.alerts.phone").value == "+15125550190"
    assert at.number_input(key="settings.automations.reminder_hours").value == 24


def test_hours_time_zone_and_replies_save_and_are_recorded(session: Session) -> None:
    at, workspace, owner = owner_on_settings(session)

    at.selectbox(key="settings.business.timezone").set_value("Europe/London")
    at.time_input(key="settings.business.mon.opens").set_value(time(8, 0))
    at.time_input(key="settings.business.mon.closes").set_value(time(18, 30))
    at.checkbox(key="settings.business.sun.open").uncheck()
    at.text_area(key="settings.business.after_hours_note").input("We're closed: call 555-0199.")
    at.text_area(key="settings.business.holding_reply").input("A person will text you soon.")
    submit(at, "settings.business", "Save hours and replies")

    assert values(at.success) == ["Business hours and replies saved."]
    now = stored(session, workspace)
    assert now.timezone == "Europe/London"
    assert now.business_hours["mon"] == [["08:00", "18:30"]]
    assert now.business_hours["tue"] == [["00:00", "23:59"]]
    assert now.business_hours["sun"] == []
    assert now.after_hours_note == "We're closed: call 555-0199."
    assert now.holding_reply == "A person will text you soon."
    [event] = events(session, CHANGED)
    assert event.actor_user_id == owner.id
    assert event.data["changes"]["timezone"] == {"from": "America/Chicago", "to": "Europe/London"}
    assert event.data["changes"]["business_hours"]["to"]["sun"] == []
    # The form now shows what was stored.
    assert at.time_input(key="settings.business.mon.opens").value == time(8, 0)


@sqlite_only
def test_saving_an_unchanged_form_says_so_and_records_nothing(session: Session) -> None:
    at, _, _ = owner_on_settings(session)

    submit(at, "settings.business", "Save hours and replies")

    assert values(at.success) == ["Business hours and replies: nothing to change."]
    assert events(session, CHANGED) == []


def test_closing_before_opening_is_refused_and_changes_nothing(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.time_input(key="settings.business.mon.opens").set_value(time(17, 0))
    at.time_input(key="settings.business.mon.closes").set_value(time(8, 0))
    at.text_area(key="settings.business.holding_reply").input("Not saved either.")
    submit(at, "settings.business", "Save hours and replies")

    refused(at, "On Monday, closing (08:00) must be after opening (17:00).")
    now = stored(session, workspace)
    assert now.business_hours["mon"] == [["00:00", "23:59"]]
    assert now.holding_reply != "Not saved either."
    assert events(session, CHANGED) == []
    # The refused form keeps what was typed, to fix.
    assert at.time_input(key="settings.business.mon.opens").value == time(17, 0)


@sqlite_only
def test_only_real_time_zones_can_be_chosen(session: Session) -> None:
    at, workspace, owner = owner_on_settings(session)

    select = at.selectbox(key="settings.business.timezone")
    # The select offers the system's zones and nothing else: there is nothing to type.
    assert list(select.options) == sorted(available_timezones())
    assert "Mars/Olympus_Mons" not in select.options
    # And data/ refuses one however it is asked.
    with pytest.raises(workspaces.InvalidSetting, match="not a time zone"):
        workspaces.update_settings(
            session, workspace, {"timezone": "Mars/Olympus_Mons"}, Actor.operator(owner)
        )


@sqlite_only
def test_a_day_with_a_break_keeps_it_unless_its_row_is_changed(session: Session) -> None:
    hours = {day: [["09:00", "17:00"]] for day in workspaces.WEEKDAYS}
    hours["wed"] = [["09:00", "12:00"], ["13:00", "17:00"]]
    at, workspace, _ = owner_on_settings(session, business_hours=hours)
    assert shown(at.caption, "Wednesday has a break (09:00-12:00, 13:00-17:00)")

    at.time_input(key="settings.business.thu.closes").set_value(time(16, 0))
    submit(at, "settings.business", "Save hours and replies")

    now = stored(session, workspace)
    assert now.business_hours["wed"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert now.business_hours["thu"] == [["09:00", "16:00"]]


# --- Replies and escalation ------------------------------------------------------------


def test_auto_reply_switches_per_channel_are_saved_and_recorded(session: Session) -> None:
    at, workspace, owner = owner_on_settings(session)

    at.toggle(key="settings.auto_reply.whatsapp").set_value(False).run()
    ok(at)

    assert values(at.success) == ["WhatsApp: messages wait for a person."]
    now = stored(session, workspace)
    assert not now.auto_reply_whatsapp and now.auto_reply_sms and now.auto_reply_email
    [event] = events(session, CHANGED)
    assert event.data["changes"] == {"auto_reply_whatsapp": {"from": True, "to": False}}
    assert event.actor_user_id == owner.id


def test_escalation_thresholds_are_saved_and_recorded(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.slider(key="settings.escalation.negative").set_value(-0.8)
    at.slider(key="settings.escalation.trend").set_value(-0.2)
    submit(at, "settings.escalation", "Save thresholds")

    assert values(at.success) == ["Escalation thresholds saved."]
    now = stored(session, workspace)
    assert (now.negative_sentiment_threshold, now.sentiment_trend_threshold) == (-0.8, -0.2)
    [event] = events(session, CHANGED)
    assert set(event.data["changes"]) == {
        "negative_sentiment_threshold",
        "sentiment_trend_threshold",
    }


@sqlite_only
def test_a_switch_flipped_by_an_owner_demoted_meanwhile_changes_nothing(
    session: Session,
) -> None:
    at, workspace, owner = owner_on_settings(session)
    make_user(session, workspace, "owner", name="Otto")
    reread(session).get(User, owner.id).role = "manager"
    session.commit()

    at.toggle(key="settings.auto_reply.sms").set_value(False).run()
    ok(at)

    assert stored(session, workspace).auto_reply_sms
    assert events(session, CHANGED) == []


# --- SMS and alerts --------------------------------------------------------------------


def test_allowance_and_alert_addresses_are_saved_normalised(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.number_input(key="settings.alerts.allowance").set_value(2500)
    at.text_input(key="settings.alerts.phone").input("(512) 555-0111")
    at.text_input(key="settings.alerts.email").input("Alerts@Acme.Example")
    submit(at, "settings.alerts", "Save allowance and alerts")

    assert values(at.success) == ["SMS allowance and alerts saved."]
    now = stored(session, workspace)
    assert (now.sms_allowance, now.alert_phone, now.alert_email) == (
        2500,
        "+15125550111",
        "alerts@acme.example",
    )
    [event] = events(session, CHANGED)
    assert event.data["changes"]["sms_allowance"] == {"from": 1000, "to": 2500}
    assert at.text_input(key="settings.alerts.phone").value == "+15125550111"


@sqlite_only
def test_emptied_alert_addresses_mean_no_alerts_there(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.text_input(key="settings.alerts.phone").input("")
    at.text_input(key="settings.alerts.email").input("  ")
    submit(at, "settings.alerts", "Save allowance and alerts")

    now = stored(session, workspace)
    assert (now.alert_phone, now.alert_email) == (None, None)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("allowance", -5, "The SMS allowance cannot be negative."),
        ("phone", "555-01", "phone"),
        ("email", "owner at acme", "email"),
    ],
)
def test_invalid_allowance_or_alert_address_is_refused_and_changes_nothing(
    session: Session, key: str, value: object, message: str
) -> None:
    at, workspace, _ = owner_on_settings(session)

    widget = at.number_input(key=f"settings.alerts.{key}") if key == "allowance" else None
    if widget is not None:
        widget.set_value(value)
    else:
        at.text_input(key=f"settings.alerts.{key}").input(str(value))
    submit(at, "settings.alerts", "Save allowance and alerts")

    assert at.error and message.lower() in values(at.error)[0].lower(), values(at.error)
    now = stored(session, workspace)
    assert (now.sms_allowance, now.alert_phone, now.alert_email) == (
        1000,
        "+15125550190",
        "owner@acme.example",
    )
    assert events(session, CHANGED) == []


def test_team_members_who_get_alerts_are_switched_and_recorded(session: Session) -> None:
    workspace = make_shop(session)
    owner = make_user(session, workspace, "owner", name="Olive")
    mia = make_user(session, workspace, "operator", name="Mia")
    off = make_user(session, workspace, "operator", name="Gone")
    off.active = False
    session.commit()
    at = open_page(signed_in_app(owner), "settings")
    # Only people who can sign in are offered.
    assert not any(key == f"settings.alerts.user.{off.id}" for key in at.session_state)

    at.toggle(key=f"settings.alerts.user.{mia.id}").set_value(True).run()
    ok(at)

    assert values(at.success) == ["Mia gets escalation alerts."]
    assert reread(session).get(User, mia.id).receives_alerts
    [event] = events(session, CHANGED)
    assert event.data == {
        "user_id": mia.id,
        "changes": {"receives_alerts": {"from": False, "to": True}},
    }

    at.toggle(key=f"settings.alerts.user.{mia.id}").set_value(False).run()
    ok(at)
    assert not reread(session).get(User, mia.id).receives_alerts
    assert len(events(session, CHANGED)) == 2


# --- Automations -----------------------------------------------------------------------


def test_automations_are_saved_and_an_impossible_value_is_refused(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.number_input(key="settings.automations.reminder_hours").set_value(0)
    submit(at, "settings.automations", "Save automations")
    refused(at, "Hours before a visit for the reminder must be between 1 and 168.")
    assert stored(session, workspace).reminder_hours == 24

    at.number_input(key="settings.automations.reminder_hours").set_value(48)
    at.number_input(key="settings.automations.follow_up_days").set_value(5)
    at.time_input(key="settings.automations.quiet_start").set_value(time(20, 0))
    submit(at, "settings.automations", "Save automations")

    assert values(at.success) == ["Automations saved."]
    now = stored(session, workspace)
    assert (now.reminder_hours, now.follow_up_days, now.quiet_hours_start) == (48, 5, "20:00")
    [event] = events(session, CHANGED)
    assert set(event.data["changes"]) == {"reminder_hours", "follow_up_days", "quiet_hours_start"}


# --- Channels --------------------------------------------------------------------------


def _channel(session: Session, workspace: Workspace, kind: str) -> Channel:
    reread(session)
    return workspaces.channel_for(session, workspace.id, kind)


def test_a_new_ai_number_moves_texts_and_calls_and_is_recorded(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.text_input(key="settings.channel.sms.address").input("(512) 555-0177")
    submit(at, "settings.channel.sms", "Save")

    assert values(at.success) == ["AI number saved."]
    assert _channel(session, workspace, "sms").address == "+15125550177"
    assert _channel(session, workspace, "voice").address == "+15125550177"
    [event] = events(session, CHANGED)
    assert event.data == {
        "channel": "sms",
        "from": "+15125550100",
        "to": "+15125550177",
        "provider": "twilio",
    }


def test_the_email_address_and_its_provider_are_saved(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.text_input(key="settings.channel.email.address").input("Office@Acme.Example")
    at.selectbox(key="settings.channel.email.provider").set_value("sendgrid")
    submit(at, "settings.channel.email", "Save")

    email = _channel(session, workspace, "email")
    assert (email.address, email.provider) == ("office@acme.example", "sendgrid")
    assert len(events(session, CHANGED)) == 1


def test_an_address_another_workspace_has_is_refused_and_changes_nothing(
    session: Session,
) -> None:
    make_workspace(session, "beta", number="+15125550200")
    at, workspace, _ = owner_on_settings(session)
    before = _channel(session, workspace, "sms").address

    at.text_input(key="settings.channel.sms.address").input("(512) 555-0200")
    submit(at, "settings.channel.sms", "Save")

    refused(at, "+15125550200 is already the SMS address of another channel.")
    assert not shown(at.error, "beta")  # another business is not named
    assert _channel(session, workspace, "sms").address == before
    assert events(session, CHANGED) == []


@sqlite_only
def test_an_invalid_whatsapp_number_is_refused(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    at.text_input(key="settings.channel.whatsapp.address").input("not a number")
    submit(at, "settings.channel.whatsapp", "Save")

    assert at.error and not at.success
    assert _channel(session, workspace, "whatsapp").address == "+15125550101"
    assert events(session, CHANGED) == []


@sqlite_only
def test_the_widget_snippet_shows_the_key_and_websites_are_saved(session: Session) -> None:
    at, workspace, _ = owner_on_settings(session)

    assert values(at.code) == [
        '<script src="http://127.0.0.1:8000/widget.js" data-widget-key="wk_acme_widget" '
        "async></script>"
    ]
    at.text_area(key="settings.widget.origins").input(
        "https://www.acme.example/\nhttp://localhost:8080"
    )
    submit(at, "settings.widget", "Save websites")

    assert values(at.success) == ["Websites saved."]
    widget = _channel(session, workspace, "webchat")
    assert widget.config["allowed_origins"] == ["https://www.acme.example", "http://localhost:8080"]
    assert len(events(session, CHANGED)) == 1

    at.text_area(key="settings.widget.origins").input("https://www.acme.example/contact")
    submit(at, "settings.widget", "Save websites")
    refused(at, "is not a website origin")
    assert len(_channel(session, workspace, "webchat").config["allowed_origins"]) == 2


def test_the_snippet_uses_the_public_url_and_a_new_widget_can_be_made(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.settings import get_settings

    monkeypatch.setenv("INBOX_PUBLIC_URL", "https://inbox.acme.example/")
    get_settings.cache_clear()
    workspace = make_shop(session)
    widget = workspaces.channel_for(session, workspace.id, "webchat")
    session.delete(widget)
    owner = make_user(session, workspace, "owner", name="Olive")
    session.commit()
    at = open_page(signed_in_app(owner), "settings")
    assert not at.code

    at.text_area(key="settings.widget.new.origins").input("https://acme.example")
    submit(at, "settings.widget.new", "Create the widget")

    assert values(at.success) == ["Widget created: paste its snippet into your website."]
    widget = _channel(session, workspace, "webchat")
    assert widget.address.startswith("wk_")
    assert widget.config["allowed_origins"] == ["https://acme.example"]
    assert values(at.code) == [
        f'<script src="https://inbox.acme.example/widget.js" data-widget-key="{widget.address}" '
        "async></script>"
    ]
    [event] = events(session, CHANGED)
    assert event.data["to"] == widget.address


# --- Users and access ------------------------------------------------------------------


@sqlite_only
def test_the_users_tab_lists_the_team_and_links_to_the_team_page(session: Session) -> None:
    at, _, _ = owner_on_settings(session)

    assert shown(at.markdown, "**Olive** · Owner")
    [link] = at.get("page_link")
    assert link.proto.page == "team" and link.proto.label == "Open the Team page"


def _settings_page_script() -> None:
    # Runs as the app script: the Settings page as st.navigation would run it.
    from console.pages import all_pages, guarded

    guarded(next(page for page in all_pages() if page.key == "settings"))()


@pytest.mark.parametrize("role", ["manager", "operator"])
def test_managers_and_operators_are_refused(session: Session, role: str) -> None:
    workspace = make_shop(session)
    person = make_user(session, workspace, role)
    session.commit()

    # Hidden from their navigation, and refused by URL.
    at = open_page(signed_in_app(person), "settings")
    assert values(at.error) == ["Your role doesn't give access to this page."]
    assert not any(key.startswith("settings.") for key in at.session_state)

    # And the page itself refuses to draw.
    direct = AppTest.from_function(_settings_page_script, default_timeout=30)
    direct.session_state["console.user_id"] = person.id
    ok(direct.run())
    assert values(direct.error) == ["Your role doesn't give access to this page."]
    assert not direct.title and not direct.text_input
