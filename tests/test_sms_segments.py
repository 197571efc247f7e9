"""SMS length and replies shaped for their channel: GSM-7 or UCS-2, units (extension characters
and emoji count twice), segment boundaries (160/153, 70/67), a reply fitted to three segments at
a sentence boundary, and formatting for SMS, WhatsApp, web chat and email."""

from __future__ import annotations

import pytest

from data import sms
from data.answers.formatting import WHATSAPP_MAX, email_subject, for_channel, plain


@pytest.mark.parametrize("text", ["Hello! Your visit is at 9:30.", "café £5 @ Ñoño", "€{}[]~|^\\"])
def test_text_in_the_gsm_alphabet_is_sent_as_gsm7(text: str) -> None:
    assert sms.encoding(text) == "gsm7"


@pytest.mark.parametrize("text", ["naïve", "ok 😀", "дом", "smart ’quotes’"])
def test_a_character_outside_the_gsm_alphabet_makes_the_text_ucs2(text: str) -> None:
    assert sms.encoding(text) == "ucs2"


def test_gsm_extension_characters_count_twice() -> None:
    assert sms.units("a€[]") == 7


def test_an_emoji_counts_twice_in_ucs2() -> None:
    assert sms.units("hi 😀") == 5
    assert sms.units("дом") == 3


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (460, 4)]
)
def test_gsm7_segments_are_160_alone_and_153_each_when_split(length: int, segments: int) -> None:
    assert sms.segments("a" * length) == segments


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segments_are_70_alone_and_67_each_when_split(length: int, segments: int) -> None:
    assert sms.segments("д" * length) == segments


@pytest.mark.parametrize(("count", "segments"), [(80, 1), (81, 2)])
def test_extension_characters_fill_a_segment_twice_as_fast(count: int, segments: int) -> None:
    assert sms.segments("€" * count) == segments


@pytest.mark.parametrize(("count", "segments"), [(35, 1), (36, 2)])
def test_emoji_fill_a_ucs2_segment_twice_as_fast(count: int, segments: int) -> None:
    assert sms.segments("😀" * count) == segments


def test_a_short_text_fits_unchanged() -> None:
    assert sms.fit("See you at 9.") == "See you at 9."


def test_a_long_reply_is_cut_at_the_last_sentence_that_fits_in_three_segments() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    fitted = sms.fit(text)
    assert sms.segments(fitted) == 3
    assert fitted.endswith("Sentence number 15 is here.")
    assert text.startswith(fitted)


def test_a_long_reply_without_sentences_is_cut_at_a_word_with_an_ellipsis() -> None:
    fitted = sms.fit(" ".join(["word"] * 200))
    assert fitted.endswith("word…")
    assert sms.segments(fitted) <= sms.MAX_REPLY_SEGMENTS


def test_fit_keeps_to_the_number_of_segments_asked_for() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    assert sms.segments(sms.fit(text, max_segments=1)) == 1


# Formatting for the channel


def test_markdown_emphasis_code_and_list_markers_are_removed() -> None:
    assert plain("**Yes!** We serve:\n- Austin\n* Round Rock\n# Note\n`code`") == (
        "Yes! We serve:\nAustin\nRound Rock\nNote\ncode"
    )


def test_runs_of_blank_lines_are_squeezed_to_one() -> None:
    assert plain("a\n\n\n\n\nb") == "a\n\nb"


def test_an_sms_reply_is_one_line_of_plain_text() -> None:
    text = "**Yes!** We serve:\n- Austin\n- Round Rock"
    assert for_channel(text, "sms", "Acme") == "Yes! We serve: Austin Round Rock"


def test_a_long_sms_reply_is_fitted_to_three_segments() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    assert sms.segments(for_channel(text, "sms", "Acme")) == 3


def test_a_whatsapp_reply_is_kept_to_whatsapps_limit() -> None:
    assert len(for_channel("x" * 2000, "whatsapp", "Acme")) == WHATSAPP_MAX


def test_a_web_chat_reply_is_plain_text() -> None:
    assert for_channel("**Hi**\n\n\n\nthere", "webchat", "Acme") == "Hi\n\nthere"


def test_an_email_reply_greets_the_customer_by_first_name_and_is_signed() -> None:
    email = for_channel("**Yes**, we do.", "email", "Acme Plumbing", "Maria Gonzalez")
    assert email.startswith("Hi Maria,\n\nYes, we do.\n\nBest regards,\nAcme Plumbing\n")
    assert "written by our assistant" in email


def test_an_email_reply_to_an_unnamed_customer_says_hello() -> None:
    assert for_channel("Yes.", "email", "Acme Plumbing").startswith("Hello,\n\nYes.\n\n")


@pytest.mark.parametrize(
    ("subject", "reply"),
    [
        ("Quote", "Re: Quote"),
        ("RE: Quote", "RE: Quote"),
        ("re : Quote", "re : Quote"),
        ("Fwd: Quote", "Re: Fwd: Quote"),
        ("Regarding pipes", "Re: Regarding pipes"),
        (None, None),
        ("", None),
    ],
)
def test_a_reply_subject_starts_with_re_once(subject, reply) -> None:
    assert email_subject(subject) == reply
