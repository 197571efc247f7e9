"""Sentiment: VADER's compound score (-1 very negative … +1 very positive), tuned for a
trades business, and the conversation trend it rolls into.

VADER ships its lexicon with the package, so this works offline. Two adjustments: the words
of the trade ("leak", "pressure", "broken") describe the job, not the customer's mood, so they
score neutral; and complaints VADER reads as neutral ("nobody called back", "no one showed
up", "ripoff") are made to count."""

from __future__ import annotations

import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: Lexicon changes, on VADER's -4 … +4 word scale.
# fmt: off
_LEXICON = {
    # The job, not the mood.
    "pressure": 0.0, "broken": 0.0, "leak": 0.0, "leaking": 0.0, "leaky": 0.0,
    "burst": 0.0, "clogged": 0.0, "clog": 0.0, "stuck": 0.0, "emergency": 0.0, "problem": 0.0,
    "problems": 0.0, "bang": 0.0, "banging": 0.0, "cold": 0.0, "freeze": 0.0, "crazy": -0.3,
    # Complaints VADER underrates.
    "unacceptable": -3.0, "ridiculous": -2.6, "scam": -3.2, "ripoff": -3.0, "rip-off": -3.0,
    "pathetic": -3.0, "sucks": -2.6, "disgusting": -3.2, "angry": -3.0, "furious": -3.4,
    "livid": -3.4, "outrageous": -3.0, "unprofessional": -3.0, "incompetent": -3.2,
    "joke": -1.0, "useless": -2.8, "worst": -3.4, "awful": -3.0, "terrible": -3.2,
}
# fmt: on

#: Complaint phrases that carry no negative word; each pulls the score down by this much.
_COMPLAINT_WEIGHT = 0.35
_COMPLAINTS = re.compile(
    r"\b(?:no\s?one|nobody|never)\s+(?:showed|came|called|answers|answered|responded|"
    r"returned|got\s+back)|\b(?:no\s?one|nobody)\s+to\s+show|\bhours?\s+late\b|\bwaiting\s+(?:all\s+day|for\s+hours|for\s+days)|\bnever\s+"
    r"(?:using|use|hire|calling)\s+(?:you|u)|\bcharged\s+(?:me\s+)?twice\b|\bstill\s+"
    r"(?:broken|leaking|not\s+fixed|waiting)|\b(?:third|3rd|fourth|4th)\s+time\b|\bagain\W*$"
    r"|\bwant\s+(?:my\s+money|a\s+refund)|\brefund\b|\bleft\s+(?:a\s+)?(?:mess|hole)",
    re.IGNORECASE,
)

#: Praise wrapped around a complaint is sarcasm ("great, another week with no hot water").
_SARCASM = re.compile(
    r"[\"'](?:fixed|repaired|on\s+time)[\"']|🙃|\bthanks\s+a\s+lot\b|\bmoney\s+well\s+spent\b|"
    r"\bno\s+hot\s+water\b|\bjust\s+perfect\b|\breally\s+made\s+my\s+day\b|\bforever\b|"
    r"\b(?:two|2|more)\s+leaks\b|\bwould\s+(?:wait|pay)\b.*\bagain\b",
    re.IGNORECASE,
)

#: How much the newest message moves the conversation trend (exponential moving average).
TREND_WEIGHT = 0.5


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(_LEXICON)
    return analyzer


def score(text: str) -> float:
    """The message's sentiment, -1 … +1."""
    compound = _analyzer().polarity_scores(text or "")["compound"]
    complaints = len(_COMPLAINTS.findall(text or ""))
    if compound > 0 and (complaints or _SARCASM.search(text or "")):
        compound = -0.5 - 0.5 * compound
    return round(max(-1.0, compound - _COMPLAINT_WEIGHT * complaints), 4)


def next_trend(previous: float | None, latest: float) -> float:
    """The conversation's trend after a message scored `latest`."""
    if previous is None:
        return latest
    return round(TREND_WEIGHT * latest + (1 - TREND_WEIGHT) * previous, 4)
