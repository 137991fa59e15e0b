"""Parse times of day from cells (Excel times, "14:00", "2pm", "1430") and format them."""

from __future__ import annotations

import datetime
import functools
import math
import re
from typing import NamedTuple

from docgen.values.text import _norm, _shown

_NOON = frozenset({"noon", "midday", "12 noon", "12noon", "12 midday", "12midday"})
_MIDNIGHT = frozenset({"midnight", "12 midnight", "12midnight"})
_HOURS_SUFFIX = r"(?: ?(?:h|hrs?))?"  # "1400hrs", "14:00 h"
# with seconds too: "2:30:00 PM", as Excel set for the US saves a time in a CSV file
_H12 = re.compile(r"(\d{1,2})(?:[:.](\d{2})(?:[:.](\d{2}))?)? ?([ap])\.? ?m\.?", re.ASCII)
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
        hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[4] == "p" else 0)
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


# --- times typed in a record's Start and Finish fields -----------------------------------------

# Dashes, and arrows (LibreOffice's and Word's AutoCorrect make "->" an arrow): "10 → 11am".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
                                      "\u2192\u21d2\u2794\u27f6\u27f9", "-"))
# One time in typed text. "12 noon" before "12"; am/pm before 24-hour; a lone hour last.
# Digits joined by a comma ("14,30", or "14,3" where a LibreOffice in a decimal-comma locale
# made a number of "14.30") are no time, nor two: not 14:00 to 15:00.
_TOKEN = re.compile(
    r"(?<![\w:./])(?<!\d,)(?:"
    r"(?P<word>(?:12 ?)?(?:noon|midday|midnight))"
    r"|(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?:[:.]\d{2})?)? ?(?P<ap>[ap])\.? ?m\b\.?"
    r"|(?P<h24>\d{1,2})[:.](?P<m24>\d{2})(?:[:.](?P<s24>\d{2}))?(?: ?(?:h|hrs?)\b)?"
    r"|(?P<compact>\d{3,4})(?: ?(?:h|hrs?)\b)?"
    r"|(?P<bare>\d{1,2})(?= ?(?:-|to|till?|until|and|$|[,;)]))"
    r")(?![\w:/]|\.\d|(?<=\d),\d)",
    re.ASCII,
)
# What may sit around times in a text that is only times: "from 2 to 3", "10 - 11 (approx)",
# "10->11am".
_FILLER = re.compile(r"(?:[\s,;:()~]|-+>?|\b(?:from|to|till?|until|and|approx|about|around|ish|at|"
                     r"start|finish|end|c)\b\.?)*")


class TypedTime(NamedTuple):
    """One time read from typed text: the time, the words typed, and whether am/pm was guessed."""

    time: datetime.time
    typed: str
    guessed: bool  # an hour from 1 to 6 with no am/pm, read as afternoon


class _Token(NamedTuple):
    typed: str
    plain: datetime.time  # the reading without context
    other: datetime.time | None  # the other half of the day, when am/pm was not typed
    guess: bool  # ``plain`` is a guess (1:00 to 6:59 read as afternoon)
    firm: bool = False  # "10:30": two digits, kept unless am/pm typed later in its range says
    said: bool = False  # am or pm typed ("2pm"), or a word ("noon")


def _token(m: re.Match[str]) -> _Token | None:
    """Read one matched time; None when it is no time of day (25:00, 13pm)."""
    typed = m.group().strip()
    if word := m["word"]:
        return _Token(typed, datetime.time(0 if word.endswith("midnight") else 12), None, False,
                      said=True)
    if m["h"] is not None:
        hour, minute = int(m["h"]), int(m["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return _Token(typed, datetime.time(hour % 12 + (12 if m["ap"] == "p" else 0), minute),
                      None, False, said=True)
    if m["h24"] is not None:
        digits, hour, minute = m["h24"], int(m["h24"]), int(m["m24"])
        second = int(m["s24"] or 0)
    elif m["compact"] is not None:
        digits, hour, minute, second = m["compact"][:-2], int(m["compact"][:-2]), \
            int(m["compact"][-2:]), 0
        if len(m["compact"]) == 4:
            digits = "0" + digits  # "1030", "0930": the 24-hour clock, as typed
    else:
        digits, hour, minute, second = m["bare"], int(m["bare"]), 0, 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    plain = datetime.time(hour, minute, second)
    if digits.startswith("0") or not 1 <= hour <= 12:
        return _Token(typed, plain, None, False)  # "09:00", "13:30": as typed
    morning, afternoon = plain, plain.replace(hour=hour % 12 + 12)
    firm = len(digits) == 2 and m["bare"] is None  # "10:30", "12.00": as typed, in order
    if hour == 12:
        return _Token(typed, plain, plain.replace(hour=0), False, firm)
    if hour <= 6:
        return _Token(typed, afternoon, morning, True)
    return _Token(typed, morning, afternoon, False, firm)


def _tokens(text: str) -> list[_Token]:
    """Return the first two times in one text, in the order typed."""
    return [token for token, _ in _read_tokens(text)[1]]


def _read_tokens(text: str) -> tuple[str, list[tuple[_Token, tuple[int, int]]]]:
    """Return ``text`` folded, and its first two times with where each is in the folded text."""
    folded = _norm(text).translate(_DASHES)
    matches = list(_TOKEN.finditer(folded))
    # a lone hour ("2", "10-11") is a time only in a text that holds nothing but times
    only_times = _FILLER.fullmatch(_TOKEN.sub(" ", folded)) is not None
    found = [(t, m.span()) for m in matches
             if (m["bare"] is None or only_times) and (t := _token(m))]
    return folded, found[:2]


def time_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Return ``text`` folded as times are read from it, and where in it the times read are.

    What lies outside those spans is not read as a time (see
    :func:`docgen.values.typed.unread_in_times`): a third time, a note ("late start").
    """
    folded, found = _read_tokens(text)
    return folded, [span for _, span in found]


def _settle(token: _Token, before: TypedTime | None, after: _Token | None) -> TypedTime:
    """Decide am or pm for a time typed without it, from the time before or after it."""
    if token.other is None:
        return TypedTime(token.plain, token.typed, False)
    plain, other = token.plain, token.other
    if before is not None and token.firm:
        return TypedTime(plain, token.typed, False)
    if before is not None:  # a finish follows its start: "2pm-3.30", "9:00" then "1:00"
        if plain > before.time:
            return TypedTime(plain, token.typed, token.guess and other > before.time
                             or before.guessed)
        if other > before.time:
            return TypedTime(other, token.typed, before.guessed)
    elif after is not None and after.said:  # "10-11am", "2-3.30pm": shared am/pm
        earlier = [t for t in (plain, other) if t < after.plain]
        if earlier:
            return TypedTime(max(earlier), token.typed, False)
    return TypedTime(plain, token.typed, token.guess)


def read_typed_times(*texts: str) -> list[list[TypedTime]]:
    """Read the times typed in each text (a Start field, then a Finish field), at most two each.

    Ranges are read in any text ("10-11am", "10:00–11:30", "2 to 3.30pm"); am or pm typed on
    one end of a range applies to the other when it keeps them in order. A time typed without
    am/pm takes its half of the day from the time before it (a finish is after its start);
    failing that an hour from 1 to 6 is read as afternoon and marked ``guessed`` (say so to
    the user: :func:`guessed_note`). Times with a leading zero or past 12 ("09:00", "13:30")
    are as typed, as are times with a two-digit hour ("10:30", "12.00") unless am or pm typed
    at the end of their range says otherwise ("10:00-11:00pm"). A lone hour ("2") counts
    only in a text of nothing but times.
    """
    return [list(found) for found in _typed_times(texts)]


@functools.lru_cache(maxsize=4096)  # a log reads the same few times in many records
def _typed_times(texts: tuple[str, ...]) -> tuple[tuple[TypedTime, ...], ...]:
    tokens = [_tokens(text) if text else [] for text in texts]
    read: list[list[TypedTime]] = []
    for n, found in enumerate(tokens):
        here: list[TypedTime] = []
        for i, token in enumerate(found):
            # before: the time earlier in this text, else the first time of the text before
            before = here[-1] if here else next((r[0] for r in reversed(read) if r), None)
            after = found[i + 1] if i + 1 < len(found) else next(
                (t[0] for t in tokens[n + 1:] if t), None)
            here.append(_settle(token, before, after))
        read.append(here)
    return tuple(tuple(here) for here in read)


def guessed_note(found: list[TypedTime]) -> str:
    """Say which times typed without am/pm were read as afternoon, and how to say otherwise."""
    guessed = [t for t in found if t.guessed]
    if not guessed:
        return ""
    readings = " and ".join(f'"{t.typed}" as {format_time(t.time)}' for t in guessed)
    first = guessed[0].time
    twelve = f"{first.hour % 12 or 12}{f':{first.minute:02d}' if first.minute else ''}"
    return (f"read {readings}; type {format_time(first)} or {twelve}"
            f"{'pm' if first.hour >= 12 else 'am'} to say so")


def parse_typed_times(text: str) -> list[datetime.time]:
    """Return the times typed in ``text``: none, one, or two for a range such as "2pm-3pm"."""
    return [t.time for t in read_typed_times(text)[0]]
