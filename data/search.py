"""Text search in queries: a user's words as a case-insensitive "contains" pattern, with the
LIKE wildcards they type taken literally (searching "50%" finds "50%", not everything)."""

from __future__ import annotations

ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """`text` as an ILIKE pattern matching values that contain it; use with escape=ESCAPE."""
    literal = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"
