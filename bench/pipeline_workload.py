"""The pipeline benchmark's workload: customers spread over the channels, messages drawn from
the labelled evaluation set in a fixed mix, and storing them the way ingest does."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from data import knowledge, workspaces
from data.answers.intents import read as read_intents
from data.answers.triage import is_fragment
from data.db import get_engine, session_scope
from data.demo import content
from data.inbound import InboundMessage, receive
from data.migrate import upgrade

REPO = Path(__file__).resolve().parent.parent
EVAL_SET = REPO / "bench" / "eval_data" / "brightwater_messages.jsonl"
SLUG = "bench"
NUMBER = "+15125550100"
WHATSAPP = "+15125550101"
EMAIL = f"hello@{SLUG}.example"
WIDGET = f"wk_{SLUG}_widget"
ALWAYS_OPEN = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
#: Share of messages per category of the evaluation set.
MIX = {"faq": 0.70, "booking": 0.12, "thanks": 0.05, "person": 0.05, "greeting": 0.08}
#: Share of customers per channel.
CHANNELS = {"sms": 0.45, "whatsapp": 0.20, "webchat": 0.15, "email": 0.20}
INSERT_BATCH = 200


@dataclass(frozen=True)
class Customer:
    channel: str
    address: str
    to: str
    name: str


@dataclass(frozen=True)
class Planned:
    customer: Customer
    body: str
    fragment: bool


def phrasings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in EVAL_SET.read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            found.setdefault(item["category"], []).append(item["text"])
    return found


def customers(count: int, rng: random.Random, offset: int = 0) -> list[Customer]:
    """`count` customers, channels as in CHANNELS; addresses unique from `offset`."""
    first = [f"{n}" for n in ("Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo")]
    out = []
    kinds, weights = list(CHANNELS), list(CHANNELS.values())
    for i in range(offset, offset + count):
        kind = rng.choices(kinds, weights)[0]
        name = f"{first[i % len(first)]} {i}"
        if kind == "sms":
            out.append(Customer(kind, f"+1737{i:07d}", NUMBER, name))
        elif kind == "whatsapp":
            out.append(Customer(kind, f"+1738{i:07d}", WHATSAPP, name))
        elif kind == "webchat":
            out.append(Customer(kind, f"v_bench_{i:08d}", WIDGET, name))
        else:
            out.append(Customer(kind, f"customer{i}@mail.example", EMAIL, name))
    return out


def plan(count: int, people: list[Customer], rng: random.Random) -> list[Planned]:
    texts = phrasings()
    kinds, weights = list(MIX), list(MIX.values())
    out = []
    for _ in range(count):
        body = rng.choice(texts[rng.choices(kinds, weights)[0]])
        out.append(Planned(rng.choice(people), body, is_fragment(body, read_intents(body))))
    return out


def store(session: Session, planned: Planned, prefix: str, number: int) -> None:
    """One message the way ingest stores it; fragments' provider ids start with 'F'."""
    c = planned.customer
    receive(
        session,
        InboundMessage(
            channel=c.channel,
            to_address=c.to,
            from_address=c.address,
            body=planned.body,
            provider_id=f"{'F' if planned.fragment else 'M'}{prefix}{number:09d}",
            name=c.name,
            subject="Question" if c.channel == "email" else None,
        ),
    )


def prepare(url: str) -> None:
    """Migrate `url` and create the workspace."""
    upgrade(url)
    with Session(get_engine(url)) as session:
        workspace = workspaces.create(session, SLUG, "Bench Plumbing")
        workspaces.add_channel(session, workspace, "sms", NUMBER, "twilio", "AI number")
        workspaces.add_channel(session, workspace, "voice", NUMBER, "twilio", "AI number")
        workspaces.add_channel(session, workspace, "whatsapp", WHATSAPP, "twilio")
        workspaces.add_channel(session, workspace, "email", EMAIL, "mailgun")
        workspaces.add_channel(session, workspace, "webchat", WIDGET, "widget")
        workspace.business_hours = ALWAYS_OPEN
        workspace.timezone = "America/Chicago"
        workspace.alert_phone = "+15125550190"
        workspace.alert_email = f"owner@{SLUG}.example"
        workspace.sms_allowance = 10_000_000  # the allowance is not what is measured
        session.add(workspace)
        drafts = [
            knowledge.EntryDraft(k["question"], k["answer"], ",".join(k["tags"]))
            for k in content.KNOWLEDGE
        ]
        knowledge.import_entries(session, workspace.id, drafts)
        session.commit()


def preload(engine: Engine, planned: list[Planned]) -> None:
    for start in range(0, len(planned), INSERT_BATCH):
        with session_scope(engine, write=True) as session:
            for i, item in enumerate(planned[start : start + INSERT_BATCH], start):
                store(session, item, "T", i)
