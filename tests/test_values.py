"""Tests for docgen.values: examples from the spec, then round-trip and robustness properties."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.values import (
    clean_text,
    format_date,
    format_date_short,
    format_hours,
    format_time,
    general_number,
    guessed_note,
    header_key,
    hours_between,
    initials_of,
    is_blank,
    lost_digits,
    may_be_person,
    mentions_email,
    one_name_or_how,
    parse_date,
    parse_duration_hours,
    parse_int,
    parse_names,
    parse_number,
    parse_session_hours,
    parse_time,
    parse_typed_date,
    parse_typed_dates,
    parse_typed_times,
    parse_yes_no,
    person_key,
    read_typed_times,
    team_key,
    typed_number,
)
from docgen.values.dates import DAY_NAMES, weekday_mismatch

D = datetime.date
T = datetime.time

# Characters XML 1.0 allows, minus those clean_text drops on purpose (DEL, bidi controls, CR).
_XML_LEGAL = re.compile("[\t\n\x20-\x7e\x80-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_ALSO_DROPPED = re.compile("[\r\x7f\u202a-\u202e\u2066-\u2069]")

# Text that mixes ordinary characters with everything clean_text must deal with.
_NASTY = st.sampled_from(
    list("\x00\x08\x0b\x0c\x0e\x1f\x7f\r\n\t \xa0\ufffe\uffff\ud800\udfff\u202a\u202e\u2066")
    + ["\u2069", "\r\n", "\u0301", "e\u0301", "😀", "é", "\u2028", "\x85", "\u3000"]
)
nasty_text = st.lists(st.one_of(st.text(max_size=5), _NASTY), max_size=12).map("".join)

any_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    nasty_text,
    st.dates(),
    st.datetimes(),
    st.times(),
)

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
dates_2000s = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))
minute_times = st.builds(T, st.integers(0, 23), st.integers(0, 59))


# --------------------------------------------------------------------------------------------
# header_key


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Team ID", "team_id"),
        (" team-id ", "team_id"),
        ("Team-ID", "team_id"),
        ("Meet every (weeks)", "meet_every_weeks"),
        ("Date of next meeting", "date_of_next_meeting"),
        ("QI practitioner", "qi_practitioner"),
        ("Date of\nnext meeting", "date_of_next_meeting"),
        ("Ｔｅａｍ　ＩＤ", "team_id"),  # full-width, folded by NFKC
        ("İstanbul Café", "istanbul_café"),  # the dot "İ" leaves when lower-cased goes
        ("__x__", "x"),
        (None, ""),
        ("", ""),
        ("()", ""),
    ],
)
def test_header_key(header: object, key: str) -> None:
    assert header_key(header) == key


@given(any_cell)
def test_header_key_is_idempotent_and_well_formed(value: object) -> None:
    key = header_key(value)
    assert header_key(key) == key
    assert re.fullmatch(r"(?:[^\W_]+(?:_[^\W_]+)*)?", key)


# --------------------------------------------------------------------------------------------
# clean_text and is_blank


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("plain", "plain"),
        (4.0, "4"),
        (4.5, "4.5"),
        (4, "4"),
        (-0.0, "0"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("line one\x0bline two\x0cthree", "line one\nline two\nthree"),
        ("a\x00b\x08c\x0ed\x1fe\x7ff", "abcdef"),
        ("a\ufffeb\uffffc", "abc"),
        ("a\ud800b\udfffc", "abc"),
        ("\u202aabc\u202c \u2066x\u2069", "abc x"),
        ("10\xa0am", "10\xa0am"),
        ("tab\tinside", "tab\tinside"),
        ("trailing   \nspaces\t \nend  ", "trailing\nspaces\nend"),
        ("\n\n  \n  body\n\n \n", "body"),
        ("line\n\n\nafter gap", "line\n\n\nafter gap"),
        ("Cafe\u0301 😀", "Café 😀"),  # NFC composes the accent; emoji intact
        ("Áine Ó Súilleabháin", "Áine Ó Súilleabháin"),
    ],
)
def test_clean_text(value: object, text: str) -> None:
    assert clean_text(value) == text


def test_clean_text_composes_across_dropped_characters() -> None:
    # Dropping the NUL must happen before NFC, or a second pass would change the text.
    assert clean_text("e\x00\u0301") == "é"


@given(st.one_of(st.text(), nasty_text))
def test_clean_text_is_xml_safe(value: str) -> None:
    text = clean_text(value)
    assert _XML_LEGAL.fullmatch(text)
    assert not _ALSO_DROPPED.search(text)
    assert text == text.strip()
    assert all(line == line.rstrip(" \t") for line in text.split("\n"))


@given(any_cell)
def test_clean_text_is_idempotent(value: object) -> None:
    text = clean_text(value)
    assert clean_text(text) == text


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t\r\n", "\x00\u202a", "\xa0"])
def test_is_blank(value: object) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", ["x", 0, 0.0, False, " . ", D(2026, 4, 3)])
def test_is_not_blank(value: object) -> None:
    assert not is_blank(value)


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "text",
    [
        "03/04/2026",
        "3/4/26",
        "3/4/2026",
        "03.04.2026",
        "03-04-2026",
        "03/04/2026 00:00",
        "2026-04-03",
        "2026-04-03T00:00:00",
        "2026-04-03 00:00:00",
        "2026-04-03T09:30:00.000Z",
        "2026/04/03",
        "3 April 2026",
        "3 Apr 2026",
        "3 Apr. 2026",
        "3rd April 2026",
        "3rd of April 2026",
        "Thursday 3 April 2026",  # the weekday is not checked (3/4/2026 is in fact a Friday)
        "Friday, 3rd April 2026",
        "Fri 3 Apr 2026",
        "April 3, 2026",
        "Apr 3rd 2026",
        "3 APRIL 2026",
        "3 april 2026",
        "03-Apr-26",
        "3-Apr-2026",
        "  3 April 2026 \n",
        "3\xa0April\xa02026",
    ],
)
def test_parse_date_text(text: str) -> None:
    assert parse_date(text) == D(2026, 4, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 Sept 2026", D(2026, 9, 3)),
        ("3 Sep 2026", D(2026, 9, 3)),
        ("30 September 2026", D(2026, 9, 30)),
        ("1st May 2026", D(2026, 5, 1)),
        ("22nd June 2026", D(2026, 6, 22)),
        ("31/12/99", D(2099, 12, 31)),
        ("29/02/2028", D(2028, 2, 29)),
        ("12/01/2026", D(2026, 1, 12)),  # day first: 12 January, not 1 December
    ],
)
def test_parse_date_more_text(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2026, 4, 3, 14, 30), D(2026, 4, 3)),
        (D(2026, 4, 3), D(2026, 4, 3)),
        (45750, D(2025, 4, 3)),
        (45750.0, D(2025, 4, 3)),
        (45750.75, D(2025, 4, 3)),  # a date and time serial: the date part
        (1, D(1899, 12, 31)),
        (2958465, D(9999, 12, 31)),
    ],
)
def test_parse_date_objects_and_serials(value: object, expected: datetime.date) -> None:
    assert parse_date(value) == expected


def test_parse_date_without_year() -> None:
    assert parse_date("3rd April", default_year=2026) == D(2026, 4, 3)
    assert parse_date("3 April", default_year=2027) == D(2027, 4, 3)
    assert parse_date("April 3", default_year=2026) == D(2026, 4, 3)
    assert parse_date("3 April 2025", default_year=2026) == D(2025, 4, 3)
    with pytest.raises(ValueError, match=r'^"3 April" has no year \(e\.g\. 3 April 2026\)$'):
        parse_date("3 April")
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("29 February", default_year=2026)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2026", '"31/02/2026" is not a date (day/month/year)'),
        ("  31/02/2026 ", '"31/02/2026" is not a date (day/month/year)'),
        ("03/13/2026", '"03/13/2026" is not a date day first (13 is not a month): if it is '
                       "month first, as a US-set Excel writes dates, type it day first: "
                       "13/03/2026"),
        ("soon", '"soon" is not a date (day/month/year)'),
        ("3 Foo 2026", '"3 Foo 2026" is not a date (day/month/year)'),
        ("03/04-2026", '"03/04-2026" is not a date (day/month/year)'),
        ("3/4/026", '"3/4/026" is not a date (day/month/year)'),
        ("2026-04-03 25:00", '"2026-04-03 25:00" is not a date (day/month/year)'),
        ("45750", '"45750" is not a date (day/month/year)'),
        ("", '"" is not a date (day/month/year)'),
        (None, '"" is not a date (day/month/year)'),
        (0, '"0" is not a date (day/month/year)'),
        (0.5, '"0.5" is not a date (day/month/year)'),
        (2958466, '"2958466" is not a date (day/month/year)'),
        (-3.0, '"-3" is not a date (day/month/year)'),
        (float("nan"), '"nan" is not a date (day/month/year)'),
        (float("inf"), '"inf" is not a date (day/month/year)'),
        (True, '"True" is not a date (day/month/year)'),
        (T(14, 0), '"14:00:00" is not a date (day/month/year)'),
    ],
)
def test_parse_date_errors(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == message


def test_error_messages_quote_long_values_shortened() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("word " * 50)
    message = str(caught.value)
    assert message.startswith('"word word')
    assert '…" is not a date' in message
    assert len(message) < 100


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (D(2026, 4, 3), "3 April 2026", "03/04/2026"),
        (D(2026, 12, 25), "25 December 2026", "25/12/2026"),
        (datetime.datetime(2026, 1, 9, 10, 0), "9 January 2026", "09/01/2026"),
        (None, "", ""),
    ],
)
def test_format_date(d: datetime.date | None, long: str, short: str) -> None:
    assert format_date(d) == long
    assert format_date_short(d) == short


@given(dates_2000s)
def test_date_round_trips(d: datetime.date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(format_date_short(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(datetime.datetime.combine(d, T(0)).isoformat()) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year % 100:02d}") == d
    month = format_date(d).split()[1]
    weekday = _WEEKDAY_NAMES[d.weekday()]
    assert parse_date(f"{weekday} {d.day:02d} {month[:3]} {d.year}") == d
    assert parse_date(f"{month} {d.day}, {d.year}") == d
    assert parse_date(f"{d.day} {month}", default_year=d.year) == d


@given(dates_2000s, st.floats(0, 0.999))
def test_excel_serial_round_trip(d: datetime.date, fraction: float) -> None:
    serial = (d - D(1899, 12, 30)).days
    assert parse_date(serial) == d
    assert parse_date(serial + fraction) == d


@given(st.one_of(any_cell, st.from_regex(r"\d{1,5}[/.\- ]\w{1,9}[/.\- ,]{0,2}\d{0,5}")))
def test_parse_date_only_raises_value_error(value: object) -> None:
    try:
        result = parse_date(value)
    except ValueError as e:
        assert str(e).startswith('"')
    else:
        assert isinstance(result, D)


# --------------------------------------------------------------------------------------------
# Times


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14:00", T(14, 0)),
        ("14.00", T(14, 0)),
        ("9:05", T(9, 5)),
        ("09:30", T(9, 30)),
        ("2pm", T(14, 0)),
        ("2 pm", T(14, 0)),
        ("2PM", T(14, 0)),
        ("2.30 pm", T(14, 30)),
        ("2:30pm", T(14, 30)),
        ("2:30 p.m.", T(14, 30)),
        ("2:30 P.M.", T(14, 30)),
        ("9am", T(9, 0)),
        ("9.15 a.m.", T(9, 15)),
        ("12am", T(0, 0)),
        ("12pm", T(12, 0)),
        ("12:30am", T(0, 30)),
        ("1430", T(14, 30)),
        ("0930", T(9, 30)),
        ("930", T(9, 30)),
        ("1400hrs", T(14, 0)),
        ("14:00 hrs", T(14, 0)),
        ("noon", T(12, 0)),
        ("Midday", T(12, 0)),
        ("12 noon", T(12, 0)),
        ("midnight", T(0, 0)),
        ("14:00:00", T(14, 0)),
        ("14:00:30", T(14, 0, 30)),
        (" 14:00 ", T(14, 0)),
        (T(14, 0), T(14, 0)),
        (datetime.datetime(2026, 4, 3, 14, 0), T(14, 0)),
        (0.5833333, T(14, 0)),
        (0.5, T(12, 0)),
        (0, T(0, 0)),
        (0.0, T(0, 0)),
        (0.99999999, T(0, 0)),  # 23:59:59.999 rounds to the next minute
        (14, T(14, 0)),  # "14.00" typed into Excel is stored as 14
        (14.0, T(14, 0)),
        (9.3, T(9, 30)),  # "9.30" typed into Excel is stored as 9.3
        (9.05, T(9, 5)),
        (1430, T(14, 30)),
    ],
)
def test_parse_time(value: object, expected: datetime.time) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("25:00", "25:00"),
        ("9:5", "9:5"),
        ("14:60", "14:60"),
        ("13pm", "13pm"),
        ("0am", "0am"),
        ("2", "2"),
        ("14", "14"),
        ("2400", "2400"),
        ("960", "960"),
        ("12345", "12345"),
        ("2 o'clock", "2 o'clock"),
        ("", ""),
        (None, ""),
        (-0.5, "-0.5"),
        (9.333, "9.333"),
        (9.75, "9.75"),
        (24.0, "24"),
        (2400, "2400"),
        (float("nan"), "nan"),
        (True, "True"),
        (D(2026, 4, 3), "2026-04-03"),
    ],
)
def test_parse_time_errors(value: object, shown: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_time(value)
    assert str(caught.value) == f'"{shown}" is not a time (e.g. 14:00 or 2pm)'


@pytest.mark.parametrize(
    ("t", "text"), [(T(14, 0), "14:00"), (T(9, 5), "09:05"), (T(0, 0), "00:00"), (None, "")]
)
def test_format_time(t: datetime.time | None, text: str) -> None:
    assert format_time(t) == text


@given(minute_times)
def test_time_round_trips(t: datetime.time) -> None:
    assert parse_time(format_time(t)) == t
    assert parse_time(format_time(t).replace(":", ".")) == t
    assert parse_time(format_time(t).replace(":", "")) == t
    assert parse_time((t.hour * 60 + t.minute) / 1440) == t


@given(
    minute_times,
    st.sampled_from(["{h}{sep}{m:02d}{sp}{ap}m", "{h}{sep}{m:02d}{sp}{ap}.m.", "{h}{sp}{ap}m"]),
    st.sampled_from([":", "."]),
    st.sampled_from(["", " "]),
    st.booleans(),
)
def test_twelve_hour_round_trips(
    t: datetime.time, pattern: str, sep: str, sp: str, upper: bool
) -> None:
    if "{m" not in pattern and t.minute:
        t = t.replace(minute=0)
    text = pattern.format(h=t.hour % 12 or 12, m=t.minute, sep=sep, sp=sp, ap="ap"[t.hour >= 12])
    assert parse_time(text.upper() if upper else text) == t


@given(st.one_of(any_cell, st.from_regex(r"\d{1,4}[:.]?\d{0,3} ?[apmh.]{0,4}")))
def test_parse_time_only_raises_value_error(value: object) -> None:
    try:
        result = parse_time(value)
    except ValueError as e:
        assert str(e).startswith('"')
    else:
        assert isinstance(result, T)


@pytest.mark.parametrize(
    ("start", "finish", "hours"),
    [
        (T(14, 0), T(15, 0), 1.0),
        (T(14, 0), T(15, 30), 1.5),
        (T(9, 15), T(10, 0), 0.75),
        (T(9, 0), T(9, 20), 0.33),
        (T(0, 0), T(23, 59), 23.98),
    ],
)
def test_hours_between(start: datetime.time, finish: datetime.time, hours: float) -> None:
    assert hours_between(start, finish) == hours


@pytest.mark.parametrize(("start", "finish"), [(T(15, 0), T(14, 0)), (T(14, 0), T(14, 0))])
def test_hours_between_rejects_finish_not_after_start(
    start: datetime.time, finish: datetime.time
) -> None:
    with pytest.raises(ValueError, match=r"^finish time \d\d:\d\d is not after start time"):
        hours_between(start, finish)


@given(minute_times, minute_times)
def test_hours_between_matches_minutes(a: datetime.time, b: datetime.time) -> None:
    start, finish = min(a, b), max(a, b)
    minutes = (finish.hour - start.hour) * 60 + finish.minute - start.minute
    if minutes == 0:
        with pytest.raises(ValueError):
            hours_between(start, finish)
    else:
        assert hours_between(start, finish) == round(minutes / 60, 2)


# --------------------------------------------------------------------------------------------
# Whole numbers, yes/no, durations


@pytest.mark.parametrize(
    "value", [4, 4.0, "4", " 4 ", "4.0", "4.00", "4 weeks", "every 4 weeks", "week-4", "4th"]
)
def test_parse_int(value: object) -> None:
    assert parse_int(value) == 4


@pytest.mark.parametrize(("value", "expected"), [("-3", -3), (0, 0), ("+2", 2), ("10", 10)])
def test_parse_int_signs(value: object, expected: int) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("x", "x"),
        ("", ""),
        (None, ""),
        ("4.5", "4.5"),
        (4.5, "4.5"),
        ("4 to 6", "4 to 6"),
        ("4-6 weeks", "4-6 weeks"),
        ("every few weeks", "every few weeks"),
        (".5", ".5"),
        ("1.2.3", "1.2.3"),
        (True, "True"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
    ],
)
def test_parse_int_errors(value: object, shown: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_int(value)
    assert str(caught.value) == f'"{shown}" is not a whole number'


@given(st.integers())
def test_parse_int_round_trip(n: int) -> None:
    assert parse_int(n) == n
    assert parse_int(str(n)) == n
    assert parse_int(f"every {n} weeks") == n


@pytest.mark.parametrize(("value", "typed", "general"), [
    (0.1 + 0.2, "0.3", "0.3"),  # stored 0.30000000000000004: nobody typed the 4
    (1234.5, "1234.5", "1234.5"),
    (12345678901, "12345678901", "12345678901"),  # 11 digits: General's widest
    (447712345678, "447712345678", "4.47712E+11"),  # a phone number in General
    (-447712345678, "-447712345678", "-4.47712E+11"),
    (1e15, "1000000000000000", "1E+15"),
    (1234567890123456789, "1234567890123460000", "1.23457E+18"),  # Excel keeps 15 digits
    (1 / 3, "0.333333333333333", "0.333333333"),
    (3.14159265358979, "3.14159265358979", "3.141592654"),
    (1234.56789012, "1234.56789012", "1234.56789"),
    (0.0001234567, "0.0001234567", "0.000123457"),
    (0.00001, "0.00001", "1E-05"),
    (99999999999.5, "99999999999.5", "1E+11"),  # rounds to 12 digits: too wide
    (12345678901.5, "12345678901.5", "12345678902"),
    (-0.0, "0", "0"),
    (1e100, "1E+100", "1E+100"),
])
def test_a_number_as_a_spreadsheet_holds_and_shows_it(value: float, typed: str,
                                                       general: str) -> None:
    assert (typed_number(value), general_number(value)) == (typed, general)


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**20, 10**20))
def test_general_shows_a_number_in_eleven_characters(value: float) -> None:
    """General fits a number in 11 characters and its sign, or writes it with 6 significant
    digits and an exponent; either way it is the number the spreadsheet holds, rounded."""
    held = float(f"{value:.15g}")
    shown = general_number(value)
    assert float(typed_number(value)) == held
    if "E" in shown:
        mantissa, _, power = shown.lstrip("-").partition("E")
        assert re.fullmatch(r"[1-9](\.[0-9]{0,4}[1-9])?", mantissa) and len(power) >= 3
        assert abs(float(shown) - held) <= abs(held) * 5e-6
    else:
        digits = shown.lstrip("-")
        assert len(digits) <= 11 and not digits.endswith(".")
        if "." in digits:
            assert not digits.endswith("0")
        places = len(digits.partition(".")[2])
        assert abs(float(shown) - held) <= 0.5 * 10 ** -places * (1 + 1e-9)
    if float(value).is_integer() and abs(value) < 10**11:
        assert shown == typed_number(value) == str(int(value))


@pytest.mark.parametrize(("value", "lost"), [
    (999999999999999, 0), (1e15, 1), (1234567890123456789, 4), (1e15 + 0.5, 0), (0.25, 0),
    (True, 0)])
def test_lost_digits_are_those_past_fifteen(value: float, lost: int) -> None:
    assert lost_digits(value) == lost


@pytest.mark.parametrize("value", ["yes", "Yes", "YES", "y", "Y", "true", "TRUE", "1", "x", "X"])
def test_parse_yes(value: str) -> None:
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["no", "No", "NO", "n", "N", "false", "False", "0", " no "])
def test_parse_no(value: str) -> None:
    assert parse_yes_no(value) is False


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), (False, False), (1, True), (0, False), (1.0, True)]
)
def test_parse_yes_no_objects(value: object, expected: bool) -> None:
    assert parse_yes_no(value) is expected


@pytest.mark.parametrize(("value", "shown"), [("maybe", "maybe"), ("", ""), (None, ""), (2, "2")])
def test_parse_yes_no_errors(value: object, shown: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_yes_no(value)
    assert str(caught.value) == f'"{shown}" is not yes or no'


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        ("1 hour", 1.0),
        ("1 hr", 1.0),
        ("2 hours", 2.0),
        ("2hrs", 2.0),
        ("90 minutes", 1.5),
        ("90 mins", 1.5),
        ("90m", 1.5),
        ("1.5 hours", 1.5),
        ("1.5h", 1.5),
        ("1h30", 1.5),
        ("1h 30m", 1.5),
        ("1 hr 30 mins", 1.5),
        ("1 hour 30 minutes", 1.5),
        ("1 hour and 30 minutes", 1.5),
        ("1 Hour, 30 Minutes", 1.5),
        ("1:30", 1.5),
        ("45 min", 0.75),
        ("45 minutes", 0.75),
        (1, 1.0),
        (1.5, 1.5),
        ("1", 1.0),
        ("0.5", 0.5),
        (datetime.timedelta(hours=1, minutes=30), 1.5),
        (T(1, 30), 1.5),
    ],
)
def test_parse_duration_hours(value: object, hours: float) -> None:
    assert parse_duration_hours(value) == pytest.approx(hours)


@pytest.mark.parametrize(
    "value",
    ["", None, "an hour or so", "1 day", "1h90", "0", 0, -1, "hours", "1 hour 1 hour", True,
     10**400],
)
def test_parse_duration_hours_errors(value: object) -> None:
    with pytest.raises(ValueError, match=r'^".*" is not a length of time \(e\.g\. 1 hour or 90'):
        parse_duration_hours(value)


@given(st.integers(0, 9), st.integers(0, 59))
def test_duration_forms_agree(h: int, m: int) -> None:
    if h == m == 0:
        return
    expected = h + m / 60
    assert parse_duration_hours(f"{h}h{m:02d}") == pytest.approx(expected)
    assert parse_duration_hours(f"{h} hours {m} minutes") == pytest.approx(expected)
    assert parse_duration_hours(f"{h * 60 + m} mins") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("hours", "text"),
    [(1, "1"), (1.0, "1"), (1.5, "1.5"), (0.75, "0.75"), (10, "10"), (1 / 3, "0.33"), (0, "0")],
)
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text


@given(st.decimals(min_value=0, max_value=1000, places=2))
def test_format_hours_round_trips(hours: decimal.Decimal) -> None:
    text = format_hours(float(hours))
    assert not text.endswith("0") or "." not in text
    assert not text.endswith(".")
    assert decimal.Decimal(text) == hours


@settings(max_examples=200)
@given(any_cell)
def test_number_parsers_only_raise_value_error(value: object) -> None:
    for parse in (parse_int, parse_duration_hours, parse_yes_no):
        try:
            parse(value)
        except ValueError as e:
            assert str(e).startswith('"')


@given(st.from_regex(r"[-+ .\d]{0,8}(h|hours?|m|mins?|minutes?|weeks?)?[ ,]{0,2}\d{0,3}\w{0,4}"))
def test_number_parsers_only_raise_value_error_on_near_misses(text: str) -> None:
    for parse in (parse_int, parse_duration_hours):
        with contextlib.suppress(ValueError):
            parse(text)


# --------------------------------------------------------------------------------------------
# People


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dr. Áine  O'Brien", "aine obrien"),
        ("Áine O’Brien", "AINE O'BRIEN"),
        ("Mrs Jane Smith", "jane smith"),
        ("Prof. J. Smith", "J Smith"),
        ("Anne-Marie Jones", "Anne Marie Jones"),
        ("Ms\xa0Jane   Smith", "Jane Smith"),
        ("Zoë Brontë", "Zoe Bronte"),
        ("Seán O´Neill", "Sean ONeill"),
    ],
)
def test_person_key_matches(a: str, b: str) -> None:
    assert person_key(a) == person_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Jane Smith", "John Smith"), ("Dr", "Mr"), ("Smith, John", "John Smith")],
)
def test_person_key_differs(a: str, b: str) -> None:
    assert person_key(a) != person_key(b)


def test_person_key_examples() -> None:
    assert person_key("Dr. Áine  O'Brien") == "aine obrien"
    assert person_key("Dr") == "dr"  # a title alone is kept: it is all there is
    assert person_key("") == ""


names = st.text(
    alphabet=st.characters(exclude_characters=";\n", exclude_categories=("Cs",)), max_size=20
)


@given(names)
def test_person_key_ignores_title_and_case(name: str) -> None:
    key = person_key(name)
    assert person_key(key) == key
    if key:
        assert person_key(f"Dr. {name}") == key
        assert person_key(name.upper().lower()) == person_key(name.lower())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ()),
        ("", ()),
        ("Jane Smith", ("Jane Smith",)),
        ("Jane Smith; John Brown", ("Jane Smith", "John Brown")),
        ("Jane Smith\nJohn Brown\r\nAl Jones", ("Jane Smith", "John Brown", "Al Jones")),
        ("Smith, John", ("Smith, John",)),
        ("Smith, John; Brown, Ann", ("Smith, John", "Brown, Ann")),
        (" Jane   Smith ;; ;\n\nJohn\tBrown; ", ("Jane Smith", "John Brown")),
        ("Dr. Áine O'Brien; aine obrien; AINE O’BRIEN", ("Dr. Áine O'Brien",)),
        ("Jane Smith\x0bJohn Brown", ("Jane Smith", "John Brown")),
        ("J\xa0Smith", ("J Smith",)),
    ],
)
def test_parse_names(value: object, expected: tuple[str, ...]) -> None:
    assert parse_names(value) == expected


@given(st.lists(names.map(lambda s: " ".join(clean_text(s).split())), max_size=6))
def test_parse_names_round_trip(candidates: list[str]) -> None:
    unique: list[str] = []
    keys: set[str] = set()
    for name in candidates:
        key = person_key(name) or name
        if name and key not in keys:
            keys.add(key)
            unique.append(name)
    assert parse_names("; ".join(unique)) == tuple(unique)
    assert parse_names("\n".join(unique)) == tuple(unique)
    assert parse_names(";".join(unique + unique)) == tuple(unique)


@given(any_cell)
def test_parse_names_never_fails(value: object) -> None:
    result = parse_names(value)
    assert all(name and name == " ".join(name.split()) for name in result)
    assert len({person_key(n) or n for n in result}) == len(result)


# --------------------------------------------------------------------------------------------
# Dates and times typed in free text (records)

REFERENCE = D(2026, 3, 1)
# Words people type around a session's date or times, none a date or time itself.
_AROUND = st.lists(st.sampled_from(
    ["email", "e-mail", "emailed", "by email", "via e-mail", "sent", "contact", "coaching",
     "session", "(email)", "[by email]", ",", "-", ";", ":", "", "  "]), max_size=3)


@pytest.mark.parametrize(("text", "expected"), [
    ("03/04/2026", D(2026, 4, 3)),
    ("03/04/2026 (email)", D(2026, 4, 3)),
    ("email 3/4/26", D(2026, 4, 3)),
    ("via email 4 May", D(2026, 5, 4)),
    ("Session by e-mail, 3rd April 2026", D(2026, 4, 3)),
    ("sent 2026-04-03", D(2026, 4, 3)),
])
def test_parse_typed_date_finds_the_date_among_words(text: str, expected: datetime.date
                                                     ) -> None:
    assert parse_typed_date(text, REFERENCE, True) == (expected, "")


@pytest.mark.parametrize("text", ["", "TBC", "tba", "To be arranged", "n/a", "N/A", "none",
                                  "not yet agreed", "email", "(e-mail)", "by email"])
def test_parse_typed_date_no_date_yet_is_no_error(text: str) -> None:
    assert parse_typed_date(text, REFERENCE, True) == (None, "")


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2026", '"31/02/2026" is not a date'),
    # a month and its year: no day was typed ("March 20" is not in "March 2026")
    ("March 2026", '"March 2026" is not a date'),
    ("held Mar. 2026", '"held Mar. 2026" is not a date'),
    ("w/c Sept 2026", '"w/c Sept 2026" is not a date'),
    ("next week", '"next week" is not a date'),
    ("31/02 by email", '"31/02 by email" is not a date'),  # the error quotes all that was typed
])
def test_parse_typed_date_errors(text: str, message: str) -> None:
    date, error = parse_typed_date(text, REFERENCE, True)
    assert date is None and error.startswith(message)


def test_parse_typed_date_without_a_year_follows_the_reference() -> None:
    made = D(2025, 12, 10)
    # after the day a record was made: long before it means next year
    assert parse_typed_date("3rd April", made, True) == (D(2026, 4, 3), "")
    assert parse_typed_date("15 December", made, True) == (D(2025, 12, 15), "")
    assert parse_typed_date("1 November", made, True) == (D(2025, 11, 1), "")  # < 2 months
    assert parse_typed_date("3/4/25", made, True) == (D(2025, 4, 3), "")  # a year was typed
    # before the day a file was saved: the reference's own year
    assert parse_typed_date("3rd April", made, False) == (D(2025, 4, 3), "")


@given(dates_2000s, _AROUND, _AROUND)
def test_a_typed_date_among_words_parses_back(d: datetime.date, before: list[str],
                                              after: list[str]) -> None:
    text = " ".join([*before, format_date_short(d), *after])
    assert parse_typed_date(text, REFERENCE, True) == (d, "")
    long = " ".join([*before, format_date(d), *after])
    assert parse_typed_date(long, REFERENCE, True) == (d, "")


@given(st.text(max_size=40), dates_2000s, st.booleans())
def test_parse_typed_date_never_raises(text: str, reference: datetime.date, after: bool
                                       ) -> None:
    date, error = parse_typed_date(text, reference, after)
    assert date is None or not error


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("14:00", [T(14)]),
    ("2pm", [T(14)]),
    ("14:00-15:00", [T(14), T(15)]),
    ("2pm - 3.30pm", [T(14), T(15, 30)]),
    ("from 9.15am to 10:00", [T(9, 15), T(10)]),
    ("noon till 1pm", [T(12), T(13)]),
    ("1430-1530", [T(14, 30), T(15, 30)]),
    ("9:00, 10:00, 11:00", [T(9), T(10)]),  # a range at most
    ("after lunch", []),
    ("25:00", []),
])
def test_parse_typed_times(text: str, expected: list[datetime.time]) -> None:
    assert parse_typed_times(text) == expected


@given(minute_times, minute_times, st.sampled_from(["-", " - ", " to ", "–", " till "]))
def test_a_typed_time_range_parses_back(a: datetime.time, b: datetime.time, sep: str
                                        ) -> None:
    assert parse_typed_times(f"{format_time(a)}{sep}{format_time(b)}") == [a, b]
    assert parse_typed_times(format_time(a)) == [a]


@given(st.text(max_size=40))
def test_parse_typed_times_never_raises(text: str) -> None:
    assert len(parse_typed_times(text)) <= 2


@pytest.mark.parametrize(("text", "expected"), [
    ("email", True), ("E-mail", True), ("emailed the team", True), ("by e mail", True),
    ("e-mails", True), ("", False), ("Telephone", False), ("emailing list", False),
    ("female", False),
])
def test_mentions_email(text: str, expected: bool) -> None:
    assert mentions_email(text) is expected


# --- keys that ignore what does not show ------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
             *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


@pytest.mark.parametrize("char", INVISIBLE)
def test_team_key_ignores_invisible_characters(char: str) -> None:
    assert team_key(f"T05{char}") == team_key(f"T{char}05") == team_key(f"{char}T05") == "t05"


@pytest.mark.parametrize("char", INVISIBLE)
def test_person_key_ignores_invisible_characters(char: str) -> None:
    assert person_key(f"Jo Blog{char}gs") == person_key(f"{char}Jo Bloggs{char}") == "jo bloggs"


def test_team_key_applies_nfkc_and_keeps_what_shows() -> None:
    assert team_key("Ｔ０５") == team_key("t05") == team_key("T05 ")  # full-width forms
    assert team_key("Ward  7") == "ward 7"
    assert team_key("T05") != team_key("T06")
    assert team_key("T-05") != team_key("T05")  # a visible hyphen is part of the ID
    assert team_key("Straße") == team_key("STRASSE")  # casefold, as before


@given(st.text(max_size=12), st.lists(st.sampled_from(INVISIBLE), max_size=3),
       st.integers(min_value=0, max_value=12))
def test_team_key_is_blind_to_invisible_characters_anywhere(text: str, chars: list[str],
                                                           at: int) -> None:
    padded = text[:at] + "".join(chars) + text[at:]
    assert team_key(padded) == team_key(text)
    assert team_key(team_key(text)) == team_key(text)


# --- numbers within range -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("5", 5.0), ("1.5", 1.5), ("1,5", 1.5), (" 0 ", 0.0), ("1000", 1000.0), (7, 7.0),
    ("５", 5.0), (2.5, 2.5),
])
def test_parse_number_reads_numbers_in_range(value: object, expected: float) -> None:
    assert parse_number(value, 0, 1000) == expected


@pytest.mark.parametrize("value", [
    "inf", "-inf", "1e309", "nan", "NaN", "9" * 400, "1000.5", "-1", "", "five", "1,000",
    float("nan"), float("inf"), 10**400, True, None,
])
def test_parse_number_refuses_what_is_no_number_of_the_range(value: object) -> None:
    with pytest.raises(ValueError, match="is not a number from 0 to 1000"):
        parse_number(value, 0, 1000)


def test_parse_number_whole_and_above_low() -> None:
    assert parse_number("4.0", 1, 100, whole=True) == 4
    with pytest.raises(ValueError, match='"4.5" is not a whole number from 1 to 100'):
        parse_number("4.5", 1, 100, whole=True)
    assert parse_number("0.25", 0, 24, above_low=True) == 0.25
    with pytest.raises(ValueError, match='"0" is not a number above 0 and at most 24'):
        parse_number("0", 0, 24, above_low=True)
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(10**5000, 0, 24)  # too many digits even to quote


# --- typed dates near the ends of the calendar ----------------------------------------------------


@pytest.mark.parametrize("reference", [D(1, 1, 1), D(1, 1, 5), D(9999, 12, 31), D(9999, 3, 1)])
def test_typed_dates_read_against_the_first_and_last_days_there_are(reference: D) -> None:
    for text in ("3 April", "3/4/26", "2026-04-03", "31 Dec"):
        day, error = parse_typed_date(text, reference, after=True)
        assert (day is None) == bool(error)
    assert parse_typed_date("3/4/26", reference, after=True) == (D(2026, 4, 3), "")


def test_excel_day_zero_is_not_read_as_a_date() -> None:
    """A date-formatted cell holding NaN comes back as 30 December 1899: never a date."""
    import datetime as _dt

    for value in (_dt.datetime(1899, 12, 30), _dt.date(1899, 12, 30)):
        with pytest.raises(ValueError, match="day zero"):
            parse_date(value)
    assert parse_date(_dt.datetime(1900, 1, 1, 0, 0)) == _dt.date(1900, 1, 1)


# --- times and dates as people type them in a record ---------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("10-11am", [T(10), T(11)]),  # the am belongs to both ends
    ("10:00–11:30", [T(10), T(11, 30)]),
    ("10:00 — 11:30", [T(10), T(11, 30)]),
    ("10:00 to 11:30", [T(10), T(11, 30)]),
    ("2-3.30pm", [T(14), T(15, 30)]),
    ("11-1pm", [T(11), T(13)]),  # pm on both would put the start after the finish
    ("12-1pm", [T(12), T(13)]),
    ("8-9pm", [T(20), T(21)]),
    ("10am-2", [T(10), T(14)]),  # a finish follows its start
    ("10:00-11:00pm", [T(22), T(23)]),
    ("12 noon - 1pm", [T(12), T(13)]),
    ("13:30", [T(13, 30)]),  # 24-hour times as typed
    ("09:00", [T(9)]),
    ("0930", [T(9, 30)]),
    ("9:00", [T(9)]),
    ("3 people", []),  # a lone number is a time only where nothing but times is typed
    ("10/02/2026", []),
])
def test_typed_time_ranges(text: str, expected: list[datetime.time]) -> None:
    assert parse_typed_times(text) == expected


@pytest.mark.parametrize(("text", "expected", "note"), [
    ("2.00", [T(14)], 'read "2.00" as 14:00; type 14:00 or 2pm to say so'),
    ("2", [T(14)], 'read "2" as 14:00; type 14:00 or 2pm to say so'),
    ("6:59", [T(18, 59)], 'read "6:59" as 18:59; type 18:59 or 6:59pm to say so'),
    ("1:00", [T(13)], 'read "1:00" as 13:00; type 13:00 or 1pm to say so'),
    ("230", [T(14, 30)], 'read "230" as 14:30; type 14:30 or 2:30pm to say so'),
    ("2-3.30", [T(14), T(15, 30)],
     'read "2" as 14:00 and "3.30" as 15:30; type 14:00 or 2pm to say so'),
    ("7:00", [T(7)], ""), ("02:00", [T(2)], ""), ("2am", [T(2)], ""), ("2pm", [T(14)], ""),
])
def test_an_hour_from_1_to_6_without_am_or_pm_is_afternoon_and_said(
        text: str, expected: list[datetime.time], note: str) -> None:
    (found,) = read_typed_times(text)
    assert [t.time for t in found] == expected
    assert guessed_note(found) == note


@pytest.mark.parametrize(("start", "finish", "expected", "guessed"), [
    ("2.00", "3.30", [[T(14)], [T(15, 30)]], [True, True]),  # never 02:00-03:30
    ("14:00", "3:30", [[T(14)], [T(15, 30)]], [False, False]),  # the start says pm
    ("9:00", "1:00", [[T(9)], [T(13)]], [False, False]),  # a finish follows its start
    ("2.00", "3pm", [[T(14)], [T(15)]], [False, False]),
    ("2pm", "10:30", [[T(14)], [T(10, 30)]], [False, False]),  # as typed: named as hours
    ("", "10-11am", [[], [T(10), T(11)]], [False, False]),
])
def test_start_and_finish_are_read_together(start: str, finish: str,
                                            expected: list[list[datetime.time]],
                                            guessed: list[bool]) -> None:
    read = read_typed_times(start, finish)
    assert [[t.time for t in found] for found in read] == expected
    assert [any(t.guessed for t in found) for found in read] == guessed


def _twelve(t: datetime.time, minutes: str, dot: bool, space: bool) -> str:
    """Write a time on the 12-hour clock, as people do: "2pm", "2.30 p.m.", "12:05am"."""
    hour = f"{t.hour % 12 or 12}"
    part = f"{hour}{minutes}{t.minute:02d}" if t.minute or minutes == ":" else hour
    suffix = ("p.m." if dot else "pm") if t.hour >= 12 else ("a.m." if dot else "am")
    return f"{part}{' ' if space else ''}{suffix}"


@given(minute_times, st.sampled_from([":", "."]), st.booleans(), st.booleans())
def test_every_time_in_the_accepted_shapes_parses_back(t: datetime.time, sep: str, dot: bool,
                                                      space: bool) -> None:
    padded = f"{t.hour:02d}{sep}{t.minute:02d}"
    assert parse_typed_times(padded) == [t]  # 24-hour, two digits: as typed
    assert parse_typed_times(f"{t.hour:02d}{t.minute:02d}") == [t]  # "1430", "0930"
    assert parse_typed_times(_twelve(t, sep, dot, space)) == [t]
    # one digit and no am/pm: 1:00 to 6:59 is afternoon (and said so), the rest as typed
    (found,) = read_typed_times(f"{t.hour}{sep}{t.minute:02d}")
    afternoon = 1 <= t.hour <= 6
    assert [x.time for x in found] == [t.replace(hour=t.hour + 12) if afternoon else t]
    assert bool(guessed_note(found)) is afternoon


@given(minute_times, minute_times, st.sampled_from(["-", " - ", " to ", "–", "—", " till "]),
       st.booleans())
def test_every_range_in_the_accepted_shapes_parses_back(a: datetime.time, b: datetime.time,
                                                       sep: str, twelve: bool) -> None:
    if twelve:
        text = f"{_twelve(a, ':', False, False)}{sep}{_twelve(b, '.', True, True)}"
    else:
        text = f"{format_time(a)}{sep}{format_time(b)}"
    assert parse_typed_times(text) == [a, b]
    if a < b and a.hour < 12 and b.hour < 12:  # "10-11am": the am of the finish serves both
        start = f"{a.hour % 12 or 12}" + (f":{a.minute:02d}" if a.minute else "")
        if a.hour != 0:
            assert parse_typed_times(f"{start}{sep}{_twelve(b, ':', False, False)}") == [a, b]


@given(st.text(max_size=40), st.text(max_size=40))
def test_read_typed_times_never_raises(start: str, finish: str) -> None:
    read = read_typed_times(start, finish)
    assert len(read) == 2 and all(len(found) <= 2 for found in read)
    for found in read:
        assert isinstance(guessed_note(found), str)


# Words people type around a date in its field ("held 03/04/2026", "by phone 03/04").
_BESIDE = st.sampled_from(["held", "by phone", "Teams", "F2F", "session", "(email)", "-", ""])


@pytest.mark.parametrize(("text", "expected"), [
    ("held 03/04/2026", [D(2026, 4, 3)]),
    ("Tues 3rd March", [D(2026, 3, 3)]),
    ("by phone 03/04", [D(2026, 4, 3)]),  # day and month, the year left out
    ("03/04 by phone", [D(2026, 4, 3)]),
    ("10/02/2026 and 17/02/2026", [D(2026, 2, 10), D(2026, 2, 17)]),
    ("10/02/2026\n17/02/2026", [D(2026, 2, 10), D(2026, 2, 17)]),
    ("3 March 2026, 10 March 2026", [D(2026, 3, 3), D(2026, 3, 10)]),
    ("03/04/2026 (03/04)", [D(2026, 4, 3)]),  # the same date twice is one date
    ("Tuesday 3/3/26", [D(2026, 3, 3)]),
])
def test_typed_dates_among_words_and_two_dates(text: str, expected: list[datetime.date]) -> None:
    assert parse_typed_dates(text, REFERENCE, True) == (expected, "")
    assert parse_typed_date(text, REFERENCE, True) == (expected[0], "")


def test_a_day_and_month_without_a_year_that_is_no_date_is_an_error() -> None:
    assert parse_typed_dates("13/13", REFERENCE, True)[0] == []
    assert parse_typed_dates("13/13", REFERENCE, True)[1].startswith('"13/13" is not a date')


@given(st.lists(dates_2000s, min_size=1, max_size=3, unique=True), _BESIDE, _BESIDE,
       st.sampled_from([" and ", "\n", ", ", " & ", " then "]))
def test_every_date_typed_in_one_field_is_found(days: list[datetime.date], before: str,
                                                after: str, joiner: str) -> None:
    text = f"{before} {joiner.join(format_date_short(d) for d in days)} {after}"
    assert parse_typed_dates(text, REFERENCE, True) == (days, "")


@given(dates_2000s, _BESIDE, _BESIDE)
def test_a_day_and_month_typed_among_words_parses_back(d: datetime.date, before: str,
                                                       after: str) -> None:
    made = D(d.year, 1, 1)  # a day and month follow the day the record was made
    assert parse_typed_dates(f"{before} {d.day:02d}/{d.month:02d} {after}", made, True) == (
        [d], "")


@given(st.text(max_size=60), dates_2000s, st.booleans())
def test_parse_typed_dates_never_raises(text: str, reference: datetime.date, after: bool
                                        ) -> None:
    dates, error = parse_typed_dates(text, reference, after)
    assert not (dates and error)
    assert len(set(dates)) == len(dates)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.integers(0, 6), st.sampled_from(["%d/%m/%Y", "%d %B %Y", "%Y-%m-%d", "%d %b %y"]),
       st.booleans())
def test_a_weekday_typed_before_a_date_is_checked_never_read_as_the_date(
        day: datetime.date, weekday: int, fmt: str, short: bool) -> None:
    """Whatever the date's shape, a weekday before it leaves the date as the numbers and
    month say, and only a weekday the date does not fall on is a mismatch."""
    name = DAY_NAMES[weekday][:3] if short else DAY_NAMES[weekday]
    text = f"{name} {day.strftime(fmt)}"
    assert parse_date(text) == day
    mismatch = weekday_mismatch(text, day)
    assert (mismatch is None) == (weekday == day.weekday())
    if mismatch is not None:
        assert f"but {format_date(day)} is a {DAY_NAMES[day.weekday()]}" in mismatch


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 600), st.booleans())
def test_a_session_length_without_a_unit_is_hours_only_where_a_session_can_be(
        number: int, as_text: bool) -> None:
    """"90" in the Session duration setting was read as 90 hours, and every session without
    times was credited with 90 hours: a bare number is hours only up to 8."""
    value: object = str(number) if as_text else number
    if number <= 8:
        assert parse_session_hours(value) == number
    else:
        with pytest.raises(ValueError, match=f'"{number}" has no unit, so it reads as '
                                             f'{number} hours a session: if it is minutes, '
                                             f'type "{number} minutes"'):
            parse_session_hours(value)
    if number <= 24 * 60:
        assert parse_session_hours(f"{number} minutes") == pytest.approx(number / 60)
    with pytest.raises(ValueError, match="longer than a day"):
        parse_session_hours(f"{number + 24} hours")


@pytest.mark.parametrize(("typed", "hours"), [
    ("½ hour", 0.5), ("1½ hours", 1.5), ("1 ½ hours", 1.5), ("¾ hr", 0.75), ("2¼ hours", 2.25),
    ("10½ hours", 10.5), ("half an hour", 0.5), ("An hour", 1.0), ("an hour and a half", 1.5),
    ("One and a half hours", 1.5)])
def test_a_length_typed_with_a_fraction_or_in_words_is_read(typed: str, hours: float) -> None:
    """Word's AutoFormat turns 1/2 into ½; "half an hour" is how people say it. Both were
    refused as "not a length of time"."""
    assert parse_duration_hours(typed) == hours


# --- a name that may be a known person's written otherwise ---------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)


@given(st.lists(_WORD, min_size=1, max_size=4))
def test_a_person_s_name_each_of_its_words_and_its_initials_may_be_theirs(words: list[str]
                                                                          ) -> None:
    known = " ".join(words)
    assert may_be_person(known, known)
    for word in words:
        assert may_be_person(word, known)
    assert may_be_person(" ".join([words[0][0], *words[1:]]), known)


@given(st.lists(_WORD, min_size=2, max_size=3), st.booleans())
def test_capital_initials_are_a_persons_and_only_theirs(words: list[str], dots: bool) -> None:
    """"FM" and "F.M." for "fiona macleod"; initials in small letters ("jo") are a name."""
    known = " ".join(words)
    typed = ("." if dots else "").join(w[0].upper() for w in words) + ("." if dots else "")
    assert initials_of(typed, known)
    assert not initials_of(typed.lower(), known)
    assert not initials_of(typed + "X", known)


@given(st.lists(_WORD, min_size=1, max_size=3))
def test_a_plain_name_is_one_name_and_joined_or_noted_names_are_not(words: list[str]) -> None:
    name = " ".join(words).title().replace(" And ", " Anderson ")
    assert one_name_or_how(name) is None
    assert one_name_or_how(f"{name} Smith / Jo Reid") == "joined"
    assert one_name_or_how(f"{name} (covering)") == "bracketed"


@given(st.lists(_WORD, min_size=1, max_size=3), st.lists(_WORD, min_size=1, max_size=3))
def test_names_sharing_no_letter_are_never_one_person(a: list[str], b: list[str]) -> None:
    other = [w.translate(str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
             for w in b]  # upper case: no letter of ``a``'s
    assert not may_be_person(" ".join(a), " ".join(other))
    assert not may_be_person(" ".join(other), " ".join(a))


def test_names_nearly_alike_may_be_one_person_and_others_not() -> None:
    def may(typed: str, known: str) -> bool:
        return may_be_person(person_key(typed), person_key(known))

    assert may("Fiona McLeod", "Fiona MacLeod") and may("F. MacLeod", "Dr Fiona MacLeod")
    assert may("Graeme Robertson", "Graham Robertson")
    assert not may("Jo Reid", "Fiona MacLeod") and not may("Sam Guest", "Jo Bloggs")
