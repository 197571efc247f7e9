"""The AI behind replies: the offline responder (default, in `data.answers`) or an
OpenAI-compatible backend, chosen by settings. `answer()` is the one entry point: it never
raises, and a backend failure falls back to the offline responder."""

from __future__ import annotations

import logging
from typing import Protocol

from data.answers.offline import OfflineResponder
from data.answers.replies import Reply, ReplyRequest
from data.answers.retrieval import KnowledgeIndex
from data.settings import Settings, get_settings

log = logging.getLogger("inbox.pipeline.ai")


class BackendError(RuntimeError):
    """The backend could not give a usable answer (timeout, error, malformed output)."""


class Backend(Protocol):
    name: str

    def respond(self, request: ReplyRequest, knowledge: KnowledgeIndex) -> Reply: ...

    def score_sentiment(self, text: str) -> float: ...


_BACKENDS: dict[tuple, Backend] = {}


def backend(settings: Settings | None = None) -> Backend | None:
    """The configured network backend, or None for the offline responder alone. One client
    per configuration, so its connection pool is reused."""
    settings = settings or get_settings()
    if settings.ai_backend != "openai":
        return None
    key = (
        settings.ai_base_url,
        settings.ai_api_key.get_secret_value() if settings.ai_api_key else None,
        settings.ai_model,
        settings.ai_timeout_seconds,
        settings.ai_max_retries,
    )
    if key not in _BACKENDS:
        from pipeline.ai.openai_backend import OpenAIBackend  # slow import: only when used

        _BACKENDS[key] = OpenAIBackend.from_settings(settings)
    return _BACKENDS[key]


def answer(
    request: ReplyRequest, knowledge: KnowledgeIndex, settings: Settings | None = None
) -> Reply:
    """The reply to `request`: from the backend when one is configured and works, else from
    the offline responder."""
    chosen = backend(settings)
    if chosen is not None:
        try:
            return chosen.respond(request, knowledge)
        except BackendError as error:
            log.warning("AI backend failed, answering offline: %s", error)
    return OfflineResponder(knowledge).respond(request)


def sentiment(text: str, fallback: float, settings: Settings | None = None) -> float:
    """The backend's sentiment score when configured to score, else `fallback` (VADER's)."""
    settings = settings or get_settings()
    chosen = backend(settings)
    if chosen is None or not settings.ai_sentiment:
        return fallback
    try:
        return chosen.score_sentiment(text)
    except BackendError as error:
        log.warning("AI sentiment failed, using VADER: %s", error)
        return fallback
