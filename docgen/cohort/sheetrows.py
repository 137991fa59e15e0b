"""Each sheet's typed rows, with the checks of that sheet (rules run after their column).

- Teams: the Team ID (runs of spaces folded) is unique by :func:`~docgen.values.team_key`, a
  blank team name is the Team ID, and a team without a coach or members is warned of; when
  the Programme sheet says the team lead signs for the team, each team must name its lead;
- Sessions: the Team ID (folded) must be on the Teams sheet (unless a Team ID there failed:
  then one warning names the sessions that could not be checked), and the finish time must
  be after the start time;
- Mentoring: a pair (practitioner and mentor, compared as Team IDs are) is on one row only.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field

from docgen import schema
from docgen.cohort.packed import Packed
from docgen.cohort.rows import ExtraRule, Row, Rule, Shared, build_rows
from docgen.cohort.tables import Table
from docgen.compact import TextTable, repeated
from docgen.errors import Problem
from docgen.models import Pair, Programme, Session, Team
from docgen.schema import Column
from docgen.values import (
    format_date_short,
    format_time,
    initials_of,
    may_be_person,
    next_meeting_doubt,
    one_name_or_how,
    parse_session_hours,
    person_key,
    team_key,
)


def _folded(values: dict[str, object], column: Column) -> str:
    """Fold runs of spaces in the column's value (a Team ID), and return it."""
    value = values[column.field] = " ".join(str(values[column.field]).split())
    return value


@dataclass
class TeamIds:
    """The Team IDs on the Teams sheet, of valid rows or not, and the rows whose ID failed."""

    # each Team ID's key, with the row it is first on: the teams' own check of their IDs,
    # kept for the sessions' (a dict of them, and a set, took ~7 MB at 50,000 teams)
    keys: TextTable = field(default_factory=TextTable)
    unreadable: list[int] = field(default_factory=list)  # rows whose Team ID cell failed
    # the Teams sheet's coaches, each person once (their key: their first spelling), for the
    # Sessions sheet's; a programme has tens, never a cohort's worth (at most MOST_COACHES)
    coaches: dict[str, str] = field(default_factory=dict)
    coach_rows: dict[str, int] = field(default_factory=dict)  # where each is first named


MOST_COACHES = 5_000  # distinct coaches kept from the Teams sheet; beyond, none are compared
_MOST_COMPARED = 100_000  # names compared for spellings of a coach (each ~20 µs at worst)


# Columns a contract shows in its identity block and signature lines: blank, the document
# has a blank line there, which is worth a warning (not an error: a team may be coached later).
_EXPECTED = (("coaches", "no coach: the contract's coach and signature lines will be empty"),
             ("members", "no team members: the contract's team members line will be empty"))


def teams(table: Table | None, programme: Programme, shared: Shared,
          problems: list[Problem], ids: TeamIds | None = None,
          extra_rules: dict[str, ExtraRule] | None = None) -> Packed[Team]:
    """Return the valid teams of the Teams sheet (if read); add a problem for every bad row.

    ``ids`` is filled with every Team ID read, so that sessions of a team whose row has a
    problem are not said to be of an unknown team too. ``extra_rules`` check the extra
    columns named as Programme settings (the team's own value of one).
    """
    if table is None:
        return Packed(Team)
    ids = TeamIds() if ids is None else ids
    seen = ids.keys

    def unique(values: dict[str, object], row: Row, column: Column) -> None:
        if column.key in row.failed:  # a failed formula: reported, and remembered
            ids.unreadable.append(row.n)
            return
        team_id = _folded(values, column)
        if team_id:
            first = seen.setdefault(team_key(team_id), row.n)
            if first != row.n:
                row.problem(column.key,
                            f'{column.header} "{team_id}" is already used on row {first}')

    def name_or_id(values: dict[str, object], row: Row, column: Column) -> None:
        values[column.field] = values[column.field] or values["team_id"]

    def session_length(values: dict[str, object], row: Row, column: Column) -> None:
        """The team's Duration is the length the log credits its sessions without times:
        read as the Programme's Session duration is (a blank takes that, read there)."""
        typed = values[column.field]
        if typed and typed != programme.get(column.fallback):
            try:
                parse_session_hours(typed)
            except ValueError as exc:
                row.problem(column.key, str(exc))

    def coaches(values: dict[str, object], row: Row, column: Column) -> None:
        if len(ids.coaches) < MOST_COACHES:
            for name in values[column.field]:  # type: ignore[attr-defined]
                key = person_key(name)
                if key not in ids.coaches:
                    ids.coaches[key], ids.coach_rows[key] = name, row.n

    rules: dict[str, Rule] = {"team_id": unique, "team_name": name_or_id,
                              "duration": session_length}
    if programme.get("team_signatories") == schema.TEAM_LEAD:
        _lead_signs(table, rules, problems)
    for field_name, lacking in _EXPECTED:
        column = next(c for c in schema.TEAMS.columns if c.field == field_name)
        if column.key in table.headers:
            expected = _expected(f"the team has {lacking}; fill in {column.header}")
            rules[field_name] = (_both(expected, coaches) if field_name == "coaches"
                                 else expected)
        else:
            table.warn(f'there is no "{column.header}" column, so every team has {lacking}; '
                       "add the column", row=table.header_row)
    found, count = build_rows(Team, table, programme, shared, problems, rules, extra_rules)
    _one_coach_twice(table, ids)
    _teams_twice(table, found)
    if not count:
        problems.append(Problem("the sheet has no teams below its header", file=table.file,
                                sheet=table.label))
    return found


def _team_said(team: Team) -> str | None:
    """A team's name and organisation, in any case and spacing; None for a team with no
    name of its own (its Team ID stands in), which is never compared."""
    if not team.team_name or team.team_name == team.team_id:
        return None
    return "\0".join(" ".join(v.casefold().split()) for v in (team.team_name,
                                                               team.organisation))


def _teams_twice(table: Table, teams: Packed[Team]) -> None:
    """Warn of a team typed again under another Team ID (the same name and organisation):
    it would get two contracts, and the log would split its sessions between two teams.

    Compared once the sheet is read, by digest (:func:`~docgen.compact.repeated`): a set of
    the names held while the sheet's cells are took ~2 MB more at 50,000 teams, at the
    reading's highest point."""
    column = schema.TEAMS.column("team_name")
    header = table.headers.get(column.key, column.header)
    for one, other in repeated(teams, _team_said):
        of = f" of {other.organisation}" if other.organisation else ""
        table.warn(f'team "{other.team_name}"{of} is also on row {one.row}, under another '
                   f"Team ID: {other.team_id} would get a second contract, and the log would "
                   f"split the team's sessions between two teams; if it is one team, delete "
                   f"one of the rows (and give its sessions the other's Team ID); if two, "
                   f"give them names that tell them apart in {header}",
                   row=other.row, column=header)


_MOST_PAIRED = 300  # distinct coaches whose names are compared with each other's


def _one_coach_twice(table: Table, ids: TeamIds) -> None:
    """Warn of two coaches of the Teams sheet who may be one person written two ways ("Fiona
    MacLeod" and "Fiona McLeod", or "F MacLeod"): their contracts, coach packs, e-mail drafts
    and the log's Coaches sheet would count them as two coaches."""
    keys = list(ids.coaches)
    if len(keys) > _MOST_PAIRED:
        return
    column = next(c for c in schema.TEAMS.columns if c.field == "coaches")
    header = table.headers.get(column.key, column.header)
    for i, later in enumerate(keys):
        first = next((k for k in keys[:i]
                      if may_be_person(later, k) or may_be_person(k, later)), None)
        if first is None:
            continue
        name, other = ids.coaches[later], ids.coaches[first]
        table.warn(
            f'"{name}" may be {other} (row {ids.coach_rows[first]}) written otherwise: '
            f"contracts, coach packs, e-mail drafts and the log's Coaches sheet would count "
            f"them as two coaches; if they are one person, write the name one way; if two, "
            "nothing is wrong", row=ids.coach_rows[later], column=header)


def _lead_signs(table: Table, rules: dict[str, Rule], problems: list[Problem]) -> None:
    """Require each team's lead, who signs its contract (Programme › Team signatories)."""
    column = schema.TEAMS.column("team_lead")
    way_out = (f'or set the Programme sheet\'s Team signatories to "{schema.EVERY_MEMBER}" '
               "for every team member to sign")
    if column.key not in table.headers:
        problems.append(Problem(
            f'the Programme sheet\'s Team signatories is "{schema.TEAM_LEAD}", but there is no '
            f'"{column.header}" column: add it with each team\'s lead, {way_out}',
            file=table.file, sheet=table.label))
        return

    def lead(values: dict[str, object], row: Row, column: Column) -> None:
        if not values[column.field]:
            row.problem(column.key, f"team {values['team_id']} has no {column.header}, who "
                        f"signs its contract (Programme › Team signatories): fill it in, "
                        f"{way_out}")

    rules[column.field] = lead


def _both(first: Rule, then: Rule) -> Rule:
    """Return a rule running ``first``, then ``then``."""

    def both(values: dict[str, object], row: Row, column: Column) -> None:
        first(values, row, column)
        then(values, row, column)

    return both


def _expected(message: str) -> Rule:
    """Return a rule warning of a blank cell in a column the documents show."""

    def expected(values: dict[str, object], row: Row, column: Column) -> None:
        if not values[column.field]:
            row.warning(column.key, message)

    return expected


def sessions(table: Table | None, programme: Programme, shared: Shared,
             ids: TeamIds | None, problems: list[Problem]) -> Packed[Session]:
    """Return the valid sessions of the Sessions sheet (if read); add a problem for every bad row.

    ``ids`` are the Teams sheet's; None when it could not be read (then no session is said to
    be of an unknown team). When a Team ID there failed, a session naming an ID not found
    could be of that team: such sessions are named once, in a warning, not each a problem.
    """
    if table is None:
        return Packed(Session)
    unchecked: list[tuple[int, str]] = []

    def known(values: dict[str, object], row: Row, column: Column) -> None:
        team_id = _folded(values, column)
        if not team_id or ids is None or team_key(team_id) in ids.keys:
            return
        if ids.unreadable:
            unchecked.append((row.n, team_id))
        else:
            row.problem(column.key,
                        f'{column.header} "{team_id}" is not on the {schema.TEAMS.name} sheet')

    def after_start(values: dict[str, object], row: Row, column: Column) -> None:
        start, finish = values["start"], values[column.field]
        if isinstance(start, dt.time) and isinstance(finish, dt.time) and finish <= start:
            row.problem(column.key, f"finish time {format_time(finish)} is not after start "
                                    f"time {format_time(start)}")

    others: dict[str, tuple[str, array[int]]] = {}  # coaches not on the Teams sheet: rows

    def coach(values: dict[str, object], row: Row, column: Column) -> None:
        if ids is None or not ids.coaches:
            return
        for name in values[column.field]:  # type: ignore[attr-defined]
            key = person_key(name)
            if key and key not in ids.coaches:
                others.setdefault(key, (name, array("i")))[1].append(row.n)

    def next_after(values: dict[str, object], row: Row, column: Column) -> None:
        """A next meeting on or before the session's date: mistyped? (One years away is
        named with the cohort's other far-off dates.)"""
        date, after = values["date"], values[column.field]
        if (when := next_meeting_doubt(date, after, years=False)) is not None:
            row.warning(column.key, f"the next meeting ({format_date_short(after)}) is {when} "  # type: ignore[arg-type]
                        f"the session's own date ({format_date_short(date)}): the form shows "  # type: ignore[arg-type]
                        "it as typed; is the day, month or year right?")

    found, _count = build_rows(Session, table, programme, shared, problems,
                               {"team_id": known, "finish": after_start, "coaches": coach,
                                "next_meeting": next_after})
    _sessions_twice(table, found)
    if others and ids is not None:
        _coach_variants(table, others, ids.coaches)
    if unchecked and ids is not None:
        names = sorted({team_id for _n, team_id in unchecked})
        failed = ", ".join(map(str, ids.unreadable[:5]))
        table.warn(
            f"{len(unchecked)} session{'s' if len(unchecked) != 1 else ''} (rows "
            f"{', '.join(str(n) for n, _t in unchecked[:5])}{'…' if len(unchecked) > 5 else ''})"
            f" name Team IDs not found on the {schema.TEAMS.name} sheet "
            f"({', '.join(names[:5])}{'…' if len(names) > 5 else ''}), which could not be "
            f"checked: the Team ID on {schema.TEAMS.name} row {failed} shows an error; "
            "correct it and check again")
    return found


def _session_said(session: Session) -> str | None:
    """A session's team (as Team IDs compare), date and start; None for an undated one, which
    is never compared."""
    if session.date is None or not session.team_id:
        return None
    start = session.start.isoformat() if session.start else ""
    return f"{team_key(session.team_id)}\0{session.date.isoformat()}\0{start}"


def _sessions_twice(table: Table, sessions: Packed[Session]) -> None:
    """Warn of a session typed twice (the same team, date and start time, or the same day
    both without one): a row copied, or pasted again. The contract would have two forms for
    it, and the log two sessions to confirm.

    Compared once the sheet is read, by digest (:func:`~docgen.compact.repeated`): ~1.6 MB at
    100,000 sessions, where a set of them held while the sheet's cells are took ~4 MB more at
    the reading's highest point."""
    column = schema.SESSIONS.column("date")
    header = table.headers.get(column.key, column.header)
    for one, other in repeated(sessions, _session_said):
        at = f" at {format_time(other.start)}" if other.start else ""
        table.warn(f"team {other.team_id} already has a session on "
                   f"{format_date_short(other.date)}{at}, on row {one.row}: the contract would "
                   f"have two forms for it; if the row was copied, delete one; if there were "
                   f"two sessions, give each its own "
                   f"{'start time' if at else 'start and finish times'}",
                   row=other.row, column=header)


def _coach_variants(table: Table, others: dict[str, tuple[str, array[int]]],
                    coaches: dict[str, str]) -> None:
    """Warn of each coach of the Sessions sheet who is no coach of the Teams sheet but may be
    one written otherwise ("Fiona" or "Fiona McLeod" for Fiona MacLeod): the contract's form
    shows that name, and the log credits the session's hours to it, apart from the coach's."""
    if len(others) * len(coaches) > _MOST_COMPARED:
        return  # a sheet naming thousands of coaches the Teams sheet lacks: not typos
    column = next(c for c in schema.SESSIONS.columns if c.field == "coaches")
    header = table.headers.get(column.key, column.header)
    for key, (name, rows) in others.items():
        shown = "" if len(rows) == 1 else (
            f" (rows {', '.join(map(str, rows[:5]))}{'…' if len(rows) > 5 else ''})")
        # "Ravi Mehta (covering)" (names joined by "/" or "and" are warned of as read)
        if one_name_or_how(name) == "bracketed":
            table.warn(
                f'"{name}"{shown} is a name with a note: the form shows it as typed, and the '
                "log would credit the session's hours to a coach of that whole name, apart "
                "from the coach it names; type the coach's name alone, and the note in Comments",
                row=rows[0], column=header)
            continue
        likely = [c for k, c in coaches.items() if may_be_person(key, k) or initials_of(name, k)]
        if len(likely) != 1:
            continue
        table.warn(
            f'"{name}" is not a coach on the {schema.TEAMS.name} sheet, but may be '
            f"{likely[0]} written otherwise{shown}: the form of "
            f"{'that session' if len(rows) == 1 else 'those sessions'} shows \"{name}\", "
            f"and the log would credit {'its' if len(rows) == 1 else 'their'} hours to "
            f"\"{name}\", apart from {likely[0]}'s; if it is {likely[0]}, type the name as "
            f"the {schema.TEAMS.name} sheet has it; if it is another coach, nothing is wrong",
            row=rows[0], column=header)


def pairs(table: Table | None, programme: Programme, shared: Shared,
          problems: list[Problem]) -> Packed[Pair]:
    """Return the valid pairs of the Mentoring sheet (if read); add a problem for every bad row."""
    if table is None:
        return Packed(Pair)
    seen: dict[str, int] = {}

    def unique(values: dict[str, object], row: Row, column: Column) -> None:
        """A pair is one agreement, with one document id: a second row of the same pair
        would be a second agreement the log could not tell from the first."""
        practitioner, mentor = values["practitioner"], values[column.field]
        if not practitioner or not mentor:
            return
        first = seen.setdefault(team_key(f"{practitioner} – {mentor}"), row.n)
        if first != row.n:
            row.problem(column.key, f'{practitioner} and {mentor} are already a pair on row '
                        f"{first}: one row per pair (delete this one, or correct the name)")
        elif (swapped := seen.get(team_key(f"{mentor} – {practitioner}"))) is not None:
            row.warning(column.key, f"{mentor} is the QI practitioner and {practitioner} the "
                        f"mentor on row {swapped}, the other way round here: two agreements "
                        "for the same two people; if they are one pair, delete the wrong row")

    found, _count = build_rows(Pair, table, programme, shared, problems, {"mentor": unique})
    return found
