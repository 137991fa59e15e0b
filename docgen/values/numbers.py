"""Parse whole numbers, yes/no answers and durations from cells; format hours, and numbers as a
spreadsheet holds and shows them."""

from __future__ import annotations

import datetime
import math
import re
from typing import TYPE_CHECKING

from docgen.values.text import _is_number, _norm, _shown

if TYPE_CHECKING:
    from decimal import Decimal

# A number standing on its own: not part of "1.2.3" or ".5"; a sign only at a word start.
_NUMBER = re.compile(r"(?<![\d.])(?:(?<![a-z\d])[-+])?\d+(?:\.\d+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,(?:\d{1,2}|\d{4,})", re.ASCII)  # "1,5"; not "1,000"


def parse_int(value: object) -> int:
    """Read a whole number from a cell: 4, 4.0, "4", "4.0", or text with one number ("4 weeks")."""
    error = f"{_shown(value)} is not a whole number"
    if isinstance(value, bool):
        raise ValueError(error)
    if isinstance(value, int):
        return int(value)  # a plain int, whatever kind of int the cell gave
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


def parse_number(value: object, low: float, high: float, *, whole: bool = False,
                 above_low: bool = False) -> float:
    """Read a finite number from ``low`` to ``high``: 1.5, "1.5", or "1,5" (a decimal comma).

    ``whole`` refuses fractions; ``above_low`` refuses ``low`` itself. Raises ``ValueError``
    quoting the value and the range for anything else: text, NaN, infinity, a number too
    large to hold, a number out of range, or "1,000" (a thousands comma or a decimal one?).
    """
    span = f"above {low:g} and at most {high:g}" if above_low else f"from {low:g} to {high:g}"
    shown = _shown(value) if not isinstance(value, int) or value.bit_length() < 1000 else "a number"
    error = f"{shown} is not a {'whole ' if whole else ''}number {span}"
    if isinstance(value, bool):
        raise ValueError(error)
    try:
        if _is_number(value):
            number = float(value)  # type: ignore[arg-type]
        else:
            text = _norm(value)
            if _DECIMAL_COMMA.fullmatch(text):
                text = text.replace(",", ".")
            number = float(text)
    except OverflowError:  # an int past any float
        number = math.inf
    except ValueError:
        raise ValueError(error) from None
    if (not math.isfinite(number) or not low <= number <= high
            or (above_low and number == low) or (whole and not number.is_integer())):
        raise ValueError(error)
    return number


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


# Fractions as typed ("1½ hours": Word's AutoFormat makes ½ of 1/2) and lengths in words.
_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75"}
_WORDS = {"half an hour": "0.5 hours", "a half hour": "0.5 hours", "an hour": "1 hour",
          "one hour": "1 hour", "an hour and a half": "1.5 hours",
          "one and a half hours": "1.5 hours", "two hours": "2 hours"}


def _duration_from_text(text: str) -> float | None:
    """Read hours from folded text such as "1.5 hours", "90 mins" or "1h30"; None if not."""
    text = _WORDS.get(text, text)
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
        text = str(value)
        for fraction, decimal in _FRACTIONS.items():  # before NFKC makes ½ "1⁄2"
            text = re.sub(rf"(\d?)\s*{fraction}", lambda m, d=decimal: (m[1] or "0") + d, text)
        hours = _duration_from_text(_norm(text))
    if hours is None or not math.isfinite(hours) or hours <= 0:
        raise ValueError(f"{_shown(value)} is not a length of time (e.g. 1 hour or 90 minutes)")
    return hours


MAX_SESSION_HOURS = 24.0  # a session within a day (as a record's property is read back)
_BARE_HOURS = 8.0  # a number without a unit above this is minutes meant, not hours
_BARE_NUMBER = re.compile(r"\s*\d+(?:[.,]\d+)?\s*")


def parse_session_hours(value: object) -> float:
    """Read the length of a coaching session in hours (see :func:`parse_duration_hours`).

    A number without a unit is hours ("1.5"), unless no session is that long: "90" is not
    90 hours but, most likely, 90 minutes, and read as typed it would credit every session
    without times with 90 hours. Such a number, and any length over a day, is refused with
    the way out.
    """
    hours = parse_duration_hours(value)
    bare = isinstance(value, (int, float)) or (
        isinstance(value, str) and _BARE_NUMBER.fullmatch(value) is not None)
    if bare and hours > _BARE_HOURS:
        raise ValueError(f"{_shown(value)} has no unit, so it reads as {format_hours(hours)} "
                         f'hours a session: if it is minutes, type "{_shown(value)[1:-1]} '
                         'minutes"; else type the hours with "hours" (e.g. 1.5 hours)')
    if hours > MAX_SESSION_HOURS:
        raise ValueError(f"{_shown(value)} is {format_hours(hours)} hours, longer than a day: "
                         "type the length of one session (e.g. 1 hour or 90 minutes)")
    return hours


def format_hours(h: float) -> str:
    """Format hours with at most 2 decimals and no trailing zeros: "1", "1.5", "0.75"."""
    text = f"{h:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# A spreadsheet keeps 15 significant digits of a number (Excel replaces any typed after the
# 15th with 0; LibreOffice does the same); the double it stores may hold a few more, which
# nobody typed (=0.1+0.2 is stored as 0.30000000000000004). Excel's General format then shows
# a number in at most 11 characters (and its sign): rounded to fit, or in scientific notation
# when its whole part has more than 11 digits or it is below 0.0001 (4.47712E+11, 1E-05).
EXCEL_DIGITS = 15
GENERAL_WIDTH = 11
_PLAIN_INT = 10 ** GENERAL_WIDTH  # a whole number below this is shown as its digits


def _excel(value: float) -> Decimal:
    from decimal import Decimal  # only for a number that is not a small whole one: ~2.5 ms

    return Decimal(f"{value:.{EXCEL_DIGITS}g}")


def _plain(number: Decimal) -> str:
    if number and not -10 <= number.adjusted() <= 20:  # as Excel's formula bar: 1E+100
        mantissa, _, power = f"{number:.{EXCEL_DIGITS - 1}E}".partition("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{int(power):+03d}"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0") else text


def typed_number(value: int | float) -> str:
    """Return a number as a spreadsheet holds it, written out in full: its 15 significant
    digits, without an exponent from 1E-10 to 1E+20 (0.30000000000000004 as 0.3,
    1.23456789012346E+18 as 1234567890123460000), as Excel's formula bar shows it."""
    if type(value) is int and -_PLAIN_INT < value < _PLAIN_INT:
        return str(value)  # most numbers of a cohort
    if not math.isfinite(value):
        return str(value)
    return _plain(_excel(value))


def general_number(value: int | float) -> str:
    """Return a number as Excel's General format shows it: in at most 11 characters (and a
    sign), rounded to fit (1/3 as 0.333333333), or in scientific notation with 6 significant
    digits where its whole part has more than 11 digits or it is below 0.0001
    (447712345678 as 4.47712E+11, 1E+15, 1E-05)."""
    if type(value) is int and -_PLAIN_INT < value < _PLAIN_INT:
        return str(value)
    if not math.isfinite(value):
        return str(value)
    from decimal import ROUND_HALF_UP, Decimal

    number = _excel(value)
    if not number:
        return "0"
    size = abs(number)
    sign = "-" if number < 0 else ""
    exponent = size.adjusted()  # the power of ten of its first digit
    if -5 < exponent < GENERAL_WIDTH:
        places = GENERAL_WIDTH - 1 - max(exponent + 1, 1)  # what the point and whole part leave
        text = _plain(size.quantize(Decimal(1).scaleb(-max(places, 0)), ROUND_HALF_UP))
        if len(text.partition(".")[0]) <= GENERAL_WIDTH and text != "0":
            return sign + text
    mantissa = size.scaleb(-exponent).quantize(Decimal("1.00000"), ROUND_HALF_UP)
    if mantissa >= 10:  # 9.999995 rounds to 10.00000
        mantissa, exponent = mantissa.scaleb(-1), exponent + 1
    return f"{sign}{_plain(mantissa)}E{exponent:+03d}"


def lost_digits(value: int | float) -> int:
    """Return how many digits a whole number has beyond the 15 a spreadsheet keeps (each read
    as 0 whatever was typed); 0 for any other number."""
    if isinstance(value, bool) or not math.isfinite(value) or abs(value) < 10 ** EXCEL_DIGITS:
        return 0
    if type(value) is float and not value.is_integer():
        return 0
    return _excel(value).adjusted() + 1 - EXCEL_DIGITS
