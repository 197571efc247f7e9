"""Search terms and knowledge retrieval, offline: words and terms (stop words dropped, synonyms
folded, stems, accents folded), and the KnowledgeIndex over a small hand-built knowledge base
(ranking, confidence, typo tolerance within its first-letter and edit-distance limits)."""

from __future__ import annotations

import pytest
import Stemmer

from data.answers.retrieval import DEFAULT_MIN_CONFIDENCE, Entry, KnowledgeIndex
from data.answers.text import SYNONYM_GROUPS, terms, words

HOURS, CALL_FEE, WATER_HEATER, AREAS, WARRANTY, PAYMENT = range(1, 7)

ENTRIES = [
    Entry(
        HOURS,
        "What are your hours?",
        "We're open Monday to Friday 7:30 AM to 6 PM and Saturday 8 AM to 2 PM.",
        "hours, open",
    ),
    Entry(
        CALL_FEE,
        "How much is a service call?",
        "Our service call fee is $89, waived if you go ahead with the repair.",
        "price, trip",
    ),
    Entry(
        WATER_HEATER,
        "How much does a new water heater cost?",
        "A standard 50-gallon tank water heater installed starts at $1,450.",
        "water heater",
    ),
    Entry(
        AREAS,
        "What areas do you serve?",
        "We serve Austin, Round Rock, Pflugerville, Georgetown and Cedar Park.",
        "service area",
    ),
    Entry(
        WARRANTY,
        "Do you offer a warranty?",
        "All repairs carry a one-year parts and labor warranty.",
        "guarantee",
    ),
    Entry(
        PAYMENT,
        "What payment methods do you accept?",
        "We take cash, checks, all major credit cards and Zelle.",
        "payment",
    ),
]


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex(ENTRIES)


# Words and terms


def test_words_are_lower_case_and_a_contraction_counts_as_its_first_part() -> None:
    assert words("Who's the Plumber? It’s HERE") == ["who", "the", "plumber", "it", "here"]


def test_accents_are_folded_away_so_accented_and_plain_spellings_are_one_word() -> None:
    assert words("Café español") == ["cafe", "espanol"]
    assert terms("habla español") == terms("habla espanol")


def test_stop_words_leave_no_search_terms() -> None:
    assert terms("what is the and do you have it") == []


@pytest.mark.parametrize("word", ["cost", "fee", "charges", "expensive"])
def test_words_for_the_price_are_folded_onto_one_term(word: str) -> None:
    assert terms(word) == terms("price")


@pytest.mark.parametrize(("a", "b"), [("fix", "repair"), ("quote", "estimate"), ("zelle", "card")])
def test_synonyms_from_one_group_become_the_same_term(a: str, b: str) -> None:
    assert terms(a) == terms(b)


@pytest.mark.parametrize("word", ["runs", "running"])
def test_inflected_words_share_their_stem(word: str) -> None:
    assert terms(word) == terms("run")


def test_words_from_different_groups_stay_different_terms() -> None:
    assert terms("price") != terms("warranty")


def test_everyday_words_that_only_sound_like_a_topic_are_not_search_terms() -> None:
    # "your own guys" is not about who owns the business; "comes" is "come".
    assert terms("your own guys, anyway, when the plumber comes") == terms("plumber")


def test_distance_words_ask_about_the_service_area() -> None:
    assert set(terms("how far do you travel")) == set(terms("what area"))
    assert terms("within 20 miles")[-1] == terms("area")[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hrs", "hours"),
        ("odor", "smell"),
        ("gushing", "leaking"),
        ("limescale", "softener"),
        ("radiators", "boiler"),
        ("teachers", "discount"),
        ("visa", "card"),
    ],
)
def test_everyday_and_trade_words_for_one_thing_are_one_term(a: str, b: str) -> None:
    assert terms(a) == terms(b)


def test_words_that_share_a_stem_with_a_topic_word_are_left_out_of_its_group() -> None:
    # "yearly" would fold "year" onto the membership, "unclog" would merge with "drain".
    assert terms("over a year") != terms("membership")
    assert terms("unclog the drain") == ["unclog", "drain"]


def test_a_valve_is_a_part_not_the_main_shut_off() -> None:
    assert terms("shower valve") != terms("shower shut-off")


def test_no_stem_belongs_to_two_synonym_groups() -> None:
    stemmer = Stemmer.Stemmer("english")
    owner: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        for word in group:
            stem = stemmer.stemWord(word)
            assert owner.setdefault(stem, group[0]) == group[0], (word, owner[stem], group[0])


def test_installing_is_not_read_as_financing_nor_months_as_monthly_payments() -> None:
    assert terms("install") != terms("financing")
    assert terms("months") != terms("financing")


# Retrieval


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("when are you open on saturday", HOURS),
        ("how much for a service call", CALL_FEE),
        ("price of a water heater", WATER_HEATER),
        ("do you serve georgetown?", AREAS),
        ("is your work guaranteed", WARRANTY),
        ("can I pay with a credit card", PAYMENT),
        ("do you take venmo", PAYMENT),
    ],
)
def test_a_question_finds_the_entry_that_answers_it(index, question: str, entry_id: int) -> None:
    match = index.best(question)
    assert match is not None and match.entry.id == entry_id
    assert DEFAULT_MIN_CONFIDENCE <= match.confidence <= 1.0


def test_a_town_named_only_in_an_answer_still_finds_the_areas_entry(index) -> None:
    [first, *_] = index.search("do you come out to Pflugerville")
    assert first.entry.id == AREAS


def test_search_puts_the_most_confident_entry_first_and_keeps_to_the_limit(index) -> None:
    matches = index.search("how much for a service call", limit=2)
    assert len(matches) == 2
    assert matches[0].entry.id == CALL_FEE
    assert matches[0].confidence > matches[1].confidence


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("waranty?", WARRANTY),
        ("warrantyy", WARRANTY),
        ("heaterr price", WATER_HEATER),
        ("do you go to pflugervile", AREAS),
    ],
)
def test_a_misspelt_word_is_read_as_the_known_word_it_is_closest_to(
    index, question: str, entry_id: int
) -> None:
    match = index.best(question)
    assert match is not None and match.entry.id == entry_id


def test_a_slip_in_the_first_letter_is_not_corrected(index) -> None:
    assert "warranti" not in index.query_terms("xarranty")
    assert index.best("xarranty") is None


def test_two_slips_in_a_short_word_are_not_corrected(index) -> None:
    assert index.query_terms("warenty") == ["warenti"]
    assert index.best("warenty") is None


def test_two_slips_in_a_long_word_are_corrected(index) -> None:
    assert index.query_terms("georgetwon") == index.query_terms("georgetown")


def test_two_swapped_letters_are_one_slip(index) -> None:
    assert index.query_terms("warrnaty") == index.query_terms("warranty")


def test_a_typo_common_enough_to_be_on_the_web_is_still_corrected(index) -> None:
    assert index.query_terms("paymnet") == index.query_terms("payment")
    assert index.query_terms("servce") == index.query_terms("service")


def test_a_dropped_letter_reads_as_the_longer_of_two_equally_close_words() -> None:
    entries = [
        Entry(1, "How much is a new water heater?", "From $1,450.", "water heater"),
        Entry(2, "Do you fix heat pumps?", "No, plumbing only.", "heat"),
    ]
    assert KnowledgeIndex(entries).query_terms("heatr") == ["heater"]


def test_words_shorter_than_four_letters_are_not_corrected(index) -> None:
    assert index.query_terms("cas") == ["cas"]  # not "cash", a payment word


def test_a_question_the_knowledge_base_does_not_cover_has_no_confident_answer(index) -> None:
    matches = index.search("do you fix pool pumps?")
    assert all(m.confidence < DEFAULT_MIN_CONFIDENCE for m in matches)
    assert index.best("do you fix pool pumps?") is None


@pytest.mark.parametrize("question", ["what is the meaning of life", "hello", ""])
def test_a_message_without_known_words_finds_nothing(index, question: str) -> None:
    assert index.search(question) == []
    assert index.best(question) is None


def test_a_question_after_a_long_story_is_still_answered(index) -> None:
    story = (
        "we bought the place in march, the sellers were nice, the inspection found lots of "
        "small things, the roof is fine"
    )
    match = index.best(f"{story}, whats the warranty")
    assert match is not None and match.entry.id == WARRANTY
    assert index.best(f"{story}. whats the warranty?").entry.id == WARRANTY
    assert index.best(story) is None


def test_the_story_still_counts_when_it_names_what_the_question_is_about(index) -> None:
    match = index.best("ok so can you get out to us? we live in pflugerville near the lake")
    assert match is not None and match.entry.id == AREAS


def test_an_entry_with_many_tags_is_as_sure_an_answer_to_its_own_question() -> None:
    def confidence(tags: str) -> float:
        entries = [
            Entry(1, "Do you charge for estimates?", "Estimates are free for larger jobs.", tags),
            Entry(2, "What are your hours?", "Monday to Friday 8 to 5.", "hours, open"),
        ]
        return KnowledgeIndex(entries).best("do you charge for estimates?").confidence

    many = "pricing, free estimate, quote, bids, written, no obligation, ballpark, consultation"
    assert confidence(many) == pytest.approx(confidence("")) == pytest.approx(1.0)


def test_a_tag_phrase_of_stop_words_still_says_what_an_entry_is_about() -> None:
    entries = [
        Entry(1, "Do I need to be home?", "An adult needs to be there.", "be home, at work"),
        Entry(2, "Who will come to my home?", "Our own background-checked technicians.", "show up"),
        Entry(3, "What are your hours?", "Monday to Friday 8 to 5.", "hours, open"),
    ]
    index = KnowledgeIndex(entries)
    match = index.best("I'll be at work, does someone have to be home?")
    assert match is not None and match.entry.id == 1
    match = index.best("who's going to show up at my house?")
    assert match is not None and match.entry.id == 2


def test_a_tag_phrase_alone_does_not_make_a_match() -> None:
    entries = [
        Entry(1, "What is your service call fee?", "$89 for the trip.", "pricing, come out"),
        Entry(2, "What are your hours?", "Monday to Friday 8 to 5.", "hours, open"),
    ]
    index = KnowledgeIndex(entries)
    assert index.best("can someone come out tomorrow?") is None
    match = index.best("what do you charge to come out?")
    assert match is not None and match.entry.id == 1


def test_a_partial_match_is_refused_when_the_caller_asks_for_more_confidence(index) -> None:
    assert index.best("what time do you open?") is not None
    assert index.best("what time do you open?", min_confidence=0.95) is None


def test_an_empty_knowledge_base_answers_nothing() -> None:
    empty = KnowledgeIndex([])
    assert empty.search("what are your hours") == []
    assert empty.best("what are your hours") is None
