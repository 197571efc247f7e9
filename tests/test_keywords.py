"""Carrier keywords: the whole message is the keyword, whatever its case, spaces or trailing
punctuation; anything more is not (plain-language opt-outs are the pipeline's)."""

import pytest

from data.keywords import Keyword, classify


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "Stop",
        "stop",
        " STOP ",
        "stop.",
        "Stop!",
        "STOP!!!",
        "stop?",
        "\tstop\n",
        "Unsubscribe",
        "UNSUBSCRIBE",
        "unsubscribe.",
        "StopAll",
        "STOPALL",
        "cancel",
        "End",
        "quit",
        "Revoke",
        "optout",
        "OPTOUT.",
        '"STOP"',
        "ＳＴＯＰ",
        "Stop…",
    ],
)
def test_opt_out_keywords_in_any_case_spacing_or_punctuation_are_stop(body: str) -> None:
    assert classify(body) is Keyword.STOP


@pytest.mark.parametrize("body", ["START", "start", " Start. ", "unstop", "UNSTOP!", "Yes", "YES"])
def test_opt_in_keywords_are_start(body: str) -> None:
    assert classify(body) is Keyword.START


@pytest.mark.parametrize("body", ["HELP", "help", "Help?", " info ", "INFO."])
def test_help_keywords_are_help(body: str) -> None:
    assert classify(body) is Keyword.HELP


@pytest.mark.parametrize(
    "body",
    [
        "don't stop texting me",
        "STOP PLEASE",
        "please stop",
        "stop texting me",
        "Can you stop by tomorrow?",
        "I want to cancel my appointment",
        "yes please book it",
        "help me my basement is flooding",
        "stopp",
        "s t o p",
        "",
        "   ",
        "STOP STOP",
        "the end",
    ],
)
def test_sentences_containing_keywords_are_not_keywords(body: str) -> None:
    assert classify(body) is None
