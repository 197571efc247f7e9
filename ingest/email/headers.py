"""Reading email header fields, from whichever form a provider gives them (a raw header block,
Mailgun's JSON list of pairs, a parsed MIME message) through one class, with the standard
`email` package's own header parsers (RFC 2047 encoded words, address lists). A malformed
field gives what can be read from it, never an exception."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from email import policy, utils
from email.parser import Parser

from ingest.email.charsets import clean, unescape

#: A msg-id as written in Message-ID, In-Reply-To and References: "<left@right>".
_MSG_ID = re.compile(r"<[^<>\s]{1,998}>")
#: Far more than any real thread; References lists are otherwise unbounded.
MAX_REFERENCES = 100
MAX_ADDRESSES = 100


class Headers:
    """Header fields in order, names case-insensitive."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._pairs = [
            (str(name).strip().lower(), clean(unescape(str(value))))
            for name, value in pairs
            if name
        ]

    @classmethod
    def from_block(cls, block: str) -> Headers:
        """Headers from a raw header block (SendGrid's `headers` field)."""
        message = Parser(policy=policy.compat32).parsestr(block.strip() + "\n\n", headersonly=True)
        return cls(message.items())

    def plus(self, pairs: Iterable[tuple[str, str | None]]) -> Headers:
        """These headers, with each of `pairs` added whose name they lack (a provider's own
        fields filling in for a missing or partial header block)."""
        extra = [(name, value) for name, value in pairs if value and name not in self]
        return Headers([*self._pairs, *extra]) if extra else self

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def __contains__(self, name: str) -> bool:
        name = name.lower()
        return any(key == name for key, _ in self._pairs)

    def raw(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self._pairs if key == name]

    def text(self, name: str) -> str | None:
        """The first `name` field as text, encoded words decoded and folding undone."""
        values = self.raw(name)
        if not values:
            return None
        try:
            decoded = str(policy.default.header_factory(name, values[0]))
        except Exception:  # the parser's own bugs on hostile input: keep the raw value
            decoded = values[0]
        return clean(" ".join(decoded.split()))

    def addresses(self, *names: str) -> list[tuple[str, str]]:
        """(display name, address) of every address in the `names` fields, in order."""
        found: list[tuple[str, str]] = []
        for name in names:
            for value in self.raw(name):
                found.extend(parse_addresses(value))
        return found[:MAX_ADDRESSES]

    def message_ids(self, name: str) -> list[str]:
        """Every "<id>" in the `name` fields, in order, without repeats."""
        ids: list[str] = []
        for value in self.raw(name):
            for found in _MSG_ID.findall(value):
                if found not in ids:
                    ids.append(found)
        return ids[:MAX_REFERENCES]

    def message_id(self) -> str | None:
        """The Message-ID with its angle brackets (added when a mailer left them out)."""
        values = self.raw("message-id")
        if not values:
            return None
        ids = _MSG_ID.findall(values[0])
        if ids:
            return ids[0]
        bare = values[0].strip().strip("<>").split()
        return f"<{bare[0]}>" if bare and "@" in bare[0] else None

    def date(self) -> datetime | None:
        value = self.text("date")
        if not value:
            return None
        try:
            return utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None


def parse_addresses(value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs from an address-list field like To or From; entries
    without an "@" (groups, garbage) are left out."""
    pairs: list[tuple[str, str]] = []
    try:
        header = policy.default.header_factory("to", value)
        pairs = [(a.display_name or "", a.addr_spec or "") for a in header.addresses]
    except Exception:  # fall back to the lenient older parser
        try:
            pairs = utils.getaddresses([value])
        except Exception:
            pairs = []
    return [
        (clean(unescape(name)).strip(), clean(unescape(address)).strip())
        for name, address in pairs
        if "@" in (address or "")
    ]
