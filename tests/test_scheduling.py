"""Business hours and booking slots in the workspace's time zone (America/Chicago here):
opening ranges and the next opening across daylight-saving changes, hours in a sentence, free
slots (lead time, appointments, two a day with an afternoon choice, a day asked for), whether a
time is free, and reading the customer's pick, the time they ask for and the day they name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from data.scheduling import (
    Hours,
    day_asked_for,
    describe_hours,
    format_slot,
    free_slots,
    is_free,
    read_pick,
    read_requested_time,
)

CHICAGO = ZoneInfo("America/Chicago")
WEEKDAY = [["07:30", "18:00"]]
HOURS = Hours(
    {"mon": WEEKDAY, "tue": WEEKDAY, "wed": WEEKDAY, "thu": WEEKDAY, "fri": WEEKDAY}
    | {"sat": [["08:00", "14:00"]]},
    "America/Chicago",
)
SUNDAYS = Hours({"sun": [["09:00", "17:00"]]}, "America/Chicago")
TUESDAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=CHICAGO)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def shown(slots: list[datetime]) -> list[str]:
    return [format_slot(s, HOURS) for s in slots]


# Opening hours and daylight saving


@pytest.mark.parametrize(
    ("day", "opens_utc"),
    [
        (date(2026, 10, 25), datetime(2026, 10, 25, 14, 0, tzinfo=UTC)),  # CDT, UTC-5
        (date(2026, 11, 1), datetime(2026, 11, 1, 15, 0, tzinfo=UTC)),  # fall back: CST, UTC-6
        (date(2026, 3, 1), datetime(2026, 3, 1, 15, 0, tzinfo=UTC)),  # CST
        (date(2026, 3, 8), datetime(2026, 3, 8, 14, 0, tzinfo=UTC)),  # spring forward: CDT
    ],
)
def test_opening_time_is_local_wall_clock_time_on_both_sides_of_a_dst_change(day, opens_utc):
    [(opens, closes)] = SUNDAYS.ranges_on(day)
    assert opens == opens_utc
    assert (closes.hour, closes.minute) == (17, 0)


def test_a_closed_day_has_no_opening_ranges() -> None:
    assert HOURS.ranges_on(date(2026, 11, 29)) == []  # a Sunday


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (datetime(2026, 10, 25, 14, 30, tzinfo=UTC), True),  # 9:30 CDT
        (datetime(2026, 11, 1, 14, 30, tzinfo=UTC), False),  # 8:30 CST, the day clocks go back
        (datetime(2026, 3, 1, 14, 30, tzinfo=UTC), False),  # 8:30 CST
        (datetime(2026, 3, 8, 14, 30, tzinfo=UTC), True),  # 9:30 CDT, the day clocks go forward
    ],
)
def test_whether_the_business_is_open_follows_local_time_across_dst(at, is_open) -> None:
    assert SUNDAYS.is_open(at) is is_open


def test_a_naive_time_is_taken_as_utc() -> None:
    assert HOURS.is_open(datetime(2026, 11, 24, 15, 0))  # 9:00 in Chicago
    assert not HOURS.is_open(datetime(2026, 11, 24, 13, 0))  # 7:00 in Chicago


@pytest.mark.parametrize(
    ("closed_at", "opens"),
    [
        (local(2026, 10, 31, 15, 0), datetime(2026, 11, 2, 13, 30, tzinfo=UTC)),  # into CST
        (local(2026, 3, 7, 15, 0), datetime(2026, 3, 9, 12, 30, tzinfo=UTC)),  # into CDT
    ],
)
def test_the_next_opening_after_a_weekend_with_a_dst_change_is_monday_7_30_local(
    closed_at, opens
) -> None:
    assert HOURS.next_opening(closed_at) == opens


def test_a_business_with_no_hours_never_opens() -> None:
    assert Hours({}, "America/Chicago").next_opening(TUESDAY_9AM) is None


def test_hours_are_described_with_days_of_the_same_hours_grouped() -> None:
    assert describe_hours(HOURS) == "Mon-Fri 7:30 AM-6:00 PM, Sat 8:00 AM-2:00 PM"


def test_days_apart_with_the_same_split_hours_are_described_separately() -> None:
    split = [["09:00", "12:00"], ["13:00", "17:00"]]
    hours = Hours({"mon": split, "wed": split}, "UTC")
    expected = "Mon 9:00 AM-12:00 PM, 1:00 PM-5:00 PM, Wed 9:00 AM-12:00 PM, 1:00 PM-5:00 PM"
    assert describe_hours(hours) == expected


def test_a_business_without_hours_is_described_as_by_appointment() -> None:
    assert describe_hours(Hours({}, "UTC")) == "by appointment"


# Free slots


def test_slots_start_after_the_lead_time_and_the_second_of_a_day_is_in_the_afternoon() -> None:
    slots = free_slots(HOURS, TUESDAY_9AM, [])
    assert shown(slots) == ["Tue Nov 24, 11:30 AM", "Tue Nov 24, 12:30 PM", "Wed Nov 25, 7:30 AM"]
    assert all(s.utcoffset().total_seconds() == 0 for s in slots)


def test_no_more_than_two_slots_are_offered_on_one_day() -> None:
    slots = shown(free_slots(HOURS, TUESDAY_9AM, [], count=6))
    assert slots[2:] == [
        "Wed Nov 25, 7:30 AM",
        "Wed Nov 25, 12:00 PM",
        "Thu Nov 26, 7:30 AM",
        "Thu Nov 26, 12:00 PM",
    ]


def test_slots_that_overlap_an_appointment_are_skipped() -> None:
    busy = [(local(2026, 11, 24, 11, 30), local(2026, 11, 24, 13, 0))]
    slots = shown(free_slots(HOURS, TUESDAY_9AM, busy))
    assert slots == ["Tue Nov 24, 1:30 PM", "Tue Nov 24, 2:30 PM", "Wed Nov 25, 7:30 AM"]


def test_slots_on_the_day_asked_for_fill_that_day() -> None:
    slots = shown(free_slots(HOURS, TUESDAY_9AM, [], on=date(2026, 11, 28)))
    assert slots == ["Sat Nov 28, 8:00 AM", "Sat Nov 28, 12:00 PM", "Sat Nov 28, 1:00 PM"]


def test_a_day_asked_for_when_closed_has_no_slots() -> None:
    assert free_slots(HOURS, TUESDAY_9AM, [], on=date(2026, 11, 29)) == []


def test_slots_across_the_fall_back_keep_local_opening_times() -> None:
    slots = free_slots(HOURS, local(2026, 10, 31, 10, 0), [])
    assert slots[-1] == datetime(2026, 11, 2, 13, 30, tzinfo=UTC)  # Mon 7:30 CST
    assert shown(slots) == ["Sat Oct 31, 12:00 PM", "Sat Oct 31, 1:00 PM", "Mon Nov 2, 7:30 AM"]


@pytest.mark.parametrize(
    ("at", "free"),
    [
        (local(2026, 11, 24, 14, 0), True),
        (local(2026, 11, 24, 10, 0), False),  # inside the two-hour lead time
        (local(2026, 11, 24, 17, 30), False),  # would run past closing
        (local(2026, 11, 29, 10, 0), False),  # Sunday: closed
        (local(2026, 11, 25, 12, 0), False),  # overlaps the appointment
        (local(2026, 11, 25, 13, 0), True),  # starts as the appointment ends
    ],
)
def test_a_time_is_free_inside_hours_after_the_lead_time_and_clear_of_appointments(at, free):
    busy = [(local(2026, 11, 25, 11, 30), local(2026, 11, 25, 13, 0))]
    assert is_free(HOURS, at, busy, TUESDAY_9AM) is free


# Reading the customer's choice


OFFERED = free_slots(HOURS, TUESDAY_9AM, [])  # Tue 11:30 AM, Tue 12:30 PM, Wed 7:30 AM


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("2", 1),
        ("#3", 2),
        ("the first one", 0),
        ("second one", 1),
        ("wednesday 7:30", 2),
        ("tue 12:30pm", 1),
    ],
)
def test_a_customer_picks_an_offered_slot_by_number_ordinal_or_day_and_time(text, index) -> None:
    assert read_pick(text, OFFERED, HOURS) == OFFERED[index]


@pytest.mark.parametrize("text", ["the last one", "last option"])
def test_the_last_one_picks_the_last_offered_slot(text: str) -> None:
    assert read_pick(text, OFFERED, HOURS) == OFFERED[-1]


@pytest.mark.parametrize("text", ["4", "0", "tue", "12:00", "yes"])
def test_a_message_that_names_no_single_offered_slot_picks_nothing(text: str) -> None:
    assert read_pick(text, OFFERED, HOURS) is None


@pytest.mark.parametrize("text", ["yes", "book it"])
def test_yes_to_a_single_offered_slot_picks_it(text: str) -> None:
    assert read_pick(text, OFFERED[:1], HOURS) == OFFERED[0]


def test_nothing_is_picked_when_nothing_was_offered() -> None:
    assert read_pick("2", [], HOURS) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thursday at 10am", local(2026, 11, 26, 10, 0)),
        ("tomorrow 2pm", local(2026, 11, 25, 14, 0)),
        ("today at 3:30", local(2026, 11, 24, 15, 30)),  # a bare 3:30 is in the afternoon
        ("tuesday 3pm", local(2026, 12, 1, 15, 0)),  # today's weekday means next week
        ("mon 12am", local(2026, 11, 30, 0, 0)),
    ],
)
def test_a_day_and_time_the_customer_asks_for_is_read_in_local_time(text, expected) -> None:
    assert read_requested_time(text, HOURS, TUESDAY_9AM) == expected


@pytest.mark.parametrize("text", ["at 3pm", "tuesday", "friday at 7"])
def test_a_day_or_a_time_alone_is_not_a_requested_time(text: str) -> None:
    assert read_requested_time(text, HOURS, TUESDAY_9AM) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("any openings friday?", date(2026, 11, 27)),
        ("tomorrow", date(2026, 11, 25)),
        ("today please", date(2026, 11, 24)),
        ("tuesday", date(2026, 11, 24)),
    ],
)
def test_the_day_a_booking_request_names_is_read(text: str, day: date) -> None:
    assert day_asked_for(text, HOURS, TUESDAY_9AM) == day


@pytest.mark.parametrize("text", ["next week", "mon or tue"])
def test_no_day_or_two_days_is_no_day_asked_for(text: str) -> None:
    assert day_asked_for(text, HOURS, TUESDAY_9AM) is None
