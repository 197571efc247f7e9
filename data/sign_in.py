"""Slowing down password guessing at the console's sign-in.

Each failed attempt for an email address makes the next one wait longer (after a few free
tries: 2 s, 4 s, 8 s … up to 5 minutes); a success clears it. Unknown emails are counted the
same way, so the wait does not tell which addresses have accounts. The count lives in the
console process (one per deployment); restarting the console clears it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_ATTEMPTS = 3
FIRST_WAIT_SECONDS = 2.0
MAX_WAIT_SECONDS = 300.0
#: Failures older than this are forgotten.
FORGET_AFTER_SECONDS = 3600.0


@dataclass
class _Failures:
    count: int
    last_at: float


class SignInThrottle:
    """Failed sign-ins per email, and how long the next attempt must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, _Failures] = {}

    @staticmethod
    def _key(email: str) -> str:
        return email.strip().lower()

    def wait_seconds(self, email: str) -> float:
        """Seconds until `email` may try again (0 when it may now)."""
        with self._lock:
            failures = self._failures.get(self._key(email))
            if failures is None:
                return 0.0
            now = self._clock()
            if now - failures.last_at > FORGET_AFTER_SECONDS:
                del self._failures[self._key(email)]
                return 0.0
            if failures.count < FREE_ATTEMPTS:
                return 0.0
            wait = min(FIRST_WAIT_SECONDS * 2 ** (failures.count - FREE_ATTEMPTS), MAX_WAIT_SECONDS)
            return max(0.0, failures.last_at + wait - now)

    def failed(self, email: str) -> None:
        with self._lock:
            key = self._key(email)
            failures = self._failures.get(key)
            now = self._clock()
            if failures is None or now - failures.last_at > FORGET_AFTER_SECONDS:
                failures = self._failures[key] = _Failures(0, now)
            failures.count += 1
            failures.last_at = now

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(self._key(email), None)


#: The console process's throttle.
THROTTLE = SignInThrottle()
