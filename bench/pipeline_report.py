"""The pipeline benchmark's results and report: what each configuration measured, the table,
and the verdicts against the issue's targets."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

#: The issue's targets: messages/s on one process, p50 seconds, two processes over one.
TARGET_RATE = 200.0
TARGET_P50 = 1.0
TARGET_SCALE = 1.6


@dataclass
class Throughput:
    messages: int
    fragments: int
    seconds: float
    seconds_all: float
    cpu: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Latency:
    rate: float
    offered: int
    answered: list[float] = field(default_factory=list)
    fragments: list[float] = field(default_factory=list)
    without_own_reply: int = 0
    behind: float = 0.0

    def p(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Result:
    name: str
    processes: int
    throughput: Throughput | None = None
    latency: Latency | None = None
    job_errors: Counter[str] = field(default_factory=Counter)
    #: msgs/s of the throughput phase run again on a fresh database (`--rounds`).
    more_rounds: list[float] = field(default_factory=list)

    @property
    def rates(self) -> list[float]:
        """msgs/s of every round, the first (the one with the latency phase) first."""
        return [self.throughput.rate, *self.more_rounds] if self.throughput else []

    @property
    def rate(self) -> float:
        """The median of the rounds' msgs/s: on a shared VM one round swings by ~20%."""
        return statistics.median(self.rates) if self.rates else 0.0


def table(results: list[Result]) -> str:
    lines = [
        f"{'configuration':<26}{'msgs/s':>8}{'fragments':>10}{'latency at':>11}"
        f"{'p50 s':>8}{'p99 s':>8}{'replies':>8}{'job errors':>11}"
    ]
    for r in results:
        t, lat = r.throughput, r.latency
        assert t is not None and lat is not None
        lines.append(
            f"{r.name:<26}{r.rate:>8.1f}{100 * t.fragments / t.messages:>9.0f}%"
            f"{lat.rate:>9.1f}/s{lat.p(lat.answered, 0.5):>8.2f}"
            f"{lat.p(lat.answered, 0.99):>8.2f}{len(lat.answered):>8d}"
            f"{sum(r.job_errors.values()):>11d}"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    out = []
    by_name = {r.name: r for r in results}
    for r in results:
        t, lat = r.throughput, r.latency
        assert t is not None and lat is not None
        p50 = lat.p(lat.answered, 0.5)
        line = f"{r.name}: p50 {p50:.2f} s ({'met' if p50 < TARGET_P50 else 'MISSED'}, < 1 s)"
        if r.processes == 1:
            ok = r.rate >= TARGET_RATE
            line = (
                f"{r.name}: {r.rate:.1f} msgs/s{_rounds(r)} ({'met' if ok else 'MISSED'}, "
                f"target >= {TARGET_RATE:.0f}/s); " + line.split(": ", 1)[1]
            )
        out.append(line)
    one, two = by_name.get("PostgreSQL, 1 process"), by_name.get("PostgreSQL, 2 processes")
    if one and two and one.rate:
        ratio = two.rate / one.rate
        each = ""
        if len(one.rates) > 1:
            pairs = zip(one.rates, two.rates, strict=False)
            each = "; round by round " + " / ".join(f"{b / a:.2f}x" for a, b in pairs if a)
        out.append(
            f"PostgreSQL 2 processes / 1: {ratio:.2f}x{_rounds(two)} "
            f"({'met' if ratio >= TARGET_SCALE else 'MISSED'}, target >= {TARGET_SCALE}x){each}"
        )
    return out


def _rounds(result: Result) -> str:
    if len(result.rates) < 2:
        return ""
    listed = " / ".join(f"{rate:.0f}" for rate in result.rates)
    return f" (median of {len(result.rates)} rounds: {listed} msgs/s)"
