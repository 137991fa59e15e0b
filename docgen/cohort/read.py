"""Read a cohort workbook (.xlsx, .xlsm, .xls, .ods) or a CSV folder into a :class:`Cohort`.

Every problem of the input is collected, each located by file, sheet, row and column, so an
admin fixes the spreadsheet once rather than once per run; so is every warning (input read,
but probably not as meant). Rows with problems are left out of
the returned cohort; the caller decides whether problems stop the run (``--skip-invalid``).
Finding each sheet's table is :mod:`docgen.cohort.tables`' job, reading its rows into typed
rows :mod:`docgen.cohort.rows`'.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from docgen import schema
from docgen.cohort import names, rows, sheetrows
from docgen.cohort.csvfiles import SUFFIXES
from docgen.cohort.sheets import FORMATS, Workbook
from docgen.cohort.tables import Table, csv_tables, workbook_tables
from docgen.context import TEAM_SETTINGS
from docgen.editors import lock_file
from docgen.errors import DocgenError, Problem
from docgen.kinds import KINDS
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
    parse_int,
    parse_session_hours,
    parse_yes_no,
)

_SETTING, _VALUE = (c.key for c in schema.PROGRAMME.columns)

# The Programme numbers docgen computes with: attribute, setting, how it is read, and the
# default used when the setting cannot be read (the schema's default, as models declares it).
_NUMBERS: tuple[tuple[str, str, Callable[[object], object], object], ...] = (
    ("minimum_hours", "minimum_coaching_hours", lambda v: float(parse_int(v)),
     DEFAULT_MINIMUM_HOURS),
    ("review_after", "review_after_sessions", parse_int, DEFAULT_REVIEW_AFTER),
    ("session_hours", "session_duration", parse_session_hours, DEFAULT_SESSION_HOURS),
    ("coaching_paid", "coaching_paid", parse_yes_no, DEFAULT_COACHING_PAID),
)


def read_cohort(path: Path, warnings: list[Problem] | None = None
                ) -> tuple[Cohort, list[Problem]]:
    """Read and validate the cohort at ``path`` (a workbook or a folder of CSV files).

    Returns the cohort of valid rows and every problem found; what was read but probably not
    as meant (a misspelt header, a renamed sheet, a team without a coach) is added to
    ``warnings``. Problems without a row (a missing sheet or column) mean nothing sensible can
    be generated; the caller stops on them. Raises :class:`DocgenError` when the file cannot
    be opened at all.
    """
    path = Path(path)
    problems: list[Problem] = []
    found: list[Problem] = []
    if path.is_dir():
        read = _build(path, csv_tables(path, problems, found), problems)
    elif path.suffix.lower() in FORMATS:
        with Workbook(path) as wb:
            # the rows stream from the open workbook: build before it closes
            read = _build(path, workbook_tables(wb, path, problems, found), problems)
    else:
        _refuse(path)
    if warnings is not None:  # in the sheets' order, then by row, as the admin reads them
        warnings += sorted(found, key=_in_sheet_order)
        if not path.is_dir() and (newer := _newer_beside(path)) is not None:
            warnings.insert(0, newer)
        warnings[:0] = _open_now(path)
    if len(read[0].teams) + len(read[0].sessions) >= _TRIM_ROWS:
        _give_back_freed_memory()
    return read


_TRIM_ROWS = 20_000  # below this, what reading freed is a few MB: not worth a call


def _give_back_freed_memory() -> None:
    """Return to the system the memory reading freed (calamine holds a whole sheet: ~50 MB for
    100,000 sessions), where the C library keeps it otherwise (glibc).

    The run's peak is not lowered, but what it holds from here on is (45 MB less at 50,000
    teams), and so is what each worker process, forked afterwards, starts with.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # only for a large cohort: ~2 ms to import

    with suppress(OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        ctypes.CDLL(None).malloc_trim(0)


def _open_now(path: Path) -> list[Problem]:
    """Name the workbook (or CSV file) open in Excel or LibreOffice as it is read: what was
    changed there and not yet saved is not in the file."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES) if (
        path.is_dir()) else [path]
    return [Problem(f'is open in Excel or LibreOffice (its lock file "{lock.name}" is beside '
                    "it): it was read as last saved, so changes not saved yet are not read; "
                    "save it, then run again (if it is not open, delete that lock file)",
                    file=str(f)) for f in files if (lock := lock_file(f)) is not None]


def _newer_beside(path: Path) -> Problem | None:
    """Name a copy of the workbook saved in another format after it: LibreOffice asked "Use
    Excel 2007-365!" or "Use ODF Format!", and the edits went to cohort.ods beside the
    cohort.xlsx given (or the other way round); what they changed is not read."""
    try:
        given = path.stat().st_mtime
        stem = path.stem.casefold()
        newer = sorted(p.name for p in path.parent.iterdir()
                       if p.stem.casefold() == stem and p.suffix.lower() in FORMATS
                       and p.suffix.lower() != path.suffix.lower() and p.is_file()
                       and p.stat().st_mtime > given)
    except OSError:
        return None
    if not newer:
        return None
    one = len(newer) == 1
    return Problem(
        f"{' and '.join(newer)} beside it {'was' if one else 'were'} saved after it, and "
        f"{'is' if one else 'are'} not read: if the cohort was edited there, give "
        f"{'that file' if one else 'the one edited'} instead, or save it as {path.name}",
        file=str(path))


def _in_sheet_order(p: Problem) -> tuple[int, int]:
    order = {header_key(s.name): i for i, s in enumerate(schema.SHEETS)}
    return order.get(header_key(p.sheet), -1) if p.sheet else -1, p.row or 0


def _refuse(path: Path) -> NoReturn:
    """Raise the error saying why ``path`` is neither a workbook nor a folder of CSV files."""
    if path.suffix.lower() == ".csv":
        raise DocgenError(Problem(
            "give the folder that holds teams.csv, sessions.csv, mentoring.csv and "
            f"programme.csv, not one CSV file: try `{path.parent}`", file=str(path)))
    if not path.exists():
        raise DocgenError(Problem("does not exist", file=str(path)))
    raise DocgenError(Problem(
        f"is not a cohort workbook: give a workbook ({', '.join(FORMATS)}) or a folder of CSV "
        "files", file=str(path)))


def _build(path: Path, tables: dict[str, Table],
           problems: list[Problem]) -> tuple[Cohort, list[Problem]]:
    programme, settings = _programme(tables.get(schema.PROGRAMME.name), problems)
    shared = rows.Shared()  # dropped with this call: the cohort keeps what it uses
    # Without a readable Teams sheet (already reported), no session could match a team:
    # saying so for every session would bury the one problem that matters.
    ids = sheetrows.TeamIds() if schema.TEAMS.name in tables else None
    teams = sheetrows.teams(tables.get(schema.TEAMS.name), programme, shared, problems, ids,
                            _team_settings(tables.get(schema.TEAMS.name)))
    sessions = sheetrows.sessions(tables.get(schema.SESSIONS.name), programme, shared, ids,
                             problems)
    pairs = sheetrows.pairs(tables.get(schema.MENTORING.name), programme, shared, problems)
    shared.warn_day_order()  # dates that may be month first, in any sheet's evidence
    for table in tables.values():
        _own_named(table)
    shared.dates.warn()  # a date far from all the others: a year mistyped
    # The Programme's and Sessions' other columns are warned of, never fields of a document.
    columns = tuple((t.sheet.name, t.label, t.header_row, key, header)
                    for t in tables.values() if t.sheet in (schema.TEAMS, schema.MENTORING)
                    for key, header in t.headers.items() if key not in t.sheet.keys)
    # Settings docgen does not know are fields too (of every document), named by `generate`
    # where no template uses them; they are the Programme's, not extra columns.
    return Cohort(path, programme, teams, sessions, pairs,
                  frozenset(key for *_where, key, _h in columns),
                  columns + tuple(settings)), problems


def _team_settings(table: Table | None) -> dict[str, rows.ExtraRule]:
    """Return the rules of the Teams sheet's extra columns named as a Programme setting whose
    value a contract's properties carry (see :data:`docgen.context.TEAM_SETTINGS`): each cell
    is read as the Programme sheet's value is, with its bounds and messages."""
    if table is None:
        return {}
    found: dict[str, rows.ExtraRule] = {}
    for key in table.headers:
        if key in TEAM_SETTINGS and key not in table.sheet.keys:
            column, parse = schema.PROGRAMME_SETTING[key], TEAM_SETTINGS[key]

            def rule(cell: object, row: rows.Row, key: str = key, column: Column = column,
                     parse: Callable[[object], object] = parse) -> None:
                try:
                    parse(_setting(column, cell))
                except ValueError as exc:
                    row.problem(key, str(exc))

            found[key] = rule
    return found


def _own_named(table: Table) -> None:
    """Warn of each extra column named as a field docgen fills itself in the documents made
    from the sheet (``sessions``, ``signatures`` in a contract): docgen's value is shown, never
    the column's."""
    for kind in KINDS:
        if kind.sheet is not table.sheet:
            continue
        for key, header in table.headers.items():
            if key in kind.own_fields and key not in table.sheet.keys:
                table.warn(
                    f"the column is in no document: {{{{ {key} }}}} is docgen's own field in "
                    f"{kind.template_file} ({kind.own_fields[key]}), shown there instead of "
                    "this column; to show the column's values, rename its header to a name "
                    "docgen does not use (`docgen fields` lists them) and use that field in "
                    "the template", row=table.header_row, column=header)


# Settings that count sessions or months: 0 would be replaced by the default without a word.
_COUNTS = frozenset({"review_after_sessions", "course_months"})


def _setting(column: Column | None, value: object) -> str:
    """Return a Programme value as the settings keep it; raise ValueError if it cannot be read."""
    kind = column.kind if column else Kind.TEXT
    if column is not None and column.choices:  # one of the drop-down's, however it is typed
        typed = rows.display(value)
        for choice in column.choices:
            if header_key(choice) == header_key(typed):
                return choice
        raise ValueError(f'"{typed}" is not one of the choices: choose '
                         f'{" or ".join(column.choices)} from the drop-down')
    if kind is Kind.INT:
        number = parse_int(value)
        if number < 1 and column is not None and column.key in _COUNTS:
            raise ValueError(f"{number} is not a count: type a whole number from 1, or leave "
                             "the value blank for the default")
        if column is not None:
            rows.at_most(number, column, "the value blank for the default")
        return str(number)
    if kind is Kind.YESNO:
        yes, no = schema.YES_NO
        return yes if parse_yes_no(value) else no
    return rows.display(value)


def _check_setting(table: Table, n: int, setting: str, read: dict[str, rows.Row]) -> None:
    """Warn of a setting given twice."""
    if setting in read:
        table.warn(f"the setting is also on row {read[setting].n}: the last filled-in value is "
                   "used; delete the other row", row=n, column=table.headers.get(_SETTING))


def _unknown_settings(table: Table, unknown: dict[str, tuple[int, str]],
                      read: dict[str, rows.Row]) -> list[tuple[str, str, int, str, str]]:
    """Warn of each setting docgen does not know that resembles one the sheet lacks (docgen
    uses that one's default instead); return the others, as extra columns are kept, for
    `generate` to name those no template uses."""
    others: list[tuple[str, str, int, str, str]] = []
    lacking = set(schema.PROGRAMME_SETTING) - set(read)
    for setting, (n, typed) in unknown.items():
        like = names.resembled_setting(setting, lacking)
        if like is None:
            others.append((schema.PROGRAMME.name, table.label, n, setting, typed))
            continue
        meant = schema.PROGRAMME_SETTING[like].header
        default = schema.PROGRAMME_DEFAULTS[like]
        uses = (f"docgen uses its default, {default}," if default else
                "the documents leave it blank")
        table.warn(f"unknown setting, kept as the field {{{{ {setting} }}}}; did you mean "
                   f'"{meant}"? The sheet has none, so {uses} instead of this value; if so, '
                   "rename it",
                   row=n, column=table.headers.get(_SETTING))
    return others


def _programme(table: Table | None, problems: list[Problem]
               ) -> tuple[Programme, list[tuple[str, str, int, str, str]]]:
    """Read the Programme sheet's settings over the defaults, and the numbers computed with;
    return it with the settings docgen does not know (as :attr:`Cohort.extra_columns` are)."""
    values = dict(schema.PROGRAMME_DEFAULTS)
    read: dict[str, rows.Row] = {}
    unknown: dict[str, tuple[int, str]] = {}  # setting -> its first row, its name as typed
    if table is not None:
        for key, header in table.headers.items():
            if key not in schema.PROGRAMME.keys:
                table.warn(f'the column "{header}" is not read: the Programme sheet gives '
                           "each setting in the Setting and Value columns only",
                           row=table.header_row, column=header)
        for n, cells in table.rows:
            setting = header_key(cells.get(_SETTING))
            if not setting:
                if not is_blank(cells.get(_VALUE)):
                    table.warn(f'"{rows.display(cells.get(_VALUE))}" has no setting beside it, '
                               "so it is not read: type the setting's name in the Setting "
                               "column (or join the value to the one above it)", row=n,
                               column=table.headers.get(_VALUE, _VALUE))
                continue
            value = cells.get(_VALUE)
            _check_setting(table, n, setting, read)
            if setting not in schema.PROGRAMME_SETTING:
                unknown.setdefault(setting, (n, rows.display(cells.get(_SETTING))))
            row = read[setting] = rows.Row(table, n, {_VALUE: value}, problems)
            if is_blank(value):
                continue
            column = schema.PROGRAMME_SETTING.get(setting)
            try:
                values[setting] = _setting(column, value)
            except ValueError as exc:
                row.problem(_VALUE, str(exc))
            else:
                kind = column.kind if column else Kind.TEXT
                if type(value) is not str:
                    note = rows.cell_note(kind, value)
                else:
                    note = rows.csv_note(value) if table.csv and kind is Kind.TEXT else None
                if note:
                    table.warn(note, row=n, column=table.headers.get(_VALUE, _VALUE))

    numbers: dict[str, object] = {}
    for attr, setting, parse, default in _NUMBERS:
        try:
            numbers[attr] = parse(values[setting])
        except ValueError as exc:
            if setting in read:
                read[setting].problem(_VALUE, str(exc))
            numbers[attr] = default
    others = _unknown_settings(table, unknown, read) if table is not None else []
    return Programme(settings=values, **numbers), others  # type: ignore[arg-type]
