"""Reading email without a database: the new text of a reply in each mail client's quoting
style, the auto-reply verdict for every rule, charsets as mail clients really label them, and
hostile input that must neither raise nor take long."""

from __future__ import annotations

import random
import time

import pytest

from ingest.email.autoreply import verdict
from ingest.email.headers import Headers
from ingest.email.mime import Unparseable, parse
from ingest.email.quotes import strip_reply
from tests.email_providers import FIXTURES, eml

QUOTED_REPLIES = {
    "gmail, attribution wrapped": "Yes please, Thursday.\n\nOn Tue, Nov 24, 2026 at 9:14 AM "
    "Brightwater Plumbing <\nhello@brightwater.example> wrote:\n\n> Does Thursday work?\n",
    "apple mail": "Yes please, Thursday.\n\n> On Nov 24, 2026, at 9:14 AM, Brightwater "
    "<hello@brightwater.example> wrote:\n>\n> Does Thursday work?\n",
    "outlook original message": "Yes please, Thursday.\n\n-----Original Message-----\nFrom: "
    "hello@brightwater.example\nSent: Monday, November 23, 2026 3:12 PM\n\nDoes Thursday work?\n",
    "signature": "Yes please, Thursday.\n-- \nDana Whitfield\n(512) 555-0142\n",
    "french": "Yes please, Thursday.\n\nLe mar. 24 nov. 2026 à 09:14, Brightwater "
    "<hello@brightwater.example> a écrit :\n> Jeudi ?\n",
    "german": "Yes please, Thursday.\n\nAm Di., 24. Nov. 2026 um 09:14 Uhr schrieb "
    "Brightwater <hello@brightwater.example>:\n> Donnerstag?\n",
    "bare quote at the bottom": "Yes please, Thursday.\n\n> Does Thursday work?\n> Brightwater\n",
}


@pytest.mark.parametrize("style", QUOTED_REPLIES)
def test_a_reply_keeps_only_the_new_text_whatever_the_quoting_style(style: str) -> None:
    assert strip_reply(QUOTED_REPLIES[style]) == "Yes please, Thursday."


def test_a_quoted_line_inside_the_new_text_is_kept() -> None:
    text = "My meter reads:\n> 12345\nis that normal?"
    assert strip_reply(text) == text


def test_a_forwarded_message_is_kept_whole() -> None:
    text = (
        "Can you quote this job?\n\n---------- Forwarded message ---------\nFrom: Property "
        "Manager <pm@example.org>\nDate: Mon, Nov 23, 2026\nSubject: Boiler\n\nThe boiler is 20 "
        "years old."
    )
    assert strip_reply(text) == text


def test_a_reply_written_under_the_quote_keeps_what_was_written_under_it() -> None:
    text = "On Tue, Nov 24, 2026 at 9:14 AM Brightwater wrote:\n> Does Thursday work?\n\nYes."
    assert strip_reply(text) == "Yes."


def test_an_html_only_reply_loses_its_gmail_quote() -> None:
    raw = (
        b"From: dana@example.org\nTo: hello@brightwater.example\nContent-Type: text/html\n\n"
        b'<div>Yes, Thursday.</div><div class="gmail_quote">On Tue, Nov 24, 2026 at 9:14 AM '
        b"Brightwater &lt;hello@brightwater.example&gt; wrote:<blockquote>Does Thursday work?"
        b"</blockquote></div>"
    )
    parsed = parse(raw)
    assert parsed.new_text == "Yes, Thursday." and "> Does Thursday work?" in parsed.text


def test_long_lines_cannot_make_quote_stripping_slow() -> None:
    hostile = ("On " + "x " * 5000 + "\n") * 50 + ("On " + "x " * 100 + "\n") * 2000
    started = time.perf_counter()
    strip_reply(hostile)
    assert time.perf_counter() - started < 3


OTHER = "x@example.org"
REPORT = "Content-Type: multipart/report; report-type=delivery-status"
SUPPRESS = "X-Auto-Response-Suppress: OOF, AutoReply"
VERDICTS = [
    ("Auto-Submitted: auto-generated", OTHER, "Auto-Submitted: auto-generated"),
    ("Auto-Submitted: no", OTHER, None),
    ("Precedence: bulk", OTHER, "Precedence: bulk"),
    ("Precedence: junk", OTHER, "Precedence: junk"),
    ("List-Unsubscribe: <mailto:u@example.org>", OTHER, "mailing list (List-Unsubscribe)"),
    ("List-Id: <members.example.org>", OTHER, "mailing list (List-Id)"),
    ("X-Autoreply: yes", OTHER, "X-Autoreply: yes"),
    ("X-Autorespond: yes", OTHER, "X-Autorespond: yes"),
    (SUPPRESS, OTHER, SUPPRESS),
    ("X-Auto-Response-Suppress: DR, RN", OTHER, None),
    ("Return-Path: <>", OTHER, "bounce (empty Return-Path)"),
    (REPORT, OTHER, "delivery status report (multipart/report)"),
    (
        "Subject: hi",
        "MAILER-DAEMON@mx.example.org",
        "automated sender MAILER-DAEMON@mx.example.org",
    ),
    ("Subject: hi", "postmaster@example.org", "automated sender postmaster@example.org"),
    ("Subject: hi", "no-reply@example.org", "automated sender no-reply@example.org"),
    ("Subject: hi", "noreply@example.org", "automated sender noreply@example.org"),
    ("Subject: hi", "do-not-reply@example.org", "automated sender do-not-reply@example.org"),
    ("Subject: hi", "norah@example.org", None),
]


@pytest.mark.parametrize(("header", "sender", "reason"), VERDICTS)
def test_the_auto_reply_verdict_names_its_reason(header: str, sender: str, reason: str) -> None:
    assert verdict(Headers.from_block(header), sender) == reason


def test_mail_labelled_latin_1_is_read_as_windows_1252_like_every_browser() -> None:
    raw = b"From: a@example.org\nContent-Type: text/plain; charset=iso-8859-1\n\n\x93150 \x80\x94"
    assert parse(raw).text == "“150 €”"


def test_mail_labelled_shift_jis_is_read_with_the_windows_extensions() -> None:
    body = "①番の蛇口".encode("cp932")  # ① exists only in Microsoft's Shift_JIS
    raw = b"From: a@example.org\nContent-Type: text/plain; charset=Shift_JIS\n\n" + body
    assert parse(raw).text == "①番の蛇口"


def test_an_unknown_charset_falls_back_instead_of_failing() -> None:
    raw = b"From: a@example.org\nContent-Type: text/plain; charset=x-martian\n\ncaf\xc3\xa9 \xff"
    assert parse(raw).text == "café \ufffd"


def test_an_empty_post_is_unparseable() -> None:
    with pytest.raises(Unparseable, match="empty"):
        parse(b" \r\n")


def test_mangled_messages_never_raise_anything_but_unparseable() -> None:
    rng = random.Random(20261124)
    fixtures = [eml(path.name) for path in sorted(FIXTURES.glob("*.eml"))]
    nasty = [b"\x00", b"=?x?q?=E9?=", b"\r\n\r\n", b"--", b"boundary=", b"<", b"=\n", b"\xed\xa0"]
    for _ in range(300):
        data = bytearray(rng.choice(fixtures))
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5:
                data[at:at] = rng.choice(nasty)
            else:
                del data[at : at + rng.randint(1, 40)]
        try:
            parsed = parse(bytes(data))
        except Unparseable:
            continue
        assert "\x00" not in parsed.text + (parsed.subject or "") + parsed.new_text
