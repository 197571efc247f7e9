"""Finding the knowledge entry that answers a question: BM25 ranking (the `bm25s` library)
over each entry's question, tags and answer, typo tolerance (RapidFuzz maps an unknown word
onto the closest word the knowledge base uses), and a confidence that says how much of the
question the entry covers, so that the responder answers only when it is sure."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from data.answers.intents import is_question
from data.answers.text import STOP_WORDS, term, words

_SENTENCE = re.compile(r"[^.!?\n,;]+[.!?\n,;]*")

#: Below this confidence the responder says it cannot answer instead of guessing.
DEFAULT_MIN_CONFIDENCE = 0.13
#: A question term found only in an entry's answer counts for this much of one in its
#: question or tags: answers mention many things they are not about.
ANSWER_ONLY_WEIGHT = 0.45
#: How much the share of the entry's own question that the customer touches counts in the
#: confidence, next to the share of the customer's question that the entry covers.
ABOUT_WEIGHT = 0.5
UNKNOWN_WORD_SHARE = 0.7
#: An entry found through its answer alone (a town it serves) is not ruled out.
ABOUT_FLOOR = 0.25
#: Candidates whose confidence is within this of the best are ranked by BM25 score.
TIE_MARGIN = 0.1
UNIQUE_ANSWER_WEIGHT = 0.8
#: How much a tag phrase found in the message counts, as the rarity of a word would.
PHRASE_RARITY = 0.5
#: How many distinct words an index remembers the reading of (term, typo fix, rarity).
WORDS_REMEMBERED = 50_000


@dataclass(frozen=True)
class Entry:
    """What retrieval needs of a knowledge entry."""

    id: int
    question: str
    answer: str
    tags: str = ""


@dataclass(frozen=True)
class Match:
    entry: Entry
    confidence: float
    score: float


class KnowledgeIndex:
    """An index over one workspace's enabled entries. Built in milliseconds for hundreds of
    entries, so callers rebuild it when the knowledge base changes."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._key_terms: list[frozenset[str]] = []
        self._answer_terms: list[frozenset[str]] = []
        self._question_terms: list[frozenset[str]] = []
        corpus: list[list[str]] = []
        known_words: set[str] = set()
        # A tag of several words ("come out", "be home") is also matched as a phrase: its
        # words may all be stop words, and together they still say what the entry is about.
        self._phrases: dict[tuple[str, ...], str] = {}
        for entry in self.entries:
            question_words = words(entry.question)
            key_words = question_words + words(entry.tags.replace(",", " "))
            self._question_terms.append(
                frozenset(term(w) for w in question_words if w not in STOP_WORDS)
            )
            answer_words = words(entry.answer)
            known_words.update(w for w in key_words + answer_words if w not in STOP_WORDS)
            key = [term(w) for w in key_words if w not in STOP_WORDS]
            for tag in entry.tags.split(","):
                tag_words = words(tag)
                # Only a phrase that dropping its stop words would lose ("be home", not
                # "water heater", whose words are search terms anyway).
                if len(tag_words) >= 2 and any(w in STOP_WORDS for w in tag_words):
                    phrase = tuple(term(w) for w in tag_words)
                    key.append(self._phrases.setdefault(phrase, "~" + " ".join(phrase)))
            answer = [term(w) for w in answer_words if w not in STOP_WORDS]
            self._key_terms.append(frozenset(key))
            self._answer_terms.append(frozenset(answer))
            # The question counts twice: it says what the entry is about.
            corpus.append(key + key + answer or ["_empty_"])
        self._known_words = sorted(w for w in known_words if len(w) >= 4)
        self._known_by_initial: dict[str, list[str]] = {}
        for w in self._known_words:
            self._known_by_initial.setdefault(w[0], []).append(w)
        self._phrase_lengths = sorted({len(phrase) for phrase in self._phrases})
        self._vocabulary = {t for terms in corpus for t in terms}
        count = max(len(self.entries), 1)
        frequency: dict[str, int] = {}
        for key, answer in zip(self._key_terms, self._answer_terms, strict=True):
            for t in key | answer:
                frequency[t] = frequency.get(t, 0) + 1
        self._document_frequency = frequency
        self._idf = {
            t: math.log(1 + (count - df + 0.5) / (df + 0.5)) for t, df in frequency.items()
        }
        # A word the knowledge base never uses counts like a fairly rare one: it may be what the
        # question is about (pool pumps) or only the customer's story around it.
        self._unknown_idf = UNKNOWN_WORD_SHARE * math.log(1 + (count + 0.5) / 0.5)
        self._total_weight = {
            terms: sum(self._weight(t) for t in terms)
            for terms in self._key_terms + self._question_terms
        }
        self._words_read: dict[str, tuple[str, float]] = {}
        self._retriever: bm25s.BM25 | None = None
        if self.entries:
            self._retriever = bm25s.BM25()
            self._retriever.index(corpus, show_progress=False)

    def query_terms(self, text: str) -> list[str]:
        """The question's search terms, misspelt words corrected to known ones."""
        return list(self._weighted_query(text))

    def _weighted_query(self, text: str) -> dict[str, float]:
        """Search terms with how much each counts: common English words ("day", "house")
        are mostly the customer's story, rare ones what the question is about."""
        return self._query_from(words(text))

    def _focused_query(self, text: str) -> dict[str, float] | None:
        """The query with the words of sentences that ask nothing counted at STORY_WEIGHT,
        next to the sentences that ask; None when the message is not of that shape."""
        weighted = _words_by_sentence(text)
        if weighted is None:
            return None
        return self._query_from([w for w, _ in weighted], [share for _, share in weighted])

    def _query_from(
        self, text_words: list[str], shares: list[float] | None = None
    ) -> dict[str, float]:
        found: dict[str, float] = {}
        for n, word in enumerate(text_words):
            if word in STOP_WORDS:
                continue
            t, rarity = self._read_word(word)
            share = shares[n] if shares else 1.0
            found[t] = max(found.get(t, 0.0), share * rarity)
        if self._phrases:
            stems = [term(w) for w in text_words]
            for length in self._phrase_lengths:
                for start in range(len(stems) - length + 1):
                    t = self._phrases.get(tuple(stems[start : start + length]))
                    if t is not None:
                        share = max(shares[start : start + length]) if shares else 1.0
                        found[t] = max(found.get(t, 0.0), share * PHRASE_RARITY)
        return found

    def _read_word(self, word: str) -> tuple[str, float]:
        """A word's search term (a misspelling corrected) and rarity, remembered per index."""
        known = self._words_read.get(word)
        if known is not None:
            return known
        t = term(word)
        frequency = zipf_frequency(word, "en")
        if (
            t not in self._vocabulary
            and len(word) >= 4
            and frequency < NOT_A_WORD_ZIPF
            and word[0] in self._known_by_initial
        ):
            # One slip in a short word, two in a long one: more would turn ordinary
            # words the knowledge base never uses ("spraying") into ones it does. Two letters
            # swapped are one slip; among equally close words the longer wins (a dropped
            # letter is the commonest slip: "heatr" is "heater", not "heat").
            allowed = 1 if len(word) <= 8 else 2
            close = process.extract(
                word,
                self._known_by_initial[word[0]],
                scorer=OSA.distance,
                score_cutoff=allowed,
                limit=None,
            )
            if close:
                fixed = min(close, key=lambda c: (c[1], -len(c[0])))[0]
                t, frequency = term(fixed), zipf_frequency(fixed, "en")
        if len(self._words_read) >= WORDS_REMEMBERED:
            self._words_read.clear()
        self._words_read[word] = (t, _rarity(frequency))
        return self._words_read[word]

    def _weight(self, t: str) -> float:
        return self._idf.get(t, self._unknown_idf)

    def confidence(self, position: int, query: dict[str, float]) -> float:
        """How sure we are that entry `position` answers the question: the share of the
        question's weight (IDF) the entry covers, times the square root of the share of the
        entry's own question (or of its question and tags) that the customer's words touch."""
        return self._confidence(position, self._weigh(query))

    def _weigh(self, query: dict[str, float]) -> list[tuple[str, float, float]]:
        """Each query term with its weight in the question (IDF times rarity) and its IDF."""
        return [(t, self._weight(t) * rarity, self._weight(t)) for t, rarity in query.items()]

    def _confidence(self, position: int, weighed: list[tuple[str, float, float]]) -> float:
        key, question = self._key_terms[position], self._question_terms[position]
        answer = self._answer_terms[position]
        total = matched = on_key = on_question = 0.0
        for t, weight, idf in weighed:
            total += weight
            if t in key:
                matched += weight
                on_key += idf
                on_question += idf if t in question else 0.0
            elif t in answer:
                # A word only this entry's answer uses (a town it serves) is strong evidence.
                unique = self._document_frequency.get(t) == 1
                matched += weight * (UNIQUE_ANSWER_WEIGHT if unique else ANSWER_ONLY_WEIGHT)
        asked = matched / total if total else 0.0
        # The entry is about what its question says, or its question and tags together:
        # whichever the customer's words touch more of (tags are extra words, not all needed).
        about = max(
            on_question / self._total_weight[question] if self._total_weight[question] else 0.0,
            on_key / self._total_weight[key] if self._total_weight[key] else 0.0,
        )
        return asked * max(about, ABOUT_FLOOR) ** ABOUT_WEIGHT

    def search(self, text: str, limit: int = 3) -> list[Match]:
        """The best entries for `text`, most confident first."""
        query = self._weighted_query(text)
        if self._retriever is None or not query:
            return []
        known = [t for t in query if t in self._vocabulary]
        if not known:
            return []
        focused = self._focused_query(text)
        k = min(max(limit, 5), len(self.entries))
        documents, scores = self._retriever.retrieve([known], k=k, show_progress=False)
        matches = []
        weighed = self._weigh(query)
        weighed_focus = self._weigh(focused) if focused else None
        words_asked = {t for t in query if not t.startswith("~")}
        for position, score in zip(documents[0], scores[0], strict=True):
            position = int(position)
            if score <= 0 or (
                # A tag phrase ("come out") supports a match but does not make one alone.
                self._key_terms[position].isdisjoint(words_asked)
                and self._answer_terms[position].isdisjoint(words_asked)
            ):
                continue
            confidence = self._confidence(position, weighed)
            if weighed_focus:
                confidence = max(confidence, self._confidence(position, weighed_focus))
            if self._key_terms[position].isdisjoint(query):
                # Tied to the question only through its answer: needs twice the evidence.
                confidence /= 2
            matches.append(Match(self.entries[position], confidence, float(score)))
        # Confidences this close are a tie: the BM25 score (term frequency, length) decides.
        top = max((m.confidence for m in matches), default=0.0)
        matches.sort(
            key=lambda m: (m.confidence >= top - TIE_MARGIN, m.score, m.confidence), reverse=True
        )
        return matches[:limit]

    def best(self, text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Match | None:
        """The entry that answers `text`, or None when no entry is a confident match."""
        matches = self.search(text, limit=1)
        if matches and matches[0].confidence >= min_confidence:
            return matches[0]
        return None


#: Below this Zipf frequency (wordfreq: 0 unknown … 7 "the") a word is not English: a typo or a
#: name, worth correcting to a word the knowledge base uses. Common typos are on the web too, at
#: 1-2 ("busness" 1.2, "servce" 1.1).
NOT_A_WORD_ZIPF = 2.0


def _rarity(zipf: float) -> float:
    """How much a word counts by how common it is in English: everyday words (zipf >= 6, "like")
    a third, common ones (>= 5) a half, others fully."""
    if zipf >= 6:
        return 0.35
    if zipf >= 5:
        return 0.5
    if zipf >= 4:
        return 0.8
    return 1.0


#: In a message of several sentences, the words of a sentence that asks nothing (the story
#: around the question: "we had family over for thanksgiving ...") count this much.
STORY_WEIGHT = 0.25


def _words_by_sentence(text: str) -> list[tuple[str, float]] | None:
    """The words of `text`, each with how much its sentence counts: fully in a question,
    STORY_WEIGHT in a sentence that asks nothing; None unless the message has both."""
    sentences = _SENTENCE.findall(text or "")
    if len(sentences) < 2:
        return None
    asking = [is_question(s) for s in sentences]
    if all(asking) or not any(asking):
        return None
    return [
        (w, 1.0 if asks else STORY_WEIGHT)
        for sentence, asks in zip(sentences, asking, strict=True)
        for w in words(sentence)
    ]
