"""The product under faults, through its real processes: customers write in by SMS and email
(signed webhooks, retried by the providers until answered) to `inbox ingest`, two `inbox
pipeline` processes answer them and deliver through the Twilio stand-in and a real SMTP server,
and mid-run something breaks for a few seconds and recovers. Afterwards nothing accepted is
lost, nothing is sent twice (counted at the providers), and everything pending is finished.

The scenarios are `bench/fault_scenarios.py`'s, run here with short outages (`TEST`: 3 s);
`python -m bench.faults` runs them with one-minute outages and prints the figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import fault_scenarios
from bench.fault_scenarios import TEST, Result
from bench.private_postgres import missing
from tests.conftest import NO_POSTGRES, postgres_admin_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(150)]


def run(name: str, tmp_path: Path) -> Result:
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(NO_POSTGRES)
    if name.startswith("postgres-") and missing():
        pytest.skip(f"no private PostgreSQL cluster: {missing()}")
    result = fault_scenarios.SCENARIOS[name](TEST, tmp_path, admin_url)
    failures = "\n".join(f"{c.name}: {c.detail}" for c in result.reconciliation.failures())
    logs = "\n".join(
        f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        for log in sorted(tmp_path.glob("*.log"))
    )
    assert result.passed, f"{failures}\nnotes: {result.notes}\n{logs}"
    return result


def figures(result: Result) -> dict:
    return result.reconciliation.figures


def test_ingest_killed_under_load_every_webhook_is_stored_once_after_the_providers_retry(
    tmp_path: Path,
) -> None:
    result = run("ingest-kill", tmp_path)
    assert figures(result)["webhook retries"] > 0, "the kill refused no webhook"


def test_a_pipeline_killed_under_load_its_work_is_finished_and_nothing_is_sent_twice(
    tmp_path: Path,
) -> None:
    result = run("pipeline-kill", tmp_path)
    assert figures(result)["SMS sent"] > 0


def test_postgres_restarted_mid_run_ingest_answers_503_and_nothing_accepted_is_lost(
    tmp_path: Path,
) -> None:
    result = run("postgres-restart", tmp_path)
    answers = figures(result)["webhook answers"]
    assert answers.get("503", 0) > 0, answers


def test_postgres_crashed_mid_run_the_processes_carry_on_and_everything_finishes(
    tmp_path: Path,
) -> None:
    result = run("postgres-crash", tmp_path)
    answers = figures(result)["webhook answers"]
    assert set(answers) - {"200"}, f"ingest never noticed the database was down: {answers}"


def test_the_twilio_api_failing_for_a_while_delays_sms_but_sends_each_exactly_once(
    tmp_path: Path,
) -> None:
    result = run("twilio-errors", tmp_path)
    refused = figures(result)["Twilio refused"]
    assert refused.get("500", 0) > 0 and refused.get("429", 0) > 0, refused


def test_smtp_down_email_replies_and_alerts_wait_and_are_delivered_once_when_it_returns(
    tmp_path: Path,
) -> None:
    result = run("smtp-down", tmp_path)
    assert figures(result)["emails retried"] > 0
    assert figures(result)["email alerts"] > 0


def test_the_ai_timing_out_each_message_gets_one_answer_from_the_fallback_or_the_model(
    tmp_path: Path,
) -> None:
    result = run("ai-timeout", tmp_path)
    assert figures(result)["replies from the offline fallback"] > 0, figures(result)
    assert figures(result)["replies from the model"] > 0, figures(result)
