"""The pipeline benchmark's verdicts: with several rounds, each configuration is judged on its
median msgs/s, and the two-process ratio is the quotient of the medians."""

from __future__ import annotations

from bench.pipeline_report import Latency, Result, Throughput, verdicts


def _result(name: str, processes: int, rates: list[float]) -> Result:
    first = Throughput(messages=2000, fragments=0, seconds=2000 / rates[0], seconds_all=0.0)
    latency = Latency(rate=50.0, offered=10, answered=[0.2, 0.3, 0.4])
    return Result(name, processes, first, latency, more_rounds=rates[1:])


def test_a_configuration_is_judged_on_the_median_of_its_rounds():
    one = _result("PostgreSQL, 1 process", 1, [150.0, 210.0, 205.0])
    assert one.rate == 205.0
    assert "205.0 msgs/s (median of 3 rounds: 150 / 210 / 205 msgs/s) (met" in verdicts([one])[0]


def test_the_two_process_ratio_is_the_quotient_of_the_medians_with_each_round_shown():
    one = _result("PostgreSQL, 1 process", 1, [200.0, 160.0, 180.0])
    two = _result("PostgreSQL, 2 processes", 2, [300.0, 290.0, 310.0])
    ratio = verdicts([one, two])[-1]
    assert ratio.startswith("PostgreSQL 2 processes / 1: 1.67x")
    assert "(met, target >= 1.6x); round by round 1.50x / 1.81x / 1.72x" in ratio


def test_one_round_reads_as_before():
    one = _result("PostgreSQL, 1 process", 1, [190.0])
    two = _result("PostgreSQL, 2 processes", 2, [290.0])
    lines = verdicts([one, two])
    assert lines[0].startswith("PostgreSQL, 1 process: 190.0 msgs/s (MISSED")
    assert lines[-1] == "PostgreSQL 2 processes / 1: 1.53x (MISSED, target >= 1.6x)"
