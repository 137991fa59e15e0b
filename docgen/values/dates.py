"""Parse dates from cells (real dates, Excel serials, day-first text) and format them UK style."""

from __future__ import annotations

import datetime
import math
import re

from docgen.values.text import _is_number, _norm, _shown

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS: dict[str, int] = {"sept": 9}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name[:3].lower()] = _number
# A weekday as typed, by its number (Monday is 0, as datetime.date.weekday).
WEEKDAY_NUMBERS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "weds": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_WEEKDAYS = frozenset(WEEKDAY_NUMBERS)

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

# An optional time after a date, as CSV exports write it: "2026-04-03 00:00:00".
_TIME_TAIL = r"(?:[ t](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME_TAIL, re.ASCII)
_YMD = re.compile(
    r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _TIME_TAIL + r"(?:z|[+-]\d{2}:?\d{2})?", re.ASCII
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(
    rf"(\d{{1,2}}){_ORDINAL} (?:of )?([a-z]+)\.?(?: (\d{{4}}|\d{{2}}))?", re.ASCII
)
_MONTH_DAY = re.compile(rf"([a-z]+)\.? (\d{{1,2}}){_ORDINAL}(?: (\d{{4}}|\d{{2}}))?", re.ASCII)


def _not_a_date(value: object) -> str:
    return f"{_shown(value)} is not a date (day/month/year)"


def _year(text: str) -> int:
    """Return a year as written; two digits mean this century (26 is 2026)."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def _valid_time_tail(match: re.Match[str]) -> bool:
    hour, minute, second = match.group(5, 6, 7)
    if hour is None:
        return True
    return int(hour) < 24 and int(minute) < 60 and (second is None or int(second) < 60)


# A weekday before a date ("Monday 10/02/2026", "Tues, 10 Feb 2026").
_LEADING_WEEKDAY = re.compile(r"([a-z]+)\.?,? ", re.ASCII)


def weekday_mismatch(value: object, day: datetime.date) -> str | None:
    """Return why ``value``, read as ``day``, contradicts itself: a weekday typed before the
    date that the date does not fall on ("Monday 10 February 2026", a Tuesday); else None."""
    if not isinstance(value, str):
        return None
    m = _LEADING_WEEKDAY.match(_norm(value))
    typed = WEEKDAY_NUMBERS.get(m[1]) if m else None
    if typed is None or typed == day.weekday():
        return None
    return (f"{_shown(value)} says {DAY_NAMES[typed]}, but {format_date(day)} is a "
            f"{DAY_NAMES[day.weekday()]}: correct the weekday or the date")


def _date_parts(text: str) -> tuple[int | None, int, int] | None:
    """Split date text into (year or None, month, day), or None if it has no date shape."""
    if (m := _LEADING_WEEKDAY.match(text)) and m[1] in _WEEKDAYS:
        rest = text[m.end():]
        if _DMY.fullmatch(rest) or _YMD.fullmatch(rest):
            text = rest  # "Monday 10/02/2026": the numbers, as without the weekday
    if m := _DMY.fullmatch(text):
        if _valid_time_tail(m):
            return _year(m[4]), int(m[3]), int(m[1])
        return None
    if m := _YMD.fullmatch(text):
        if _valid_time_tail(m):
            return int(m[1]), int(m[3]), int(m[4])
        return None
    words = re.sub(r"[,/-]", " ", text).split()
    if len(words) > 1 and words[0].rstrip(".") in _WEEKDAYS:
        words = words[1:]  # the weekday is decoration; the date itself decides
    text = " ".join(words)
    if m := _DAY_MONTH.fullmatch(text):
        day, month, year = m[1], m[2], m[3]
    elif m := _MONTH_DAY.fullmatch(text):
        month, day, year = m[1], m[2], m[3]
    else:
        return None
    if month not in _MONTHS:
        return None
    return (_year(year) if year else None), _MONTHS[month], int(day)


def parse_date(value: object, *, default_year: int | None = None) -> datetime.date:
    """Read a date from a cell: a date object, an Excel serial number, or day-first text.

    Text may be numeric ("03/04/2026", "3/4/26", "03.04.2026", ISO "2026-04-03") or in words
    ("3rd April 2026", "Thursday 3 Apr 2026", "April 3, 2026"). A date in words without a year
    takes ``default_year``; without one it is an error.
    """
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if type(day) is not datetime.date:  # a date cell marked by the reader: a plain date
            day = datetime.date(day.year, day.month, day.day)
        if day == _EXCEL_EPOCH:  # Excel's day zero: what a NaN or broken date cell reads as
            raise ValueError('"30/12/1899" is Excel\'s day zero, not a date: the cell is '
                             "empty or damaged; type the date again (day/month/year)")
        return day
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_not_a_date(value))
        serial = math.floor(value)
        if not 1 <= serial <= _EXCEL_MAX_SERIAL:
            raise ValueError(_not_a_date(value))
        return _EXCEL_EPOCH + datetime.timedelta(days=serial)
    parts = _date_parts(_norm(value))
    if parts is None:
        raise ValueError(_not_a_date(value))
    year, month, day = parts
    if year is None:
        if default_year is None:
            raise ValueError(f"{_shown(value)} has no year (e.g. 3 April 2026)")
        year = default_year
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_month_first(value) or _not_a_date(value)) from None


def _month_first(value: object) -> str:
    """Return why a date that is no date day first ("03/25/2026") is not read, if it is one
    month first (as a US-set Excel writes dates); "" if it is not."""
    found = _DMY.fullmatch(_norm(value))
    if found is None:
        return ""
    month, day, year = int(found[1]), int(found[3]), _year(found[4])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return ""
    return (f"{_shown(value)} is not a date day first ({day} is not a month): if it is "
            f"month first, as a US-set Excel writes dates, type it day first: "
            f"{day:02d}/{month:02d}/{year}")


_DAY_MONTH_START = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d", re.ASCII)


def day_month(value: str) -> tuple[int, int] | None:
    """Return the first two numbers of a date typed as numbers day first ("03/04/2026":
    (3, 4)); None for text of another shape (ISO dates put the year first, so are never
    month first)."""
    found = _DAY_MONTH_START.match(value)
    return None if found is None else (int(found[1]), int(found[2]))


def time_in_date(value: object) -> datetime.time | None:
    """Return the time of day a date typed as text also holds ("2026-03-02 14:30",
    "02/03/2026 14:30", "2026-03-02T14:30:00"), which :func:`parse_date` does not keep; None
    when it holds none, or midnight (as CSV exports write a date: "2026-04-03 00:00:00")."""
    text = _norm(value)
    found = _DMY.fullmatch(text) or _YMD.fullmatch(text)
    if found is None or found[5] is None or not _valid_time_tail(found):
        return None
    time = datetime.time(int(found[5]), int(found[6]), int(found[7] or 0))
    return None if time == datetime.time() else time


def format_date(d: datetime.date | None) -> str:
    """Format a date for reading, as "3 April 2026"; "" for no date."""
    if d is None:
        return ""
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def weekday_name(d: datetime.date) -> str:
    """Return the day of the week a date falls on, as "Thursday"."""
    return DAY_NAMES[d.weekday()]


def format_date_short(d: datetime.date | None) -> str:
    """Format a date for a form field, as "03/04/2026"; "" for no date."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def next_meeting_doubt(date: object, after: object, *, years: bool = True) -> str | None:
    """Say where a next meeting lies against its session's date when that is unlikely: "the
    same day as" or "before" it (a month mistyped, the date copied), or with ``years`` "over a
    year after" it (a year mistyped); None when it is after the session, within a year, or
    either is not a date."""
    if not (isinstance(date, datetime.date) and isinstance(after, datetime.date)):
        return None
    if after == date:
        return "the same day as"
    if after < date:
        return "before"
    return "over a year after" if years and (after - date).days > 366 else None
