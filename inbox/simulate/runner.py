"""Sending a simulation: ``run_simulation`` sends requests on an open-loop schedule (request
``i`` is due at ``start + i / rate`` however slowly the server answers; only the in-flight cap
can delay it) and returns a ``SimulationReport`` of counts, status codes and latencies."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from inbox.simulate.models import (
    SimRequest,
    SimulationSecrets,
    SimulationTargets,
    _available_channels,
    _require_target,
)
from inbox.simulate.payloads import build_request


@dataclass
class SimulationReport:
    """What happened: counts, status codes and latencies of the requests that were sent.

    ``accepted`` counts 2xx answers, ``rejected`` every other HTTP status, ``errors`` requests
    that got no HTTP answer (connection refused, timeout, ...). ``latencies_ms`` holds one entry
    per HTTP answer; requests that errored have none.
    """

    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    status_counts: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    accepted_ids: list[str] = field(default_factory=list)
    #: When each accepted request went out (provider id -> `time.time()` just before the
    #: HTTP request; a web chat message's after its session was opened), so a caller can time
    #: what happens to the message downstream (the end-to-end soak: until its reply is sent).
    accepted_at: dict[str, float] = field(default_factory=dict)
    error_counts: dict[str, int] = field(default_factory=dict)
    channel: str = ""
    target_rate: float = 0.0
    dispatch_seconds: float = 0.0
    elapsed_seconds: float = 0.0

    def _percentile(self, pct: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(pct / 100 * len(ordered)))
        return ordered[rank - 1]

    def p50(self) -> float:
        """Median latency in milliseconds (nearest rank; 0.0 when nothing was answered)."""
        return self._percentile(50)

    def p99(self) -> float:
        """99th percentile latency in milliseconds (nearest rank; 0.0 when nothing answered)."""
        return self._percentile(99)

    def achieved_rate(self) -> float:
        """Requests per second actually dispatched (first to last request)."""
        if self.sent < 2 or self.dispatch_seconds <= 0:
            return 0.0
        return (self.sent - 1) / self.dispatch_seconds

    def summary(self) -> str:
        """One human-readable paragraph: counts, status codes, p50/p99 and achieved rate."""
        what = f"{self.channel} " if self.channel else ""
        codes = ", ".join(f"{code}×{n}" for code, n in sorted(self.status_counts.items()))
        parts = [
            f"Sent {self.sent} {what}request{'s' if self.sent != 1 else ''} "
            f"in {self.elapsed_seconds:.2f} s: {self.accepted} accepted (2xx), "
            f"{self.rejected} rejected, {self.errors} error{'s' if self.errors != 1 else ''}."
        ]
        parts.append(f"Status codes: {codes}." if codes else "No HTTP responses.")
        if self.error_counts:
            kinds = ", ".join(f"{kind}×{n}" for kind, n in sorted(self.error_counts.items()))
            parts.append(f"Errors: {kinds}.")
        if self.latencies_ms:
            parts.append(f"Latency p50 {self.p50():.1f} ms, p99 {self.p99():.1f} ms.")
        if self.sent > 1:
            target = f" (target {self.target_rate:g}/s)" if self.target_rate else ""
            parts.append(f"Achieved rate {self.achieved_rate():.1f} requests/s{target}.")
        return " ".join(parts)


# --------------------------------------------------------------------------- sending


class _SessionFailed(Exception):
    def __init__(self, status: int | None, error: str | None) -> None:
        super().__init__(status, error)
        self.status = status
        self.error = error


class _Runner:
    def __init__(self, client: httpx.AsyncClient, report: SimulationReport) -> None:
        self.client = client
        self.report = report
        self.sessions: dict[str, asyncio.Task[str]] = {}
        self.status_counts: Counter[int] = Counter()
        self.error_counts: Counter[str] = Counter()

    async def _open_session(self, session: SimRequest) -> str:
        try:
            response = await self.client.request(
                session.method, session.url, headers=session.headers, json=session.json
            )
        except Exception as exc:
            raise _SessionFailed(None, type(exc).__name__) from exc
        if not response.is_success:
            raise _SessionFailed(response.status_code, None)
        try:
            token = response.json()["token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise _SessionFailed(None, "SessionResponseWithoutToken") from exc
        if not isinstance(token, str) or not token:
            raise _SessionFailed(None, "SessionResponseWithoutToken")
        return token

    async def _token_for(self, request: SimRequest) -> str:
        assert request.session is not None and request.session_key is not None
        key = request.session_key
        task = self.sessions.get(key)
        if task is None:
            task = asyncio.create_task(self._open_session(request.session))
            self.sessions[key] = task
        try:
            return await asyncio.shield(task)
        except _SessionFailed:
            if self.sessions.get(key) is task:
                del self.sessions[key]  # the visitor's next message tries again
            raise

    def _count_error(self, kind: str) -> None:
        self.report.errors += 1
        self.error_counts[kind] += 1

    async def send(self, request: SimRequest) -> None:
        headers = request.headers
        if request.session is not None:
            try:
                token = await self._token_for(request)
            except _SessionFailed as failed:
                if failed.status is None:
                    self._count_error(failed.error or "SessionError")
                else:
                    self.report.rejected += 1
                    self.status_counts[failed.status] += 1
                return
            headers = {**headers, "Authorization": f"Bearer {token}"}
        sent_at = time.time()
        started = time.perf_counter()
        try:
            response = await self.client.request(
                request.method,
                request.url,
                headers=headers,
                data=request.data,
                json=request.json,
                files=request.files,
            )
        except Exception as exc:
            self._count_error(type(exc).__name__)
            return
        self.report.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.status_counts[response.status_code] += 1
        if response.is_success:
            self.report.accepted += 1
            self.report.accepted_ids.append(request.provider_id)
            self.report.accepted_at[request.provider_id] = sent_at
        else:
            self.report.rejected += 1


async def _simulate(
    base_url: str,
    channel: str,
    count: int,
    rate: float,
    targets: SimulationTargets,
    secrets_: SimulationSecrets,
    public_url: str | None,
    rng: random.Random,
    timeout: float,
    concurrency: int,
    channels: list[str],
) -> SimulationReport:
    report = SimulationReport(channel=channel, target_rate=rate)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    loop = asyncio.get_running_loop()
    wall_start = time.perf_counter()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        runner = _Runner(client, report)
        slots = asyncio.Semaphore(concurrency)
        tasks: set[asyncio.Task[None]] = set()

        async def send_and_release(request: SimRequest) -> None:
            try:
                await runner.send(request)
            finally:
                slots.release()

        start = loop.time()
        first = last = start
        for i in range(count):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await slots.acquire()
            this_channel = rng.choice(channels) if channel == "mixed" else channel
            try:
                request = build_request(
                    this_channel, i, base_url, public_url, targets, secrets_, rng
                )
            except BaseException:
                slots.release()
                raise
            task = asyncio.create_task(send_and_release(request))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            report.sent += 1
            last = loop.time()
            if i == 0:
                first = last
        if tasks:
            await asyncio.gather(*tasks)
    report.dispatch_seconds = last - first
    report.elapsed_seconds = time.perf_counter() - wall_start
    report.status_counts = dict(sorted(runner.status_counts.items()))
    report.error_counts = dict(sorted(runner.error_counts.items()))
    return report


def run_simulation(
    base_url: str,
    channel: str,
    count: int,
    rate: float,
    targets: SimulationTargets,
    secrets: SimulationSecrets,
    public_url: str | None = None,
    seed: int | None = None,
    timeout: float = 10.0,
    concurrency: int = 8,
) -> SimulationReport:
    """Send ``count`` simulated webhooks for ``channel`` (or ``"mixed"``) at ``rate`` per second.

    Open-loop: request ``i`` is due at ``start + i / rate``; at most ``concurrency`` requests are
    in flight. HTTP errors and connection failures are counted in the report, never raised.
    Raises ValueError for a bad channel, count, rate or concurrency, or a missing target address.
    """
    if channel == "mixed":
        channels = _available_channels(targets)
        if not channels:
            raise ValueError("cannot simulate mixed traffic: the workspace has no addresses")
    else:
        _require_target(channel, targets)
        channels = [channel]
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not rate > 0 or math.isinf(rate):
        raise ValueError(f"rate must be a positive number of requests per second, got {rate}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")

    def coroutine() -> Any:
        return _simulate(
            base_url,
            channel,
            count,
            rate,
            targets,
            secrets,
            public_url,
            random.Random(seed),
            timeout,
            concurrency,
            channels,
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    # Called from inside an event loop (a notebook, an async app): run on a private loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()
