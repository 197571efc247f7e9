"""The automations job: appointment reminders and quote follow-ups for every workspace (the
rules live in `data.automations`)."""

from __future__ import annotations

from sqlalchemy import Engine

from data import automations, workspaces
from data.clock import utcnow
from data.db import session_scope


def run_automations(engine: Engine) -> int:
    now = utcnow()
    queued = 0
    with session_scope(engine) as session:
        workspace_ids = [w.id for w in workspaces.all_workspaces(session)]
    for workspace_id in workspace_ids:
        with session_scope(engine, write=True) as session:
            workspace = workspaces.get(session, workspace_id)
            queued += automations.send_reminders(session, workspace, now)
            queued += automations.send_follow_ups(session, workspace, now)
    return queued
