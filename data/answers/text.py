"""Turning text into search terms: words, stop words removed, synonyms folded onto one
term, English stemming (PyStemmer's Snowball stemmer)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be been being but by can could
    did do does doing for from get got had has have having he her here hi him his how i i'd
    i'll i'm i've if in into is it it's its just me my myself need needs of on or our out
    please pls so some than that that's the their them then there these they this those to
    too u up us was we we're were what what's when where which while who will with would you
    you're your yours ya hey hello thanks thank ok okay wanna gonna like really still one
    know let lets let's tell much any anything something thing things guys yall y'all ya'll
    r ur put kind sort type usually normally typically roughly about around maybe also
    btw lol im ive id dont doesnt cant wont isnt didnt whats hows wheres whos gonna don won
    isn didn doesn aren wasn come coming someone somebody anyone anybody actually want wanted
    ask asking wondering wonder take go going make best way show comes came own anyway anyways
    even already said says stuff literally basically honestly probably guess think thought
    able should shall must might""".split()  # noqa: SIM905 - a word list reads best as words
)

#: Words customers use for the same thing, each folded onto the first word of its group.
#: General small-business vocabulary; a knowledge entry's tags add its own words.
# fmt: off
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("price", "cost", "costs", "charge", "charges", "fee", "fees", "rate", "rates", "pricing",
     "prices", "priced", "expensive", "cheap", "dollars"),
    ("repair", "repairs", "repaired", "repairing", "fix", "fixes", "fixed", "fixing", "work",
     "service", "services", "servicing"),
    ("install", "installs", "installed", "installing", "installation", "replace", "replacing",
     "replacement", "new", "hookup", "hookups", "hook"),
    ("estimate", "estimates", "quote", "quotes", "bid", "ballpark", "estimation", "assessment"),
    ("hours", "open", "opening", "close", "closing", "closed", "hour", "hrs", "weekend",
     "weekends", "saturday", "saturdays", "sunday", "sundays"),
    ("book", "booking", "schedule", "appointment", "appointments", "appt", "reserve", "slot"),
    ("area", "areas", "serve", "service-area", "cover", "covers", "location", "locations",
     "city", "cities", "town", "towns", "near", "nearby", "travel", "zip", "far", "miles",
     "radius", "distance"),
    ("payment", "payments", "pay", "paying", "bill", "billing", "card", "cards", "credit",
     "debit", "cash", "checks", "cheque", "cheques", "venmo", "zelle", "paypal", "apple",
     "accept", "visa", "mastercard", "amex"),
    ("warranty", "warranties", "guarantee", "guarantees", "guaranteed"),
    ("emergency", "emergencies", "urgent", "24/7", "24", "overnight", "midnight", "asap",
     "night", "nights", "anytime", "2am", "3am"),
    ("technician", "technicians", "tech", "techs", "plumber", "plumbers", "crew", "worker",
     "workers", "staff", "employee", "employees", "subcontractor", "subcontractors", "team"),
    ("diagnose", "diagnostic", "diagnosis", "diagnosing", "trip", "callout", "visit", "visits"),
    ("license", "licensed", "licence", "insured", "insurance", "bonded", "certified"),
    ("discount", "discounts", "coupon", "coupons", "deal", "deals", "promo", "senior",
     "military", "veteran", "veterans", "special", "specials", "teacher", "teachers",
     "responder", "responders", "firefighter", "firefighters", "nurse", "nurses"),
    ("cancel", "cancellation", "reschedule", "rescheduling", "cancelling", "canceling"),
    # Not "installments" or "monthly": they share a stem with "install" and "months".
    ("finance", "financing", "financed", "loan", "loans", "afford"),
    ("leak", "leaks", "leaking", "leaky", "drip", "dripping", "burst", "bursting", "flood",
     "flooding", "flooded", "gushing", "pouring", "spewing", "seeping", "puddle",
     "puddles"),
    ("heater", "heaters", "tank", "tanks"),
    ("tankless", "on-demand", "instant"),
    ("drain", "drains", "clog", "clogs", "clogged", "backed", "backup", "slow", "snake",
     "hydro-jetting", "jetting", "rooter", "blocked", "blockage"),
    ("toilet", "toilets", "commode", "loo"),
    ("faucet", "faucets", "tap", "taps", "fixture", "fixtures", "sink", "sinks", "disposal",
     "disposals", "garbage"),
    ("repipe", "repiping", "repiped", "repipes", "pex", "polybutylene", "galvanized",
     "replumb", "replumbing"),
    ("softener", "softeners", "hard", "hardness", "softening", "limescale", "calcium",
     "mineral", "minerals"),
    ("furnace", "furnaces", "boiler", "boilers", "heating", "heat", "radiator", "radiators",
     "hydronic"),
    ("ac", "a/c", "air", "conditioning", "conditioner", "cooling", "hvac"),
    ("permit", "permits", "inspection"),
    ("landlord", "landlords", "property", "rental", "rentals", "tenant", "tenants", "manager",
     "managers"),
    ("photo", "photos", "picture", "pictures", "pic", "pics", "image", "images", "video"),
    ("spanish", "espanol", "español", "habla", "hablan"),
    ("owner", "owns", "owned", "founder", "family"),
    ("camera", "scope", "scoped", "scoping", "video-inspection"),
    ("gas", "propane"),
    ("freeze", "freezing", "frozen", "winterize", "winterizing", "cold", "snap", "winter",
     "frost", "insulate", "insulating"),
    ("pressure", "psi", "weak", "trickle", "trickling"),
    ("shutoff", "shut-off", "shut", "turn"),
    ("home", "house", "present", "there"),
    ("member", "membership", "club", "maintenance", "annual", "tune-up", "subscription",
     "checkup"),
    ("smell", "smells", "smelling", "odor", "odors", "odour", "stink", "stinks", "fumes"),
)

# fmt: on

_stemmer = Stemmer.Stemmer("english")
_CANONICAL = {
    _stemmer.stemWord(word): _stemmer.stemWord(group[0])
    for group in SYNONYM_GROUPS
    for word in group
}


def words(text: str) -> list[str]:
    """Lower-case words; a contraction or possessive counts as its first part ("who's")."""
    # Accents folded away so "español" and "espanol" are one word.
    folded = unicodedata.normalize("NFKD", (text or "").lower().replace("’", "'"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w.split("'")[0] for w in _WORD.findall(folded)]


@lru_cache(maxsize=20_000)
def term(word: str) -> str:
    """The search term for one word: its stem, folded onto its synonym group's."""
    stem = _stemmer.stemWord(word)
    return _CANONICAL.get(stem, stem)


def terms(text: str) -> list[str]:
    """The search terms of a text, stop words dropped."""
    return [term(word) for word in words(text) if word not in STOP_WORDS]
