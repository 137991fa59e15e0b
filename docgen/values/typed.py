"""Read dates and e-mail mentions out of what coaches type in a record's free text.

Times typed in a record are read by :func:`docgen.values.times.read_typed_times`. What a
date or time field holds beyond what is read from it is found by :func:`unread_words` (and
:func:`unread_in_times`), so that it can be named rather than dropped.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from docgen.values.dates import DAY_NAMES, WEEKDAY_NUMBERS, parse_date
from docgen.values.times import _DASHES, time_spans

_EMAIL = re.compile(r"\be-?\s?mail(?:ed|s)?\b", re.IGNORECASE)
_NOT_DATE_WORDS = re.compile(r"[()\[\]]|\b(?:via|by|sent|contact|coaching|session)\b", re.I)
_DATE_IN_TEXT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?(?:,?\s+\d{4}|\s+\d{2}\b)?"
    r"|\d{1,2}/\d{1,2}(?![/\d])"  # "03/04": a day and month, the year left out
    # (a day is not the start of a longer number: "March 2026" is no date, not 20 March)
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?!\d)(?:st|nd|rd|th)?(?:,?\s+\d{4})?",
    re.IGNORECASE,
)
_DAY_SLASH_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NOT_YET = re.compile(r"\W*(?:tbc|tba|tbd|to be (?:confirmed|arranged|agreed)|n/?a|none|"
                      r"not (?:yet )?(?:known|set|agreed|arranged))\W*", re.IGNORECASE)
_LONG_AGO = datetime.timedelta(days=60)  # a year-less date this far before a record is next year's
_WEEKDAY = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(WEEKDAY_NUMBERS, key=len, reverse=True))
                      + r")(?![^\W\d_])", re.IGNORECASE)


def _words(*words: str) -> str:
    """Return a pattern of whole words (a space in one stands for any spacing)."""
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split()))
                            for w in sorted(words, key=len, reverse=True))
    return rf"(?<![^\W_])(?:{alternatives})(?![^\W_])"


# Words that join or frame a value and say nothing of their own, in any field.
_CONNECTIVES = ("on", "at", "the", "of", "and", "or", "&", "in", "a", "an", "but", "for", "to",
                "was", "it", "is", "as")
# Words beside a date that docgen reads, or that add nothing: e-mail (the mode), a weekday
# (checked against the date), "held", the words of a contact, "tbc".
DATE_WORDS = re.compile(
    _words(*_CONNECTIVES, "held", "by", "via", "over", "using", "sent", "contact", "coaching",
           "session", "meeting", "date", "dated", "tbc", "tba", "provisional", "provisionally",
           "email", "e-mail", "e mail", "emailed", "emails", *WEEKDAY_NUMBERS)
    + r"|(?<!\w)(?:st|nd|rd|th)(?!\w)", re.IGNORECASE)
# Words around times that docgen reads, or that add nothing ("from 2 to 3pm approx").
TIME_WORDS = re.compile(
    _words(*_CONNECTIVES, "from", "till", "til", "until", "approx", "approximately", "about",
           "around", "ish", "c", "ca", "circa", "start", "started", "starting", "finish",
           "finished", "end", "ended", "time", "hrs", "hr", "h", "gmt", "bst",
           "email", "e-mail", "e mail", "emailed", "emails"),
    re.IGNORECASE)
_MEANINGFUL = re.compile(r"[^\W_]")
_SHOWN_MAX = 60  # the longest unread piece quoted in full


class TypedDate(NamedTuple):
    """One date read from typed text, and what docgen decided in reading it."""

    date: datetime.date
    year_typed: bool  # False: the year is docgen's (see parse_typed_date)
    weekday: str  # a weekday typed with the date, as typed ("Fri"); "" if none
    by_weekday: bool  # no year typed, and the weekday typed chose the year

    @property
    def day_typed(self) -> str:
        """Return the weekday typed, in full ("Friday"); "" if none."""
        return DAY_NAMES[WEEKDAY_NUMBERS[self.weekday.casefold()]] if self.weekday else ""

    @property
    def weekday_clash(self) -> bool:
        """Tell whether the weekday typed is not the day the date falls on."""
        return bool(self.weekday) and WEEKDAY_NUMBERS[
            self.weekday.casefold()] != self.date.weekday()


class TypedDates(NamedTuple):
    """Every date read from a field's text, the error when there is none, and what is unread."""

    dates: tuple[TypedDate, ...]
    error: str
    unread: tuple[str, ...]  # pieces of the text no date, nor ``also``, accounts for


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
    sessions follow it) a date more than two months before it is taken to be in the next year;
    a weekday typed with it may choose the year instead (see :func:`read_typed_dates`).
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
    found = read_typed_dates(text, reference, after)
    return [d.date for d in found.dates], found.error


def read_typed_dates(text: str, reference: datetime.date, after: bool = False,
                     also: re.Pattern[str] | None = None) -> TypedDates:
    """Read every date in typed text as :func:`parse_typed_dates`, saying what was decided.

    Each date says whether its year was typed and which weekday was typed with it. A weekday
    typed with a date without a year chooses the year, between the one the rule above gives
    and the other candidate (the next year, or when not ``after`` the year before), when only
    that one falls on it ("Tues 3rd March"). ``unread`` holds what the text says beyond its
    dates (see :func:`unread_words`): the words of ``DATE_WORDS`` and the matches of ``also``
    (the mode words the caller reads from the field) count as read.
    """
    return _typed_dates(text, reference, after, also)


# A fraction AutoCorrect made of a day and month typed without a year ("1/2", "3/4"),
# standing alone (not "1½", nor glued to a word or a slash: "A¼/1" was read as 1 April).
_FRACTION = re.compile("(?<![\\w/])[\u00bc-\u00be\u2150-\u215e](?![\\w/])")


def _fractions_as_typed(text: str) -> str:
    """Return ``text`` with each fraction AutoCorrect made ("½" of "1/2") as it was typed."""
    return _FRACTION.sub(
        lambda m: unicodedata.normalize("NFKC", m.group()).replace("\u2044", "/"), text)


@functools.lru_cache(maxsize=4096)  # a log reads the same few dates in many records
def _typed_dates(text: str, reference: datetime.date, after: bool,
                 also: re.Pattern[str] | None) -> TypedDates:
    # LibreOffice's and Word's AutoCorrect replace "1/2", "1/4" and "3/4" typed and followed
    # by a space with "½", "¼" and "¾": in a date field they are 1 February, 1 and 3 April
    text = _fractions_as_typed(text)
    found, error = _find_dates(text, reference, after)
    # ("frİday" matches the pattern, ignoring case, but is no weekday docgen knows)
    weekdays = [m for m in _WEEKDAY.finditer(text) if m.group().casefold() in WEEKDAY_NUMBERS]
    if len(found) == 1:
        # every weekday typed belongs to the one date; the first that is not its day counts
        paired = [next((w for w in weekdays if not _falls_on(found[0][0], w[0])),
                       weekdays[0] if weekdays else None)]
    elif len(weekdays) == len(found):  # one weekday to each date, in order
        paired = list(weekdays)
    else:
        paired = [None] * len(found)
    dates: list[TypedDate] = []
    for (day, year_typed, _span), weekday in zip(found, paired, strict=True):
        by_weekday = False
        if weekday is not None and not year_typed and not _falls_on(day, weekday[0]):
            other = reference.year + (1 if after else -1)
            for year in (reference.year, other):
                moved = _in_year(day, year)
                if moved is not None and moved != day and _falls_on(moved, weekday[0]):
                    day, by_weekday = moved, True
                    break
        if not any(d.date == day for d in dates):
            dates.append(TypedDate(day, year_typed, weekday[0] if weekday else "", by_weekday))
    read = [span for *_, span in found]
    if also is not None:
        read += [m.span() for m in also.finditer(text)]
    unread = unread_words(text, read, DATE_WORDS) if found and error == "" else ()
    return TypedDates(tuple(dates), error, unread)


def _falls_on(day: datetime.date, weekday: str) -> bool:
    return WEEKDAY_NUMBERS[weekday.casefold()] == day.weekday()


def _in_year(day: datetime.date, year: int) -> datetime.date | None:
    """Return the same day and month in ``year``, or None (29 February, a year out of range)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return None


# A date read, whether its year was typed, and where it is in the text.
_Found = tuple[datetime.date, bool, tuple[int, int]]


def _find_dates(text: str, reference: datetime.date, after: bool) -> tuple[list[_Found], str]:
    if not text or _NOT_YET.fullmatch(text):
        return [], ""
    try:  # the whole text first ("Thursday 3rd April 2026")
        return [(*_read(text, reference, after), (0, len(text)))], ""
    except ValueError as exc:
        error = str(exc)
    bare = " ".join(_NOT_DATE_WORDS.sub(" ", _EMAIL.sub(" ", text)).split()).strip(" ,;:-–")
    if not bare:
        return [], ""  # only "email": a contact without a date, reported as undated
    try:  # then without the usual words around a date ("Session by e-mail, 3rd April 2026")
        return [(*_read(bare, reference, after), (0, len(text)))], ""
    except ValueError:
        pass
    found: list[_Found] = []
    at = 0
    while at < len(text):  # then each date-shaped piece, at the start of a word
        m = _DATE_IN_TEXT.match(text, at) if at == 0 or not text[at - 1].isalnum() else None
        try:
            if m is None:
                raise ValueError
            day, year_typed = _read(m.group(), reference, after)
        except ValueError:
            at += 1
            continue
        found.append((day, year_typed, m.span()))  # a repeat too: its words are read
        at = m.end()
    return found, ("" if found else error)


def _read(text: str, reference: datetime.date, after: bool) -> tuple[datetime.date, bool]:
    """Read one date, and whether its year was typed.

    A year-less one takes the year of ``reference`` (or the next, if ``after`` and it would
    be over two months before the reference).
    """
    if m := _DAY_SLASH_MONTH.fullmatch(text.strip()):
        day, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f'"{text}" is not a date (day/month/year)')
        text = f"{day} {_MONTH_WORDS[month - 1]}"
    found = parse_date(text, default_year=reference.year)
    try:
        return parse_date(text), True
    except ValueError:
        pass  # no year was typed
    if after and found < _before(reference, _LONG_AGO):
        with contextlib.suppress(ValueError):  # no year after 9999, nor a 29 February: as read
            found = parse_date(text, default_year=reference.year + 1)
    return found, False


def unread_words(text: str, read: Iterable[tuple[int, int]], harmless: re.Pattern[str]
                 ) -> tuple[str, ...]:
    """Return the pieces of ``text`` outside the ``read`` spans that say something, as typed.

    A piece is what lies between two spans read; it says something when a letter or digit
    of it is not in a match of ``harmless`` (connectives, words docgen reads). Each starts at
    its first such word and ends at its last letter or digit ("yes (started late)" gives
    "started late"); a long one is cut short.
    """
    covered = bytearray(len(text))
    for start, end in read:
        covered[start:end] = b"\x01" * (end - start)
    pieces: list[str] = []
    at = 0
    while at < len(text):
        if covered[at]:
            at += 1
            continue
        end = covered.find(1, at)
        end = len(text) if end < 0 else end
        if piece := _saying(text[at:end], harmless):
            pieces.append(piece)
        at = end
    return tuple(pieces)


def _saying(piece: str, harmless: re.Pattern[str]) -> str:
    """Return ``piece`` trimmed to what ``harmless`` does not account for, "" when nothing."""
    first = _MEANINGFUL.search(harmless.sub(lambda m: " " * len(m.group()), piece))
    if first is None:
        return ""
    last = [m.end() for m in _MEANINGFUL.finditer(piece)][-1]
    shown = " ".join(piece[first.start():last].split())
    return shown if len(shown) <= _SHOWN_MAX else shown[:_SHOWN_MAX - 1].rstrip() + "…"


@functools.lru_cache(maxsize=4096)  # a log reads the same few times in many records
def unread_in_times(text: str) -> tuple[str, ...]:
    """Return what a Start or Finish field says beyond the times read from it, as typed.

    The words of ``TIME_WORDS`` ("from", "to", "approx", "start", e-mail) count as read; so do
    the times docgen reads (at most two: a third is unread).
    """
    folded, spans = time_spans(text)
    return tuple(_as_typed(piece, text) for piece in unread_words(folded, spans, TIME_WORDS))


def _as_typed(piece: str, text: str) -> str:
    """Return ``piece`` of folded ``text`` as it was typed (its case), else as it is."""
    words = piece.rstrip("…").split()
    pattern = r"\s+".join(map(re.escape, words))
    plain = unicodedata.normalize("NFKC", text)
    if len(plain) == len(text):
        plain = text  # the folding kept every character where it was
    m = re.search(pattern, plain.translate(_DASHES), re.IGNORECASE) if words else None
    if m is None:
        return piece
    return " ".join(plain[m.start():m.end()].split()) + piece[len(piece.rstrip("…")):]


def _before(day: datetime.date, span: datetime.timedelta) -> datetime.date:
    """Return ``span`` before ``day``, or the first day there is (no overflow in year 1)."""
    try:
        return day - span
    except OverflowError:
        return datetime.date.min
