"""Parse spreadsheet cells into typed values and format typed values for documents.

Pure functions, no I/O. Each parser takes whatever a workbook or CSV cell holds (text, numbers,
``datetime`` objects, ``None``) and returns a typed value or raises ``ValueError`` with a short
message fit to show a user, quoting the value as typed. UK conventions: dates are day first.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import unicodedata

__all__ = [
    "clean_text",
    "format_date",
    "format_date_short",
    "format_hours",
    "format_time",
    "header_key",
    "hours_between",
    "is_blank",
    "mentions_email",
    "parse_date",
    "parse_duration_hours",
    "parse_int",
    "parse_names",
    "parse_time",
    "parse_typed_date",
    "parse_typed_times",
    "parse_yes_no",
    "person_key",
]

# --------------------------------------------------------------------------------------------
# Text

# Characters XML 1.0 forbids (after \x0b and \x0c became new lines), DEL, and the bidi
# embedding/override/isolate controls that can make a document display text out of order.
_DROPPED_CHARS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")
_NON_ALNUM_RUN = re.compile(r"[\W_]+")
_SHOWN_MAX = 60  # longest value quoted in full in an error message


def header_key(text: object) -> str:
    """Fold a header to the key columns are matched by, so "Team ID" and "team-id" agree.

    Combining marks left over after NFKC (the dot of "İ" lower-cased) are dropped rather than
    splitting a word.
    """
    folded = unicodedata.normalize("NFKC", clean_text(text)).lower()
    folded = unicodedata.normalize("NFKC", folded)
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn")
    return _NON_ALNUM_RUN.sub("_", folded).strip("_")


def clean_text(value: object) -> str:
    """Turn any cell value into text that is safe to put in a Word document (valid XML).

    ``None`` gives ""; whole floats lose their ``.0``. New lines are normalised to ``\\n``,
    XML-illegal and bidi control characters dropped, trailing spaces of each line and blank
    lines and whitespace around the whole value stripped. The result is in NFC.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if text.isascii() and text.isprintable():
        return text.strip()  # the common cell: one line, nothing to drop or normalise
    text = _LINE_BREAKS.sub("\n", text)
    text = _DROPPED_CHARS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip(" \t") for line in text.split("\n")).strip()


def is_blank(value: object) -> bool:
    """Tell whether a cell is empty for our purposes: ``None`` or only whitespace."""
    return value is None or clean_text(value) == ""


def _norm(value: object) -> str:
    """Return a cell's text folded for parsing: NFKC, lower case, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFKC", clean_text(value)).lower().split())


def _shown(value: object) -> str:
    """Quote a value for an error message, on one line and cut short if very long."""
    text = " ".join(clean_text(value).split())
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1].rstrip() + "…"
    return f'"{text}"'


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------
# Dates

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS: dict[str, int] = {"sept": 9}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name[:3].lower()] = _number
_WEEKDAYS = frozenset({
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur",
    "thurs", "friday", "fri", "saturday", "sat", "sunday", "sun",
})  # fmt: skip

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


def _date_parts(text: str) -> tuple[int | None, int, int] | None:
    """Split date text into (year or None, month, day), or None if it has no date shape."""
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
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
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
        raise ValueError(_not_a_date(value)) from None


def format_date(d: datetime.date | None) -> str:
    """Format a date for reading, as "3 April 2026"; "" for no date."""
    if d is None:
        return ""
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def format_date_short(d: datetime.date | None) -> str:
    """Format a date for a form field, as "03/04/2026"; "" for no date."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# --------------------------------------------------------------------------------------------
# Times

_NOON = frozenset({"noon", "midday", "12 noon", "12noon", "12 midday", "12midday"})
_MIDNIGHT = frozenset({"midnight", "12 midnight", "12midnight"})
_HOURS_SUFFIX = r"(?: ?(?:h|hrs?))?"  # "1400hrs", "14:00 h"
_H12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))? ?([ap])\.? ?m\.?", re.ASCII)
_H24 = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?" + _HOURS_SUFFIX, re.ASCII)
_COMPACT = re.compile(r"(\d{3,4})" + _HOURS_SUFFIX, re.ASCII)


def _not_a_time(value: object) -> str:
    return f"{_shown(value)} is not a time (e.g. 14:00 or 2pm)"


def _time_from_text(text: str) -> datetime.time | None:
    """Read a time from folded text, or return None if it is not one."""
    if text in _NOON:
        return datetime.time(12, 0)
    if text in _MIDNIGHT:
        return datetime.time(0, 0)
    second = 0
    if m := _H12.fullmatch(text):
        hour, minute = int(m[1]), int(m[2] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[3] == "p" else 0)
    elif m := _H24.fullmatch(text):
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    elif m := _COMPACT.fullmatch(text):
        hour, minute = int(m[1][:-2]), int(m[1][-2:])
    else:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime.time(hour, minute, second)


def _time_from_number(value: int | float) -> datetime.time | None:
    """Read a time from a number: an Excel day fraction, 14.30 typed as a number, or 1430."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if 0 <= value < 1:
        minutes = round(value * 24 * 60) % (24 * 60)  # 23:59:59.9 rounds to 00:00
        return datetime.time(minutes // 60, minutes % 60)
    if 1 <= value < 24 and round(value, 2) == value:
        return _time_from_text(f"{value:.2f}")  # Excel keeps "14.00" as 14, "9.30" as 9.3
    if isinstance(value, int) or value.is_integer():
        return _time_from_text(str(int(value)))
    return None


def parse_time(value: object) -> datetime.time:
    """Read a time of day from a cell: a time object, an Excel time fraction, or text.

    Text may be 24-hour ("14:00", "14.00", "1430", "930") or 12-hour ("2pm", "2.30 p.m.");
    "noon" and "midday" are 12:00. Minutes always have two digits.
    """
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        result = _time_from_number(value)
    else:
        result = _time_from_text(_norm(value))
    if result is None:
        raise ValueError(_not_a_time(value))
    return result


def format_time(t: datetime.time | None) -> str:
    """Format a time on the 24-hour clock, as "14:00"; "" for no time."""
    if t is None:
        return ""
    return f"{t.hour:02d}:{t.minute:02d}"


def hours_between(start: datetime.time, finish: datetime.time) -> float:
    """Return the hours from start to finish (2 decimals), for session lengths in the log."""
    start_s = start.hour * 3600 + start.minute * 60 + start.second + start.microsecond / 1e6
    finish_s = finish.hour * 3600 + finish.minute * 60 + finish.second + finish.microsecond / 1e6
    if finish_s <= start_s:
        raise ValueError(
            f"finish time {format_time(finish)} is not after start time {format_time(start)}"
        )
    return round((finish_s - start_s) / 3600, 2)


# --------------------------------------------------------------------------------------------
# Dates and times typed in free text (a record's forms and table rows)

_EMAIL = re.compile(r"\be-?\s?mail(?:ed|s)?\b", re.IGNORECASE)
_NOT_DATE_WORDS = re.compile(r"[()\[\]]|\b(?:via|by|sent|contact|coaching|session)\b", re.I)
_DATE_IN_TEXT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?(?:,?\s+\d{4}|\s+\d{2}\b)?"
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?",
    re.IGNORECASE,
)
_TIME_IN_TEXT = re.compile(
    r"\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\b\.?|\d{1,2}[:.]\d{2}|\b\d{4}\b|\bnoon\b|\bmidday\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(r"\W*(?:tbc|tba|tbd|to be (?:confirmed|arranged|agreed)|n/?a|none|"
                      r"not (?:yet )?(?:known|set|agreed|arranged))\W*", re.IGNORECASE)
_LONG_AGO = datetime.timedelta(days=60)  # a year-less date this far before a record is next year's


def mentions_email(text: str) -> bool:
    """Tell whether typed text speaks of e-mail ("email", "e-mailed", "E mails")."""
    return bool(text) and _EMAIL.search(text) is not None


def parse_typed_date(text: str, reference: datetime.date, after: bool = False
                     ) -> tuple[datetime.date | None, str]:
    """Return the date in typed text (day first), and an error message if there is none.

    The text may hold words around the date ("3/4/26 (by email)"); "TBC", "n/a" and the like
    are no date and no error, nor is text that is only "email". A date typed without a year
    ("3rd April") takes the year of ``reference``; when ``after`` (the reference is the day the
    record was generated, so sessions follow it) a date more than two months before it is
    taken to be in the next year.
    """
    if not text or _NOT_YET.fullmatch(text):
        return None, ""
    error = ""
    bare = ""
    # The whole text first; if it is not a date, the text without the usual words around a
    # date, then each date-shaped piece of it.
    candidates = [text]
    for candidate in candidates:
        try:
            found = parse_date(candidate, default_year=reference.year)
        except ValueError as exc:
            if not error:
                error = str(exc)
                bare = " ".join(_NOT_DATE_WORDS.sub(" ", _EMAIL.sub(" ", text)).split())
                bare = bare.strip(" ,;:-–")
                candidates += [bare, *(m.group() for m in _DATE_IN_TEXT.finditer(text))]
            continue
        if after and found < reference - _LONG_AGO:
            later = parse_date(candidate, default_year=reference.year + 1)
            if later != found:  # no year was typed
                found = later
        return found, ""
    if not bare:
        return None, ""  # only "email": a contact without a date, reported as undated
    return None, error


def parse_typed_times(text: str) -> list[datetime.time]:
    """Return the times typed in ``text``: none, one, or two for a range such as "2pm-3pm"."""
    if not text:
        return []
    try:
        return [parse_time(text)]
    except ValueError:
        pass
    found: list[datetime.time] = []
    for m in _TIME_IN_TEXT.finditer(text):
        try:
            found.append(parse_time(m.group()))
        except ValueError:
            continue
    return found[:2]


# --------------------------------------------------------------------------------------------
# Numbers, yes/no, durations

# A number standing on its own: not part of "1.2.3" or ".5"; a sign only at a word start.
_NUMBER = re.compile(r"(?<![\d.])(?:(?<![a-z\d])[-+])?\d+(?:\.\d+)?", re.ASCII)


def parse_int(value: object) -> int:
    """Read a whole number from a cell: 4, 4.0, "4", "4.0", or text with one number ("4 weeks")."""
    error = f"{_shown(value)} is not a whole number"
    if isinstance(value, bool):
        raise ValueError(error)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(error)
    numbers = _NUMBER.findall(_norm(value))
    if len(numbers) != 1:
        raise ValueError(error)
    whole, _, fraction = numbers[0].partition(".")
    if fraction.strip("0"):
        raise ValueError(error)
    try:
        return int(whole)
    except ValueError:  # more digits than Python will convert
        raise ValueError(error) from None


_YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔"})
_NO = frozenset({"no", "n", "false", "0"})


def parse_yes_no(value: object) -> bool:
    """Read yes or no from a cell: yes/y/true/1/x or no/n/false/0, in any case, or a boolean."""
    if isinstance(value, bool):
        return value
    if _is_number(value) and value in (0, 1):
        return value == 1
    text = _norm(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{_shown(value)} is not yes or no")


_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_H = r"(?:hours?|hrs?|h)\.?"
_M = r"(?:minutes?|mins?|m)\.?"
_DURATION_NUMBER = re.compile(_NUM, re.ASCII)
_DURATION_HOURS = re.compile(rf"{_NUM} ?{_H}", re.ASCII)
_DURATION_MINUTES = re.compile(rf"{_NUM} ?{_M}", re.ASCII)
_DURATION_BOTH = re.compile(rf"(\d+) ?{_H},? ?(?:and )?(\d{{1,2}})(?: ?{_M})?", re.ASCII)
_DURATION_CLOCK = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


def _duration_from_text(text: str) -> float | None:
    """Read hours from folded text such as "1.5 hours", "90 mins" or "1h30"; None if not."""
    if m := _DURATION_NUMBER.fullmatch(text) or _DURATION_HOURS.fullmatch(text):
        return float(m[1])
    if m := _DURATION_MINUTES.fullmatch(text):
        return float(m[1]) / 60
    if m := _DURATION_BOTH.fullmatch(text) or _DURATION_CLOCK.fullmatch(text):
        hours, minutes = int(m[1]), int(m[2])
        return hours + minutes / 60 if minutes < 60 else None
    return None


def parse_duration_hours(value: object) -> float:
    """Read a length of time in hours: "1 hour", "90 minutes", "1h30", or a number of hours."""
    hours: float | None
    if isinstance(value, bool):
        hours = None
    elif isinstance(value, datetime.timedelta):
        hours = value.total_seconds() / 3600
    elif isinstance(value, datetime.time):  # a cell formatted as h:mm
        hours = value.hour + value.minute / 60 + value.second / 3600
    elif isinstance(value, (int, float)):
        try:
            hours = float(value)
        except OverflowError:
            hours = None
    else:
        hours = _duration_from_text(_norm(value))
    if hours is None or not math.isfinite(hours) or hours <= 0:
        raise ValueError(f"{_shown(value)} is not a length of time (e.g. 1 hour or 90 minutes)")
    return hours


def format_hours(h: float) -> str:
    """Format hours with at most 2 decimals and no trailing zeros: "1", "1.5", "0.75"."""
    text = f"{h:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------------------------
# People

_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})
_APOSTROPHES = "'’‘ʼ`´"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)  # before NFKD splits "´" in two
_NAME_SEPARATORS = re.compile(r"[;\n]")


@functools.lru_cache(maxsize=8192)  # the same coaches and members recur on every record
def person_key(name: str) -> str:
    """Fold a person's name so spellings of one person match: "Dr. Áine O'Brien", "aine obrien".

    Accents, case, dots, apostrophes and a leading title go; other punctuation (hyphens,
    commas) counts as a space, and whitespace runs as one space.
    """
    text = unicodedata.normalize("NFKD", str(name).translate(_DROP_APOSTROPHES))
    text = unicodedata.normalize("NFKD", text.casefold())
    chars = []
    for c in text:
        category = unicodedata.category(c)
        if c == "." or c in _APOSTROPHES or category == "Mn":
            continue
        chars.append(" " if category[0] in "PZC" else c)
    words = "".join(chars).split()
    while len(words) > 1 and words[0] in _TITLES:
        del words[0]
    return " ".join(words)


def team_key(team_id: str) -> str:
    """Fold a Team ID so spellings of one team match: case and runs of spaces do not count.

    The one rule used wherever teams are compared: the cohort's duplicate check, sessions
    matched to their team, and records of one team merged in the log.
    """
    return " ".join(str(team_id).split()).casefold()


def parse_names(value: object) -> tuple[str, ...]:
    """Split a cell listing people on ";" and new lines (not commas: "Smith, John" is one name).

    Each name is cleaned and its whitespace collapsed; blanks and repeats of a person already
    listed (same :func:`person_key`) are dropped, keeping the first spelling.
    """
    if value is None:
        return ()
    names: list[str] = []
    seen: set[str] = set()
    for part in _NAME_SEPARATORS.split(clean_text(value)):
        name = " ".join(part.split())
        key = person_key(name) or name
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return tuple(names)
