"""Inbound email: Mailgun, SendGrid Inbound Parse and raw RFC 5322 messages."""

from fastapi import APIRouter

from ingest.email import mailgun, raw, sendgrid

router = APIRouter(prefix="/webhooks/email", tags=["email"])
for _module in (mailgun, sendgrid, raw):
    router.include_router(_module.router)
