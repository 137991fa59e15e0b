"""Read a cohort workbook (.xlsx) or a folder of CSV files into a validated :class:`Cohort`.

Every problem of the input is collected, each located by file, sheet, row and column, so an
admin fixes the spreadsheet once rather than once per run. Rows with problems are left out of
the returned cohort; the caller decides whether problems stop the run (``--skip-invalid``).
Finding each sheet's table is :mod:`docgen.cohort.tables`' job, reading its rows into typed
rows :mod:`docgen.cohort.rows`'.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docgen import schema
from docgen.cohort import rows
from docgen.cohort.sheets import Workbook
from docgen.cohort.tables import Table, csv_tables, workbook_tables
from docgen.errors import DocgenError, Problem
from docgen.models import (
    DEFAULT_COACHING_PAID,
    DEFAULT_MINIMUM_HOURS,
    DEFAULT_REVIEW_AFTER,
    DEFAULT_SESSION_HOURS,
    Cohort,
    Programme,
)
from docgen.schema import Column, Kind
from docgen.values import (
    header_key,
    is_blank,
    parse_duration_hours,
    parse_int,
    parse_yes_no,
    team_key,
)

_SETTING, _VALUE = (c.key for c in schema.PROGRAMME.columns)

# The Programme numbers docgen computes with: attribute, setting, how it is read, and the
# default used when the setting cannot be read (the schema's default, as models declares it).
_NUMBERS: tuple[tuple[str, str, Callable[[object], object], object], ...] = (
    ("minimum_hours", "minimum_coaching_hours", lambda v: float(parse_int(v)),
     DEFAULT_MINIMUM_HOURS),
    ("review_after", "review_after_sessions", parse_int, DEFAULT_REVIEW_AFTER),
    ("session_hours", "session_duration", parse_duration_hours, DEFAULT_SESSION_HOURS),
    ("coaching_paid", "coaching_paid", parse_yes_no, DEFAULT_COACHING_PAID),
)


def read_cohort(path: Path) -> tuple[Cohort, list[Problem]]:
    """Read and validate the cohort at ``path`` (an .xlsx or a folder of CSV files).

    Returns the cohort of valid rows and every problem found. Problems without a row (a
    missing sheet or column) mean nothing sensible can be generated; the caller stops on them.
    Raises :class:`DocgenError` when the file cannot be opened at all.
    """
    path = Path(path)
    problems: list[Problem] = []
    if path.is_dir():
        return _build(path, csv_tables(path, problems), problems)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with Workbook(path) as wb:
            # the rows stream from the open workbook: build before it closes
            return _build(path, workbook_tables(wb, path, problems), problems)
    if path.suffix.lower() == ".csv":
        raise DocgenError(Problem(
            "give the folder that holds teams.csv, sessions.csv, mentoring.csv and "
            f"programme.csv, not one CSV file: try `{path.parent}`", file=str(path)))
    if not path.exists():
        raise DocgenError(Problem("does not exist", file=str(path)))
    raise DocgenError(Problem(
        "is not a cohort workbook: give an .xlsx file or a folder of CSV files",
        file=str(path)))


def _build(path: Path, tables: dict[str, Table],
           problems: list[Problem]) -> tuple[Cohort, list[Problem]]:
    programme = _programme(tables.get(schema.PROGRAMME.name), problems)
    shared = rows.Shared()  # dropped with this call: the cohort keeps what it uses
    teams = rows.teams(tables.get(schema.TEAMS.name), programme, shared, problems)
    # Without a readable Teams sheet (already reported), no session could match a team:
    # saying so for every session would bury the one problem that matters.
    known_ids = {team_key(t.team_id) for t in teams} if schema.TEAMS.name in tables else None
    sessions = rows.sessions(tables.get(schema.SESSIONS.name), programme, shared, known_ids,
                             problems)
    pairs = rows.pairs(tables.get(schema.MENTORING.name), programme, shared, problems)
    extra = set()
    for t in tables.values():
        extra |= set(t.headers) - t.sheet.keys
    return Cohort(path, programme, teams, sessions, pairs, frozenset(extra)), problems


def _setting(column: Column | None, value: object) -> str:
    """Return a Programme value as the settings keep it; raise ValueError if it cannot be read."""
    kind = column.kind if column else Kind.TEXT
    if kind is Kind.INT:
        return str(parse_int(value))
    if kind is Kind.YESNO:
        yes, no = schema.YES_NO
        return yes if parse_yes_no(value) else no
    return rows.display(value)


def _programme(table: Table | None, problems: list[Problem]) -> Programme:
    """Read the Programme sheet's settings over the defaults, and the numbers computed with."""
    values = dict(schema.PROGRAMME_DEFAULTS)
    read: dict[str, rows.Row] = {}
    if table is not None:
        for n, cells in table.rows:
            setting = header_key(cells.get(_SETTING))
            if not setting:
                continue
            value = cells.get(_VALUE)
            row = read[setting] = rows.Row(table, n, {_VALUE: value}, problems)
            if is_blank(value):
                continue
            try:
                values[setting] = _setting(schema.PROGRAMME_SETTING.get(setting), value)
            except ValueError as exc:
                row.problem(_VALUE, str(exc))

    numbers: dict[str, object] = {}
    for attr, setting, parse, default in _NUMBERS:
        try:
            numbers[attr] = parse(values[setting])
        except ValueError as exc:
            if setting in read:
                read[setting].problem(_VALUE, str(exc))
            numbers[attr] = default
    return Programme(settings=values, **numbers)  # type: ignore[arg-type]
