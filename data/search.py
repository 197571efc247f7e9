"""Text search in queries: a user's words as a case-insensitive "contains" pattern, with the
LIKE wildcards they type taken literally (searching "50%" finds "50%", not everything); phone
numbers typed the way people write them; what a person may type cleaned first (control
characters and broken Unicode dropped, the length capped, see `clean_term`); and the substring
indexes that serve the inbox
search (migration 0005): pg_trgm GIN indexes on PostgreSQL, FTS5 trigram tables on SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.engine import Engine

ESCAPE = "\\"

#: The longest search term read; the rest is ignored. Longer terms match nothing more in an
#: inbox, and cost time (100 KB of varied text took 5 s on SQLite's trigram index).
MAX_TERM_LENGTH = 200
#: Control characters (NUL is refused by PostgreSQL and ends FTS5's string) and lone
#: surrogates (which no database encoding can store).
_UNSEARCHABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

#: The shortest term the trigram indexes can serve (one trigram); shorter ones scan.
MIN_INDEXED_LENGTH = 3
#: A phone fragment worth normalising: fewer digits than this match too much to mean a phone.
MIN_PHONE_DIGITS = 4
_PHONE_PUNCTUATION = frozenset(" +-().")

#: PostgreSQL (pg_trgm GIN) indexes, by name: (table, columns).
TRGM_INDEXES = {
    "ix_message_body_trgm": ("message", ("body",)),
    "ix_contact_search_trgm": ("contact", ("name", "phone", "email")),
    "ix_conversation_subject_trgm": ("conversation", ("subject",)),
}
#: SQLite FTS5 trigram tables (external content, kept in step by triggers): (table, columns).
FTS_TABLES = {
    "message_fts": ("message", ("body",)),
    "contact_fts": ("contact", ("name", "phone", "email")),
    "conversation_fts": ("conversation", ("subject",)),
}
#: The shadow tables FTS5 keeps beside each of them (detail=none, columnsize=0).
_FTS_SHADOWS = ("_data", "_idx", "_config", "_docsize", "_content")


def clean_term(text: str) -> str:
    """What a person typed into a search box, as it is searched: control characters and lone
    surrogates dropped, tabs and line breaks as spaces, trimmed, at most MAX_TERM_LENGTH
    characters. Empty when nothing searchable was typed."""
    cleaned = _UNSEARCHABLE.sub("", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    return cleaned.strip()[:MAX_TERM_LENGTH].strip()


def is_truncated(text: str) -> bool:
    """Whether `clean_term(text)` leaves out some of what was typed (for the console to say)."""
    return len(_UNSEARCHABLE.sub("", text).strip()) > MAX_TERM_LENGTH


def contains_pattern(text: str) -> str:
    """`text` (cleaned with `clean_term`) as an ILIKE pattern matching values that contain it;
    use with escape=ESCAPE."""
    literal = clean_term(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def phone_digits(text: str) -> str | None:
    """The digits of `text` if it is a phone number as people type it ("512-555-0123",
    "(512) 555 0123", "+1 512.555.0123"), for matching phones stored as E.164
    ("+15125550123"); None if it is anything else, or already just digits."""
    stripped = text.strip()
    if not stripped or not set(stripped) <= _PHONE_PUNCTUATION | set("0123456789"):
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    if len(digits) < MIN_PHONE_DIGITS or digits == stripped:
        return None
    return digits


def fts_trigrams(texts: Sequence[str]) -> str:
    """An FTS5 query for rows holding every trigram of one of `texts` (each 3+ characters).

    The tables keep no positions (detail=none), so this is a superset of the rows containing
    the text: the caller re-checks with ILIKE. Each trigram is a quoted string (double quotes
    doubled), so nothing the user types is read as FTS5 syntax. The tokenizer folds case, so
    the trigrams are passed as typed."""
    groups = []
    for text in texts:
        grams = dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2))
        quoted = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        groups.append(f"({quoted})")
    return " OR ".join(groups)


def is_search_index(name: str | None) -> bool:
    """Whether `name` is one of the search indexes or FTS tables (or their shadow tables).

    They exist only in the migrations, not in the models (an FTS5 table or a GIN operator
    class has no model equivalent), so a schema comparison should leave them out."""
    if not name:
        return False
    if name in TRGM_INDEXES or name in FTS_TABLES:
        return True
    return any(name == f"{fts}{suffix}" for fts in FTS_TABLES for suffix in _FTS_SHADOWS)


def include_in_schema_comparison(name: str | None, type_: str, parent_names: object) -> bool:
    """An Alembic `include_name` hook: everything but the search indexes."""
    return not (type_ in ("table", "index") and is_search_index(name))


@contextmanager
def indexes_lifted(engine: Engine) -> Iterator[None]:
    """For bulk loads (benchmarks): the search indexes are kept up to date row by row, which
    costs a bulk load most of its time (SQLite: ~0.4 ms a message through the FTS triggers,
    against ~0.05 ms for a rebuild). Inside this block they are lifted; afterwards they are
    put back and rebuilt from the tables, as the migration builds them."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if sqlite:
            names = [f"{t}_fts_{s}" for t, _ in FTS_TABLES.values() for s in ("ai", "au", "ad")]
            catalog = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
        else:
            names = list(TRGM_INDEXES)
            catalog = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN"
        listed = ", ".join(f"'{name}'" for name in names)
        lifted = conn.exec_driver_sql(f"{catalog} ({listed})").all()
        for name, _ in lifted:
            conn.exec_driver_sql(f"DROP {'TRIGGER' if sqlite else 'INDEX'} {name}")
    try:
        yield
    finally:
        with engine.begin() as conn:
            for _, sql in lifted:
                # psycopg reads % as a placeholder even without parameters.
                conn.exec_driver_sql(sql if sqlite else sql.replace("%", "%%"))
            if sqlite and lifted:
                for fts in FTS_TABLES:
                    conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
