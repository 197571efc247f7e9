"""Inbound email: Mailgun, SendGrid Inbound Parse and raw RFC 5322 messages."""

from fastapi import APIRouter

router = APIRouter(prefix="/webhooks/email", tags=["email"])
