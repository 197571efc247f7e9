"""What a customer's message asks for, read from its wording: a person, an opt-out (clear or
unclear), a booking, a price, a greeting, thanks, a plain acknowledgement, or an attempt to
instruct the AI. Patterns are written for the way people text: lower case, no punctuation,
abbreviations ("pls", "u", "ppl") and a few common slips."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class OptOut(StrEnum):
    CLEAR = "clear"
    UNCLEAR = "unclear"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PERSON_WORDS = (
    r"(?:some\s?(?:one|body)|any\s?(?:one|body)|a\s+(?:real\s+|live\s+|actual\s+)?"
    r"(?:person|persn|human|people|rep|agent|representative|manager|supervisor|plumber|tech)|"
    r"(?:the|your|ur)\s+(?:owner|manager|boss|supervisor|office|team|staff|plumber|tech|"
    r"technician)|"
    r"(?:real|live|actual)\s+(?:person|persn|human|people|agent)|"
    r"(?:a\s+)?human|(?:a\s+)?person|people|dana|ray)"
)

_WANTS_PERSON = _any(
    rf"\b(?:talk|speak|chat|text)\s*(?:to|with|w/?)\s+(?!you\b|u\b|y'?all\b){_PERSON_WORDS}",
    r"\b(?:talk|speak)\s+(?:to|with)\s+(?!you\b|u\b)[a-z]+\b(?=\s*(?:please|pls|now|$|\?|,|\.|!|about))",
    r"\b(?:real|live|actual)\s+(?:person|persn|human|people|agent|rep)\b",
    r"\bhuman(?:s)?\b(?!\s+(?:error|body|resources))",
    r"\brepresentative\b|\bservice\s+rep\b|\boperator\b",
    # Asking for customer service, not judging it ("worst customer service ever").
    r"\b(?:to|with|get|need|want|reach|contact|call)\s+(?:a\s+|your\s+)?customer\s+service\b|"
    r"^\W*customer\s+service\b|\bcustomer\s+service\s+(?:please|pls|plz|rep|number|line)\b",
    r"^\W*agent\W*$|\bspeak\s+to\s+an?\s+agent\b|\b(?:an|live)\s+agent\b",
    r"\b(?<!property\s)(?:manager|supervisor)\b",
    r"\bcall\s+me\b|\bcall\s+me\s+back\b|\b(?:give|gimme)\s+(?:me\s+)?a\s+(?:call|ring)\b",
    r"\b(?:phone|ring)\s+me\b|\bcall\s+back\b",
    r"\b(?:have|get|can|could|would)\s+(?:some\s?(?:one|body)|the\s+owner|a\s+person|your\s+"
    r"(?:manager|team)|[a-z]+)\s+(?:from\s+[a-z ]+\s+)?(?:please\s+|just\s+)?"
    r"(?:call|phone|ring|contact|reach)\b",
    r"\btransfer\s+me\b|\bput\s+me\s+through\b|\bconnect\s+me\b|\bescalate\b",
    r"\b(?:not|don'?t|dont)\s+(?:want\s+(?:to\s+)?)?(?:text(?:ing)?|talk(?:ing)?|chat(?:ting)?)"
    r"\s+(?:with|to)\s+a\s+(?:bot|robot|machine|computer|ai)\b",
    r"\bis\s+any\s?(?:one|body)\s+(?:there|real)\b",
    r"\b(?:speak|talk)\s+(?:to|with)\s+(?:whoever|someone|somebody|anyone|anybody)\b",
    r"\bwho\s+can\s+i\s+(?:speak|talk)\s+(?:to|with)\b",
    r"\bcall\s?-?backs?\b|\bcall\s+from\s+(?:a|an|some|your|the)\b",
    r"\b(?:staff|team)\s+member\b|\bin\s+charge\b",
    r"\b(?:not|no\s+more|instead\s+of)\s+(?:the\s+)?(?:automated|auto[- ]?reply|bot|robot|ai)\b",
    r"\b(?:a\s+)?(?:bot|robot)\b.*\b(?:who|someone|person|human|speak|talk)\b",
    r"\b(?:real|actual)\s+(?:plumber|tech|technician)\b",
    r"\bhablar\s+con\b|\buna\s+persona\b",
    r"\b(?:get|give)\s+me\s+(?:a\s+)?(?:real\s+|live\s+)?(?:person|human|rep)\b",
    r"\b(?:can|could|may)\s+i\s+(?:get|have)\s+(?:a\s+)?(?:real\s+|live\s+)?(?:person|human|rep)\b",
    r"\bfrom\s+(?:a\s+)?(?:real\s+|live\s+|actual\s+)?(?:person|human)\b",
    r"\b(?:a\s+)?(?:person|human)\s+(?:please|pls|plz|now)\b",
    r"\bput\s+(?:some\s?(?:one|body)|a\s+(?:person|human|manager))\s+on\b",
    r"\b(?:please|pls|plz|can\s+(?:you|u|some\s?one)|could\s+(?:you|u|some\s?one))\s+"
    r"(?:contact|reach\s+out\s+to)\s+me\b",
)

#: A call back the customer is complaining they never got ("three days waiting for a callback")
#: is not a request for one.
_CALLBACK_COMPLAINT = _any(
    r"\b(?:waiting|waited|promised|never\s+(?:got|received|had)|didn'?t\s+(?:get|receive)|no|"
    r"still\s+no|without\s+(?:a|any))\s+(?:\w+\s+){0,4}?call\s?-?backs?\b",
)

_OPT_OUT_CLEAR = _any(
    r"\b(?:stop|quit|cease)\s+(?:texting|messaging|contacting|emailing|calling|sending|"
    r"bugging|bothering|spamming)\b",
    r"\b(?:take|remove|delete)\s+(?:me|my\s+(?:number|name|info|email|phone))\s+(?:off|from)\b"
    r"(?!\s+(?:a|the|your)?\s*(?:quote|estimate|appointment|schedule|job))",
    r"\b(?:remove|delete)\s+(?:me|my\s+(?:number|name|info|email|phone))\W*$",
    r"\b(?:take|get)\s+me\s+off\b",
    r"\bdelete\s+(?:this|my)\s+(?:number|contact)\b",
    r"\b(?:do\s+not|don'?t|dont|never)\s+(?:text|message|msg|contact|email|call|sms)\s+me\b",
    r"\bunsubscribe\b|\bopt\s+me\s+out\b|\bopt[- ]?out\b",
    r"\bno\s+more\s+(?:texts|messages|msgs|emails|calls|sms)\b",
    r"\b(?:don'?t|dont|do\s+not)\s+want\s+(?:any\s+)?(?:more\s+)?(?:texts|messages|emails)\b",
    r"\blose\s+my\s+number\b",
    r"\b(?:take|remove|delete|get)\s+(?:this|my|the)\s+(?:phone\s+)?number\s+(?:off|from|out)\b",
    r"\boff\s+(?:of\s+)?(?:your|the)\s+(?:\w+\s+)?(?:list|texts|messages)\b",
)

#: Words around a short "stop" / "enough" that do not change what it means.
_FILLER = r"(?:ugh|omg|ok|okay|just|please|pls|plz|seriously|now|man|dude|that'?s|thats|so|oh)"

_OPT_OUT_UNCLEAR = _any(
    rf"^\W*(?:{_FILLER}\W+)*stop(?:\W+(?:it|this|that|{_FILLER}|already))*\W*$",
    rf"^\W*(?:{_FILLER}\W+)*enough(?:\W+(?:already|{_FILLER}))*\W*$",
    r"\b(?:i'?m|im|we'?re|were)\s+done\s+with\s+(?:you|this|y'?all|your)\b",
    rf"^\W*(?:{_FILLER}\W+)*no\s+more(?:\W+(?:thanks|{_FILLER}))*\W*$",
    r"\bleave\s+me\s+alone\b",
    r"\bnot\s+interested\b|\bno\s+longer\s+(?:interested|need|relevant)\b",
    r"\b(?:keep|still)\s+getting\s+(?:these|this|your)\b|\bwhy\s+(?:do\s+i|am\s+i)\s+getting\b",
    r"\b(?:isn'?t|not)\s+relevant\s+anymore\b|\bwe\s+sold\s+the\s+house\b",
    r"\bwrong\s+number\b|\bhow\s+did\s+(?:you|u)\s+get\s+(?:my|this)\s+(?:number|email)\b",
    r"\b(?:never|didn'?t|did\s+not)\s+sign(?:ed)?\s+up\b",
    r"\bwent\s+with\s+(?:some\s?(?:one|body)|another|a\s+different|other)\b",
    r"\balready\s+(?:hired|found|went\s+with)\s+(?:some\s?(?:one|body)|another|a\s+different)\b",
    r"\b(?:don'?t|dont|do\s+not)\s+need\s+(?:you|your\s+services|you\s+guys)\s+any\s?more\b",
)

_GREETING = _any(
    r"^\W*(?:hi+|hello+|hey+|hiya|howdy|yo|hola|good\s+(?:morning|afternoon|evening)|"
    r"greetings)(?:\s+(?:there|all|folks|guys|team|brightwater|[a-z]+))?\W*$"
)
_THANKS = _any(
    r"\b(?:thanks|thank\s*you|thx|thnx|tysm|ty|appreciate\s+(?:it|you|that)|much\s+appreciated|"
    r"cheers)\b"
)
_ACK = _any(
    r"^\W*(?:ok(?:ay)?|k+|kk|sure|cool|great|perfect|got\s+it|sounds\s+good|will\s+do|yep|yup|"
    r"alright|noted|lol|haha|np|no\s+problem|understood|awesome|nice)(?:\s+(?:ok|then|thanks|"
    r"cool|great|sounds\s+good|lol))*\W*$",
)
_DAY = (
    r"today|tonight|tomorrow|tmrw|this\s+(?:morning|afternoon|evening|week)|next\s+week|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|morning|afternoon|\d{1,2}\s*(?:am|pm)"
)
_BOOKING = _any(
    r"\b(?:book|schedule|appointment|appt|reschedule)\b",
    r"\b(?:come\s+(?:out|by|over|look|today|tomorrow|this|next|on|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)|send\s+(?:some\s?one|a\s+(?:plumber|tech)))\b",
    r"\b(?:availability|available|opening|openings|slot|slots|squeeze\s+me\s+in)\b",
    r"\b(?:set\s+up|get\s+on)\s+(?:a\s+time|the\s+schedule)\b",
    r"\b(?:when\s+can\s+(?:you|u|someone)|earliest|anything\s+(?:today|tomorrow|this|next))\b",
    r"\b(?:need|want|get)\s+(?:some\s?one|a\s+(?:plumber|tech))\s+(?:to\s+)?(?:come|look)\b",
    r"\b(?:can|could)\s+(?:you|u|y'?all)\s+do\s+(?:today|tomorrow|mon|tue|wed|thu|fri|sat|sun|"
    r"next|this|\d)",
    # Proposing or asking for a time, and asking for a visit in other words.
    rf"\bare\s+(?:you|u|y'?all)\s+(?:free|around)\s+(?:on\s+|this\s+|next\s+)?(?:{_DAY})",
    rf"\b(?:is|does|would|will)\s+(?:{_DAY})(?:\s+(?:at\s+)?\d{{1,2}}(?::\d\d)?\s*(?:am|pm)?)?\s+"
    r"(?:ok|okay|good|fine|work|available|possible|free)\b",
    r"\bset\s+(?:something|it|one|that|this|a\s+time|a\s+visit)\s+up\b|"
    r"\bset\s+up\s+(?:a|an)\s+(?:time|visit|call|service)\b",
    r"\b(?:how\s+(?:soon|quickly|fast)|soonest)\b.*\b(?:come|get\s+(?:here|out|over|someone)|be\s+here|"
    r"send)\b",
    r"\bcome\s+(?:and\s+)?(?:take\s+a\s+look|check|see|fix|have\s+a\s+look)\b",
)
_PRICE = _any(
    r"\bhow\s+much\b|\bcost|\bprice|\bpricing\b|\bquote|\bestimate|\bfee\b|\bcharge|\brates?\b"
)
_INJECTION = _any(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)?(?:previous\s+|"
    r"prior\s+|above\s+|earlier\s+)?(?:instructions|rules|prompts?|above|directions)\b",
    r"\bsystem\s*(?:prompt|override|message)\b|^\W*system\s*:|\badmin\s+override\b",
    r"\byou\s+are\s+now\b|\bpretend\s+(?:you\s+are|to\s+be)\b|\bact\s+as\b|\bjailbreak\b|\bDAN\b",
    r"\b(?:repeat|print|show|reveal|output)\s+(?:(?:the|your|me|us|all|full)\s+){0,3}(?:text\s+above|"
    r"instructions|prompt|system|hidden|config|api\s+keys?|contents)\b",
    r"</?\s*(?:user|system|assistant)\s*>|\bassistant\s*:",
    r"\b(?:tell|give|send)\s+me\s+(?:your|the)\s+(?:hidden\s+|secret\s+|system\s+|original\s+)?"
    r"(?:instructions|prompt|rules)\b|\bfrom\s+now\s+on\b",
    r"\b(?:api\s+keys?|knowledge\s+base\s+in\s+json|every\s+customer)\b",
)
_QUESTION_START = re.compile(
    r"^\W*(?:who|what|when|where|why|how|which|whats|hows|do|does|did|can|could|would|will|"
    r"is|are|am|should|any|r|u|y'?all)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
#: Questions customers write without a question mark or a question word first.
_QUESTION_CUES = re.compile(
    r"\b(?:wondering|need\s+to\s+know|want\s+to\s+know|curious|any\s+idea|let\s+me\s+know|"
    r"is\s+it\s+possible|do\s+(?:you|u|y'?all)|can\s+(?:you|u|i)|could\s+(?:you|u)|are\s+(?:you|u)|"
    r"r\s+u|how\s+(?:much|long|many|do|does|can)|what\s+(?:do|does|is|are|should|time|kind)|"
    r"who\s+(?:is|will|can|do)|where\s+(?:is|do|can)|when\s+(?:do|can|will|are|is)|"
    r"is\s+(?:there|that|it)|should\s+i|do\s+i\s+need|does\s+(?:it|that|the))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intents:
    wants_person: bool
    opt_out: OptOut | None
    greeting: bool
    thanks: bool
    acknowledgement: bool
    booking: bool
    price: bool
    injection: bool
    question: bool


@lru_cache(maxsize=4096)
def read(text: str) -> Intents:
    """Everything this module can tell about one message. Remembered for recent messages:
    triage and the reply each read the same text."""
    text = (text or "").strip()
    clear = bool(_OPT_OUT_CLEAR.search(text))
    return Intents(
        wants_person=_wants_person(text),
        opt_out=OptOut.CLEAR
        if clear
        else OptOut.UNCLEAR
        if _OPT_OUT_UNCLEAR.search(text)
        else None,
        greeting=bool(_GREETING.search(text)),
        thanks=bool(_THANKS.search(text)) and not is_question(text),
        acknowledgement=bool(_ACK.search(text)) or _only_emoji(text),
        booking=bool(_BOOKING.search(text)),
        price=bool(_PRICE.search(text)),
        injection=bool(_INJECTION.search(text)),
        question=is_question(text),
    )


def _wants_person(text: str) -> bool:
    if not _WANTS_PERSON.search(text):
        return False
    return bool(_WANTS_PERSON.search(_CALLBACK_COMPLAINT.sub(" ", text)))


def is_question(text: str) -> bool:
    return (
        "?" in text
        or bool(_QUESTION_CUES.search(text))
        or any(_QUESTION_START.search(s) for s in _SENTENCE.findall(text))
    )


def without_injection(text: str) -> str:
    """The sentences of `text` that do not try to instruct the AI: a customer who mixes an
    attack with a real question still gets the question answered."""
    kept = [s for s in _SENTENCE.findall(text) if not _INJECTION.search(s)]
    return " ".join(s.strip() for s in kept).strip()


def _only_emoji(text: str) -> bool:
    return bool(text) and not re.search(r"[^\W_]", text)
