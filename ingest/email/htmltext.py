"""HTML email bodies as readable plain text, with BeautifulSoup (MIT) and the standard
library's HTML parser: paragraphs and line breaks kept, lists bulleted, table cells separated,
links reduced to their text, scripts and styles dropped, and blockquotes kept as "> " lines
so the quoted earlier reply can be stripped like a plain-text one.

(html2text renders nicer Markdown but is GPL-3.0, which this MIT project cannot take on.)
"""

from __future__ import annotations

import re

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

#: Bigger HTML parts are cut before parsing: no customer writes a message this long, and a
#: newsletter's text is still readable from its first megabyte.
MAX_HTML_CHARS = 1_000_000
#: Deeper nesting is machine-made; the renderer stops descending instead of recursing on.
MAX_DEPTH = 200

_SKIP = {"script", "style", "head", "title", "meta", "link", "noscript", "template", "svg"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "dt", "dd", "center", "hr",
}  # fmt: skip
_CELL = {"td", "th"}


def html_to_text(html: str) -> str:
    """The readable text of an HTML document or fragment."""
    soup = BeautifulSoup(html[:MAX_HTML_CHARS], "html.parser")
    lines: list[str] = []
    _render(soup, lines, depth=0)
    return _tidy("".join(lines))


def _render(node: Tag, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for child in node.children:
        if isinstance(child, Comment | Doctype | Declaration | ProcessingInstruction):
            continue
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _SKIP:
            continue
        if name == "br":
            out.append("\n")
        elif name == "blockquote":
            inner: list[str] = []
            _render(child, inner, depth + 1)
            quoted = _tidy("".join(inner))
            out.append("\n" + "\n".join(f"> {line}".rstrip() for line in quoted.split("\n")))
            out.append("\n")
        elif name == "li":
            out.append("\n- ")
            _render(child, out, depth + 1)
        elif name == "tr":
            out.append("\n")
            _render(child, out, depth + 1)
        elif name in _CELL:
            _render(child, out, depth + 1)
            out.append("\t")
        elif name == "img":
            alt = (child.get("alt") or "").strip() if isinstance(child.get("alt"), str) else ""
            if alt:
                out.append(f"[{alt}]")
        elif name in _BLOCK:
            out.append("\n")
            _render(child, out, depth + 1)
            out.append("\n")
        else:
            _render(child, out, depth + 1)


def _tidy(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t]*\t[ \t]*", "  ", line).strip(" ") for line in text.split("\n")]
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
