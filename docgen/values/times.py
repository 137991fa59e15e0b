"""Parse times of day from cells (Excel times, "14:00", "2pm", "1430") and format them."""

from __future__ import annotations

import datetime
import math
import re

from docgen.values.text import _norm, _shown

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
