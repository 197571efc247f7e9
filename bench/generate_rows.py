"""The content of a generated benchmark workspace, decided before a row is written: the
plan (who wrote on which channel when, statuses, temperatures, replies, events) and the row
builders that turn it into contact, conversation, message and event rows with ids given
in advance (`bench.generate` writes them)."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from data.conversations import PREVIEW_LENGTH
from data.demo import content as demo

HISTORY_SECONDS = 180 * 86_400
CHANNELS = {"sms": 45, "whatsapp": 20, "webchat": 15, "email": 15, "voice": 5}
STATUSES = {"active": 70, "escalated": 8, "closed": 22}
LEAD_STATUSES = {"new": 45, "contacted": 20, "quoted": 15, "booked": 10, "won": 7, "lost": 3}
TEMPERATURES = {"hot": 10, "warm": 25, "cool": 45, "cold": 20}
HUMAN_SHARE = 0.15
TEMPERATURE_CHANGED_SHARE = 0.35  # contacts whose temperature triage changed (1-3 times)
SECOND_CHANNEL_SHARE = 0.08  # conversations that are an existing contact's second channel
PROVIDER_PREFIX = {"sms": "SM", "whatsapp": "WA", "voice": "CA", "email": "em-", "webchat": "wc-"}
DOMAINS = ["example.com", "example.net", "example.org", "mail.example"]
ESCALATION_REASONS = ["cant_answer", "asked_for_person", "negative_sentiment", "manual"]
OPERATORS = ["Dana Whitfield", "Luis Ortega", "Priya Shah"]
REPLY_SECONDS = {"ai": (3, 60), "operator": (120, 14_400), "automation": (1, 10)}


def _pools() -> dict[str, list[str]]:
    """Names, subjects and message texts of the demo workspace (data/demo/brightwater.json),
    by sender kind; a customer's first message is an opening on the same channel."""
    pools: dict[str, set[str]] = defaultdict(set)
    for conversation in demo.CONVERSATIONS:
        first, _, last = (conversation["contact"]["name"] or "").partition(" ")
        if last:
            pools["first"].add(first)
            pools["last"].add(last)
        pools["subject"] |= {conversation["subject"]} - {None}
        for j, message in enumerate(conversation["messages"]):
            if not re.search(r"\bSTOP\b|\bSTART\b|unsubscribed", message["body"], re.I):
                kind = f"opening-{conversation['channel']}" if j == 0 else message["from"]
                pools[kind].add(message["body"])
    pools["opening-voice"] |= pools["opening-sms"]
    return {kind: sorted(texts) for kind, texts in pools.items()}


POOLS = _pools()


def _weighted(rng: random.Random, table: dict[str, int], count: int) -> list[str]:
    return rng.choices(list(table), weights=list(table.values()), k=count)


def _at(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


class Plan:
    """Every row's content, decided before one is written. Conversation i (in creation order)
    is usually contact i's; some are a contact's second channel (a few contacts have none)."""

    def __init__(self, rng: random.Random, count: int, mean_messages: float, now: float) -> None:
        self.rng, self.now = rng, now
        self.created = sorted(rng.uniform(now - HISTORY_SECONDS, now - 60) for _ in range(count))
        self.channel = _weighted(rng, CHANNELS, count)
        self.status = _weighted(rng, STATUSES, count)
        self.human = [rng.random() < HUMAN_SHARE for _ in range(count)]
        self.contact = [
            rng.randrange(i) if i and rng.random() < SECOND_CHANNEL_SHARE else i
            for i in range(count)
        ]
        first, last = POOLS["first"], POOLS["last"]
        self.names = [
            f"{rng.choice(first)} {rng.choice(last)}" if rng.random() > 0.05 else None
            for _ in range(count)
        ]
        #: (time, index here, conversation, sender kind, body, index of the message answered)
        self.messages: list[tuple[float, int, int, str, str, int]] = []
        summaries = [self._plan_conversation(i, mean_messages) for i in range(count)]
        self.last, self.last_inbound, self.unread, self.taken_over_at = zip(*summaries, strict=True)
        self._plan_states()

    def _plan_conversation(self, i: int, mean: float) -> tuple[int, float, int, float | None]:
        """Conversation i's messages; returns last message, last inbound, unread, takeover."""
        rng, start = self.rng, self.created[i]
        count = max(1, round(rng.uniform(1, 2 * mean - 1)))
        takeover = rng.randint(1, count) if self.human[i] else count  # operators answer from here
        times, senders = [start], ["customer"]
        for j in range(1, count):
            after_customer = senders[-1] == "customer"
            if rng.random() < (0.15 if after_customer else 0.8):
                sender, gap = "customer", rng.expovariate(1 / (600 if after_customer else 10_800))
            else:
                odds = (0, 0.9, 1) if j >= takeover else (0.88, 0.95, 1)
                sender = rng.choices(("ai", "operator", "automation"), cum_weights=odds)[0]
                gap = rng.uniform(*REPLY_SECONDS[sender] if after_customer else (600, 86_400))
            times.append(times[-1] + gap)
            senders.append(sender)
        if times[-1] > self.now:  # squeeze a recent conversation's history into the past
            factor = rng.random() * (self.now - start) / (times[-1] - start)
            times = [start + (t - start) * factor for t in times]
        first = len(self.messages)
        for j, (t, sender) in enumerate(zip(times, senders, strict=True)):
            body = rng.choice(POOLS[sender if j else f"opening-{self.channel[i]}"])
            answers = j and sender == "ai" and senders[j - 1] == "customer"
            self.messages.append((t, first + j, i, sender, body, first + j - 1 if answers else -1))
        inbound = [j for j, s in enumerate(senders) if s == "customer"]
        replied = max((j for j, s in enumerate(senders) if s != "customer"), default=-1)
        unread = 0 if self.status[i] == "closed" else count - 1 - replied
        taken_over = times[takeover] if takeover < count else None
        return first + count - 1, times[inbound[-1]], unread, taken_over

    def _plan_states(self) -> None:
        """Escalation and closing times; contacts' addresses, lead and latest activity."""
        rng, count = self.rng, len(self.created)
        self.subject = [
            rng.choice(POOLS["subject"]) if ch == "email" else None for ch in self.channel
        ]
        self.reason = [rng.choice(ESCALATION_REASONS) for _ in range(count)]
        self.closed_at: list[float | None] = [None] * count
        self.c_last_inbound: list[float | None] = [None] * count
        self.c_updated = list(self.created)
        needs_email, needs_visitor = [False] * count, [False] * count
        for i, c in enumerate(self.contact):
            last = self.messages[self.last[i]][0]
            if self.status[i] == "closed":
                self.closed_at[i] = min(last + rng.uniform(3_600, 259_200), self.now)
            needs_email[c] |= self.channel[i] == "email"
            needs_visitor[c] |= self.channel[i] == "webchat"
            self.c_last_inbound[c] = max(self.c_last_inbound[c] or 0, self.last_inbound[i])
            self.c_updated[c] = max(self.c_updated[c], last)
        self.phone = [
            f"+1512{2_000_000 + (c * 7_654_321 + 1) % 8_000_000:07d}" for c in range(count)
        ]
        self.email = [
            f"{(self.names[c] or 'customer').lower().replace(' ', '.')}{c}@{rng.choice(DOMAINS)}"
            if needs_email[c] or rng.random() < 0.35
            else None
            for c in range(count)
        ]
        self.visitor = [f"v_{c:010d}" if needs_visitor[c] else None for c in range(count)]
        self.lead = _weighted(rng, LEAD_STATUSES, count)
        self.temperature = _weighted(rng, TEMPERATURES, count)
        self.opted_out = [rng.random() < 0.015 for _ in range(count)]
        addresses = {"email": self.email, "webchat": self.visitor}  # else the phone
        self.address = [
            addresses.get(ch, self.phone)[c]
            for c, ch in zip(self.contact, self.channel, strict=True)
        ]


def contact_rows(plan: Plan, to: SimpleNamespace) -> Iterator[dict[str, Any]]:
    for c in range(len(plan.created)):
        opted_out = plan.opted_out[c]
        yield {
            "id": to.base["contact"] + c,
            "workspace_id": to.id,
            "name": plan.names[c],
            "phone": plan.phone[c],
            "email": plan.email[c],
            "visitor_id": plan.visitor[c],
            "lead_status": plan.lead[c],
            "lead_temperature": plan.temperature[c],
            "lead_temperature_manual": False,
            "opted_out_at": _at(plan.c_updated[c]) if opted_out else None,
            "opted_out_keyword": "STOP" if opted_out else None,
            "opted_out_channel": "sms" if opted_out else None,
            "created_at": _at(plan.created[c]),
            "updated_at": _at(plan.c_updated[c]),
            "last_inbound_at": _at(plan.c_last_inbound[c]),
        }


def conversation_rows(plan: Plan, to: SimpleNamespace) -> Iterator[dict[str, Any]]:
    for i in range(len(plan.created)):
        last_at, _, _, last_sender, last_body, _ = plan.messages[plan.last[i]]
        yield {
            "id": to.base["conversation"] + i,
            "workspace_id": to.id,
            "contact_id": to.base["contact"] + plan.contact[i],
            "channel": plan.channel[i],
            "channel_id": to.channels[plan.channel[i]][0],
            "status": plan.status[i],
            "managed_by": "human" if plan.human[i] else "ai",
            "escalation_reason": plan.reason[i] if plan.status[i] == "escalated" else None,
            "escalated_at": _at(plan.last_inbound[i]) if plan.status[i] == "escalated" else None,
            "subject": plan.subject[i],
            "last_message_at": _at(last_at),
            "last_message_preview": " ".join(last_body.split())[:PREVIEW_LENGTH],
            "last_message_sender": last_sender,
            "last_inbound_at": _at(plan.last_inbound[i]),
            "unread_count": plan.unread[i],
            "created_at": _at(plan.created[i]),
            "updated_at": _at(max(last_at, plan.closed_at[i] or 0)),
            "closed_at": _at(plan.closed_at[i]),
        }


def message_rows(plan: Plan, to: SimpleNamespace) -> Iterator[dict[str, Any]]:
    """Messages in time order; their ids follow that order, as in a live database."""
    rng, ordered = plan.rng, sorted(plan.messages)
    ids = {message[1]: to.base["message"] + rank for rank, message in enumerate(ordered)}
    for ts, index, i, sender, body, answers in ordered:
        mid, inbound, channel = ids[index], sender == "customer", plan.channel[i]
        ours, theirs = to.channels[channel][1], plan.address[i]
        receipts = channel in ("sms", "whatsapp") and rng.random() < 0.9
        status = "received" if inbound else "delivered" if receipts else "sent"
        subject, pid = plan.subject[i], f"{PROVIDER_PREFIX[channel]}{mid:032x}"
        yield {
            "id": mid,
            "workspace_id": to.id,
            "conversation_id": to.base["conversation"] + i,
            "contact_id": to.base["contact"] + plan.contact[i],
            "channel": channel,
            "direction": "inbound" if inbound else "outbound",
            "sender_kind": sender,
            "sender_user_id": rng.choice(to.operators)[0] if sender == "operator" else None,
            "body": body,
            "subject": (subject if inbound else f"Re: {subject}") if subject else None,
            "media": [],
            "meta": {"message_id": f"<{pid}@mail.example>"} if channel == "email" else {},
            "from_address": theirs if inbound else ours,
            "to_address": ours if inbound else theirs,
            "provider_id": pid,
            "status": status,
            "sentiment": round(rng.uniform(-0.7, 0.9), 3) if inbound else None,
            "answers_message_id": ids[answers] if answers >= 0 else None,
            "created_at": _at(ts),
            "sent_at": None if inbound else _at(ts),
            "delivered_at": _at(ts + 2) if status == "delivered" else None,
            "attempts": 0 if inbound else 1,
            "triaged_at": _at(ts + 1) if inbound else None,
        }


def event_rows(plan: Plan, to: SimpleNamespace) -> Iterator[dict[str, Any]]:
    """Escalations, takeovers, closes, lead status and temperature changes, in time order
    (drawn last, so the rows before are the same with or without them)."""
    rng, ai, auto = plan.rng, ("ai", None, "AI"), ("automation", None, "Automation")
    planned: list[tuple[float, int | None, int, str, tuple, dict[str, Any]]] = []
    for i, c in enumerate(plan.contact):
        person = ("operator", *rng.choice(to.operators))
        if plan.status[i] == "escalated":
            who, reason = person if plan.reason[i] == "manual" else ai, plan.reason[i]
            data = {"from": "active", "to": "escalated", "reason": reason, "note": None}
            planned.append((plan.last_inbound[i], i, c, "escalated", who, data))
        if ts := plan.taken_over_at[i]:
            planned.append((ts, i, c, "taken_over", person, {}))
        if ts := plan.closed_at[i]:
            who = person if rng.random() < 0.6 else auto
            planned.append((ts, i, c, "closed", who, {"from": "active", "to": "closed"}))
    for c, lead in enumerate(plan.lead):
        if lead != "new" and rng.random() < 0.1:
            who, data = ("operator", *rng.choice(to.operators)), {"from": "new", "to": lead}
            planned.append((plan.c_updated[c], None, c, "lead_status_changed", who, data))
    for c, now in enumerate(plan.temperature):  # triage's changes, ending at the current one
        if rng.random() < TEMPERATURE_CHANGED_SHARE:
            steps = rng.randint(1, 3)
            times = sorted(rng.uniform(plan.created[c], plan.c_updated[c]) for _ in range(steps))
            chain = [rng.choice(list(TEMPERATURES)) for _ in range(steps)] + [now]
            for ts, was, then in zip(times, chain, chain[1:], strict=False):
                data = {"from": was, "to": then, "manual": False, "reason": "triage"}
                planned.append((ts, None, c, "lead_temperature_changed", ai, data))
    planned.sort(key=lambda event: event[0])
    for n, (ts, i, c, kind, (actor_kind, user_id, label), data) in enumerate(planned):
        yield {
            "id": to.base["event"] + n,
            "workspace_id": to.id,
            "conversation_id": None if i is None else to.base["conversation"] + i,
            "contact_id": to.base["contact"] + c,
            "kind": kind,
            "actor_kind": actor_kind,
            "actor_user_id": user_id,
            "actor_label": label,
            "data": data,
            "created_at": _at(ts),
        }
