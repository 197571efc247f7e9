"""The ingest application: every provider's webhooks, the web-chat endpoints, the health check
and the API description (/docs, /openapi.json)."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from data.db import get_engine
from data.migrate import current_revision, head_revision
from data.settings import get_settings
from ingest import email, errors, twilio, verify, voice, webchat
from ingest.limits import BodySizeLimit

log = logging.getLogger("inbox.ingest")


def create_app() -> FastAPI:
    app = FastAPI(
        title="Conversations inbox: ingest",
        description="Webhooks for Twilio (SMS, WhatsApp, voice), email providers, the web-chat "
        "widget and voice systems. Every request is verified, stored, then answered.",
        version="0.1.0",
    )
    app.add_middleware(BodySizeLimit)
    errors.install(app)
    for module in (twilio, voice, email, webchat):
        app.include_router(module.router)
    for provider in verify.unverified(get_settings()):
        log.warning("webhooks from %s are accepted WITHOUT verification", provider)
    head = head_revision()

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """200 when the database answers and is migrated to the newest schema; 503 otherwise."""
        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            revision = current_revision()
        except SQLAlchemyError as exc:
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        if revision != head:
            return JSONResponse(
                {"status": "unavailable", "database": f"schema {revision} != {head}"},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "schema": revision})

    return app


app = create_app()
