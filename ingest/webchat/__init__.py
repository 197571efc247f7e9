"""Web chat: the embeddable widget, visitor sessions, messages and live replies."""

from fastapi import APIRouter

router = APIRouter(tags=["web chat"])
