"""Fault runs: the product's real processes under load while something breaks, then the proof
that nothing accepted was lost, nothing was sent twice and everything pending finished once the
fault cleared (`bench/fault_scenarios.py` has the scenarios, `bench/fault_checks.py` the checks).

    python -m bench.faults [--quick] [--only NAME[,NAME...]] [--outage-seconds S]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]

By default each fault is held for a full minute (15 s of traffic before it, 15 s after, 4
webhooks a second); `--quick` holds it 5 s at 6 a second. Prints, per scenario, the figures
(webhooks accepted and retried, outbox rows by status, send attempts, the providers' counts,
time to drain after the fault cleared, load average) and PASS/FAIL per check; exits 1 on any
FAIL."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.fault_scenarios import FULL, QUICK, SCENARIOS, Plan, Result
from bench.private_postgres import missing
from bench.scratch import machine

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _value(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
    return str(value)


def report(result: Result) -> str:
    """One scenario: its figures as a two-column table, then its checks."""
    lines = [f"### {result.name}: {result.fault}", "", "| figure | value |", "|---|---|"]
    for name, value in result.reconciliation.figures.items():
        lines.append(f"| {name} | {_value(value)} |")
    load = f"{result.load_before:.2f} / {result.load_after:.2f}"
    lines.append(f"| load average before / after | {load} |")
    lines.append("")
    for check in result.reconciliation.checks:
        verdict = "PASS" if check.passed else "FAIL"
        lines.append(f"{verdict}  {check.name}{': ' + check.detail if check.detail else ''}")
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    """The short table README.md carries."""
    lines = [
        "| fault | webhooks accepted (retries) | outbox sent / unknown / failed | send retries "
        "| drain after clear / after last webhook | load | checks |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        f = r.reconciliation.figures
        outbox = f["outbox"]
        sent = sum(outbox.get(s, 0) for s in ("sent", "delivered", "read"))
        failed = outbox.get("failed", 0)
        lines.append(
            f"| {r.name} | {f['accepted']}/{f['webhooks']} ({f['webhook retries']}) "
            f"| {sent} / {outbox.get('unknown', 0)} / {failed} | {f['send retries']} "
            f"| {r.drain_seconds:.1f} s / {f.get('drain after last webhook (s)', '-')} s "
            f"| {r.load_before:.1f} "
            f"| {'PASS' if r.passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5-second faults")
    parser.add_argument("--only", default="", help=f"comma-separated: {', '.join(SCENARIOS)}")
    parser.add_argument("--outage-seconds", type=float, default=None)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("INBOX_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL),
        help="admin URL of the shared server (scratch databases are created and dropped)",
    )
    args = parser.parse_args(argv)
    plan: Plan = QUICK if args.quick else FULL
    if args.outage_seconds is not None:
        plan = dataclasses.replace(plan, outage=args.outage_seconds)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    started = time.monotonic()
    print(machine(args.postgres_url))
    print(f"Plan: {plan}")
    results: list[Result] = []
    for name in names:
        if name.startswith("postgres-") and missing():
            print(f"\n### {name}: SKIPPED ({missing()})")
            continue
        with tempfile.TemporaryDirectory(prefix=f"faults-{name}-") as workdir:
            result = SCENARIOS[name](plan, Path(workdir), args.postgres_url)
            if not result.passed:
                for log in sorted(Path(workdir).glob("*.log")):
                    tail = log.read_text(errors="replace").splitlines()[-15:]
                    print(f"--- {log.name} (last lines)\n" + "\n".join(tail))
        results.append(result)
        print()
        print(report(result), flush=True)
    print()
    print(summary(results))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
