"""Customers writing in while a fault happens: signed Twilio SMS and Mailgun email webhooks
(built by the simulator, `inbox.simulate.build_request`) sent to ingest at a steady rate, each
retried as the providers do until it is answered 2xx: a refused connection, a timeout or a
5xx/429 is tried again with growing waits (0.5 s doubling to 8 s), the same request with the
same provider id (Mailgun signs each attempt afresh: a new timestamp, token and signature).
Another 4xx is an answer the provider accepts as final (recorded)."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets as tokens
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from inbox.simulate import SimRequest, SimulationSecrets, SimulationTargets, build_request

FIRST_WAIT = 0.5
MOST_WAIT = 8.0
GIVE_UP_SECONDS = 600.0


@dataclass
class Delivery:
    """One webhook and what became of it."""

    request: SimRequest
    attempts: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    answered: int | None = None  # the final HTTP status
    accepted_at: float | None = None  # time.monotonic() of the 2xx

    @property
    def accepted(self) -> bool:
        return self.answered is not None and 200 <= self.answered < 300


class Traffic:
    """`count` webhooks at `rate` a second in a background thread (`start`, then `wait`)."""

    def __init__(
        self,
        base_url: str,
        public_url: str,
        targets: SimulationTargets,
        secrets: SimulationSecrets,
        count: int,
        rate: float,
        email_share: float = 0.25,
        seed: int = 8,
    ) -> None:
        rng = random.Random(seed)
        self.base_url = base_url
        self.rate = rate
        self.mailgun_key = secrets.mailgun_signing_key
        self.deliveries = [
            Delivery(
                build_request(
                    "email" if rng.random() < email_share else "sms",
                    n,
                    base_url,
                    public_url,
                    targets,
                    secrets,
                    rng,
                )
            )
            for n in range(count)
        ]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stop = threading.Event()
        self.finished_at: float | None = None

    def start(self) -> Traffic:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Give up on whatever is still unanswered (only when a run is abandoned)."""
        self._stop.set()

    def wait(self, seconds: float) -> None:
        self._thread.join(timeout=seconds)
        if self._thread.is_alive():
            raise TimeoutError(f"webhooks still unanswered after {seconds:.0f} s")

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _run(self) -> None:
        started = time.monotonic()
        with (
            httpx.Client(timeout=10) as client,
            ThreadPoolExecutor(max_workers=16) as pool,
        ):
            for n, delivery in enumerate(self.deliveries):
                pause = started + n / self.rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(self._deliver, client, delivery)
        self.finished_at = time.monotonic()

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        request = delivery.request
        wait = FIRST_WAIT
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            delivery.attempts += 1
            if delivery.attempts > 1:
                self._sign_again(request)
            try:
                response = client.request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    data=request.data,
                    files=request.files,
                )
            except httpx.TransportError as error:
                delivery.statuses[type(error).__name__] += 1
            else:
                delivery.statuses[str(response.status_code)] += 1
                if response.status_code < 500 and response.status_code != 429:
                    delivery.answered = response.status_code
                    if response.is_success:
                        delivery.accepted_at = time.monotonic()
                    return
            time.sleep(wait)
            wait = min(MOST_WAIT, wait * 2)

    def _sign_again(self, request: SimRequest) -> None:
        """Mailgun's retry of a post: the same message with a fresh signature (its tokens are
        single-use, and ingest refuses a token it has seen)."""
        if request.channel != "email" or request.data is None or self.mailgun_key is None:
            return
        timestamp, token = str(int(time.time())), tokens.token_hex(25)
        request.data["timestamp"], request.data["token"] = timestamp, token
        request.data["signature"] = hmac.new(
            self.mailgun_key.encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()

    # --- figures -----------------------------------------------------------------------------

    def accepted_ids(self) -> list[str]:
        return [d.request.provider_id for d in self.deliveries if d.accepted]

    def statuses(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for delivery in self.deliveries:
            total.update(delivery.statuses)
        return total

    def retries(self) -> int:
        return sum(max(0, d.attempts - 1) for d in self.deliveries)

    def unanswered(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.accepted]

    def last_accepted_at(self) -> float | None:
        times = [d.accepted_at for d in self.deliveries if d.accepted_at is not None]
        return max(times, default=None)
