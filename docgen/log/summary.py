"""Turn the sessions read from records into the coaching log's rows: per session, team, coach.

Pure: no files, no clock (``today`` is given), so every figure can be tested exactly.

How the figures are counted (what a manager reads on the Teams sheet):

- A session recorded both as a Record of Coaching form and as a COACHING RECORD row of the same
  team on the same date is one session: the form's values win, blanks are filled from the row,
  and a cancellation noted in the row stands.
- A record is a document, not a path: files of one document (the same ``docgen.document_id``;
  for files without one, the same kind, cohort and team) are copies or versions of it. Each
  session is taken once, from the newest version (the document's last-saved time, then the
  file's); sessions are matched between versions by date (and start time when a date has
  several); every value that differs is named, and a session only an older version holds is
  kept and named (co-coaches each add their own sessions to their own copy). Teams of two
  cohorts are never merged, even when their Team IDs are alike.
- *Held* sessions are the ones not cancelled or rescheduled and not dated after ``today``
  (those are *planned*: listed, not counted). E-mail contacts are counted apart, as
  "Email contacts"; their hours count only when times were given (see :mod:`docgen.records`).
- Hours are the held sessions' hours, assumed durations included (the Sessions sheet says which).
- Review is due once the held sessions reach the programme's "review after" number.
- Pace: the hours expected by ``today`` are the minimum × the share of the course elapsed,
  counted from the team's first held session (else its first session planned on the cohort's
  Teams or Sessions sheet, else the programme's start: the earliest first session planned)
  over the course months (the Programme sheet's, given as the frame; else the default). A
  team is *behind pace* when it is a whole session (the programme's session length) or more
  short of that; *not started* with no session held; *minimum met* at the minimum.
- A next meeting is *overdue* when the next meeting the latest held session names has passed
  and no session (held, cancelled or rescheduled) is recorded on or after it.
- With a frame (the cohort: :class:`docgen.models.Frame`) every team and mentoring pair issued
  is shown, those whose record did not come back as such, and a record of a team or pair the
  cohort does not have is named on the Problems sheet. Without one, the log can show only the
  teams whose records it read, and says so (``LogData.notes``).
- The ICF log has one row per team and coach. Its *contact* is the team's Contact email on
  the cohort's Teams sheet (given as the frame), else the team members named in the forms
  (ICF asks for the client's contact; the team is the client and its members are the people
  coached); its group size is the number of those members. Programme coaching counts as
  paid hours unless the record says the cohort's coaching is not paid.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, overload

from docgen import schema
from docgen.errors import Problem
from docgen.filed import Head, heads_of
from docgen.log.columns import (
    MAX_CELL_TEXT,
    ROW_LINES,
    SESSIONS,
    WRAP_WIDTH,
    excel_length,
    wrapped_lines,
)
from docgen.log.spilled import Parcels, Spilled
from docgen.models import (
    DEFAULT_COURSE_MONTHS,
    CoachRow,
    ExpectedTeam,
    Frame,
    IcfRow,
    LogData,
    MentoringRow,
    Record,
    RecordedSession,
    RecordSettings,
    SessionRow,
    Shared,
    SignatureRow,
    TeamRow,
    TeamStatus,
)
from docgen.schema import Mode, Origin, Said, Status
from docgen.values import (
    format_date_short,
    format_hours,
    format_time,
    parse_names,
    person_key,
    team_key,
)

if TYPE_CHECKING:
    from docgen.log.issued import Issued

__all__ = ["summarise"]

NOT_RECORDED = "(coach not recorded)"
_NOT_HELD = (Status.CANCELLED, Status.RESCHEDULED)  # counted as "Sessions cancelled"
_RECORDED = (Status.HELD, *_NOT_HELD)  # what a coach recorded of a session (not planned)
_MONTH_DAYS = 365.25 / 12
NO_FRAME = ("Teams whose record has not come back cannot be shown: the log knows only the "
            "records it read. Give the cohort workbook with --cohort to list every team and "
            "mentoring pair, and to mark those with no record.")


@dataclass(slots=True)  # one for each team, held while the log is summarised
class _Team:
    key: str
    records: list[Record]  # once summarised, only the one that names it (see _summarised)
    sessions: list[_Merged]  # once summarised, only those held
    cohort: str = ""
    expected: ExpectedTeam | None = None  # the team as the cohort given with --cohort has it
    at: list[int] = field(default_factory=list)  # its records' places among those read
    row: TeamRow | None = None  # its Teams row, made as it is summarised

    @property
    def main(self) -> Record:
        """Return the record that names the team best: one identified by its properties."""
        return next((r for r in self.records if r.identified_by == "properties"),
                    self.records[0])

    @property
    def name(self) -> str:
        """The team's name: the cohort's (its word is the latest), else its record's."""
        return (self.expected and self.expected.team_name) or self.main.team_name

    @property
    def organisation(self) -> str:
        return (self.expected and self.expected.organisation) or self.main.organisation

    @property
    def coaches(self) -> list[str]:
        """The team's coaches: the cohort's, then those its record names (who coached it)."""
        return _unique([*(self.expected.coaches if self.expected else ()), *self.main.coaches])


@dataclass(slots=True)  # one for each session, held while the log is summarised
class _Merged:
    session: RecordedSession
    sources: list[str]  # deleted once its row shows them: ~4 MiB at 10,000 records
    wheres: list[str]
    status: str  # a Status: the session's own, or planned


def _same_form(a: RecordedSession, b: RecordedSession) -> bool:
    return (a.start, a.finish, a.topic.casefold(), person_key(a.coach)) == (
        b.start, b.finish, b.topic.casefold(), person_key(b.coach))


def _same_row(a: RecordedSession, b: RecordedSession) -> bool:
    return (a.topic.casefold(), a.comments.casefold(), person_key(a.coach), a.mode) == (
        b.topic.casefold(), b.comments.casefold(), person_key(b.coach), b.mode)


def _combine(form: RecordedSession, row: RecordedSession, settings: RecordSettings
             ) -> RecordedSession:
    """Return one session from a form and the table row of the same date (form first)."""
    status, said = form.status, form.said
    if status in (Status.HELD, Status.UNCONFIRMED) and row.status != Status.UNCONFIRMED:
        # a cancellation noted in the row stands, unless docgen pre-filled the row and the
        # coach's form says Yes; an edited row confirms an untouched form
        if not (row.said == Said.NOTHING and said == Said.HELD_FIELD):
            status, said = row.status, row.said
    elif status == Status.CANCELLED and said == Said.HELD_FIELD and (
            row.status == Status.RESCHEDULED):
        status, said = row.status, row.said  # "No", and the row says it moved: rescheduled
    mode = form.mode or row.mode
    timed = form.start is not None and form.finish is not None and not form.hours_assumed
    if status != Status.HELD:
        hours, assumed = 0.0, False
    elif timed:
        hours, assumed = form.hours, False
    elif mode == Mode.EMAIL:
        hours, assumed = 0.0, False
    else:
        hours, assumed = settings.session_hours, True
    return replace(
        form,
        coach=form.coach or row.coach,
        topic=form.topic or row.topic,
        comments=form.comments or row.comments,
        mode=mode,
        status=status,
        said=said,
        hours=hours,
        hours_assumed=assumed,
    )


# What a form and a table row of one session may both say: the form's is logged.
_BOTH = (("topic", "Topic"), ("comments", "Comments"), ("coach", "Coach"), ("mode", "Mode"))


def _disagreements(form: RecordedSession, row: RecordedSession) -> list[Problem]:
    """Name each value a form and the table row of its date both give, differently: the
    form's is logged, so the row's would otherwise be lost without a word."""
    out = []
    for attr, label in _BOTH:
        a, b = getattr(form, attr), getattr(row, attr)
        if not a or not b:
            continue
        fold = person_key if attr == "coach" else (lambda v: " ".join(str(v).split()).casefold())
        if fold(a) != fold(b):
            out.append(Problem(
                f"the {label} of {form.date:%d/%m/%Y} is {_shown(a)} in {form.where} but "
                f"{_shown(b)} in {row.where}: the form's is logged; if the row's is right "
                "(or both are), put it in the form", file=row.source, sheet=row.where))
    return out


_GONE = (Status.CANCELLED, Status.RESCHEDULED)


def _status_disagreement(form: RecordedSession, row: RecordedSession,
                         counted: Status) -> Problem | None:
    """Name a form and the table row of its date that disagree on whether the session took
    place (one held, the other cancelled or rescheduled), with what is counted: otherwise a
    coach's Yes, or the hours typed in a form, would be lost to the row without a word."""
    held = {s.status == Status.HELD for s in (form, row)}
    if form.status == Status.UNCONFIRMED or row.status == Status.UNCONFIRMED or len(held) < 2:
        return None
    if row.status == Status.HELD and row.said == Said.NOTHING:
        return None  # a row that says nothing of the status (held as nothing says otherwise)
    way = ("type No in the form's Held field if it did not take place, or correct the row"
           if counted == Status.HELD else
           "type Yes in the form's Held field and correct the row if it took place")
    return Problem(
        f"{form.where} and {row.where} disagree on whether the session of "
        f"{form.date:%d/%m/%Y} took place: the form says {_says(form)}, the row says "
        f"{_says(row)}; counted as {counted}: {way}", file=form.source, sheet=form.where)


def _says(s: RecordedSession) -> str:
    """Return what a form or a row says of its session's status, as the coach sees it."""
    if s.said == Said.HELD_FIELD:
        return f'{"Yes" if s.status == Status.HELD else "No"} in its Held field'
    text = s.comments if s.said == Said.COMMENTS else s.topic
    if s.said in (Said.COMMENTS, Said.TOPIC):
        return f"{s.status} in its {s.said} ({_shown(text)})"
    if s.status == Status.HELD:
        return "held (it has times or notes, and no Held answer)" if s.origin == Origin.FORM \
            else "held"
    return f"{s.status}, as docgen pre-filled it from the cohort ({_shown(s.comments)})"


def _dedupe(items: list[RecordedSession],
            same: Callable[[RecordedSession, RecordedSession], bool],
            problems: Spilled[Problem]) -> list[_Merged]:
    """Drop copies of one session found in a second file of the same team."""
    kept: list[_Merged] = []
    for s in items:
        twin = next((m for m in kept if s.source not in m.sources and same(m.session, s)), None)
        if twin is None:
            kept.append(_Merged(s, [s.source], [s.where], s.status))
            continue
        twin.sources.append(s.source)
        twin.wheres.append(s.where)
        problems.append(Problem(
            f"repeats a session of team {s.team_id} on {s.date:%d/%m/%Y} already read from "
            f"{twin.sources[0]}: counted once", file=s.source, sheet=s.where))
    return kept


def _merge(sessions: list[RecordedSession], settings: RecordSettings,
           problems: Spilled[Problem]) -> list[_Merged]:
    """Merge a team's forms and table rows of the same date into one session each."""
    by_date: dict[dt.date | None, list[RecordedSession]] = {}
    for s in sessions:
        by_date.setdefault(s.date, []).append(s)
    out: list[_Merged] = []
    lone_forms: list[RecordedSession] = []
    lone_rows: list[RecordedSession] = []
    for date, group in by_date.items():
        if date is None:
            out += [_Merged(s, [s.source], [s.where], s.status) for s in group]
            continue
        forms = _dedupe([s for s in group if s.origin == Origin.FORM], _same_form, problems)
        rows = _dedupe([s for s in group if s.origin != Origin.FORM], _same_row, problems)
        lone_forms += [m.session for m in forms[len(rows):]]
        lone_rows += [m.session for m in rows[len(forms):]]
        for form, row in zip(forms, rows, strict=False):
            problems += _disagreements(form.session, row.session)
            both = _combine(form.session, row.session, settings)
            if said := _status_disagreement(form.session, row.session, both.status):
                problems.append(said)
            form.session = both
            form.status = form.session.status
            form.sources += [x for x in row.sources if x not in form.sources]
            form.wheres += row.wheres
        out += forms + rows[len(forms):]
    if lone_forms and lone_rows:
        problems += _dated_apart(lone_forms, lone_rows)
    return out


def _dated_apart(forms: list[RecordedSession], rows: list[RecordedSession]) -> list[Problem]:
    """Name a form and a table row of one record, each without a partner of its date, that
    give the same topic and both count as held: one session typed with two dates (a date
    corrected in one place only) would otherwise count twice without a word."""
    found = []
    taken: set[int] = set()
    for row in rows:
        topic = _fold(row.topic)
        if not topic or row.status != Status.HELD:
            continue
        form = next((f for f in forms if id(f) not in taken and f.status == Status.HELD
                     and _fold(f.topic) == topic), None)
        if form is None:
            continue
        taken.add(id(form))
        found.append(Problem(
            f"has the topic {_shown(row.topic)} of {form.where}, but the date "
            f"{row.date:%d/%m/%Y} where the form has {form.date:%d/%m/%Y}: both are counted "
            f"as sessions held; if they are one session, correct the date in the form or in "
            "the row, so that both give the day it took place; if they are two, nothing is "
            "wrong", file=row.source, sheet=row.where, column=schema.COACHING_RECORD_HEADER[1]))
    return found


# --- records that are one document: copies and versions -----------------------------------------

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
# The values compared between versions of one session, by the name the form prints.
_COMPARED = (*((f.recorded, f.label.rstrip(": ")) for f in schema.RECORD_FIELDS
               if f.recorded and f.recorded != "date"),
             ("status", "Status"), ("comments", "Comments"))


def _newest_first(records: list[Record]) -> list[Record]:
    """Return versions of one document newest first: last saved, then the file's time.

    Versions saved at the same moment keep the order they were read in (path order).
    """
    return sorted(records, key=lambda r: (r.saved or r.modified or _EARLIEST,
                                          r.modified or _EARLIEST), reverse=True)


def _documents(records: list[Record]) -> list[list[Record]]:
    """Group a team's records into documents, each newest version first.

    One document is the files with one document id. Files without one (read by their text,
    or made before docgen wrote ids) are versions of the team's document when it has one
    id, else of each other (the team already shares kind and cohort).
    """
    ids = list(dict.fromkeys(r.document_id for r in records if r.document_id))
    groups: dict[str, list[Record]] = {}
    for r in records:
        groups.setdefault(r.document_id or (ids[0] if len(ids) == 1 else ""), []).append(r)
    return [_newest_first(g) for g in groups.values()]


def _shown(value: object) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Mode | Status):
        return str(value)
    return f'"{value}"' if isinstance(value, str) else str(value)


def _differences(newer: RecordedSession, older: RecordedSession) -> list[str]:
    """Return "Finish time: 11:00 in A, 11:30 in B" for each value the versions differ in."""
    out = []
    for attr, label in _COMPARED:
        a, b = getattr(older, attr), getattr(newer, attr)
        if isinstance(a, str) and isinstance(b, str):
            same = " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
        else:
            same = a == b
        if not same:
            out.append(f"{label}: {_shown(a)} in {older.source}, {_shown(b)} in {newer.source}")
    return out


def _pairs(kept: list[_Merged], theirs: list[_Merged]) -> list[tuple[_Merged, _Merged]]:
    """Match an older version's sessions with those kept: by date, then start time.

    On a date each version holds once, the two are one session (a corrected start is still
    that session). On a date with several, equal starts match first, then the nearest.
    Undated sessions match only one with the same times and topic.
    """
    pairs: list[tuple[_Merged, _Merged]] = []
    dates = dict.fromkeys(m.session.date for m in theirs)
    for date in dates:
        mine = [m for m in kept if m.session.date == date]
        other = [m for m in theirs if m.session.date == date]
        if date is None:
            for o in other:
                twin = next((k for k in mine if _same_form(k.session, o.session)), None)
                if twin is not None:
                    mine.remove(twin)
                    pairs.append((twin, o))
            continue

        def minutes(t: dt.time | None) -> int | None:
            return None if t is None else t.hour * 60 + t.minute

        ranked = []
        for i, k in enumerate(mine):
            for j, o in enumerate(other):
                a, b = minutes(k.session.start), minutes(o.session.start)
                gap = 0 if a == b else (24 * 60 if a is None or b is None else abs(a - b))
                ranked.append((gap, i, j))
        used_k: set[int] = set()
        used_o: set[int] = set()
        for _gap, i, j in sorted(ranked):
            if i not in used_k and j not in used_o:
                used_k.add(i)
                used_o.add(j)
                pairs.append((mine[i], other[j]))
    return pairs


def _take_versions(versions: list[Record], settings: RecordSettings,
                   problems: Spilled[Problem]) -> list[_Merged]:
    """Return the sessions of one document read from several files, each session once.

    ``versions`` are newest first. A session is the newest version's; the values an older
    version differs in are named; a session only an older version holds is kept and named.
    """
    newest = versions[0]
    kept = _merge(list(newest.sessions), settings, problems)
    for older in versions[1:]:
        theirs = _merge(list(older.sessions), settings, problems)
        problems.append(Problem(
            f"is another record of team {older.team_id}, a copy or version of the same "
            f"document as {newest.source}: each session is taken once, from the newest "
            f"version, and what differs is listed here{_named_apart(older, newest)}",
            file=older.source))
        matched = set()
        for k, o in _pairs(kept, theirs):
            matched.add(id(o))
            _one_session(k, o, settings, problems)
        for o in theirs:
            if id(o) in matched:
                continue
            s = o.session
            when = "undated" if s.date is None else f"on {s.date:%d/%m/%Y}"
            problems.append(Problem(
                f"holds a session of team {s.team_id} {when} that the newer "
                f"{newest.source} does not: kept and counted "
                "(co-coaches may each add sessions to their own copy); if it was deleted "
                "because it did not happen, delete it here too", file=s.source, sheet=s.where))
            kept.append(o)
    return kept


def _named_apart(record: Record, other: Record) -> str:
    """Say, for the message joining two records of one Team ID, that they name the team
    differently: a team renamed, or a Team ID given again to another team, whose sessions
    would otherwise be counted as this one's without a word. "" when they agree."""
    if not (record.team_name and other.team_name) or (
            _fold(record.team_name) == _fold(other.team_name)):
        return ""
    return (f". It names the team \"{record.team_name}\", {other.source} \"{other.team_name}"
            f"\": if the team was renamed, nothing is wrong; if Team ID {record.team_id} was "
            "given again to another team, the two teams' sessions are counted together here: "
            "give the new team a Team ID of its own on the cohort's Teams sheet and generate "
            "its contract again")


def _one_session(k: _Merged, o: _Merged, settings: RecordSettings,
                 problems: Spilled[Problem]) -> None:
    """Make ``k`` (kept, newer) and ``o`` (an older version's) one session, naming changes."""
    newer, older = k.session, o.session
    k.sources += [x for x in o.sources if x not in k.sources]
    k.wheres += [w for w in o.wheres if w not in k.wheres]
    when = "undated" if newer.date is None else f"on {newer.date:%d/%m/%Y}"
    if newer.origin != Origin.FORM and older.origin == Origin.FORM:
        # the older version has the form of a session the newer notes only in its table
        k.session = _combine(older, newer, settings)
        k.status = k.session.status
        problems.append(Problem(
            f"has a Record of Coaching form of team {older.team_id} {when} that the newer "
            f"{newer.source} notes only in its table: the form's values are kept; check them",
            file=older.source, sheet=older.where))
        return
    if newer.origin == Origin.FORM and older.origin != Origin.FORM:
        return  # the table row of a session the newer version holds a form of: one session
    if newer.status == Status.UNCONFIRMED and older.status != Status.UNCONFIRMED:
        # the newer copy still holds what docgen pre-filled; the coach who kept the older one
        # confirmed or corrected it (co-coaches' copies): what a coach wrote wins
        k.session, k.status = older, o.status
        k.sources = [older.source, *(x for x in k.sources if x != older.source)]
        problems.append(Problem(
            f"still holds the session of team {older.team_id} {when} as docgen pre-filled it, "
            f"which the older {older.source} confirms or corrects: {older.source}'s values "
            "kept", file=newer.source, sheet=newer.where))
        return
    changes = _differences(newer, older)
    if not changes:
        problems.append(Problem(
            f"repeats a session of team {older.team_id} {when} already read from "
            f"{newer.source}: counted once", file=older.source, sheet=older.where))
        return
    kept_from = newer.source
    problems.append(Problem(
        f"is an older version of a session of team {older.team_id} {when}: "
        f"{'; '.join(changes)}; {kept_from}, the newer, kept", file=older.source,
        sheet=older.where))


def _join(kept: list[_Merged], other: list[_Merged], problems: Spilled[Problem]) -> None:
    """Add a second document's sessions of the team: one already read is counted once.

    A session one document still holds as docgen pre-filled it is the one the other document
    confirms or corrects (a contract made again after the cohort changed, beside the coach's
    copy): what the coach wrote is kept, whichever document is newer. Two documents that
    disagree on whether a session took place are named.
    """
    for o in other:
        s = o.session
        same = _same_form if s.origin == Origin.FORM else _same_row
        on_the_day = [k for k in kept if k.session.date == s.date and s.date is not None
                      and k.session.origin == s.origin]
        twin = next((k for k in on_the_day if same(k.session, s)), None) or next(
            (k for k in on_the_day if Status.UNCONFIRMED in (k.status, o.status)), None)
        if twin is None:
            kept.append(o)
            continue
        first, where = twin.sources[0], twin.wheres[0]
        twin.sources += [x for x in o.sources if x not in twin.sources]
        twin.wheres += o.wheres
        when = f"on {s.date:%d/%m/%Y}"
        if twin.status == Status.UNCONFIRMED and o.status != Status.UNCONFIRMED:
            twin.session, twin.status = s, o.status
            twin.sources = [s.source, *(x for x in twin.sources if x != s.source)]
            problems.append(_prefilled_here(first, where, s.team_id, when, s.source))
        elif o.status == Status.UNCONFIRMED and twin.status != Status.UNCONFIRMED:
            problems.append(_prefilled_here(s.source, s.where, s.team_id, when, first))
        elif (twin.status == Status.HELD) != (o.status == Status.HELD):
            problems.append(Problem(
                f"says the session of team {s.team_id} {when} was {o.status}, but {first} "
                f"says it was {twin.status}: counted as {twin.status}, from {first}; correct "
                "the record that is wrong", file=s.source, sheet=s.where))
        else:
            problems.append(Problem(
                f"repeats a session of team {s.team_id} {when} already read from {first}: "
                "counted once", file=s.source, sheet=s.where))


def _prefilled_here(source: str, where: str, team_id: str, when: str, other: str) -> Problem:
    """Name a record still holding a session as docgen pre-filled it, which ``other``
    confirms or corrects: ``other``'s values are kept."""
    return Problem(f"still holds the session of team {team_id} {when} as docgen pre-filled "
                   f"it, which {other} confirms or corrects: {other}'s values kept",
                   file=source, sheet=where)


def _team_sessions(team: _Team, problems: Spilled[Problem]) -> list[_Merged]:
    """Return a team's sessions, each once, from its documents and their versions."""
    settings = team.main.settings
    documents = _documents(team.records)
    kept = _take_versions(documents[0], settings, problems)
    for versions in documents[1:]:
        problems.append(Problem(
            f"is another record of team {versions[0].team_id} (also in "
            f"{documents[0][0].source}), not the same document: sessions recorded in both "
            f"are counted once{_named_apart(versions[0], documents[0][0])}",
            file=versions[0].source))
        _join(kept, _take_versions(versions, settings, problems), problems)
    return kept


def _team_of(head: Head, cohorts: dict[str, set[str]]) -> tuple[str, str]:
    """Return the key of a record's team (by its head): its cohort and its folded Team ID.

    A record that does not name its cohort is of the one cohort that has the team, if one.
    """
    key, cohort = head.team, head.cohort
    if not cohort and len(cohorts.get(key, ())) == 1:
        (cohort,) = cohorts[key]
    return cohort, key


def _summarised(team: _Team, kept: Shared) -> None:
    """Let go of what a team summarised no longer needs: of its records, all but the one
    that names it, which keeps no sessions, signatures or problems and holds the members
    of them all (for the ICF log); of its sessions, all but those held (for the coaches')."""
    main = team.main
    members = tuple(_unique(name for r in team.records for name in r.members))
    named = replace(main, members=members, settings=kept.settings(main.settings), sessions=(),
                    signatures=(), problems=(), document_id="", saved=None, modified=None)
    kept.share(named, _REPEATED_BY_TEAMS)
    team.records = [named]
    team.sessions = [m for m in team.sessions if m.status == Status.HELD]
    if team.row is not None:
        kept.share(team.row, _REPEATED_IN_TEAM_ROWS)


# The values many teams' records and rows repeat (a coach, an organisation, a date): held
# once by the log (see Shared.share); those each team has its own of are not looked up.
_REPEATED_BY_TEAMS = ("kind", "organisation", "coaches", "members", "identified_by", "cohort")
_REPEATED_IN_TEAM_ROWS = (
    "organisation", "coaches", "minimum_hours", "hours", "hours_needed", "first_session",
    "last_session", "next_meeting", "cohort", "status", "pace_from", "expected_hours",
    "behind_by", "meeting_overdue", "signed", "to_sign")
_REPEATED_IN_SESSION_ROWS = ("coach", "members", "date", "hours", "hours_from", "mode",
                             "next_meeting", "cohort")


def _unconfirmed(s: RecordedSession) -> Problem:
    """Name a past session still as docgen pre-filled it, with the way to confirm it."""
    when = "undated" if s.date is None else f"of {s.date:%d/%m/%Y}"
    if s.origin == Origin.FORM:
        how = ("type Yes in its Held field if it took place (and correct any value that "
               "differs), or No if it did not")
    else:
        how = ('write "held" in its Comments if it took place, or "cancelled" if it did not')
    return Problem(f"the planned session {when} of team {s.team_id} is still exactly as "
                   f"docgen pre-filled it: planned, not confirmed, so not counted; {how}",
                   file=s.source, sheet=s.where)


_FAR_AHEAD = dt.timedelta(days=365)  # a session planned further ahead than this is a typo


def _far_ahead(s: RecordedSession, today: dt.date) -> Problem:
    """Name a session dated over a year after today: listed as planned, not counted, though
    its record may say it took place (a year mistyped: 2062 for 2026)."""
    assert s.date is not None
    return Problem(f"the session dated {format_date_short(s.date)} is over a year after today "
                   f"({format_date_short(today)}), so it is listed as planned and not counted: "
                   "if it took place, correct its date (is the year right?)",
                   file=s.source, sheet=s.where)


def _held_ahead(s: RecordedSession, today: dt.date) -> Problem:
    """Name a session whose Held field says Yes while its date is still to come."""
    assert s.date is not None
    return Problem(f"says Yes in its Held field, but its date, {format_date_short(s.date)}, "
                   f"is after today ({format_date_short(today)}): listed as planned, not "
                   "counted; if it took place, correct its date", file=s.source, sheet=s.where)


def _coaches_of(text: str, fallback: Iterable[str]) -> tuple[str, ...]:
    return parse_names(text) or tuple(fallback)


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if name:
            seen.setdefault(person_key(name) or name, name)
    return list(seen.values())


def _shown_once(text: str) -> str:
    """Return ``text`` as one object for all the rows that show it ("1 of 2", "Record of
    Coaching form 1; COACHING RECORD row 1"): every row is held until the log is written."""
    return sys.intern(text)


def _hours_from(s: RecordedSession, status: str) -> str:
    if status == Status.PLANNED:
        return "planned: not counted yet"
    if status != Status.HELD:
        return _shown_once(f"{status}: not counted")
    if s.hours_assumed:
        return "assumed: the contract's session length"
    if s.start is not None and s.finish is not None:
        return "start and finish times"
    if s.mode == Mode.EMAIL:
        return "email without times: 0 hours"
    return ""


def _session_row(team: _Team, m: _Merged) -> SessionRow:
    s = m.session
    main = team.main
    counted = m.status == Status.HELD  # other rows show no hours: they count none
    return SessionRow(
        team_id=main.team_id or s.team_id,
        team_name=team.name or s.team_name,
        coach=s.coach or "; ".join(main.coaches), members=s.members,
        date=s.date, start=s.start, finish=s.finish,
        hours=round(s.hours, 2) if counted and s.hours is not None else None,
        hours_from=_hours_from(s, m.status),
        mode=s.mode, status=m.status, topic=s.topic, issues=s.issues, action=s.action,
        next_meeting=s.next_meeting, comments=s.comments,
        source="; ".join(m.sources), where=_shown_once("; ".join(m.wheres)), cohort=team.cohort,
    )


# Each text column: header, the width it wraps at (0: it does not wrap), how it is read.
_TEXT_COLUMNS = tuple((c.header, (c.wrap_at or WRAP_WIDTH) if c.kind == "wrap" else 0, c.get)
                      for c in SESSIONS if c.kind in ("text", "wrap"))


def _cut_short(shown: SessionRow, m: _Merged) -> list[Problem]:
    """Name each text of a session the log cannot show whole: longer than an Excel cell
    holds, or than the tallest row shows (on screen and in the PDF)."""
    out = []
    for header, wrap_at, get in _TEXT_COLUMNS:
        value = get(shown)
        if not isinstance(value, str) or len(value) < ROW_LINES:  # fits, whatever its breaks
            continue
        if len(value) <= MAX_CELL_TEXT // 2 and (
                not wrap_at or (len(value) <= wrap_at * ROW_LINES and "\n" not in value)):
            continue  # within a cell, and within the tallest row (one line a wrap_at)
        when = "undated" if m.session.date is None else f"of {m.session.date:%d/%m/%Y}"
        if (units := excel_length(value)) > MAX_CELL_TEXT:
            out.append(Problem(
                f"the {header} of the session {when} is {units:,} characters long; an "
                f"Excel cell holds {MAX_CELL_TEXT:,}, so the log shows its beginning and '…': "
                "the whole text is still in the record; shorten it there, or keep the rest in a "
                "document of its own", file=m.sources[0], sheet=m.wheres[0]))
        elif wrap_at and (lines := wrapped_lines(value, wrap_at)) > ROW_LINES:
            out.append(Problem(
                f"the {header} of the session {when} takes about {lines} lines in the "
                f"Sessions sheet, more than its tallest row shows (about {ROW_LINES}): on "
                "screen and in the PDF its end may be cut; the whole text is in the cell "
                "(select it to read it in Excel's formula bar) and in the record",
                file=m.sources[0],
                sheet=m.wheres[0]))
    return out


@dataclass(frozen=True)
class _Pace:
    """What the pace of a team is counted with: the frame's numbers, else the record's."""

    today: dt.date
    course_months: int
    start: dt.date | None  # the programme's start, if known
    framed: bool = False  # the months are the cohort's: a record's own do not count


def _pace(hours: float, start: dt.date | None, minimum: float, pace: _Pace
          ) -> tuple[float | None, float | None]:
    """Return the hours expected by today and how many the team is short of them."""
    if start is None:
        return None, None
    course = max(pace.course_months, 1) * _MONTH_DAYS
    share = min(max((pace.today - start).days / course, 0.0), 1.0)
    expected = round(minimum * share, 2)
    return expected, round(max(0.0, expected - hours), 2)


def _status(hours: float, minimum: float, held: bool, behind: float | None,
            session_hours: float) -> TeamStatus:
    if hours >= minimum:
        return TeamStatus.MET
    if not held:
        return TeamStatus.NOT_STARTED
    if behind is not None and behind > 0 and behind >= session_hours:
        return TeamStatus.BEHIND
    return TeamStatus.ON_TRACK


def _overdue(sessions: list[_Merged], today: dt.date) -> dt.date | None:
    """Return the next meeting the latest held session names, if passed with none since."""
    held = [m.session for m in sessions
            if m.status == Status.HELD and m.session.date is not None]
    if not held:
        return None
    latest = max(held, key=lambda s: (s.date, s.next_meeting is not None))
    due = latest.next_meeting
    if due is None or due >= today:
        return None
    if any(m.session.date is not None and m.session.date >= due and m.status in _RECORDED
           for m in sessions):
        return None
    return due


def _team_row(team: _Team, pace: _Pace, expected: ExpectedTeam | None = None) -> TeamRow:
    today = pace.today
    main = team.main
    settings = main.settings
    held = [m for m in team.sessions if m.status == Status.HELD]
    meetings = [m.session for m in held if m.session.mode != Mode.EMAIL]
    emails = [m.session for m in held if m.session.mode == Mode.EMAIL]
    hours = round(sum(m.session.hours or 0.0 for m in held), 2)
    dates = sorted(m.session.date for m in held if m.session.date is not None)
    upcoming = [m.session.next_meeting for m in team.sessions
                if m.session.next_meeting is not None and m.session.next_meeting >= today]
    upcoming += [m.session.date for m in team.sessions if m.status == Status.PLANNED]
    coaches = _unique([*team.coaches, *(c for r in team.records for c in r.coaches),
                       *(c for m in team.sessions for c in parse_names(m.session.coach))])
    sources = sorted({r.source for r in team.records})
    return TeamRow(
        team_id=main.team_id, team_name=team.name, organisation=team.organisation,
        coaches="; ".join(coaches),
        sessions_held=len(meetings), email_contacts=len(emails), hours=hours,
        minimum_hours=settings.minimum_hours, met=hours >= settings.minimum_hours,
        hours_needed=round(max(0.0, settings.minimum_hours - hours), 2),
        sessions_cancelled=sum(m.status in _NOT_HELD for m in team.sessions),
        sessions_unconfirmed=sum(m.status == Status.UNCONFIRMED for m in team.sessions),
        first_session=dates[0] if dates else None,
        last_session=dates[-1] if dates else None,
        next_meeting=min(upcoming) if upcoming else None,
        review_after=settings.review_after,
        review_due=len(meetings) >= settings.review_after,
        days_since_contact=(today - dates[-1]).days if dates else None,
        sources="; ".join(sources),
        cohort=team.cohort,
        **_pace_columns(hours, dates, settings, pace, expected),
        meeting_overdue=_overdue(team.sessions, today),
        **_signed_columns(team.records),
    )


def _pace_columns(hours: float, dates: list[dt.date], settings: RecordSettings, pace: _Pace,
                  expected: ExpectedTeam | None) -> dict[str, object]:
    start = dates[0] if dates else (expected.first_session if expected else None) or pace.start
    if expected is not None and expected.course_months:  # the team's own course, by the cohort
        pace = replace(pace, course_months=expected.course_months)
    elif not pace.framed and settings.course_months:  # the course the record was made for
        pace = replace(pace, course_months=settings.course_months)
    should, behind = _pace(hours, start, settings.minimum_hours, pace)
    return {"pace_from": start, "expected_hours": should, "behind_by": behind,
            "status": _status(hours, settings.minimum_hours, bool(dates), behind,
                              settings.session_hours)}


def _absent_row(team: ExpectedTeam, frame: Frame, pace: _Pace) -> TeamRow:
    """Return the row of a team the cohort has whose record did not come back."""
    start = team.first_session or frame.start
    minimum = frame.minimum_hours if team.minimum_hours is None else team.minimum_hours
    if team.course_months:
        pace = replace(pace, course_months=team.course_months)
    should, behind = _pace(0.0, start, minimum, pace)
    return TeamRow(
        team_id=team.team_id, team_name=team.team_name, organisation=team.organisation,
        coaches="; ".join(team.coaches), sessions_held=0, email_contacts=0, hours=0.0,
        minimum_hours=minimum, met=minimum <= 0,
        hours_needed=minimum, sessions_cancelled=0, first_session=None,
        last_session=None, next_meeting=None,
        review_after=team.review_after or frame.review_after, review_due=False,
        days_since_contact=None, sources="", cohort=frame.cohort,
        status=TeamStatus.NO_RECORD, pace_from=start, expected_hours=should, behind_by=behind,
    )


def _signed_columns(records: list[Record]) -> dict[str, str]:
    """Return how many of a document's signatories signed ("2 of 4") and who has not.

    Each person counts once across the copies of the document read, signed if any copy is.
    A document returned as a PDF is not read for signatures, and says so.
    """
    people: dict[tuple[str, str], bool] = {}
    shown: dict[tuple[str, str], str] = {}  # as the first copy names them
    for r in records:
        for sig in r.signatures:
            key = (" ".join(sig.role.split()).casefold(), person_key(sig.name))
            people[key] = people.get(key, False) or sig.signed
            shown.setdefault(key, f"{sig.name} ({sig.role})" if sig.name and sig.role
                             else sig.name or sig.role)
    pdf = any(r.source.lower().endswith(".pdf") for r in records)
    if not people:
        return {"signed": "a PDF: not read" if pdf else "", "to_sign": ""}
    signed = sum(people.values())
    return {"signed": _shown_once(f"{signed} of {len(people)}"),
            "to_sign": "; ".join(shown[k] for k, done in people.items() if not done)}


def _signed_rows(record: Record) -> list[SignatureRow]:
    """Return a row for each signature read in ``record`` (a signature or a date typed in
    its signature table), each as typed: see :func:`_signature_rows`."""
    return [SignatureRow(team_id=record.team_id,
                         document=_DOCUMENT_NAMES.get(record.kind, record.kind),
                         role=sig.role, name=sig.name,
                         signature=sig.signature or (PICTURE if sig.picture else ""),
                         date=sig.date, typed_date=sig.typed_date, source=record.source,
                         cohort=record.cohort)
            for sig in record.signatures if sig.signed]


def _signature_rows(signed: Iterable[SignatureRow]) -> tuple[SignatureRow, ...]:
    """Return every signature read (``signed``: :func:`_signed_rows` of each record, in the
    records' order), document by document, for the Signatures sheet: each as typed, so
    nothing signed or dated is lost. Those still to sign are on the Teams and Mentoring sheets.

    One signature found alike in several copies of a document (saved as .docx and .odt,
    a copy sent back twice) is one row, its source files listed: not one signature per copy.
    """
    rows: dict[tuple[object, ...], SignatureRow] = {}
    for row in signed:
        key = (row.cohort.casefold(), row.document, team_key(row.team_id),
               " ".join(row.role.split()).casefold(), person_key(row.name), row.signature,
               row.date, row.typed_date)
        if (same := rows.get(key)) is None:
            rows[key] = row
        elif row.source not in (sources := same.source.split("; ")):
            rows[key] = replace(same, source="; ".join(sorted([*sources, row.source])))
    return tuple(sorted(rows.values(), key=lambda x: (
        x.cohort.casefold(), x.document, x.team_id.casefold(), x.source)))


PICTURE = "(a picture)"  # the Signatures sheet's Signature of one pasted as a picture
_DOCUMENT_NAMES = {schema.KIND_CONTRACT: "Contract", schema.KIND_AGREEMENT: "Mentor agreement"}


def _members(team: _Team) -> list[str]:
    """Return the members a team summarised names (see :func:`_summarised`)."""
    return list(team.main.members)


def _by_coach(teams: list[_Team]) -> dict[str, list[tuple[_Team, RecordedSession]]]:
    """Return each coach's held sessions with their team, keyed by the coach's first spelling.

    A session that names two coaches (or, naming none, falls back on a team's two) is each
    one's, in full: their hours add up to more than the cohort's (see :func:`_shared_note`).
    """
    names: dict[str, str] = {}
    out: dict[str, list[tuple[_Team, RecordedSession]]] = {}
    for team in teams:
        for m in team.sessions:
            if m.status != Status.HELD:
                continue
            for coach in _coaches_of(m.session.coach, team.main.coaches) or (NOT_RECORDED,):
                name = names.setdefault(person_key(coach) or coach, coach)
                out.setdefault(name, []).append((team, m.session))
    return out


def _shared_note(by_coach: dict[str, list[tuple[_Team, RecordedSession]]]) -> str | None:
    """Say how many held sessions are credited to more than one coach, if any: a manager
    adding up the coaches' hours would otherwise find more than the cohort's, unexplained."""
    credited: dict[int, tuple[RecordedSession, int]] = {}
    for pairs in by_coach.values():
        for _team, s in pairs:
            credited[id(s)] = (s, credited.get(id(s), (s, 0))[1] + 1)
    shared = [(s, n) for s, n in credited.values() if n > 1]
    if not shared:
        return None
    hours = sum(s.hours or 0.0 for s, _n in shared)
    extra = sum((s.hours or 0.0) * (n - 1) for s, n in shared)
    many = len(shared) != 1
    return (f"{len(shared)} held session{'s' if many else ''} ({format_hours(hours)} h) "
            f"{'name' if many else 'names'} more than one coach (co-coached, or a team of two "
            f"coaches whose form names none): {'each counts' if many else 'it counts'} in "
            f"full for every coach, so the coaches' hours on the Coaches sheet, the ICF log "
            f"and the Summary add up to {format_hours(extra)} h more than the cohort's hours "
            f"of coaching. Where one coach led, type only their name in the form's Coach/s.")


def _coach_rows(by_coach: dict[str, list[tuple[_Team, RecordedSession]]],
                team_rows: Iterable[TeamRow]) -> list[CoachRow]:
    """Return one row per coach: those with sessions, those named in a record, and (with the
    cohort) every coach it names, those whose teams returned nothing among them."""
    names: dict[str, str] = {}
    team_names: dict[str, dict[tuple[str, str], str]] = {}
    items: dict[str, list[tuple[_Team, RecordedSession]]] = {}

    def key_of(coach: str) -> str:
        key = person_key(coach) or coach
        names.setdefault(key, coach)
        team_names.setdefault(key, {})
        items.setdefault(key, [])
        return key

    for coach, pairs in by_coach.items():
        key = key_of(coach)
        items[key] += pairs
        for team, _s in pairs:
            row = team.row
            place = (row.cohort, row.team_id) if row else (team.cohort, team.main.team_id)
            team_names[key].setdefault(place, team.name or team.main.team_id)
    for row in team_rows:
        for coach in filter(None, (c.strip() for c in row.coaches.split(";"))):
            team_names[key_of(coach)].setdefault((row.cohort, row.team_id),
                                                 row.team_name or row.team_id)
    rows = []
    for key, coach in names.items():
        pairs = items[key]
        dates = [s.date for _t, s in pairs if s.date is not None]
        rows.append(CoachRow(
            coach=coach, teams=len(team_names[key]),
            team_names="; ".join(team_names[key].values()),
            sessions_held=sum(s.mode != Mode.EMAIL for _t, s in pairs),
            email_contacts=sum(s.mode == Mode.EMAIL for _t, s in pairs),
            hours=round(sum(s.hours or 0.0 for _t, s in pairs), 2),
            last_contact=max(dates) if dates else None,
        ))
    return sorted(rows, key=lambda r: (r.coach == NOT_RECORDED, person_key(r.coach)))


def _icf_rows(by_coach: dict[str, list[tuple[_Team, RecordedSession]]],
              contacts: dict[str, str] | None = None) -> list[IcfRow]:
    """Return one ICF row per coach and team; ``contacts``: the cohort's Contact email by
    team key, the contact where a team has one (else its members' names)."""
    contacts = contacts or {}
    rows: list[IcfRow] = []
    for coach, items in by_coach.items():
        per_team: dict[str, list[tuple[_Team, RecordedSession]]] = {}
        for team, s in items:
            per_team.setdefault(team.key, []).append((team, s))
        for pairs in per_team.values():
            team = pairs[0][0]
            main = team.main
            hours = round(sum(s.hours or 0.0 for _t, s in pairs), 2)
            members = _members(team)
            dates = sorted(s.date for _t, s in pairs if s.date is not None)
            size = len(members) or None
            kind = "" if size is None else ("Group" if size > 1 else "Individual")
            client = ", ".join(x for x in (team.name or main.team_id, team.organisation)
                               if x)
            paid = main.settings.coaching_paid
            rows.append(IcfRow(
                coach=coach, client=client,
                contact=contacts.get(team.key) or "; ".join(members),
                individual_or_group=kind, number_in_group=size,
                start_date=dates[0] if dates else None, end_date=dates[-1] if dates else None,
                paid_hours=hours if paid else 0.0, pro_bono_hours=0.0 if paid else hours,
                team_id=main.team_id,
            ))
    return sorted(rows, key=lambda r: (r.coach == NOT_RECORDED, person_key(r.coach),
                                       r.client.casefold()))


def _few(names: list[str]) -> str:
    """Return "teams T1, T2 and 3 more", for a note."""
    shown = ", ".join(names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"team{'s' if len(names) > 1 else ''} {shown}{more}"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _mentoring(records: list[Record], frame: Frame | None,
               found: Spilled[Problem]) -> tuple[MentoringRow, ...]:
    """Return one row per mentoring pair: the cohort's, then those only an agreement names."""
    agreements: dict[str, list[Record]] = {}
    for r in records:
        if r.kind == schema.KIND_AGREEMENT:
            agreements.setdefault(_fold(r.team_id or r.source), []).append(r)
    rows = []
    for pair in frame.pairs if frame else ():
        read = agreements.pop(_fold(pair.key), [])
        returned = [r for r in read if not r.as_written]
        if read and not returned:
            found.append(_not_back(read[0], pair.practitioner, pair.mentor))
        rows.append(MentoringRow(
            practitioner=pair.practitioner, mentor=pair.mentor,
            practitioner_organisation=pair.practitioner_organisation,
            mentor_organisation=pair.mentor_organisation, agreement_returned=bool(returned),
            expected=True, sources="; ".join(sorted(r.source for r in returned)),
            cohort=frame.cohort if frame else "", **_signed_columns(returned)))
    for read in agreements.values():
        group = [r for r in read if not r.as_written]
        key = read[0].team_id
        practitioner, _dash, mentor = key.partition(" – ")
        sources = sorted(r.source for r in group)
        if not group:  # still as docgen wrote it: not back yet
            found.append(_not_back(read[0], practitioner, mentor))
        elif frame is not None:
            found.append(Problem(
                f"is the mentor agreement of {key or 'a pair it does not name'}, a pair the "
                f"cohort ({frame.source}) does not have: shown on the Mentoring sheet as read; "
                "check the names on the cohort's Mentoring sheet, or log it with its own "
                "cohort", file=sources[0]))
        rows.append(MentoringRow(
            practitioner=practitioner, mentor=mentor, practitioner_organisation="",
            mentor_organisation="", agreement_returned=bool(group), expected=False,
            sources="; ".join(sources), cohort=read[0].cohort, **_signed_columns(group)))
    return tuple(rows)


def _not_back(record: Record, practitioner: str, mentor: str) -> Problem:
    """Name a mentor agreement read still exactly as docgen wrote it: not counted as returned
    (the file generate wrote, or a copy of it: nothing typed, signed or saved in it)."""
    pair = f"{practitioner} and {mentor}" if mentor else (practitioner or "a pair")
    return Problem(f"is the mentor agreement of {pair} still exactly as docgen wrote it "
                   "(nothing typed, signed or saved in it since): not counted as returned; "
                   "when the pair's signed agreement comes back (the file saved, or a scan or "
                   "PDF of it), put it among the records", file=record.source)


def _unknown_team(team: _Team, frame: Frame) -> Problem:
    main = team.main
    name = f" ({main.team_name})" if main.team_name and main.team_name != main.team_id else ""
    cohort = f" of cohort {team.cohort}" if team.cohort and team.cohort != frame.cohort else ""
    return Problem(
        f"is a record of team {main.team_id or '(no Team ID)'}{name}{cohort}, which the "
        f"cohort ({frame.source}) does not have: shown on the Teams sheet as read; check its "
        "Team ID against the cohort's Teams sheet, or log it with its own cohort",
        file=main.source)


def _changed_since(team: _Team, want: ExpectedTeam, frame: Frame) -> list[Problem]:
    """Name what a team's record says of it (its name, organisation, coaches; its programme
    numbers) that the cohort now says otherwise: the contract was made before the cohort
    changed, and kept since (an edited one is never overwritten). The log shows the cohort's
    names (each session keeps the coach its form names) and the contract's numbers."""
    main = team.main
    if main.identified_by != "properties":  # identified from its text: its names are guesses
        return []
    differ: list[str] = []
    for what, theirs, ours in (("name", main.team_name, want.team_name),
                                ("organisation", main.organisation, want.organisation)):
        if theirs and ours and _fold(theirs) != _fold(ours):
            differ.append(f"its {what} \"{theirs}\", the cohort's Teams sheet \"{ours}\"")
    if want.coaches and ({person_key(c) for c in main.coaches}
                         != {person_key(c) for c in want.coaches}):
        differ.append(f"its coach(es) \"{'; '.join(main.coaches) or '(none)'}\", the "
                      f"cohort's Teams sheet \"{'; '.join(want.coaches)}\"")
    named = [Problem(
        f"was made before the cohort ({frame.source}) changed team {main.team_id}: the record "
        f"gives {'; '.join(differ)}. The log shows the cohort's (and, for the coaches, those "
        "the record names too: each session stays with the coach its form names); to bring "
        "the contract up to date, run docgen generate --force (the edited one is kept beside "
        "it, and both are read)", file=main.source)] if differ else []
    return named + _numbers_changed(main, want, frame)


def _numbers_changed(main: Record, want: ExpectedTeam, frame: Frame) -> list[Problem]:
    """Name the programme numbers (minimum hours, review after, session length) a team's
    contract states that the cohort now gives otherwise: the team is judged by its contract,
    as it signed it."""
    settings = main.settings
    if settings.course_months is None:  # made before docgen wrote every number: defaults
        return []
    cohorts = (want.minimum_hours, want.review_after or frame.review_after,
               want.session_hours)
    differ = [f"{label} {shown(theirs)}, the cohort now {shown(ours)}"
              for label, theirs, ours, shown in (
                  ("Minimum coaching hours", settings.minimum_hours, cohorts[0], format_hours),
                  ("Review after sessions", settings.review_after, cohorts[1], str),
                  ("Session duration", settings.session_hours, cohorts[2], _hours_text))
              if ours is not None and abs(float(theirs) - float(ours)) > 1e-9]
    if not differ:
        return []
    return [Problem(
        f"was made before the cohort ({frame.source}) changed team {main.team_id}'s numbers: "
        f"the contract states {'; '.join(differ)}. The team is judged by its contract's, as it "
        "signed it. If "
        "the cohort's are meant, run docgen generate --force (the edited contract is kept "
        "beside the new one, and both are read) and have the team agree the new contract",
        file=main.source)]


def _hours_text(hours: float) -> str:
    return f"{format_hours(hours)} hour{'' if hours == 1 else 's'}"


def _renamed_cohorts(ordered: list[_Team], expected: dict[tuple[str, str], ExpectedTeam],
                     frame: Frame) -> list[str]:
    """Say, once for each other cohort name the records carry, that its teams are the
    cohort's own by Team ID and name: the cohort renamed on the Programme sheet after their
    contracts were made, most likely. Teams of two cohorts are never merged (a cohort of
    another year may have a team of the same ID and name), so their sessions are counted
    apart from the cohort's teams, which show as not returned or not started."""
    alike: dict[str, list[str]] = {}
    for t in ordered:
        key = t.key.partition("\n")[2]
        want = expected.get((frame.cohort, key))
        if (t.cohort and t.cohort != frame.cohort and want is not None
                and _fold(t.main.team_name) == _fold(want.team_name)):
            alike.setdefault(t.cohort, []).append(t.main.team_id)
    return [
        f"The records of {_few(ids)} are of cohort \"{name}\", and the cohort given "
        f"({frame.source}) is \"{frame.cohort}\" with the same Team IDs and team names: if "
        "the cohort was renamed on its Programme sheet after these contracts were made, "
        "their sessions are counted apart from the cohort's teams (which show as not "
        f"returned or not started). Put the Programme sheet's Cohort back to \"{name}\" "
        "and run docgen log again (docgen generate --force would not help: the coaches' "
        "edited copies keep the old name)."
        for name, ids in alike.items()]


def _issued_rows(issued: Issued, read: set[str], ordered: list[_Team]
                 ) -> tuple[list[TeamRow], list[str]]:
    """Return the rows of the teams generate issued whose record was not read, and notes.

    Only what the manifest and the file names say is shown: no organisation, coaches or pace
    (the cohort has them); the minimum and review number are those the records read were
    made with (when they agree; else the programme's defaults).
    """
    agreed = {(t.main.settings.minimum_hours, t.main.settings.review_after) for t in ordered}
    minimum, review_after = (agreed.pop() if len(agreed) == 1 else
                             (RecordSettings.minimum_hours, RecordSettings.review_after))
    rows, shown = [], set()
    for want in issued.missing:
        key = team_key(want.team_id)
        if key in read or key in shown:
            continue
        shown.add(key)
        rows.append(TeamRow(
            team_id=want.team_id, team_name=want.team_name, organisation="", coaches="",
            sessions_held=0, email_contacts=0, hours=0.0, minimum_hours=minimum,
            met=minimum <= 0, hours_needed=minimum, sessions_cancelled=0,
            first_session=None, last_session=None, next_meeting=None,
            review_after=review_after,
            review_due=False, days_since_contact=None, sources="",
            status=TeamStatus.NO_RECORD))
    where = " and ".join(issued.manifests)
    if rows:
        found = (f"{len(rows)} of them with no record in the folder "
                 f"{'is' if len(rows) == 1 else 'are'} listed as no record returned, each "
                 "Team ID and name as its file name shows them. Their organisation, coaches "
                 "and pace need the cohort")
    else:
        found = "a record of each was read. The pace of a team not started needs the cohort"
    notes = [
        f"The teams issued are known from what docgen generate wrote ({where}: "
        f"{issued.contracts} contracts): {found}, and so do mentoring pairs whose agreement "
        "is missing: give the cohort workbook with --cohort."]
    if issued.unnamed:
        notes.append(
            f"{len(issued.unnamed)} contract{'s' if len(issued.unnamed) > 1 else ''} docgen "
            f"wrote {'are' if len(issued.unnamed) > 1 else 'is'} no longer in the folder and "
            f"their file names do not show the team ({', '.join(issued.unnamed[:5])}"
            f"{' …' if len(issued.unnamed) > 5 else ''}): give --cohort to list every team.")
    if issued.damaged:
        notes.append(
            f"docgen's record of what it wrote could not be read in full "
            f"({', '.join(issued.damaged)}): a team whose entry was lost is not listed as "
            "missing; give --cohort to list every team.")
    return rows, notes


def _left_behind(record: Record) -> Problem:
    """Name a record read from a document generate's last run left behind: an earlier run
    made it, for a team or pair the cohort no longer makes it for. Without the cohort the
    log would show it as any team's; it is read and shown, and said to be no longer issued."""
    return Problem(
        "was made by an earlier docgen generate, and the last run into its folder no longer "
        "makes it (its team or pair was removed from the cohort, renamed or given another "
        "Team ID): read, and shown as any record. If the team has left the programme, move "
        "the file out of the folder; if it was renamed, have the coach move what they typed "
        "into the current document; give --cohort to check every team against the cohort",
        file=record.source)


def _row_order(r: SessionRow) -> tuple[object, ...]:
    """The Sessions sheet's order: cohort, team, date (undated last), start, where."""
    return (r.cohort.casefold(), r.team_id.casefold(), r.date is None, r.date or dt.date.min,
            r.start or dt.time.min, r.where)


# Above this many teams, the session rows wait in a temporary file until written (~1 KB a
# session, ~10 MiB at 10,000 records, for ~35 µs a team); fewer are held as they are.
MANY_TEAMS = 2_000


class SessionRows(Sequence[SessionRow]):
    """The Sessions sheet's rows, added team by team and gone through in the sheet's order.

    A team's rows are sorted as they are added (:meth:`add`) and kept as one parcel
    (:class:`docgen.log.spilled.Parcels`), in a file when ``spill``, with the part of the
    order they share: the team's (cohort, Team ID), folded. Going through them sorts the
    parcels by that, and merges those that share it: the order of one stable sort of every
    row, without every row held at once.
    """

    def __init__(self, spill: bool = False) -> None:
        self._parcels: Parcels[SessionRow] = Parcels(spill)
        # by parcel: its rows' cohort and Team ID (the rows' own texts)
        self._cohorts: list[str] = []
        self._teams: list[str] = []
        self._count = 0

    def add(self, rows: list[SessionRow]) -> None:
        """Keep a team's ``rows`` (in the order made), one parcel for each (cohort, Team
        ID), folded, among them: a team's rows share theirs, but for a record that gives
        none."""
        parts: dict[tuple[str, str], list[SessionRow]] = {}
        for row in rows:
            parts.setdefault((row.cohort.casefold(), row.team_id.casefold()), []).append(row)
        for part in parts.values():
            part.sort(key=_row_order)
            self._parcels.add(part)
            self._cohorts.append(part[0].cohort)
            self._teams.append(part[0].team_id)
        self._count += len(rows)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[SessionRow]:
        def folded(n: int) -> tuple[str, str]:
            return self._cohorts[n].casefold(), self._teams[n].casefold()

        order = sorted(range(len(self._teams)), key=folded)
        at = 0
        while at < len(order):
            key = folded(order[at])
            end = at + 1
            while end < len(order) and folded(order[end]) == key:
                end += 1
            if end == at + 1:
                yield from self._parcels.get(order[at])
            else:  # teams alike once folded: their rows merged in the order they came
                merged = [row for n in order[at:end] for row in self._parcels.get(n)]
                merged.sort(key=_row_order)
                yield from merged
            at = end

    def __eq__(self, other: object) -> bool:
        """Equal to a list or tuple of the same rows in order."""
        if not isinstance(other, SessionRows | list | tuple):
            return NotImplemented
        return len(self) == len(other) and all(
            a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    @overload
    def __getitem__(self, index: int) -> SessionRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[SessionRow]: ...

    def __getitem__(self, index: int | slice) -> SessionRow | list[SessionRow]:
        return list(self)[index]


def summarise(records: Sequence[Record], problems: list[Problem], today: dt.date,
              frame: Frame | None = None, issued: Issued | None = None, *,
              consume: bool = False) -> LogData:
    """Return the log's rows from the records read and the problems met reading them.

    Only coaching records (``schema.KIND_CONTRACT``) give sessions and teams; the problems of
    every record are kept. ``today`` decides which sessions are still planned, how many days
    have passed since a team's last contact, and the pace. ``frame`` is what was issued (the
    cohort): with it every team and pair of the cohort is shown, returned or not. Without
    it, ``issued`` (the contracts generate wrote into the folders read, from its manifest)
    adds each team whose contract is gone and whose record was not read.

    Records are grouped by their heads (:class:`docgen.filed.Head`) and each is taken from
    ``records`` once, with its team: held in a file (:class:`docgen.filed.FiledRecords`),
    only one team's are decoded at a time, and of a team summarised only the record that
    names it is kept (without its sessions, signatures and problems) and its held sessions.

    ``consume``: each coaching record's sessions are let go of (the record keeps none) once
    its team's are summarised, for a caller that holds the records for nothing else.
    """
    found: Spilled[Problem] = Spilled(problems)  # held in a file: see docgen.log.spilled
    heads = heads_of(records)
    teams: dict[tuple[str, str], _Team] = {}
    contracts: list[int] = []
    others: list[int] = []  # mentor agreements, and records of no kind
    for i, head in enumerate(heads):
        found.extend(head.problems)
        (contracts if head.kind == schema.KIND_CONTRACT else others).append(i)
    cohorts: dict[str, set[str]] = {}
    for i in contracts:
        if heads[i].cohort:
            cohorts.setdefault(heads[i].team, set()).add(heads[i].cohort)
    expected: dict[tuple[str, str], ExpectedTeam] = {}
    for want in frame.teams if frame else ():
        key = team_key(want.team_id)
        expected.setdefault((frame.cohort, key), want)  # type: ignore[union-attr]
        if frame and frame.cohort:
            cohorts.setdefault(key, set()).add(frame.cohort)
    for i in contracts:
        cohort, key = _team_of(heads[i], cohorts)
        team = teams.setdefault((cohort, key), _Team(f"{cohort}\n{key}", [], [], cohort))
        team.at.append(i)
    pace = _Pace(today, frame.course_months if frame else DEFAULT_COURSE_MONTHS,
                 frame.start if frame else None, frame is not None)
    left = set(issued.left) if frame is None and issued is not None else set()
    behind: list[tuple[int, Problem]] = []  # records of documents left behind, by place
    signed: list[tuple[int, list[SignatureRow]]] = []  # signature rows, by the record's place
    # each team's changes since its contract come before every team's sessions' problems
    later: Spilled[Problem] = found if frame is None else Spilled()
    kept = Shared()  # the records that name the teams summarised share their values
    session_rows = SessionRows(spill=len(teams) > MANY_TEAMS)
    for (cohort, key), team in teams.items():
        got = [(i, records[i]) for i in team.at]
        team.at = []
        for i, record in got:
            if record.source in left:
                behind.append((i, _left_behind(record)))
            if rows := _signed_rows(record):
                signed.append((i, rows))
        # the newest names the team, else the cohort
        team.records = _newest_first([record for _i, record in got])
        del got
        team.expected = expected.get((cohort, key))
        if team.expected is not None and frame is not None:
            found += _changed_since(team, team.expected, frame)
        team.sessions = _team_sessions(team, later)
        for m in team.sessions:
            if (m.status in (Status.HELD, Status.UNCONFIRMED) and m.session.date is not None
                    and m.session.date > today):
                if m.session.date > today + _FAR_AHEAD:  # a year mistyped, most likely
                    later.append(_far_ahead(m.session, today))
                elif m.session.said == Said.HELD_FIELD and m.status == Status.HELD:
                    later.append(_held_ahead(m.session, today))
                m.status = Status.PLANNED
            elif m.status == Status.UNCONFIRMED:
                later.append(_unconfirmed(m.session))
        shown_rows = []
        for m in team.sessions:
            shown = _session_row(team, m)
            later += _cut_short(shown, m)
            kept.share(shown, _REPEATED_IN_SESSION_ROWS)
            shown_rows.append(shown)
            del m.sources, m.wheres  # shown in its row: not needed again
        session_rows.add(shown_rows)
        del shown_rows
        if consume:  # summarised: the sessions kept are the team's own (team.sessions)
            for record in team.records:
                object.__setattr__(record, "sessions", ())
        team.row = _team_row(team, pace, team.expected)
        _summarised(team, kept)
    if later is not found:
        found += later
        del later
    others_read = [(i, records[i]) for i in others]
    for i, record in others_read:
        if record.source in left:
            behind.append((i, _left_behind(record)))
        if rows := _signed_rows(record):
            signed.append((i, rows))
    ordered = sorted(teams.values(), key=lambda t: (t.cohort.casefold(),
                                                    t.main.team_id.casefold()))
    team_rows = [t.row for t in ordered if t.row is not None]
    notes: list[str] = []
    known = frame is None and issued is not None
    if known:
        if issued.left:  # type: ignore[union-attr]
            found += [p for _i, p in sorted(behind, key=lambda x: x[0])]
        read = {t.key.partition("\n")[2] for t in ordered}
        absent_rows, said = _issued_rows(issued, read, ordered)  # type: ignore[arg-type]
        team_rows += absent_rows
        team_rows.sort(key=lambda r: (r.cohort.casefold(), r.team_id.casefold()))
        notes += said
    if frame is None:
        if not known:
            notes.append(NO_FRAME)
        unsaid = sorted({t.main.team_id for t in ordered
                         if not t.main.settings.course_months})
        if unsaid:
            notes.append(
                f"The records of {_few(unsaid)} do not say how many months the course runs "
                f"(made before docgen wrote it): their pace is counted over the programme's "
                f"default of {DEFAULT_COURSE_MONTHS} months from each team's first session. "
                "Give --cohort for the cohort's own course months and start.")
    else:
        for t in ordered:
            if (t.cohort, t.key.partition("\n")[2]) not in expected:
                found.append(_unknown_team(t, frame))
        notes += _renamed_cohorts(ordered, expected, frame)
        absent = [want for (cohort, key), want in expected.items()
                  if (cohort, key) not in teams]
        team_rows += [_absent_row(want, frame, pace) for want in absent]
        team_rows.sort(key=lambda r: (r.cohort.casefold(), r.team_id.casefold()))
    mentoring = _mentoring([record for _i, record in others_read], frame, found)
    by_coach = _by_coach(ordered)
    if shared := _shared_note(by_coach):
        notes.append(shared)
    return LogData(
        sessions=session_rows,
        teams=tuple(team_rows),
        coaches=tuple(_coach_rows(by_coach, team_rows)),
        icf=tuple(_icf_rows(by_coach, {f"{cohort}\n{key}": want.contact_email
                                       for (cohort, key), want in expected.items()
                                       if want.contact_email})),
        problems=found,
        today=today,
        files=len(records),
        mentoring=mentoring,
        signatures=_signature_rows(row for _i, rows in sorted(signed, key=lambda x: x[0])
                                   for row in rows),
        framed=frame is not None or known,
        course_months=pace.course_months,
        notes=tuple(notes),
    )
