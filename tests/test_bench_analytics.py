"""bench/analytics.py runs end to end at a tiny size on SQLite: every figure of the page is
timed in DuckDB, pandas and SQL, found equal across the ways, and judged against the targets."""

from __future__ import annotations

import pytest

from bench import analytics


def test_the_analytics_benchmark_times_every_figure_three_ways_and_finds_them_equal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(analytics, "PERIODS", [("90 days", 90, None), ("30 days, SMS", 30, "sms")])
    analytics.main(["--size", "300", "--runs", "1"])
    report = capsys.readouterr().out
    rows = [line for line in report.splitlines() if line.startswith("| ") and " | " in line]
    for label, _, _ in analytics.PERIODS:
        for name in [*analytics.QUERIES, "sms_segments"]:
            assert any(row.startswith(f"| {label} | {name} |") for row in rows), (label, name)
        assert any(row.startswith(f"| **{label}** | **whole page** |") for row in rows)
    assert not any(row.endswith("| NO |") for row in rows)
    assert "Snapshot first load" in report and "refresh after 220 new rows" in report
    assert "PASS SQLite: every figure equal across the ways" in report
    verdicts = [line for line in report.splitlines() if line.startswith(("PASS ", "FAIL "))]
    assert len(verdicts) == 4  # page, each query, pandas ratio, equal
