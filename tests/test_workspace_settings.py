"""The data/ side of the Settings page: what update_settings, set_channel_address,
set_receives_alerts and the widget functions accept, refuse and record."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from data import channels, events, users, webchat, workspaces
from data.events import Actor
from data.vocab import EventKind
from tests.factories import make_user, make_workspace

CHANGED = EventKind.SETTINGS_CHANGED
OWNER = Actor.system("Test owner")


def recorded(session: Session, workspace_id: int) -> int:
    return len(events.recent(session, workspace_id, CHANGED))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reminder_hours": 0}, "between 1 and 168"),
        ({"follow_up_days": 2.5}, "whole number"),
        ({"cold_after_days": True}, "whole number"),
        ({"email_auto_replies_per_day": -1}, "cannot be negative"),
        ({"quiet_hours_start": "9pm"}, "HH:MM"),
        ({"holding_reply": "x" * 501}, "at most 500 characters"),
        ({"after_hours_note": "x" * 1001}, "at most 1000 characters"),
        ({"business_hours": {"mon": [["18:00", "09:00"]]}}, r"On Monday, closing \(09:00\)"),
        ({"sms_allowance": "lots"}, "whole number"),
    ],
)
def test_impossible_settings_are_refused_with_a_reason(
    session: Session, changes: dict, message: str
) -> None:
    workspace = make_workspace(session)

    with pytest.raises(workspaces.InvalidSetting, match=message):
        workspaces.update_settings(session, workspace, changes, OWNER)
    assert recorded(session, workspace.id) == 0


def test_texts_are_trimmed_and_emptied_alert_addresses_are_none(session: Session) -> None:
    workspace = make_workspace(session)
    workspace.alert_phone, workspace.alert_email = "+15125550190", "a@acme.example"

    changed = workspaces.update_settings(
        session,
        workspace,
        {"holding_reply": "  Back soon.  ", "alert_phone": "", "alert_email": None},
        OWNER,
    )

    assert (workspace.holding_reply, workspace.alert_phone, workspace.alert_email) == (
        "Back soon.",
        None,
        None,
    )
    assert set(changed) == {"holding_reply", "alert_phone", "alert_email"}


def test_a_missing_channel_is_added_and_an_unchanged_one_records_nothing(
    session: Session,
) -> None:
    workspace = workspaces.create(session, "solo", "Solo Plumbing")

    assert channels.set_channel_address(session, workspace, "whatsapp", "512 555 0142", OWNER)
    sender = workspaces.channel_for(session, workspace.id, "whatsapp")
    assert (sender.address, sender.provider, sender.label) == (
        "+15125550142",
        "twilio",
        "WhatsApp sender",
    )
    assert not channels.set_channel_address(session, workspace, "whatsapp", "+15125550142", OWNER)
    assert recorded(session, workspace.id) == 1


def test_the_ai_number_moves_calls_too_and_keeps_the_voice_provider(session: Session) -> None:
    workspace = make_workspace(session)
    voice = workspaces.channel_for(session, workspace.id, "voice")
    voice.provider = "voice_api"

    channels.set_channel_address(session, workspace, "sms", "+15125550188", OWNER)

    assert workspaces.channel_for(session, workspace.id, "sms").address == "+15125550188"
    assert (voice.address, voice.provider) == ("+15125550188", "voice_api")


@pytest.mark.parametrize(
    ("kind", "provider", "message"),
    [("webchat", None, "cannot be set here"), ("email", "twilio", "come through")],
)
def test_addresses_set_here_are_the_three_and_their_providers(
    session: Session, kind: str, provider: str | None, message: str
) -> None:
    workspace = make_workspace(session)

    with pytest.raises(workspaces.InvalidSetting, match=message):
        channels.set_channel_address(session, workspace, kind, "x@acme.example", OWNER, provider)


def test_a_switched_off_person_cannot_be_given_alerts(session: Session) -> None:
    workspace = make_workspace(session)
    person = make_user(session, workspace, "operator", "Otto")
    person.active = False

    with pytest.raises(users.InvalidUser, match="switched off"):
        users.set_receives_alerts(session, person, True, OWNER)
    assert not users.set_receives_alerts(session, person, False, OWNER)
    assert recorded(session, workspace.id) == 0


def test_the_snippet_is_escaped_and_origins_are_cleaned(session: Session) -> None:
    assert webchat.embed_snippet("wk_key", 'https://x.example/"') == (
        '<script src="https://x.example/&quot;/widget.js" data-widget-key="wk_key" async></script>'
    )
    assert webchat.clean_origins([" HTTPS://Shop.Example/ ", "", "https://shop.example"]) == [
        "https://shop.example"
    ]
    with pytest.raises(workspaces.InvalidSetting, match="not a website origin"):
        webchat.clean_origins(["javascript:alert(1)"])
