"""bench/console.py runs end to end at tiny sizes on SQLite: every query is timed through the
real functions and judged against the target."""

from __future__ import annotations

import pytest

from bench import console


def test_the_console_benchmark_times_every_query_and_judges_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "LONG_HISTORY", 120)
    monkeypatch.setattr(console, "WARMUP_RUNS", 1)
    results = console.main(["--sizes", "120,240", "--runs", "3"])
    assert [(r["backend"], r["size"]) for r in results] == [("sqlite", 120), ("sqlite", 240)]
    names = set(results[0]["queries"])
    assert {"inbox first page", "search phone digits", "thread deep page (before)"} <= names
    for result in results:
        for figures in result["queries"].values():
            assert figures["runs"] == 3 and 0 < figures["p50_ms"] <= figures["p95_ms"]
    report = capsys.readouterr().out
    assert report.count("PASS") + report.count("FAIL") == len(names) - 1  # all but the baseline
