"""The knowledge base: entries the AI answers from, their editing, and importing them from a
CSV (question, answer, tags) or a Markdown Q&A file. Every change is an Event
(`knowledge_changed`, with no conversation): who added, edited, switched off or imported what."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, delete, func, or_, select

from data import events
from data.answers.retrieval import Entry, KnowledgeIndex
from data.clock import utcnow
from data.events import Actor
from data.models import KnowledgeEntry
from data.search import ESCAPE, clean_term, contains_pattern
from data.transaction_cache import flushing_only_for
from data.vocab import EventKind

MAX_QUESTION = 1000
MAX_ANSWER = 5000


class InvalidKnowledge(ValueError):
    """An entry or import file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class EntryDraft:
    question: str
    answer: str
    tags: str = ""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    removed: int


def normalise_tags(tags: str | list[str] | None) -> str:
    """Tags as stored: lower-case, de-duplicated, comma-separated, in the order given."""
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    seen: list[str] = []
    for item in items:
        tag = re.sub(r"\s+", " ", str(item)).strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return ",".join(seen)[:500]


def _refused(where: str, reason: str) -> InvalidKnowledge:
    # "row 3: the answer ..." in a file; a sentence of its own for a single entry.
    return InvalidKnowledge(f"{where}: {reason}" if where else reason[:1].upper() + reason[1:])


def _checked(question: str, answer: str, where: str = "") -> tuple[str, str]:
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question:
        raise _refused(where, "the question is empty.")
    if not answer:
        raise _refused(where, f"the answer to {question[:60]!r} is empty.")
    if len(question) > MAX_QUESTION or len(answer) > MAX_ANSWER:
        raise _refused(
            where, f"questions are at most {MAX_QUESTION} and answers {MAX_ANSWER} characters."
        )
    return question, answer


def _record(
    session: Session, workspace_id: int, actor: Actor | None, action: str, **data: object
) -> None:
    events.record(
        session,
        workspace_id,
        EventKind.KNOWLEDGE_CHANGED,
        actor or Actor.system(),
        data={"action": action, **data},
    )


def _new(
    session: Session, workspace_id: int, question: str, answer: str, tags: str | list[str] | None
) -> KnowledgeEntry:
    question, answer = _checked(question, answer)
    entry = KnowledgeEntry(
        workspace_id=workspace_id, question=question, answer=answer, tags=normalise_tags(tags)
    )
    session.add(entry)
    session.flush()
    return entry


def add(
    session: Session,
    workspace_id: int,
    question: str,
    answer: str,
    tags: str | list[str] | None = None,
    actor: Actor | None = None,
) -> KnowledgeEntry:
    entry = _new(session, workspace_id, question, answer, tags)
    _record(session, workspace_id, actor, "added", entry_id=entry.id, question=entry.question)
    return entry


def _changed(
    entry: KnowledgeEntry,
    question: str | None,
    answer: str | None,
    tags: str | list[str] | None,
    enabled: bool | None,
) -> dict[str, object]:
    """The fields `update` would change, with their new values (validated)."""
    new_question, new_answer = _checked(
        entry.question if question is None else question,
        entry.answer if answer is None else answer,
    )
    wanted = {
        "question": new_question,
        "answer": new_answer,
        "tags": entry.tags if tags is None else normalise_tags(tags),
        "enabled": entry.enabled if enabled is None else enabled,
    }
    return {name: value for name, value in wanted.items() if getattr(entry, name) != value}


def update(
    session: Session,
    entry: KnowledgeEntry,
    *,
    question: str | None = None,
    answer: str | None = None,
    tags: str | list[str] | None = None,
    enabled: bool | None = None,
    actor: Actor | None = None,
    record: bool = True,
) -> KnowledgeEntry:
    """Change an entry; a change that changes nothing is not one (no Event, and the
    retrieval index is not rebuilt for it). `record=False` is for imports, which record one
    Event for the whole file."""
    changes = _changed(entry, question, answer, tags, enabled)
    if not changes:
        return entry
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.updated_at = utcnow()
    session.add(entry)
    if record:
        action = (
            ("enabled" if entry.enabled else "disabled")
            if set(changes) == {"enabled"}
            else "edited"
        )
        _record(
            session,
            entry.workspace_id,
            actor,
            action,
            entry_id=entry.id,
            question=entry.question,
            changed=sorted(changes),
        )
    return entry


def get(session: Session, workspace_id: int, entry_id: int) -> KnowledgeEntry | None:
    return session.exec(
        select(KnowledgeEntry).where(
            KnowledgeEntry.workspace_id == workspace_id, KnowledgeEntry.id == entry_id
        )
    ).first()


def list_entries(
    session: Session,
    workspace_id: int,
    *,
    search: str | None = None,
    enabled_only: bool = False,
) -> list[KnowledgeEntry]:
    query = select(KnowledgeEntry).where(KnowledgeEntry.workspace_id == workspace_id)
    if enabled_only:
        query = query.where(col(KnowledgeEntry.enabled).is_(True))
    if search and search.strip():
        if not clean_term(search):
            return []
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                col(KnowledgeEntry.question).ilike(pattern, escape=ESCAPE),
                col(KnowledgeEntry.answer).ilike(pattern, escape=ESCAPE),
                col(KnowledgeEntry.tags).ilike(pattern, escape=ESCAPE),
            )
        )
    return list(session.exec(query.order_by(col(KnowledgeEntry.id))))


def count(session: Session, workspace_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(KnowledgeEntry)
        .where(KnowledgeEntry.workspace_id == workspace_id)
    ).one()


def parse_csv(text: str) -> list[EntryDraft]:
    """Entries from CSV text with a header row naming question, answer and (optionally) tags."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    missing = {"question", "answer"} - set(headers)
    if missing:
        raise InvalidKnowledge(
            f"The CSV needs columns question, answer (and optionally tags); "
            f"missing: {', '.join(sorted(missing))}."
        )
    drafts = []
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        question, answer = _checked(
            row.get(headers["question"]) or "", row.get(headers["answer"]) or "", f"row {number}"
        )
        tags = row.get(headers["tags"]) if "tags" in headers else ""
        drafts.append(EntryDraft(question, answer, normalise_tags(tags)))
    return drafts


_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_QA = re.compile(r"^(Q|A|Question|Answer)\s*[:.]\s*(.*)$", re.IGNORECASE)
_TAGS = re.compile(r"^tags\s*:\s*(.*)$", re.IGNORECASE)


@dataclass
class _Block:
    question: str
    line: int
    from_heading: bool
    body: list[str]
    tags: str = ""


def parse_markdown(text: str) -> list[EntryDraft]:
    """Entries from Markdown: each heading is a question and the text below it the answer, or
    `Q:` / `A:` pairs; a `Tags: a, b` line inside an answer sets its tags. A heading with no
    text below it (a document title, a section name) is skipped."""
    blocks: list[_Block] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        heading, qa, tag_line = _HEADING.match(raw), _QA.match(line), _TAGS.match(line)
        if heading:
            blocks.append(_Block(heading.group(1), number, True, []))
        elif qa and qa.group(1).lower().startswith("q"):
            blocks.append(_Block(qa.group(2), number, False, []))
        elif not blocks:
            continue
        elif qa and not blocks[-1].body:
            blocks[-1].body.append(qa.group(2))
        elif tag_line:
            blocks[-1].tags = tag_line.group(1)
        else:
            blocks[-1].body.append(raw)
    drafts = []
    for block in blocks:
        answer = "\n".join(block.body).strip()
        if not answer and block.from_heading:
            continue
        question, answer = _checked(block.question, answer, f"line {block.line}")
        drafts.append(EntryDraft(question, answer, normalise_tags(block.tags)))
    if not drafts:
        raise InvalidKnowledge(
            "No questions found: use '## Question' headings with the answer below, "
            "or 'Q:' and 'A:' lines."
        )
    return drafts


def parse_file(path: Path) -> list[EntryDraft]:
    """Entries from a .csv or Markdown (.md, .markdown, .txt) file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".md", ".markdown", ".txt"):
        raise InvalidKnowledge(f"{path}: use a .csv or .md file.")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidKnowledge(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        return parse_upload(path.name, content)
    except InvalidKnowledge as exc:
        raise InvalidKnowledge(f"{path}: {exc}") from exc


def parse_upload(name: str, content: bytes) -> list[EntryDraft]:
    """Entries from a file's name and bytes (an upload): CSV for .csv, Markdown otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".md", ".markdown", ".txt"):
        raise InvalidKnowledge("Use a .csv or .md file.")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidKnowledge("The file is not UTF-8 text.") from exc
    try:
        return parse_csv(text) if suffix == ".csv" else parse_markdown(text)
    except csv.Error as exc:
        raise InvalidKnowledge(f"The CSV cannot be read: {exc}.") from exc


def import_entries(
    session: Session,
    workspace_id: int,
    drafts: list[EntryDraft],
    replace: bool = False,
    actor: Actor | None = None,
) -> ImportResult:
    """Add `drafts` to the knowledge base. An entry with the same question (ignoring case) is
    updated in place, so importing a file twice changes nothing; `replace` first removes every
    existing entry. One Event says what an import that changed anything did."""
    removed = 0
    if replace:
        removed = count(session, workspace_id)
        session.exec(delete(KnowledgeEntry).where(KnowledgeEntry.workspace_id == workspace_id))
    existing = {
        entry.question.strip().lower(): entry for entry in list_entries(session, workspace_id)
    }
    added = updated = unchanged = 0
    for draft in drafts:
        entry = existing.get(draft.question.strip().lower())
        if entry is None:
            existing[draft.question.strip().lower()] = _new(
                session, workspace_id, draft.question, draft.answer, draft.tags
            )
            added += 1
        elif (entry.answer, entry.tags) == (draft.answer, draft.tags):
            unchanged += 1
        else:
            update(session, entry, answer=draft.answer, tags=draft.tags, record=False)
            updated += 1
    result = ImportResult(added, updated, unchanged, removed)
    if added or updated or removed:
        _record(session, workspace_id, actor, "imported", **dataclasses.asdict(result))
    return result


_INDEXES: dict[int, tuple[tuple, KnowledgeIndex]] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(session: Session, workspace_id: int) -> KnowledgeIndex:
    """The retrieval index over the workspace's enabled entries, rebuilt when an entry is
    added, edited, disabled or removed (checked with one aggregate query)."""
    with flushing_only_for(session, KnowledgeEntry):
        version = tuple(
            session.exec(
                select(
                    func.count(), func.max(KnowledgeEntry.updated_at), func.max(KnowledgeEntry.id)
                )
                .where(KnowledgeEntry.workspace_id == workspace_id)
                .where(col(KnowledgeEntry.enabled).is_(True))
            ).one()
        )
    with _INDEXES_LOCK:
        cached = _INDEXES.get(workspace_id)
        if cached is not None and cached[0] == version:
            return cached[1]
    entries = session.exec(
        select(KnowledgeEntry)
        .where(KnowledgeEntry.workspace_id == workspace_id, col(KnowledgeEntry.enabled).is_(True))
        .order_by(col(KnowledgeEntry.id))
    ).all()
    index = KnowledgeIndex([Entry(e.id, e.question, e.answer, e.tags) for e in entries])
    with _INDEXES_LOCK:
        _INDEXES[workspace_id] = (version, index)
    return index
