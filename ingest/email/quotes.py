"""The new text of an email reply: the earlier messages it quotes and its "-- " signature cut
off, so the inbox and the AI read what the customer just wrote.

The reply headers are recognised by mail-parser-reply's patterns (Gmail and Apple "On …
wrote:", Outlook "From: … Sent: … To: … Subject:" blocks, "-----Original Message-----", in
thirteen languages). Its patterns backtrack quadratically on long lines, so they only ever see
a probe: the first lines, each cut short (attributions are short lines), one line per line of
the message, so a match maps back to the message exactly. The library's own `read()` is not
used: it renumbers lines while normalising and strips "signatures" after any "Thanks,".
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage

#: mail-parser-reply's languages, less its one vendor-specific entry.
LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "da", "pl", "cs", "ja", "ko", "zh"]
#: New text past this many lines is not searched for a quote (it is long enough already).
MAX_PROBE_LINES = 1000
#: An attribution line is short; capping lines keeps the patterns' backtracking bounded.
MAX_PROBE_LINE = 200

_HEADER = EmailMessage(text="", languages=list(LANGUAGES)).HEADER_REGEX
_FORWARD = re.compile(
    r"^[-\s]*(?:Forwarded message|Forwarded Message|Begin forwarded message:"
    r"|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"^\s*[-_=*]{10,}\s*$")
_SIGNATURE = "-- "


def strip_reply(text: str) -> str:
    """`text` without the quoted earlier messages and signature; `text` itself (stripped)
    when nothing would be left, or when it forwards a message (the forward is the point)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    probe = "\n".join(line.strip()[:MAX_PROBE_LINE] for line in lines[:MAX_PROBE_LINES])
    if _FORWARD.search(probe):
        return text.strip()
    start = _quote_start(probe)
    if start is None:
        new = lines
    elif start == 0:
        new = _below_the_quote(lines)
    else:
        new = lines[:start]
    new = _without_trailing_quote(_without_signature(new))
    result = "\n".join(new).strip()
    return result or text.strip()


def _quote_start(probe: str) -> int | None:
    """The line number where the first quoted message's header begins, if any."""
    match = _HEADER.search(probe)
    if match is None:
        return None
    start = match.start()
    while start < len(probe) and probe[start] == "\n":
        start += 1  # the Outlook pattern matches from the newline before "From:"
    return probe.count("\n", 0, start)


def _below_the_quote(lines: list[str]) -> list[str]:
    """A reply written under the quote ("On … wrote:" first): the unquoted lines after it."""
    return [line for line in lines[1:] if not line.lstrip().startswith(">")]


def _without_signature(lines: list[str]) -> list[str]:
    """Cut at the RFC 3676 signature separator, a line that is exactly "-- "."""
    for index, line in enumerate(lines):
        if line == _SIGNATURE and index > 0:
            return lines[:index]
    return lines


def _without_trailing_quote(lines: list[str]) -> list[str]:
    """Drop a quote left at the bottom without a header, and the separator line (Outlook's
    underscores) that stood above the header."""
    end = len(lines)
    while end > 0 and (
        not lines[end - 1].strip()
        or lines[end - 1].lstrip().startswith(">")
        or _SEPARATOR.match(lines[end - 1])
    ):
        end -= 1
    return lines[:end]
