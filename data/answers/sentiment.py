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
    # Worry about the job and its smells are not anger at the business ("rotten egg smell,
    # kind of freaking out").
    "freaking": -0.5, "freaked": -0.5, "scared": -0.8, "worried": -0.5, "panicking": -0.8,
    "panic": -0.8, "nervous": -0.5, "terrified": -1.0, "stressed": -0.8, "desperate": -0.5,
    "rotten": -0.3, "stinky": -0.3, "smelly": -0.3,
    # Complaints VADER underrates.
    "unacceptable": -3.0, "ridiculous": -2.6, "scam": -3.2, "ripoff": -3.0, "rip-off": -3.0,
    "pathetic": -3.0, "sucks": -2.6, "disgusting": -3.2, "angry": -3.0, "furious": -3.4,
    "livid": -3.4, "outrageous": -3.0, "unprofessional": -3.0, "incompetent": -3.2,
    "joke": -1.0, "useless": -2.8, "worst": -3.4, "awful": -3.0, "terrible": -3.2,
    "unreliable": -3.0, "ghosted": -3.0, "overcharged": -3.0, "overcharging": -3.0, "rude": -2.8,
    "shoddy": -2.5, "sloppy": -2.2, "botched": -2.5, "negligent": -2.8, "unresponsive": -2.2,
}
# fmt: on

#: Complaint phrases that carry no negative word; each pulls the score down by this much.
_COMPLAINT_WEIGHT = 0.35
_COMPLAINTS = re.compile(
    r"\b(?:no\s?one|nobody|never)\s+(?:showed|came|called|answers|answered|responded|"
    r"returned|got\s+back)|\b(?:no\s?one|nobody)\s+to\s+show|\bhours?\s+late\b|\bwaiting\s+(?:all\s+day|for\s+hours|for\s+days)|\bnever\s+"
    r"(?:using|use|hire|calling)\s+(?:you|u)|\bcharged\s+(?:me\s+)?twice\b|\bstill\s+"
    r"(?:broken|leaking|not\s+fixed|waiting)|\b(?:third|3rd|fourth|4th)\s+time\b"
    r"|\bwant\s+(?:my\s+money|a\s+refund)|\brefund\b|\bleft\s+(?:a\s+)?(?:mess|hole)"
    r"|\bstill\s+(?:isn'?t|is\s+not|not|hasn'?t|has\s+not|doesn'?t|does\s+not|won'?t)\s+(?:been\s+)?"
    r"(?:fixed|working|work|done|resolved|repaired|right)\b"
    r"|\b(?:same|the)\s+(?:problem|leak|issue|clog)\s+(?:is\s+)?(?:back|came\s+back)\b"
    r"|\bpromised\b.*\b(?:never|nothing|didn'?t|no\s?one|nobody)\b|\bbeen\s+waiting\s+(?:since|all)\b",
    re.IGNORECASE,
)
#: Complaints about the business that stand alone: each pulls the score down by this much, enough
#: to reach the default escalation threshold by itself.
_GRIEVANCE_WEIGHT = 0.7
_GRIEVANCES = re.compile(
    r"\bripped\s+(?:me\s+|us\s+)?off\b|\bwaste\s+of\s+(?:my\s+|our\s+)?(?:money|time)\b|"
    r"\bwasted\s+(?:my|our|a|the)\s+(?:whole\s+)?(?:day|time|morning|afternoon|money)\b|"
    r"\bworse\s+than\s+(?:before|it\s+was|when)\b|\b(?:report|reporting)\s+(?:you|this|your)\b|"
    r"\bbbb\b|\bbetter\s+business\s+bureau\b|"
    r"\b(?:bad|negative|terrible|(?:1|one)[- ]?star)\s+reviews?\b|\blawyer\b|\battorney\b|"
    r"\bsmall\s+claims\b|\bdisput\w*\s+the\s+charges?\b|\bcharge\s?back\b|"
    r"\bfed\s+up\b|\bsick\s+(?:and\s+tired|of\s+(?:this|you|waiting|it))\b|"
    r"\b(?:you|your\s+(?:guy|guys|tech|plumber|crew|man|worker)|the\s+(?:tech|plumber|crew))\s+"
    r"(?:broke|damaged|ruined|cracked|scratched|flooded)\b|"
    r"\bno[- ]show\b|\bstood\s+(?:me|us)\s+up\b|\bday\s+off\s+(?:work\s+)?for\s+nothing\b|"
    r"\b(?:called|texted|messaged|emailed)\s+(?:you\s+)?(?:\d+|three|four|five|six|several|"
    r"multiple|many|so\s+many)\s+times\b|\bhow\s+hard\s+is\s+it\s+to\b|"
    r"\bcan'?t\s+believe\s+(?:you|your|they|the\s+(?:tech|plumber|bill|price))\b",
    re.IGNORECASE,
)

#: Ending on "again" is a complaint ("no hot water again"), unless it is thanks or coming back.
_AGAIN = re.compile(r"\bagain\W*$", re.IGNORECASE)
_GLAD_AGAIN = re.compile(
    r"\b(?:thanks|thank\s+you|thx|ty|use|hire|recommend|book|call|choose|work\s+with|see)\s+"
    r"(?:you\s+|u\s+|y'?all\s+|them\s+)?(?:guys\s+)?again\W*$",
    re.IGNORECASE,
)

#: Praise wrapped around a complaint is sarcasm ("great, another week with no hot water").
_SARCASM_CUES = re.compile(
    r"\bno\s+hot\s+water\b|\bforever\b|\b(?:two|2|more)\s+leaks\b",
    re.IGNORECASE,
)
#: Turns of phrase that are sarcastic on their own ("take your time calling me back").
_IRONY = re.compile(
    r"[\"'](?:fixed|repaired|on\s+time)[\"']|🙃|\bthanks\s+a\s+lot\b|\bmoney\s+well\s+spent\b|"
    r"\bjust\s+perfect\b|\breally\s+made\s+my\s+day\b|\bwould\s+(?:wait|pay)\b.*\bagain\b|"
    r"\btake\s+your\s+(?:sweet\s+)?time\s+(?:calling|getting|answering|responding|replying|"
    r"showing|coming)\b|\b(?:love|loved|enjoy|enjoyed)\s+(?:paying|waiting|being)\b|"
    r"\b(?:only|just)\s+been\s+(?:a|an|\d+|two|three|four|five|six)\s+(?:days?|weeks?|months?|hours?)\b|"
    r"\blasted\s+(?:a\s+whole|all\s+of|only|just)\b|\bthanks\s+for\s+nothing\b|"
    r"\bappreciate\s+(?:you\s+)?(?:guys\s+)?(?:leaving|ignoring|not\s+(?:calling|showing|answering))\b",
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
    complaints += bool(_AGAIN.search(text or "")) and not _GLAD_AGAIN.search(text or "")
    grievances = len(_GRIEVANCES.findall(text or ""))
    irony = len(_IRONY.findall(text or ""))
    complained = complaints or grievances or _SARCASM_CUES.search(text or "")
    pull = _COMPLAINT_WEIGHT * (complaints + irony) + _GRIEVANCE_WEIGHT * grievances
    if (compound > 0 and (complained or irony)) or (compound == 0 and irony):
        # Praise around a complaint, or a sarcastic turn of phrase, reads the other way; the
        # first sarcastic phrase is counted by the turn itself.
        compound = -0.5 - 0.5 * compound
        pull -= _COMPLAINT_WEIGHT if irony else 0.0
    return round(max(-1.0, compound - pull), 4)


def next_trend(previous: float | None, latest: float) -> float:
    """The conversation's trend after a message scored `latest`."""
    if previous is None:
        return latest
    return round(TREND_WEIGHT * latest + (1 - TREND_WEIGHT) * previous, 4)
