"""Read dates and e-mail mentions out of what coaches type in a record's free text.

Times typed in a record are read by :func:`docgen.values.times.read_typed_times`.
"""

from __future__ import annotations

import datetime
import functools
import re

from docgen.values.dates import parse_date

_EMAIL = re.compile(r"\be-?\s?mail(?:ed|s)?\b", re.IGNORECASE)
_NOT_DATE_WORDS = re.compile(r"[()\[\]]|\b(?:via|by|sent|contact|coaching|session)\b", re.I)
_DATE_IN_TEXT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?(?:,?\s+\d{4}|\s+\d{2}\b)?"
    r"|\d{1,2}/\d{1,2}(?![/\d])"  # "03/04": a day and month, the year left out
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?",
    re.IGNORECASE,
)
_DAY_SLASH_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NOT_YET = re.compile(r"\W*(?:tbc|tba|tbd|to be (?:confirmed|arranged|agreed)|n/?a|none|"
                      r"not (?:yet )?(?:known|set|agreed|arranged))\W*", re.IGNORECASE)
_LONG_AGO = datetime.timedelta(days=60)  # a year-less date this far before a record is next year's


def mentions_email(text: str) -> bool:
    """Tell whether typed text speaks of e-mail ("email", "e-mailed", "E mails")."""
    return bool(text) and _EMAIL.search(text) is not None


def parse_typed_date(text: str, reference: datetime.date, after: bool = False
                     ) -> tuple[datetime.date | None, str]:
    """Return the date in typed text (day first), and an error message if there is none.

    The text may hold words around the date ("3/4/26 (by email)", "held 03/04/2026",
    "by phone 03/04"); "TBC", "n/a" and the like are no date and no error, nor is text that is
    only "email". A date typed without a year ("3rd April", "03/04") takes the year of
    ``reference``; when ``after`` (the reference is the day the record was generated, so
    sessions follow it) a date more than two months before it is taken to be in the next year.
    When the text holds several dates this is the first: see :func:`parse_typed_dates`.
    """
    dates, error = parse_typed_dates(text, reference, after)
    return (dates[0] if dates else None), error


def parse_typed_dates(text: str, reference: datetime.date, after: bool = False
                      ) -> tuple[list[datetime.date], str]:
    """Return every date in typed text, in the order typed (no repeats), and an error message.

    As :func:`parse_typed_date`, for a field where two dates mean two sessions ("10/02/2026
    and 17/02/2026", or one per line): the caller names them rather than keeping one silently.
    """
    dates, error = _typed_dates(text, reference, after)
    return list(dates), error


@functools.lru_cache(maxsize=4096)  # a log reads the same few dates in many records
def _typed_dates(text: str, reference: datetime.date, after: bool
                 ) -> tuple[tuple[datetime.date, ...], str]:
    dates, error = _find_dates(text, reference, after)
    return tuple(dates), error


def _find_dates(text: str, reference: datetime.date, after: bool
                ) -> tuple[list[datetime.date], str]:
    if not text or _NOT_YET.fullmatch(text):
        return [], ""
    try:  # the whole text first ("Thursday 3rd April 2026")
        return [_read(text, reference, after)], ""
    except ValueError as exc:
        error = str(exc)
    bare = " ".join(_NOT_DATE_WORDS.sub(" ", _EMAIL.sub(" ", text)).split()).strip(" ,;:-–")
    if not bare:
        return [], ""  # only "email": a contact without a date, reported as undated
    try:  # then without the usual words around a date ("Session by e-mail, 3rd April 2026")
        return [_read(bare, reference, after)], ""
    except ValueError:
        pass
    found: list[datetime.date] = []
    at = 0
    while at < len(text):  # then each date-shaped piece, at the start of a word
        m = _DATE_IN_TEXT.match(text, at) if at == 0 or not text[at - 1].isalnum() else None
        try:
            if m is None:
                raise ValueError
            day = _read(m.group(), reference, after)
        except ValueError:
            at += 1
            continue
        if day not in found:
            found.append(day)
        at = m.end()
    return found, ("" if found else error)


def _read(text: str, reference: datetime.date, after: bool) -> datetime.date:
    """Read one date, a year-less one as the year of ``reference`` (or the next, if ``after``)."""
    if m := _DAY_SLASH_MONTH.fullmatch(text.strip()):
        day, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f'"{text}" is not a date (day/month/year)')
        text = f"{day} {_MONTH_WORDS[month - 1]}"
    found = parse_date(text, default_year=reference.year)
    if after and found < _before(reference, _LONG_AGO):
        try:
            later = parse_date(text, default_year=reference.year + 1)
        except ValueError:  # no year after 9999: the date stays as read
            later = found
        if later != found:  # no year was typed
            found = later
    return found


def _before(day: datetime.date, span: datetime.timedelta) -> datetime.date:
    """Return ``span`` before ``day``, or the first day there is (no overflow in year 1)."""
    try:
        return day - span
    except OverflowError:
        return datetime.date.min
