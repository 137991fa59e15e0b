"""The log's Summary sheet as rows: cohort totals, organisations, coaches, what needs chasing.

Pure: the log's rows in, plain tables out (no workbook, no clock), so every figure on the
page a manager prints can be tested exactly. :mod:`docgen.log.logbook` lays them out.

The Summary is one A4 page, so its longer lists are cut short (``Table.more`` says how many
rows were left off and which sheet has them all): nothing is dropped unsaid.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from docgen.errors import Problem
from docgen.models import LogData, TeamRow, TeamStatus
from docgen.values import person_key

__all__ = ["CHASE_ROWS", "LISTED", "Overview", "Table", "chart_label", "overview"]

LISTED = 10  # organisations and coaches listed on the page; the rest are counted
CHASE_ROWS = 5  # teams (or files) listed under each heading of the chase list
_LABEL_CHARACTERS = 24  # a chart label's length: longer names are cut with "…"


@dataclass(frozen=True)
class Table:
    """A short table of the Summary: its headers, each column's kind, rows, what was left off."""

    headers: tuple[str, ...]
    kinds: tuple[str, ...]  # per column: text, int, hours, date (as the log's columns)
    rows: tuple[tuple[object, ...], ...]
    more: str = ""  # e.g. "and 3 more: see the Coaches sheet"


@dataclass(frozen=True)
class Overview:
    """What the Summary sheet shows, in order."""

    title: str
    reach: tuple[str, ...]  # what the log shows and cannot show (the frame, its notes)
    totals: tuple[tuple[str, object, str], ...]  # label, value, kind
    organisations: Table
    coaches: Table
    chase: tuple[tuple[str, Table], ...]  # heading, its rows; only headings with any


def team_label(team: TeamRow, several: bool = False) -> str:
    """Return "T01 Ward 7": the Team ID and name, and the cohort when several are logged."""
    name = team.team_name if team.team_name and team.team_name != team.team_id else ""
    label = " ".join(x for x in (team.team_id, name) if x) or "(no Team ID)"
    return f"{team.cohort} · {label}" if several and team.cohort else label


def chart_label(team: TeamRow, several: bool = False) -> str:
    """Return a team's label on the chart: :func:`team_label`, cut to stay readable."""
    label = team_label(team, several)
    if len(label) > _LABEL_CHARACTERS:
        label = label[:_LABEL_CHARACTERS - 1].rstrip() + "…"
    return label


def _more(left: int, where: str) -> str:
    return f"and {left} more: see the {where} sheet" if left > 0 else ""


def _count(teams: Iterable[TeamRow], status: TeamStatus) -> int:
    return sum(t.status == status for t in teams)


def _totals(data: LogData) -> tuple[tuple[str, object, str], ...]:
    teams = data.teams
    absent: object = _count(teams, TeamStatus.NO_RECORD)
    if not data.framed:
        absent = "not known: give the cohort with --cohort"
    return (
        ("Teams", len(teams), "int"),
        ("On track", _count(teams, TeamStatus.ON_TRACK), "int"),
        ("Behind pace", _count(teams, TeamStatus.BEHIND), "int"),
        ("Not started", _count(teams, TeamStatus.NOT_STARTED), "int"),
        ("No record returned", absent, "int"),
        ("Minimum met", _count(teams, TeamStatus.MET), "int"),
        ("Hours of coaching", round(sum(t.hours for t in teams), 2), "hours"),
        ("Sessions held", sum(t.sessions_held for t in teams), "int"),
        ("Sessions cancelled or rescheduled", sum(t.sessions_cancelled for t in teams), "int"),
        ("E-mail contacts", sum(t.email_contacts for t in teams), "int"),
        ("Contracts signed by everyone", sum(_all_signed(t.signed) for t in teams), "int"),
        *((("Mentor agreements returned", sum(m.agreement_returned for m in data.mentoring),
            "int"),
           ("Mentor agreements signed by both",
            sum(_all_signed(m.signed) for m in data.mentoring), "int"))
          if data.mentoring else ()),
        ("Files read", data.files, "int"),
        ("Problems (Problems sheet)", len(data.problems), "int"),
    )


def _all_signed(signed: str) -> bool:
    """Tell whether a Signed column ("3 of 3") says everyone signed."""
    done, _of, of = signed.partition(" of ")
    return bool(_of) and done == of != "0"


def _organisations(teams: tuple[TeamRow, ...]) -> Table:
    """One row per organisation, its spellings in case and spacing one ("NHS Lothian", "NHS
    lothian"): shown as first written, so that its teams are not split over two rows."""
    groups: dict[str, list[TeamRow]] = {}
    shown: dict[str, str] = {}
    for t in teams:
        org = t.organisation or "(no organisation)"
        key = " ".join(org.casefold().split())
        groups.setdefault(shown.setdefault(key, org), []).append(t)
    rows = [(org, len(ts), _count(ts, TeamStatus.BEHIND), _count(ts, TeamStatus.NO_RECORD),
             _count(ts, TeamStatus.MET), round(sum(t.hours for t in ts), 2),
             sum(t.sessions_held for t in ts))
            for org, ts in sorted(groups.items(), key=lambda kv: kv[0].casefold())]
    return Table(("Organisation", "Teams", "Behind pace", "No record", "Minimum met", "Hours",
                  "Sessions held"),
                 ("text", "int", "int", "int", "int", "hours", "int"),
                 tuple(rows[:LISTED]), _more(len(rows) - LISTED, "Teams"))


def _coaches(data: LogData) -> Table:
    """One row per coach: the teams naming them (returned or not) and what they recorded."""
    names: dict[str, str] = {}
    teams: dict[str, list[TeamRow]] = {}
    for t in data.teams:
        for coach in filter(None, (c.strip() for c in t.coaches.split(";"))):
            key = person_key(coach) or coach
            names.setdefault(key, coach)
            teams.setdefault(key, []).append(t)
    recorded = {person_key(c.coach) or c.coach: c for c in data.coaches}
    for key, c in recorded.items():
        names.setdefault(key, c.coach)
    rows = []
    for key, coach in names.items():
        theirs = teams.get(key, [])
        c = recorded.get(key)
        rows.append((coach, len(theirs) or (c.teams if c else 0),
                     _count(theirs, TeamStatus.BEHIND), _count(theirs, TeamStatus.NO_RECORD),
                     c.sessions_held if c else 0, c.email_contacts if c else 0,
                     c.hours if c else 0.0, c.last_contact if c else None))
    rows.sort(key=lambda r: person_key(str(r[0])))
    return Table(("Coach", "Teams", "Behind pace", "No record", "Sessions held",
                  "E-mail contacts", "Hours", "Last contact"),
                 ("text", "int", "int", "int", "int", "int", "hours", "date"),
                 tuple(rows[:LISTED]), _more(len(rows) - LISTED, "Coaches"))


def _chase_teams(teams: list[TeamRow], detail: Iterable[str], several: bool) -> Table:
    rows = [(team_label(t, several), t.coaches, d) for t, d in zip(teams, detail, strict=True)]
    return Table(("Team", "Coach(es)", "Detail"), ("text", "text", "text"),
                 tuple(rows[:CHASE_ROWS]), _more(len(rows) - CHASE_ROWS, "Teams"))


def _files(problems: Collection[Problem]) -> Table:
    """Return the files with most problems, each with its count and its first problem.

    Counted in one pass over the problems and their first messages taken in a second, for
    the files shown alone: the problems are read back from a file as they come (see
    :mod:`docgen.log.spilled`), and a message held for each of 10,000 files took ~9 MiB of
    the log's peak memory.
    """
    counts: dict[str, int] = {}
    for p in problems:
        if p.file:
            counts[p.file] = counts.get(p.file, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    shown = dict(ranked[:CHASE_ROWS])
    firsts: dict[str, str] = {}
    for p in problems:
        if p.file in shown and p.file not in firsts:
            firsts[p.file] = p.message
            if len(firsts) == len(shown):
                break
    rows = []
    for file, many in shown.items():
        first = firsts[file]
        first = first if len(first) <= 90 else first[:89].rstrip() + "…"
        count = f"{many} problem{'s' if many > 1 else ''}"
        rows.append((file, count, first))
    return Table(("File", "Problems", "The first"), ("text", "text", "text"),
                 tuple(rows), _more(len(ranked) - CHASE_ROWS, "Problems"))


def _chase(data: LogData, several: bool) -> tuple[tuple[str, Table], ...]:
    teams = data.teams
    absent = [t for t in teams if t.status == TeamStatus.NO_RECORD]
    behind = sorted((t for t in teams if t.status == TeamStatus.BEHIND),
                    key=lambda t: -(t.behind_by or 0.0))
    overdue = sorted((t for t in teams if t.meeting_overdue is not None),
                     key=lambda t: t.meeting_overdue)  # type: ignore[arg-type,return-value]
    review = [t for t in teams if t.review_due]
    sections = [
        ("No record returned", _chase_teams(absent, (
            f"expected {t.expected_hours:.1f} h by today" if t.expected_hours else
            "no record of it was read" for t in absent), several)),
        ("Behind pace", _chase_teams(behind, (
            f"{t.hours:.1f} h of {t.expected_hours or 0:.1f} expected by today"
            for t in behind), several)),
        ("Next meeting overdue", _chase_teams(overdue, (
            f"no session since the meeting due {t.meeting_overdue:%d/%m/%Y}"
            for t in overdue), several)),
        ("Review due", _chase_teams(review, (
            f"{t.sessions_held} sessions held (review after {t.review_after})"
            for t in review), several)),
        ("Files with problems", _files(data.problems)),
    ]
    return tuple((heading, table) for heading, table in sections if table.rows)


def overview(data: LogData, source: str = "") -> Overview:
    """Return what the Summary sheet shows for ``data``.

    ``source`` names the frame the teams came from (the cohort given with --cohort), for the
    page's first line; the log's notes (what it cannot show) follow it.
    """
    cohorts = [c for c in data.cohorts if c]
    several = len(cohorts) > 1
    title = f"Coaching log, {data.today:%d/%m/%Y}"
    if cohorts:
        title += f": {', '.join(cohorts)}"
    reach: list[str] = []
    if data.framed and source:  # framed by the cohort (a manifest's notes say their own)
        reach.append(f"Every team and mentoring pair of the cohort ({source}) is listed, "
                     "those whose record has not come back among them.")
    reach += data.notes
    return Overview(title=title, reach=tuple(reach), totals=_totals(data),
                    organisations=_organisations(data.teams), coaches=_coaches(data),
                    chase=_chase(data, several))
