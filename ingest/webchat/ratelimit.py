"""Rate limits on the public web-chat endpoints, per client IP and per visitor, answered 429
with Retry-After.

The counters live in this worker process's memory (the `limits` library's moving window), so
with N ingest workers a client can get up to N times the limit. That is enough to stop a page
that loops or a script hammering one worker; a shared limit would need shared storage (`limits`
also speaks Redis and Memcached) or the reverse proxy's own limits.
"""

from __future__ import annotations

import math
import time

from fastapi import FastAPI, HTTPException
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from data.settings import get_settings

#: Opening sessions: a page load opens one; ten a minute from one address is already a loop.
SESSIONS_PER_IP = parse("10/minute")
#: Messages and lead forms: people do not type faster than this.
WRITES_PER_VISITOR = parse("20/minute")
WRITES_PER_IP = parse("60/minute")
#: Polls: an open widget polls every ~2 s (30 a minute); several visitors may share an office
#: address, so the per-IP budget for reads is larger.
READS_PER_VISITOR = parse("60/minute")
READS_PER_IP = parse("300/minute")


class RateLimited(HTTPException):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            f"Too many requests: try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


class ChatLimits:
    """One set of counters (per application instance, so tests do not share them)."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, item: RateLimitItem, *key: str | int) -> None:
        """Count one request against `item` for `key`; RateLimited once it is used up.
        INBOX_WEBCHAT_RATE_LIMITS=0 turns the limits off (load tests from one address)."""
        if not get_settings().webchat_rate_limits:
            return
        identifiers = ["webchat", *(str(part) for part in key)]
        if self._limiter.hit(item, *identifiers):
            return
        reset = self._limiter.get_window_stats(item, *identifiers).reset_time
        raise RateLimited(max(1, math.ceil(reset - time.time())))


def limits_for(app: FastAPI) -> ChatLimits:
    limits = getattr(app.state, "webchat_limits", None)
    if limits is None:
        limits = app.state.webchat_limits = ChatLimits()
    return limits
