"""What the end-to-end soak measures once a configuration has drained: end-to-end latency per
message, replies out by channel, job failures in the logs, and the reconciliation checks
(`bench.reconcile`), each PASS or FAIL with examples.

End-to-end latency of a message = its AI reply's `sent_at` (written by dispatch right after the
sender returned: for SMS, WhatsApp and email the log sender, for web chat the stored reply
marked delivered) minus the moment the simulator sent the webhook (`SimulationReport
.accepted_at`, wall clock of the same machine). It covers the HTTP request, ingest's verify and
store, triage, the reply, the outbox and the send. Fragments (short messages triage holds
4 s for the rest of a burst) whose reply came after that wait are counted apart, as in
bench/pipeline.py; messages whose reply was carried by a later message of their burst, or
escalated to a person, or call transcripts (read-only) have no reply of their own."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from bench import reconcile
from bench.e2e_run import Config, Traffic
from bench.pipeline import job_errors
from data.answers.intents import read as read_intents
from data.answers.triage import is_fragment
from data.clock import as_utc
from data.models import Contact, Conversation, Message
from data.vocab import ConversationStatus, DeliveryStatus, Direction, SenderKind
from pipeline.triage import BURST_WAIT

EXAMPLES = 5
LOG_SENDER_CHANNELS = ("sms", "whatsapp", "email")


@dataclass
class Check:
    name: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.passed:
            return f"PASS  {self.name}"
        shown = "; ".join(self.problems[:EXAMPLES])
        return f"FAIL  {self.name}: {len(self.problems)} ({shown})"


@dataclass
class Outcome:
    config: Config
    traffic: Traffic
    latencies: list[float] = field(default_factory=list)
    held: list[float] = field(default_factory=list)
    without_reply: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    replies: Counter[str] = field(default_factory=Counter)
    outbound: Counter[str] = field(default_factory=Counter)
    job_failures: Counter[str] = field(default_factory=Counter)
    ingest_errors: Counter[str] = field(default_factory=Counter)
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def p(self, q: float) -> float:
        """Nearest-rank percentile of the end-to-end latencies, in seconds (nan if none)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _why_silent(channel: str, status: str, opted_out: bool, meta: dict) -> str:
    """Why a message has no reply of its own, as far as the rows tell."""
    if meta.get("keyword"):
        return "keyword (STOP/START/HELP, answered at ingest)"
    if opted_out:
        return "customer opted out"
    if status == ConversationStatus.ESCALATED:
        return "conversation escalated to a person"
    # A later message of the burst carried the reply, an email past the day's automatic
    # replies to that sender, a thank-you that needs no answer...
    return f"{channel}, conversation {status}"


def _rows(session: Session) -> dict[str, tuple[str, str, float | None, str]]:
    """Inbound messages by provider id: (channel, body, own AI reply's sent time or None,
    why there is none)."""
    reply = aliased(Message)
    rows = session.exec(
        select(
            Message.provider_id,
            Message.channel,
            Message.body,
            reply.sent_at,
            Conversation.status,
            Contact.opted_out_at,
            Message.meta,
        )
        .join(Conversation, Conversation.id == Message.conversation_id)
        .join(Contact, Contact.id == Message.contact_id)
        .join(
            reply,
            (reply.answers_message_id == Message.id) & (reply.sender_kind == SenderKind.AI),
            isouter=True,
        )
        .where(Message.direction == Direction.INBOUND)
    ).all()
    return {
        str(pid): (
            channel,
            body,
            as_utc(sent).timestamp() if sent else None,
            _why_silent(channel, status, opted_out is not None, meta or {}),
        )
        for pid, channel, body, sent, status, opted_out, meta in rows
    }


def _latencies(outcome: Outcome, session: Session) -> None:
    rows = _rows(session)
    for pid, sent_at in outcome.traffic.report.accepted_at.items():
        row = rows.get(pid)
        if row is None:
            outcome.calls += 1  # a call transcript: a call, not a message
            continue
        _channel, body, replied, why = row
        if replied is None:
            outcome.without_reply[why] += 1
            continue
        delay = replied - sent_at
        fragment = is_fragment(body, read_intents(body))
        held = fragment and delay >= BURST_WAIT.total_seconds()
        (outcome.held if held else outcome.latencies).append(delay)


def _outbound(outcome: Outcome, session: Session) -> None:
    rows = session.exec(
        select(Message.channel, Message.sender_kind, Message.status, func.count())
        .where(Message.direction == Direction.OUTBOUND)
        .group_by(Message.channel, Message.sender_kind, Message.status)
    ).all()
    for channel, kind, status, n in rows:
        outcome.outbound[f"{kind} {status}"] += n
        if status in (DeliveryStatus.SENT, DeliveryStatus.DELIVERED):
            outcome.replies[channel] += n


def _sent_by_log_sender(session: Session) -> set[int]:
    return set(
        session.exec(
            select(Message.id).where(
                Message.direction == Direction.OUTBOUND,
                col(Message.channel).in_(LOG_SENDER_CHANNELS),
                col(Message.status).in_([DeliveryStatus.SENT, DeliveryStatus.DELIVERED]),
            )
        )
    )


def ingest_log_errors(log: Path) -> Counter[str]:
    """Tracebacks and errors in the ingest's log, by their last line."""
    found: Counter[str] = Counter()
    if not log.exists():
        return found
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^[\w.]+(Error|Exception)\b", line) or " ERROR " in line:
            found[line[:140]] += 1
    return found


def _checks(outcome: Outcome, session: Session, sends: Counter[int]) -> list[Check]:
    traffic = outcome.traffic
    accepted = [*traffic.warm_up.accepted_ids, *traffic.report.accepted_ids]
    messages = reconcile.stored_counts(session, accepted)
    calls = reconcile.stored_call_counts(session, accepted)
    stored = {pid: messages[pid] + calls[pid] for pid in accepted}
    refused = {**traffic.warm_up.status_counts}
    for code, n in traffic.report.status_counts.items():
        refused[code] = refused.get(code, 0) + n
    sent = _sent_by_log_sender(session)
    return [
        Check(
            "ingest answered every request 2xx",
            [f"{n} x {code}" for code, n in refused.items() if not 200 <= code < 300]
            + [f"{n} x {kind}" for kind, n in traffic.report.error_counts.items()],
        ),
        Check(
            "every 2xx stored exactly once (by provider id)",
            [f"{pid} stored {n}x" for pid, n in stored.items() if n != 1],
        ),
        Check(
            "every inbound message triaged",
            [f"message {mid}" for mid in reconcile.untriaged(session)],
        ),
        Check(
            "triaged once (sentiment samples <= messages)",
            [
                f"conversation {cid}: {s} samples, {n} messages"
                for cid, (s, n) in reconcile.over_sampled(session).items()
            ],
        ),
        Check(
            "at most one AI reply per inbound message",
            [f"message {m}: {n} replies" for m, n in reconcile.multiple_ai_replies(session).items()]
            + [f"AI reply {m} answers none" for m in reconcile.ai_replies_without_target(session)],
        ),
        Check(
            "no outbox row sent twice (log sender lines)",
            [f"message {m} sent {n}x" for m, n in reconcile.sent_more_than_once(sends).items()],
        ),
        Check(
            "log sender lines = rows marked sent (SMS, WhatsApp, email)",
            [f"row {m} sent without a line" for m in sorted(sent - set(sends))]
            + [f"line for row {m} not marked sent" for m in sorted(set(sends) - sent)],
        ),
        Check(
            "each escalated conversation escalated once",
            [f"conversation {c}: {n}" for c, n in reconcile.escalations_not_once(session).items()],
        ),
        Check(
            "nothing pending after the drain",
            [f"reply due for message {m}" for m in reconcile.replies_due(session)]
            + [f"outbox row {m} {s}" for m, s in reconcile.outbox_pending(session).items()]
            + ([] if traffic.drain_seconds is not None else ["drain timed out"]),
        ),
        Check(
            "no job failed in the pipelines' logs",
            [f"{n} x {what}" for what, n in outcome.job_failures.most_common()],
        ),
        Check(
            "no error in the ingest's log",
            [f"{n} x {what}" for what, n in outcome.ingest_errors.most_common()],
        ),
    ]


def measure(config: Config, traffic: Traffic, engine: Engine, workdir: Path) -> Outcome:
    outcome = Outcome(config, traffic)
    logs = [workdir / f"{config.tag}-{i}.log" for i in range(config.pipeline_workers)]
    sends = reconcile.log_sends(logs)
    outcome.job_failures = job_errors(workdir, config.tag)
    outcome.ingest_errors = ingest_log_errors(workdir / f"{config.tag}.ingest.log")
    with Session(engine) as session:
        _latencies(outcome, session)
        _outbound(outcome, session)
        outcome.checks = _checks(outcome, session, sends)
    return outcome
