"""Read dates, times and e-mail mentions out of what coaches type in a record's free text."""

from __future__ import annotations

import datetime
import re

from docgen.values.dates import parse_date
from docgen.values.times import parse_time

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
        if after and found < _before(reference, _LONG_AGO):
            try:
                later = parse_date(candidate, default_year=reference.year + 1)
            except ValueError:  # no year after 9999: the date stays as read
                later = found
            if later != found:  # no year was typed
                found = later
        return found, ""
    if not bare:
        return None, ""  # only "email": a contact without a date, reported as undated
    return None, error


def _before(day: datetime.date, span: datetime.timedelta) -> datetime.date:
    """Return ``span`` before ``day``, or the first day there is (no overflow in year 1)."""
    try:
        return day - span
    except OverflowError:
        return datetime.date.min


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
