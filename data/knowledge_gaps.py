"""Knowledge gaps: the customers' questions the AI could not answer, grouped by similarity and
counted, so an owner sees what the knowledge base is missing.

The reply job stores what the responder made of each inbound message on it
(`meta["reply"]["kind"]`); `cannot_answer` is the AI saying no entry answers it (it then hands
the conversation to a person, or keeps quiet when one is already in charge). A message that was
the start of a burst is answered again with the customer's next message (`pipeline.reply`
answers the burst it ends), so it counts only through that message: dropped when the burst
then got an answer, folded into the later question when that one could not be answered either.

Work is bounded: the newest `MAX_MESSAGES` unanswered messages of the period are read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from data import knowledge
from data.answers.replies import ReplyKind
from data.answers.text import terms, words
from data.clock import as_utc, utcnow
from data.models import Message
from data.vocab import Direction

DEFAULT_DAYS = 30
MAX_MESSAGES = 2000
#: How much of a long message (an email) is read for its question.
MAX_TEXT = 500
#: A customer's next message this soon after one the AI couldn't answer was part of the same
#: burst (the reply job waits a few seconds for one; a busy pipeline takes longer).
SAME_BURST = timedelta(minutes=2)
#: Two questions are alike when their search terms score this much (0-100): the mean of
#: RapidFuzz's token-set ratio (one's terms a subset of the other's scores 100) and its
#: token-sort ratio (which a one-word subset of a long question does not reach alone).
SIMILAR = 80.0
EXAMPLES = 3


@dataclass(frozen=True)
class Unanswered:
    """One question the AI could not answer: the message that ended the customer's burst."""

    message_id: int
    conversation_id: int
    text: str
    asked_at: datetime


@dataclass(frozen=True)
class Gap:
    """A group of alike unanswered questions."""

    #: The group's most common wording (the newest of those tied).
    question: str
    count: int
    last_asked: datetime
    #: Other wordings, newest first.
    examples: tuple[str, ...]
    conversation_ids: tuple[int, ...]


def _reply_kind(message: type[Message]) -> object:
    return col(message.meta)[("reply", "kind")].as_string()


def unanswered(
    session: Session, workspace_id: int, since: datetime, limit: int = MAX_MESSAGES
) -> list[Unanswered]:
    """The questions the AI could not answer since `since`, newest first (at most `limit`
    messages read)."""
    after = aliased(Message)
    following = aliased(Message)
    # The conversation's next message, whatever it is: an answered one of the same burst
    # means the burst was answered after all.
    next_id = (
        select(func.min(after.id))
        .where(after.conversation_id == Message.conversation_id, after.id > Message.id)
        .correlate(Message)
        .scalar_subquery()
    )
    rows = session.exec(
        select(
            Message.id,
            Message.conversation_id,
            Message.body,
            Message.subject,
            Message.created_at,
            following.id,
            following.direction,
            following.created_at,
            _reply_kind(following),
        )
        .outerjoin(following, following.id == next_id)
        .where(
            Message.workspace_id == workspace_id,
            Message.direction == Direction.INBOUND,
            col(Message.created_at) >= since,
            _reply_kind(Message) == ReplyKind.CANNOT_ANSWER,
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(limit)
    ).all()
    # Oldest first, so a burst's earlier text is carried into its later message.
    carried: dict[int, str] = {}
    found: list[Unanswered] = []
    for (
        message_id,
        conversation_id,
        body,
        subject,
        at,
        next_id_,
        direction,
        next_at,
        kind,
    ) in reversed(rows):
        text = " ".join((body or subject or "").split())[:MAX_TEXT]
        text = " ".join(part for part in (carried.pop(message_id, ""), text) if part)
        same_burst = (
            next_id_ is not None
            and direction == Direction.INBOUND
            and kind is not None
            and as_utc(next_at) - as_utc(at) <= SAME_BURST
        )
        if same_burst:
            if kind == ReplyKind.CANNOT_ANSWER:
                carried[next_id_] = text
            continue
        if _key(text):
            found.append(Unanswered(message_id, conversation_id, text, as_utc(at)))
    return found[::-1]


def _key(text: str) -> str:
    """What a question is about, for comparing: its search terms (stop words dropped,
    synonyms folded, stemmed), de-duplicated and sorted; its plain words when it has none."""
    return " ".join(sorted(set(terms(text)))) or " ".join(words(text))


def _wording(text: str) -> str:
    return " ".join(text.lower().split()).rstrip("?!. ")


@dataclass
class _Group:
    key: str
    members: list[Unanswered] = field(default_factory=list)


def group(questions: list[Unanswered]) -> list[Gap]:
    """Alike questions grouped (greedily: each joins the most similar group seeded by an
    earlier one, or starts its own), most asked first, then most recently asked."""
    groups: list[_Group] = []
    by_key: dict[str, _Group] = {}
    seeds: list[str] = []
    for question in sorted(questions, key=lambda q: (q.asked_at, q.message_id), reverse=True):
        key = _key(question.text)
        if not key:
            continue
        target = by_key.get(key)
        if target is None:
            target = _most_similar(key, seeds, groups)
        if target is None:
            target = _Group(key)
            groups.append(target)
            seeds.append(key)
        by_key.setdefault(key, target)
        target.members.append(question)
    gaps = [_gap(g) for g in groups]
    gaps.sort(key=lambda g: (g.count, g.last_asked), reverse=True)
    return gaps


def _most_similar(key: str, seeds: list[str], groups: list[_Group]) -> _Group | None:
    best: tuple[float, int] | None = None
    # The token-set ratio (in C, over every seed) narrows; the blend decides among the few.
    for seed, set_score, position in process.extract(
        key, seeds, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR, limit=None
    ):
        score = (set_score + fuzz.token_sort_ratio(key, seed)) / 2
        if score >= SIMILAR and (best is None or score > best[0]):
            best = (score, position)
    return groups[best[1]] if best is not None else None


def _gap(group_: _Group) -> Gap:
    members = group_.members  # newest first
    counts = Counter(_wording(m.text) for m in members)
    first_seen: dict[str, Unanswered] = {}
    for member in members:
        first_seen.setdefault(_wording(member.text), member)
    # Most common wording; among equals the newest (dicts keep insertion order, newest first).
    top = max(first_seen, key=lambda w: counts[w])
    others = [m.text for w, m in first_seen.items() if w != top]
    return Gap(
        question=first_seen[top].text,
        count=len(members),
        last_asked=members[0].asked_at,
        examples=tuple(others[:EXAMPLES]),
        conversation_ids=tuple(dict.fromkeys(m.conversation_id for m in members)),
    )


def gaps(
    session: Session,
    workspace_id: int,
    *,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
    limit: int = MAX_MESSAGES,
    open_only: bool = True,
) -> list[Gap]:
    """The knowledge gaps of the last `days` days. `open_only` leaves out the groups whose
    question the knowledge base answers now (an entry was added for it since)."""
    since = (now or utcnow()) - timedelta(days=days)
    found = group(unanswered(session, workspace_id, since, limit))
    if not open_only or not found:
        return found
    index = knowledge.index_for(session, workspace_id)
    return [gap for gap in found if index.best(gap.question) is None]
