"""The nightly lead-cooling job: leads silent for their workspace's `cold_after_days` become
COLD (the rule lives in `data.leads`)."""

from __future__ import annotations

from sqlalchemy import Engine

from data import leads, workspaces
from data.clock import utcnow
from data.db import session_scope


def cool_silent_leads(engine: Engine) -> int:
    now = utcnow()
    cooled = 0
    with session_scope(engine) as session:
        workspace_ids = [w.id for w in workspaces.all_workspaces(session)]
    for workspace_id in workspace_ids:
        with session_scope(engine, write=True) as session:
            cooled += leads.cool_silent(session, workspaces.get(session, workspace_id), now)
    return cooled
