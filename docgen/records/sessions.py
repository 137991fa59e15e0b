"""Turn what was typed in one Record of Coaching form or COACHING RECORD row into a session.

A form is a dict of field name to typed text (see :class:`docgen.records.forms.FormFinder`); a
table row is the same dict with the table's four columns. Either becomes a
:class:`~docgen.models.RecordedSession` by going through ``schema.RECORD_FIELDS``: each field
with a ``recorded`` attribute is parsed by its kind and sets that attribute, so a field added
to the schema is read back with no change here.

Rules for what a session counts (a manager's reading of the forms):

- Hours come from the start and finish times; a range typed in Start ("14:00-15:00") gives the
  finish too.
- A cancelled or rescheduled contact counts 0 hours (the session did not take place then).
  The comments say so, or a topic that starts with the word ("Cancelled – staff sick").
- The mode is the one typed, else Email when the date, times or comments speak of e-mail.
- An e-mail contact counts hours only if times were given; otherwise 0 hours: an exchange of
  e-mails is a contact, not an hour of coaching.
- Any other session without usable times (a table row only, or a form whose times are blank or
  unreadable) is assumed to have lasted the programme's session duration, and says so
  (``hours_assumed``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from docgen import schema
from docgen.errors import Problem
from docgen.models import RecordedSession, RecordSettings
from docgen.records.programme import FIRST_DAY, LAST_DAY
from docgen.schema import FormField, Kind, Mode, Origin, Status
from docgen.values import (
    format_time,
    hours_between,
    mentions_email,
    parse_time,
    parse_typed_date,
    parse_typed_times,
)

__all__ = ["SessionContext", "build_session", "form_sessions", "row_sessions"]

# The COACHING RECORD table's columns, in order: the form field each one is read as.
TABLE_FIELDS = ("coach", "date", "topic", "comments")
# The table's comments: a session value that no form field holds (unless the schema adds one).
_COMMENTS = FormField("comments", "Comments:", "", "", recorded="comments")
# Where e-mail words make a contact an e-mail one: by RecordedSession attribute.
_EMAIL_IN = ("date", "start", "finish", "comments")
# What build_session sets itself, not from one field.
_SET_HERE = frozenset({"source", "team_id", "team_name", "hours", "hours_assumed", "status",
                       "origin", "where"})
_CANCELLED = re.compile(r"cancel", re.IGNORECASE)
_TOPIC_CANCELLED = re.compile(r"\W*cancel", re.IGNORECASE)
_TOPIC_RESCHEDULED = re.compile(r"\W*re-?schedul", re.IGNORECASE)
_RESCHEDULED = re.compile(r"re-?schedul|re-?arrang|postpon|moved\s+to", re.IGNORECASE)


@dataclass
class SessionContext:
    """What every session of one record shares: its team, settings, day and problems."""

    source: str
    team_id: str
    team_name: str
    settings: RecordSettings
    reference: dt.date  # for dates typed without a year
    after: bool  # True when sessions follow the reference (the day of generation)
    problems: list[Problem]

    def problem(self, message: str, where: str, column: str | None = None) -> None:
        """Note a problem found in this record at ``where`` (a form or a row)."""
        self.problems.append(Problem(message, file=self.source, sheet=where, column=column))


# --- the fields, from the schema ---------------------------------------------------------------


class _Step(NamedTuple):
    """How one field is read into a session."""

    field: FormField
    read: Callable[[_Reading, FormField, str], object] | None  # None: the text as typed
    blank: object  # the value of a blank field, unless ``read_blank``
    read_blank: bool  # read even when blank: a session without a date is a problem


@dataclass(frozen=True)
class _Plan:
    """How sessions are read, derived once from one ``schema.RECORD_FIELDS`` tuple."""

    source: tuple[FormField, ...]
    fields: tuple[FormField, ...]  # those read into a session, the table's comments last
    steps: tuple[_Step, ...]  # one for each of ``fields``
    substance: tuple[str, ...]  # fields that make a form a session when one is typed
    columns: dict[Origin, dict[str, str]]  # field name -> the column a problem names
    time_examples: dict[str, str]  # TIME field name -> examples given in a problem


def _time_example(field: FormField) -> str:
    """Return examples of a time for a problem, from the field's placeholder ("e.g. 14:00")."""
    try:
        t = parse_time(field.placeholder.removeprefix("e.g.").strip())
    except ValueError:
        t = dt.time(14)
    twelve = f"{t.hour % 12 or 12}{f':{t.minute:02d}' if t.minute else ''}"
    return f"e.g. {format_time(t)} or {twelve}{'pm' if t.hour >= 12 else 'am'}"


def _make_plan(source: tuple[FormField, ...]) -> _Plan:
    fields = tuple(f for f in source if f.recorded)
    if not any(f.recorded == _COMMENTS.recorded for f in fields):
        fields += (_COMMENTS,)
    known = {f.name for f in dataclasses.fields(RecordedSession)} - _SET_HERE
    if wrong := [f.name for f in fields if f.recorded not in known]:
        raise TypeError(f"schema.RECORD_FIELDS {wrong} are not recorded into an attribute of "
                        "RecordedSession that a typed value may set")
    form_columns = {f.name: f.label.rstrip(": ") for f in fields}
    table_columns = form_columns | dict(zip(TABLE_FIELDS, schema.COACHING_RECORD_HEADER,
                                            strict=True))
    return _Plan(
        source=source,
        fields=fields,
        steps=tuple(
            _Step(f, _READERS.get(f.kind), "" if f.kind not in _NO_VALUE else None,
                  f.kind == Kind.DATE and f.recorded == "date")  # a session's date is noted
            for f in fields),
        # what happened in a session: not the people (often typed ahead on a blank form),
        # the mode, nor the date of the next meeting
        substance=tuple(f.name for f in fields if f is not _COMMENTS
                        and f.kind in (Kind.DATE, Kind.TIME, Kind.TEXT)
                        and f.recorded != "next_meeting"),
        columns={Origin.FORM: form_columns, Origin.TABLE: table_columns},
        time_examples={f.name: _time_example(f) for f in fields if f.kind == Kind.TIME},
    )


_made: list[_Plan] = []


def _plan() -> _Plan:
    """Return the plan for the current ``schema.RECORD_FIELDS`` (remade if it was replaced)."""
    source = schema.RECORD_FIELDS
    if not _made or _made[0].source is not source:
        _made[:] = [_make_plan(source)]
    return _made[0]


# --- values, by kind ---------------------------------------------------------------------------


def _mode(text: str) -> Mode | None:
    """Return the mode a typed word names ("phone", "F2F", "Face-to-face"), else None."""
    folded = " ".join(text.casefold().split()).strip(" .")
    return schema.MODE_WORDS.get(folded) or schema.MODE_WORDS.get(folded.replace("-", " "))


def _status(comments: str, topic: str) -> Status:
    """Return what became of a session from its comments, or from a topic's first word.

    A topic counts only when it starts with the word ("Cancelled – staff sick"): a topic such
    as "Moved to the new ward" is what was discussed, not what became of the session.
    """
    if _CANCELLED.search(comments) or _TOPIC_CANCELLED.match(topic):
        return Status.CANCELLED
    if _RESCHEDULED.search(comments) or _TOPIC_RESCHEDULED.match(topic):
        return Status.RESCHEDULED
    return Status.HELD


class _Reading:
    """One session being read: its values by attribute, and where problems are noted."""

    def __init__(self, ctx: SessionContext, plan: _Plan, origin: Origin, where: str) -> None:
        self.ctx, self.plan, self.origin, self.where = ctx, plan, origin, where
        self.values: dict[str, object] = {}
        self.times: dict[str, list[dt.time]] = {}  # every time typed, by attribute

    def problem(self, message: str, field: FormField) -> None:
        self.ctx.problem(message, self.where, self.plan.columns[self.origin][field.name])


def _read_date(reading: _Reading, field: FormField, text: str) -> object:
    ctx = reading.ctx
    date, error = parse_typed_date(text, ctx.reference, ctx.after)
    if date is not None and not FIRST_DAY <= date <= LAST_DAY:
        # a slip ("3/4/1926", "0001-04-03"), and a date Excel cannot show before 1900
        date, error = None, (f'"{text}" is not a date from {FIRST_DAY.year} to '
                             f"{LAST_DAY.year}")
    if field.recorded != "date":  # another date (the next meeting): only a wrong one is noted
        if error:
            reading.problem(f"{error}: left blank", field)
    elif error:
        reading.problem(f"{error}: the session is listed without a date", field)
    elif date is None:
        reading.problem("has no date: the session is listed without one", field)
    return date


def _read_times(reading: _Reading, field: FormField, text: str) -> object:
    times = parse_typed_times(text)
    if text and not times:
        example = reading.plan.time_examples[field.name]
        reading.problem(f'"{text}" is not a time ({example})', field)
    reading.times[field.recorded] = times
    return times[0] if times else None


def _read_mode(reading: _Reading, field: FormField, text: str) -> object:
    mode = _mode(text) if text else None
    if text and mode is None:
        reading.problem(f'"{text}" is not a mode ({", ".join(schema.MODES)}): the mode is '
                        "left blank", field)
    return mode or ""


_READERS: dict[Kind, Callable[[_Reading, FormField, str], object]] = {
    Kind.DATE: _read_date,
    Kind.TIME: _read_times,
    Kind.MODE: _read_mode,
}  # NAMES, TEXT and any other kind: the text as typed
_NO_VALUE = (Kind.DATE, Kind.TIME)  # kinds whose blank is None, not ""


# --- sessions ----------------------------------------------------------------------------------


def _hours(reading: _Reading, status: Status, email: bool) -> tuple[float, bool]:
    """Return a session's hours and whether they were assumed (see the module's rules)."""
    values = reading.values
    start, finish = values.get("start"), values.get("finish")
    if status != Status.HELD:
        return 0.0, False
    if isinstance(start, dt.time) and isinstance(finish, dt.time):
        try:
            return hours_between(start, finish), False
        except ValueError as exc:
            at = next(f for f in reading.plan.fields if f.recorded == "finish")
            reading.problem(f"{exc}: the session length is assumed", at)
    if email:
        return 0.0, False
    return reading.ctx.settings.session_hours, True


def build_session(ctx: SessionContext, texts: Mapping[str, str], origin: Origin,
                  where: str) -> RecordedSession:
    """Build one session from the texts of a form or a table row, noting what did not parse.

    ``texts`` maps field names (``schema.RECORD_FIELDS``, and "comments" for a table row) to
    what was typed; a missing field is blank.
    """
    plan = _plan()
    reading = _Reading(ctx, plan, origin, where)
    typed: dict[str, str] = {}  # by attribute
    values = reading.values
    for field, read, blank, read_blank in plan.steps:
        text = typed[field.recorded] = texts.get(field.name, "")
        if read is None:
            values[field.recorded] = text
        elif text or read_blank:
            values[field.recorded] = read(reading, field, text)
        else:
            values[field.recorded] = blank
    start_times = reading.times.get("start", ())
    if values.get("finish") is None and len(start_times) == 2 and "finish" in typed:
        values["finish"] = start_times[1]  # "14:00-15:00" typed in the start box
    email = any(mentions_email(typed.get(attr, "")) for attr in _EMAIL_IN)
    values["mode"] = values.get("mode") or (Mode.EMAIL if email else "")
    status = _status(typed["comments"], typed.get("topic", ""))
    hours, assumed = _hours(reading, status, values["mode"] == Mode.EMAIL)
    return RecordedSession(
        **values,  # type: ignore[arg-type]  # by the schema: checked in _make_plan
        source=ctx.source, team_id=ctx.team_id, team_name=ctx.team_name, hours=hours,
        hours_assumed=assumed, status=status, origin=origin, where=where,
    )


def form_sessions(ctx: SessionContext, forms: Iterable[Mapping[str, str]]
                  ) -> list[RecordedSession]:
    """Return the sessions of the Record of Coaching forms, skipping blank forms."""
    substance = _plan().substance
    return [
        build_session(ctx, form, Origin.FORM, f"Record of Coaching form {n}")
        for n, form in enumerate(forms, start=1)
        # a blank form, maybe with the coach's and team's names typed ahead, is no session
        if any(form.get(name) for name in substance)
    ]


def row_sessions(ctx: SessionContext, rows: Iterable[tuple[int, list[str]]]
                 ) -> list[RecordedSession]:
    """Return the sessions of the COACHING RECORD rows, given as (row number, cell texts)."""
    return [
        build_session(ctx, dict(zip(TABLE_FIELDS, cells, strict=False)), Origin.TABLE,
                      f"COACHING RECORD row {number}")
        for number, cells in rows
    ]
