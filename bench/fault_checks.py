"""After a fault run: the checks (nothing accepted lost, nothing sent twice, nothing left
pending) and the figures. The database side is `bench.reconcile`'s queries; the provider side
is counted here, at the providers themselves: the Twilio stand-in's 201s per recipient and
body and per Message SID, and the SMTP server's messages per Message-ID, against the outbox
rows that say they were sent."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bench import reconcile
from bench.fault_rig import FlakyTwilio, Mailbox
from bench.fault_traffic import Traffic
from data.models import Message
from data.vocab import ChannelKind, DeliveryStatus, Direction
from pipeline.dispatch import BACKOFF_BASE

#: Outbox rows that claim the provider took them (`unknown`: it may have).
HANDED_OVER = {
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.UNDELIVERED,
}
#: Failure codes of a fault the dispatcher should have waited out rather than given up on.
TRANSIENT_CODES = {"20429", "20500", "20503", "500", "429", "connection", "smtp_connect"}


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class Reconciliation:
    checks: list[Check] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def check(self, name: str, offending: Any, detail: str = "") -> None:
        """Passes when `offending` (rows that break the rule) is empty."""
        shown = "" if not offending else f"{len(offending)} offending, e.g. {_sample(offending)}"
        self.checks.append(Check(name, not offending, " ".join(p for p in (shown, detail) if p)))

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def _sample(offending: Any) -> str:
    items = list(offending.items() if isinstance(offending, dict) else offending)
    return ", ".join(str(i) for i in items[:3])


def outbound_rows(session: Session) -> list[Message]:
    return list(session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)))


def reconcile_run(
    engine: Engine, traffic: Traffic, twilio: FlakyTwilio, mailbox: Mailbox
) -> Reconciliation:
    result = Reconciliation()
    with Session(engine) as session:
        sent_ids = [d.request.provider_id for d in traffic.deliveries]
        counts = reconcile.stored_counts(session, sent_ids)
        accepted = set(traffic.accepted_ids())
        result.check(
            "every webhook answered 2xx is stored",
            [pid for pid in accepted if counts.get(pid, 0) == 0],
        )
        result.check(
            "every webhook the providers sent is stored exactly once",
            {pid: n for pid, n in counts.items() if n != 1},
        )
        result.check("every inbound message triaged", reconcile.untriaged(session))
        result.check("no message triaged twice", reconcile.over_sampled(session))
        result.check("at most one AI reply per message", reconcile.multiple_ai_replies(session))
        result.check(
            "every AI reply names its message", reconcile.ai_replies_without_target(session)
        )
        result.check("no reply still due", reconcile.replies_due(session))
        result.check("no outbox row queued or sending", reconcile.outbox_pending(session))
        result.check("each escalation once", reconcile.escalations_not_once(session))
        rows = outbound_rows(session)
        inbound = len(reconcile.inbound_ids(session))
        by_status = reconcile.outbox_by_status(session)
    result.check(
        "no outbox row given up on because of the fault",
        [
            (m.id, m.error_code)
            for m in rows
            if m.status == DeliveryStatus.FAILED and (m.error_code or "") in TRANSIENT_CODES
        ],
    )
    attempts = [m.attempts for m in rows if m.attempts]
    result.figures |= {
        "webhooks": len(traffic.deliveries),
        "accepted": len(accepted),
        "webhook retries": traffic.retries(),
        "webhook answers": dict(sorted(traffic.statuses().items())),
        "inbound stored": inbound,
        "outbox": dict(sorted(by_status.items())),
        "send attempts": sum(attempts),
        "send retries": sum(a - 1 for a in attempts),
        "most attempts": max(attempts, default=0),
    }
    _check_sms(result, rows, twilio)
    _check_email(result, rows, mailbox)
    return result


def _is_twilio(message: Message) -> bool:
    return message.channel in (ChannelKind.SMS, ChannelKind.WHATSAPP)


def _check_sms(result: Reconciliation, rows: list[Message], twilio: FlakyTwilio) -> None:
    creates = [r for r in twilio.requests if r.resource == "Messages"]
    created = [r for r in creates if r.status == 201]
    sids = Counter(r.sid for r in created)
    handed = [m for m in rows if _is_twilio(m) and m.status in HANDED_OVER]
    unknown = [m for m in rows if _is_twilio(m) and m.status == DeliveryStatus.UNKNOWN]
    result.check(
        "every SMS marked sent was created at Twilio (by its SID)",
        [m.id for m in handed if sids.get(m.provider_id or "", 0) != 1],
    )
    # Twilio has no idea of our rows: a double send is two 201s for one recipient and body
    # where the outbox holds fewer rows that may have gone out.
    at_twilio = Counter((r.value("To"), r.value("Body")) for r in created)
    in_outbox = Counter(
        (_twilio_address(m), m.body)
        for m in rows
        if _is_twilio(m) and m.status in HANDED_OVER | {DeliveryStatus.UNKNOWN}
    )
    result.check(
        "no SMS sent twice (201s per recipient and body <= outbox rows)",
        {key: n for key, n in at_twilio.items() if n > in_outbox.get(key, 0)},
    )
    recorded = {m.provider_id for m in handed}
    orphans = [sid for sid in sids if sid not in recorded]
    result.check(
        "every SMS Twilio created is on an outbox row (or one whose fate is unknown)",
        orphans if len(orphans) > len(unknown) else [],
    )
    refused = Counter(str(r.status) for r in creates if r.status != 201)
    result.figures |= {
        "SMS sent": len(handed),
        "SMS unknown": len(unknown),
        "Twilio creates": len(creates),
        "Twilio 201": len(created),
        "Twilio refused": dict(sorted(refused.items())),
    }


def _twilio_address(message: Message) -> str:
    prefix = "whatsapp:" if message.channel == ChannelKind.WHATSAPP else ""
    return f"{prefix}{message.to_address}"


def _check_email(result: Reconciliation, rows: list[Message], mailbox: Mailbox) -> None:
    received = Counter(mailbox.message_ids())
    handed = [m for m in rows if m.channel == ChannelKind.EMAIL and m.status in HANDED_OVER]
    unknown = [
        m for m in rows if m.channel == ChannelKind.EMAIL and m.status == DeliveryStatus.UNKNOWN
    ]
    result.check(
        "every email marked sent was received once (by its Message-ID)",
        [m.id for m in handed if received.get(m.provider_id or "", 0) != 1],
    )
    result.check("no email received twice", {mid: n for mid, n in received.items() if n > 1})
    recorded = {m.provider_id for m in handed}
    orphans = [mid for mid in received if mid not in recorded]
    result.check(
        "every email received is on an outbox row (or one whose fate is unknown)",
        orphans if len(orphans) > len(unknown) else [],
    )
    result.figures |= {"emails sent": len(handed), "SMTP received": sum(received.values())}


def backoff_violations(rows: list[Message], twilio: FlakyTwilio) -> list[tuple[int, int, float]]:
    """Retries of one SMS that came sooner than the dispatcher's backoff allows: (row, attempt,
    seconds since the previous try). Only rows whose recipient and body are unique, so that
    the stand-in's requests can be told apart; the shortest allowed wait before attempt k+1 is
    half of BACKOFF_BASE * 2**(k-1) (the jitter's lower bound), less 0.25 s of scheduling."""
    creates: dict[tuple[str | None, str | None], list[float]] = defaultdict(list)
    for request in twilio.requests:
        if request.resource == "Messages":
            creates[(request.value("To"), request.value("Body"))].append(request.at)
    keys = Counter((_twilio_address(m), m.body) for m in rows if _is_twilio(m))
    found = []
    for message in rows:
        key = (_twilio_address(message), message.body)
        if not _is_twilio(message) or keys[key] != 1:
            continue
        times = sorted(creates.get(key, []))
        for attempt, (before, after) in enumerate(itertools.pairwise(times), 1):
            least = BACKOFF_BASE.total_seconds() * 2 ** (attempt - 1) * 0.5 - 0.25
            if after - before < least:
                found.append((message.id, attempt + 1, round(after - before, 2)))
    return found


def pending(engine: Engine) -> dict[str, int]:
    """What is not finished yet: untriaged messages, replies due, outbox rows queued or
    sending (zero everywhere = drained)."""
    with Session(engine) as session:
        return {
            "untriaged": len(reconcile.untriaged(session)),
            "replies due": len(reconcile.replies_due(session)),
            "outbox pending": len(reconcile.outbox_pending(session)),
        }


def sending_of(engine: Engine, owner_pid: int) -> list[int]:
    """Outbox rows a (dead) process left `sending`."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(Message.id).where(
                    Message.status == DeliveryStatus.SENDING,
                    col(Message.lease_owner).endswith(f":{owner_pid}"),
                )
            )
        )
