"""Read what a record says of its programme: the numbers the log counts with, and its day.

docgen writes them into a contract's custom properties (``docgen.minimum_hours``,
``docgen.review_after``, ``docgen.session_hours``, ``docgen.coaching_paid``,
``docgen.generated``). Anyone can edit them in Word (File › Info › Properties), and a damaged
file may hold anything there, so each is checked for meaning as well as form: a finite number
in a sane range, a real day. A value that cannot be used is named (the property, the value,
what is used instead) and the programme's default used, so the rest of the record is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from docgen import schema
from docgen.errors import Problem
from docgen.models import RecordSettings
from docgen.values import format_date, format_hours, parse_number, parse_yes_no

__all__ = ["PROPERTIES", "reference_day", "settings_from"]

PROPERTIES = "document properties"  # where a problem with a property is, on the Problems sheet
_FIX = ("correct it in Word (File › Info › Properties › Advanced Properties › Custom) or "
        "generate the contract again")
# The days docgen may have made a record on: before 2000 or after 2099 is a damaged value.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class _Number(NamedTuple):
    """A programme number: its property, its attribute, its sane range, and its unit."""

    prop: str
    attr: str  # of RecordSettings
    low: float
    high: float
    whole: bool
    above_low: bool
    unit: str  # "hour": the default is shown as "1 hour", "5 hours"


# Ranges a real programme stays far inside: past them a value is a slip or damage, and
# counting with it would make every figure of the team wrong (an infinite minimum is never
# met; a session of 1,000 hours meets every minimum).
_NUMBERS = (
    _Number(schema.PROP_MINIMUM_HOURS, "minimum_hours", 0, schema.MOST_MINIMUM_HOURS, False,
            False, "hour"),
    _Number(schema.PROP_REVIEW_AFTER, "review_after", 1, schema.MOST_REVIEW_AFTER, True, False,
            "session"),
    _Number(schema.PROP_SESSION_HOURS, "session_hours", 0, 24, False, True, "hour"),
)


def _problem(source: str, prop: str, message: str) -> Problem:
    return Problem(message, file=source, sheet=PROPERTIES, column=prop)


def settings_from(props: Mapping[str, str], source: str, problems: list[Problem],
                  expected: bool = True) -> RecordSettings:
    """Return the programme numbers a record was generated with; the default where unusable.

    Each value that is not a number of its range (or yes/no), and each one missing when
    ``expected`` (the record carries docgen's properties), adds a problem to ``problems``
    naming the property, the value and the default used instead.
    """
    base = RecordSettings()
    values: dict[str, object] = {}
    for number in _NUMBERS:
        default = getattr(base, number.attr)
        plural = "" if default == 1 else "s"
        instead = (f"the programme default, {format_hours(default)} {number.unit}{plural}, "
                   f"is used instead; {_FIX}")
        text = props.get(number.prop, "")
        try:
            if not text.strip():
                if expected:
                    problems.append(_problem(source, number.prop, f"is missing: {instead}"))
                continue
            value = parse_number(text, number.low, number.high, whole=number.whole,
                                 above_low=number.above_low)
        except ValueError as exc:
            problems.append(_problem(source, number.prop, f"{exc}: {instead}"))
            continue
        values[number.attr] = int(value) if number.whole else value
    paid = props.get(schema.PROP_COACHING_PAID, "")
    instead = (f"the hours are counted as {'paid' if base.coaching_paid else 'pro bono'}, "
               f"the programme default; {_FIX}")
    try:
        if paid.strip():
            values["coaching_paid"] = parse_yes_no(paid)
        elif expected:
            problems.append(_problem(source, schema.PROP_COACHING_PAID,
                                     f"is missing: {instead}"))
    except ValueError as exc:
        problems.append(_problem(source, schema.PROP_COACHING_PAID, f"{exc}: {instead}"))
    # ``docgen.course_months``, the course the log's pace runs over: records made before
    # docgen wrote it do not say, which is no problem (the log notes the default it uses)
    months = props.get(schema.PROP_COURSE_MONTHS, "")
    if months.strip():
        try:
            values["course_months"] = int(parse_number(months, 1, schema.MOST_COURSE_MONTHS,
                                                       whole=True))
        except ValueError as exc:
            problems.append(_problem(source, schema.PROP_COURSE_MONTHS, (
                f"{exc}: the team's pace is counted over the programme default of "
                f"{schema.PROGRAMME_DEFAULTS['course_months']} months instead; {_FIX}")))
    return RecordSettings(**values)  # type: ignore[arg-type]


def _saved_day(path: Path) -> dt.date:
    """Return the day the file was last saved, else today."""
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return dt.date.today()


def reference_day(path: Path, generated: str, source: str,
                  problems: list[Problem]) -> tuple[dt.date, bool]:
    """Return the day year-less dates are read against, and whether sessions follow it.

    That is the day docgen generated the record (``generated``, ISO text) when it is a real
    day from 2000 to 2099, else the day the file was last saved (sessions then come before
    it). A ``generated`` that is not such a day adds a problem saying so; none at all is no
    problem (a contract rendered through the Python API without ``docgen generate``).
    """
    text = generated.strip()
    if _ISO_DAY.match(text):
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
        else:
            if FIRST_DAY <= day <= LAST_DAY:
                return day, True
    saved = _saved_day(path)
    if text:
        shown = text if len(text) <= 40 else text[:39] + "…"
        problems.append(_problem(source, schema.PROP_GENERATED, (
            f'"{shown}" is not a day from {FIRST_DAY.year} to {LAST_DAY.year} (e.g. '
            "2026-03-01T09:00:00): dates typed without a year are read against the day the "
            f"file was last saved, {format_date(saved)}, instead; {_FIX}")))
    return saved, False
