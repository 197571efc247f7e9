"""Business hours and booking slots, in the workspace's time zone: whether the business is
open, when it next opens, the next free appointment slots (existing appointments respected),
how to word them, and reading the customer's pick ("2", "Tuesday 3pm", "the first one")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data.clock import as_utc

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# fmt: off
_DAY_NAMES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "last": -1,
}
# fmt: on

#: How long a booked visit lasts, how soon the first slot may start, and how far ahead to look.
SLOT_LENGTH = timedelta(hours=1)
LEAD_TIME = timedelta(hours=2)
HORIZON_DAYS = 21
SLOTS_OFFERED = 3
#: Offered slots spread over days: at most this many on one day.
SLOTS_PER_DAY = 2


@dataclass(frozen=True)
class Hours:
    """A workspace's opening hours: weekday key -> [["HH:MM", "HH:MM"], ...], and its zone."""

    weekly: dict[str, list[list[str]]]
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def ranges_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening ranges of a local date, as aware local datetimes."""
        ranges = []
        for start, end in self.weekly.get(DAYS[day.weekday()], []):
            opens = datetime.combine(day, time.fromisoformat(start), self.zone)
            closes = datetime.combine(day, time.fromisoformat(end), self.zone)
            if closes > opens:
                ranges.append((opens, closes))
        return ranges

    def is_open(self, at: datetime) -> bool:
        local = as_utc(at).astimezone(self.zone)
        return any(opens <= local < closes for opens, closes in self.ranges_on(local.date()))

    def next_opening(self, at: datetime) -> datetime | None:
        """When the business next opens after `at` (aware UTC), or None if it never does."""
        local = as_utc(at).astimezone(self.zone)
        for offset in range(8):
            for opens, _ in self.ranges_on(local.date() + timedelta(days=offset)):
                if opens > local:
                    return opens.astimezone(ZoneInfo("UTC"))
        return None


def describe_hours(hours: Hours) -> str:
    """Opening hours in a sentence: "Mon-Fri 7:30 AM-6:00 PM, Sat 8:00 AM-2:00 PM"."""
    groups: list[tuple[list[str], str]] = []
    for day in DAYS:
        ranges = hours.weekly.get(day, [])
        words = ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in ranges) if ranges else ""
        if groups and groups[-1][1] == words:
            groups[-1][0].append(day)
        else:
            groups.append(([day], words))
    parts = []
    for days, words in groups:
        if not words:
            continue
        name = days[0].title() if len(days) == 1 else f"{days[0].title()}-{days[-1].title()}"
        parts.append(f"{name} {words}")
    return ", ".join(parts) or "by appointment"


def _clock(value: str) -> str:
    moment = time.fromisoformat(value)
    return moment.strftime("%I:%M %p").lstrip("0")


def format_slot(at: datetime, hours: Hours) -> str:
    """A slot as the customer reads it, in the business's time zone: "Tue Dec 1, 3:00 PM"."""
    local = as_utc(at).astimezone(hours.zone)
    return f"{local:%a %b} {local.day}, {local:%I:%M %p}".replace(", 0", ", ")


def free_slots(
    hours: Hours,
    now: datetime,
    busy: Sequence[tuple[datetime, datetime]],
    count: int = SLOTS_OFFERED,
    length: timedelta = SLOT_LENGTH,
    on: date | None = None,
) -> list[datetime]:
    """The next `count` free slots (aware UTC) inside opening hours, at least LEAD_TIME from
    now, not overlapping `busy` (start, end) pairs, at most SLOTS_PER_DAY a day (all of the
    day's when the customer asked for that day: `on`, a local date)."""
    earliest = as_utc(now) + LEAD_TIME
    taken = [(as_utc(s), as_utc(e)) for s, e in busy]
    local_today = as_utc(now).astimezone(hours.zone).date()
    found: list[datetime] = []
    per_day = count if on is not None else SLOTS_PER_DAY
    for offset in range(HORIZON_DAYS):
        day = local_today + timedelta(days=offset)
        if on is not None and day != on:
            continue
        on_day = 0
        for opens, closes in hours.ranges_on(day):
            start = opens
            while start + length <= closes and on_day < per_day:
                begins = start.astimezone(ZoneInfo("UTC"))
                ends = begins + length
                if begins >= earliest and not any(s < ends and begins < e for s, e in taken):
                    found.append(begins)
                    on_day += 1
                    if len(found) == count:
                        return found
                    # The day's second offer is an afternoon one: a real choice, not 8 vs 9.
                    noon = start.replace(hour=12, minute=0)
                    start = max(start + length, noon)
                    continue
                start += length
    return found


def is_free(
    hours: Hours,
    at: datetime,
    busy: Sequence[tuple[datetime, datetime]],
    now: datetime,
    length: timedelta = SLOT_LENGTH,
) -> bool:
    """Whether a visit can start at `at`: inside one opening range, after the lead time,
    clear of other appointments."""
    begins, ends = as_utc(at), as_utc(at) + length
    if begins < as_utc(now) + LEAD_TIME:
        return False
    local = begins.astimezone(hours.zone)
    inside = any(
        opens <= local and local + length <= closes
        for opens, closes in hours.ranges_on(local.date())
    )
    return inside and not any(as_utc(s) < ends and begins < as_utc(e) for s, e in busy)


_TIME = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?!\s*(?:st|nd|rd|th)\b)", re.I
)
_NUMBER_ONLY = re.compile(r"^\W*(?:#|no\.?|number|option|slot)?\s*(\d)\W*$", re.I)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|book\s+it|book\s+me|that\s+works|sounds\s+good|"
    r"perfect|great|please\s+do|do\s+it)\b",
    re.I,
)


def read_pick(text: str, offered: Sequence[datetime], hours: Hours) -> datetime | None:
    """Which offered slot the customer chose, or None if the message does not pick one."""
    if not offered:
        return None
    text = text.strip().lower()
    number = _NUMBER_ONLY.match(text)
    if number:
        index = int(number.group(1))
        return offered[index - 1] if 1 <= index <= len(offered) else None
    for word, index in _ORDINALS.items():
        if re.search(rf"\b(?:the\s+)?{word}\s+(?:one|option|slot|time)\b", text):
            if index == -1:  # "the last one"
                return offered[-1]
            return offered[index - 1] if index <= len(offered) else None
    local = [as_utc(o).astimezone(hours.zone) for o in offered]
    weekday = _weekday_in(text)
    clock = _time_in(text)
    candidates = [
        slot
        for slot, moment in zip(offered, local, strict=True)
        if (weekday is None or moment.weekday() == weekday)
        and (clock is None or (moment.hour, moment.minute) == clock)
    ]
    if (weekday is not None or clock is not None) and len(candidates) == 1:
        return candidates[0]
    if len(offered) == 1 and _YES.match(text):
        return offered[0]
    return None


def read_requested_time(text: str, hours: Hours, now: datetime) -> datetime | None:
    """A specific day and time the customer asks for ("thursday at 10am", "tomorrow 2pm"),
    as aware UTC, or None if the message names no complete time."""
    text = text.lower()
    clock = _time_in(text)
    if clock is None:
        return None
    today = as_utc(now).astimezone(hours.zone).date()
    weekday = _weekday_in(text)
    if "tomorrow" in text:
        day = today + timedelta(days=1)
    elif weekday is not None:
        day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    elif "today" in text:
        day = today
    else:
        return None
    moment = datetime.combine(day, time(*clock), hours.zone)
    return moment.astimezone(ZoneInfo("UTC"))


def day_asked_for(text: str, hours: Hours, now: datetime) -> date | None:
    """The local date a booking request names ("tuesday", "tomorrow", "today"), if any."""
    text = text.lower()
    today = as_utc(now).astimezone(hours.zone).date()
    if "tomorrow" in text:
        return today + timedelta(days=1)
    if re.search(r"\btoday\b", text):
        return today
    weekday = _weekday_in(text)
    if weekday is None:
        return None
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _weekday_in(text: str) -> int | None:
    found = {index for word, index in _DAY_NAMES.items() if re.search(rf"\b{word}\b", text)}
    return found.pop() if len(found) == 1 else None


def _time_in(text: str) -> tuple[int, int] | None:
    for match in _TIME.finditer(text):
        hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if meridiem is None and match.group(2) is None:
            continue  # a bare number ("2") is an option, not a time
        if hour > 23 or minute > 59:
            continue
        if meridiem and meridiem.startswith("p") and hour < 12:
            hour += 12
        elif meridiem and meridiem.startswith("a") and hour == 12:
            hour = 0
        elif meridiem is None and 1 <= hour <= 6:
            hour += 12  # "at 3:30" in a trade's day means the afternoon
        return hour, minute
    return None
