"""Turning the bytes and strings email hands us into clean text: decode by the declared charset
(with the labels mail clients really use), replace what cannot be decoded, and never let a
lone surrogate or a NUL reach the database (PostgreSQL refuses both, which would turn a bad
email into a 503 the provider retries forever)."""

from __future__ import annotations

import codecs

#: Labels whose real-world content is a superset encoding. These are the WHATWG Encoding
#: Standard's mappings, which every browser and most mail clients follow: mail labelled
#: iso-8859-1 is nearly always windows-1252 (curly quotes, €), Shift_JIS is cp932, and so on.
ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "utf8mb4": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

#: Charsets that say nothing about 8-bit content: try UTF-8 first, as modern mailers send.
_UNSPECIFIED = {"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "8bit", "default"}


def codec_for(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python knows no such codec."""
    name = (label or "").strip().strip("\"'").lower()
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes, label: str | None) -> str:
    """`data` as text in charset `label`; undecodable bytes become U+FFFD, never an error."""
    declared = (label or "").strip().strip("\"'").lower()
    if declared in _UNSPECIFIED or codec_for(declared) is None:
        return clean(_guess(data))
    codec = codec_for(declared)
    assert codec is not None
    try:
        return clean(data.decode(codec, errors="replace"))
    except Exception:  # a codec's own bug on hostile input must not become a 500
        return clean(data.decode("utf-8", errors="replace"))


def _guess(data: bytes) -> str:
    """Bytes in an unstated charset: UTF-8 when it reads as mostly UTF-8 (a stray bad byte
    becomes U+FFFD), otherwise windows-1252, the other charset unlabelled 8-bit mail uses."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= bad:  # also when nothing failed
        return text
    return data.decode("cp1252", errors="replace")


def unescape(text: str) -> str:
    """Text the `email` package read from 8-bit headers carries the raw bytes as surrogate
    escapes; decode them as UTF-8 (what 8-bit headers nearly always are) or windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return clean(text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def clean(text: str) -> str:
    """`text` safe to store: no NULs, no lone surrogates (each becomes U+FFFD)."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text
