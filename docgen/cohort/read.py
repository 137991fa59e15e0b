"""Read a cohort workbook (.xlsx) or a folder of CSV files into a validated :class:`Cohort`.

Every problem of the input is collected, each located by file, sheet, row and column, so an
admin fixes the spreadsheet once rather than once per run. Rows with problems are left out of
the returned cohort; the caller decides whether problems stop the run (``--skip-invalid``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen import schema
from docgen.cohort.packed import Packed
from docgen.cohort.sheets import CellError, Workbook
from docgen.errors import DocgenError, Problem
from docgen.models import Cohort, Pair, Programme, Session, Team
from docgen.schema import Kind, Sheet
from docgen.values import (
    clean_text,
    format_date,
    format_time,
    header_key,
    is_blank,
    parse_date,
    parse_duration_hours,
    parse_int,
    parse_names,
    parse_time,
    parse_yes_no,
    team_key,
)

HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in pasted sheets


@dataclass
class _Table:
    """One sheet's rows as read: the header row number and cells by column key."""

    sheet: Sheet
    file: str
    label: str  # the sheet name as the file has it (or the CSV file name)
    header_row: int
    headers: dict[str, str]  # key -> header text as typed
    rows: Iterator[tuple[int, dict[str, object]]]  # read lazily: never all rows at once


def read_cohort(path: Path) -> tuple[Cohort, list[Problem]]:
    """Read and validate the cohort at ``path`` (an .xlsx or a folder of CSV files).

    Returns the cohort of valid rows and every problem found. Problems without a row (a
    missing sheet or column) mean nothing sensible can be generated; the caller stops on them.
    Raises :class:`DocgenError` when the file cannot be opened at all.
    """
    path = Path(path)
    if path.is_dir():
        tables, problems = _read_csv_folder(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    elif path.suffix.lower() == ".csv":
        raise DocgenError(Problem(
            "give the folder that holds teams.csv, sessions.csv, mentoring.csv and "
            f"programme.csv, not one CSV file: try `{path.parent}`", file=str(path)))
    elif not path.exists():
        raise DocgenError(Problem("does not exist", file=str(path)))
    else:
        raise DocgenError(Problem(
            "is not a cohort workbook: give an .xlsx file or a folder of CSV files",
            file=str(path)))
    return _build(path, tables, problems)


# --- reading sheets -------------------------------------------------------------------------


def _read_workbook(path: Path) -> tuple[Cohort, list[Problem]]:
    with Workbook(path) as wb:
        by_key = {header_key(name): name for name in wb.sheet_names}
        tables: dict[str, _Table] = {}
        problems: list[Problem] = []
        for sheet in schema.SHEETS:
            name = by_key.get(header_key(sheet.name))
            if name is None:
                if sheet.required:
                    problems.append(Problem(
                        f"the workbook has no {sheet.name} sheet (it has: "
                        f"{', '.join(wb.sheet_names)})", file=str(path), sheet=sheet.name))
                continue
            try:
                rows = wb.rows(name)
            except DocgenError as exc:  # a damaged sheet: the others are still checked
                problems += exc.problems
                continue
            table = _table(sheet, str(path), name, rows, problems)
            if table is not None:
                tables[sheet.name] = table
        return _build(path, tables, problems)  # rows stream from the open workbook


def _read_csv_folder(folder: Path) -> tuple[dict[str, _Table], list[Problem]]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    tables: dict[str, _Table] = {}
    problems: list[Problem] = []
    for sheet in schema.SHEETS:
        p = files.get(sheet.csv_name)
        if p is None:
            if sheet.required:
                problems.append(Problem(
                    f"the folder has no {sheet.csv_name}", file=str(folder), sheet=sheet.name))
            continue
        rows = list(csv.reader(io.StringIO(_decode(p)), _sniff(p)))
        table = _table(sheet, str(p), p.name, enumerate(rows, start=1), problems)
        if table is not None:
            tables[sheet.name] = table
    return tables, problems


def _decode(path: Path) -> str:
    """Return a CSV file's text: UTF-8 (with or without Excel's BOM), else Windows-1252."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff(path: Path) -> type[csv.Dialect] | csv.Dialect:
    head = _decode(path)[:4096]
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _table(sheet: Sheet, file: str, label: str, rows: Iterable[tuple[int, Iterable[object]]],
           problems: list[Problem]) -> _Table | None:
    """Find the header row, map columns to keys, and collect the non-blank data rows."""
    known = {c.key for c in sheet.columns}
    required = [c for c in sheet.columns if c.required]
    it: Iterator[tuple[int, Iterable[object]]] = iter(rows)
    header_row = 0
    headers: list[str] = []
    for n, cells in it:
        texts = [clean_text(c) for c in cells]
        keys = {header_key(t) for t in texts}
        if keys & {c.key for c in required} or len(keys & known) >= 2:
            header_row, headers = n, texts
            break
        if n >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        problems.append(Problem(
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows (expected columns: "
            f"{', '.join(c.header for c in sheet.columns)})", file=file, sheet=label))
        return None
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    for i, text in enumerate(headers):
        key = header_key(text)
        if key and key not in index:
            index[key] = i
            shown[key] = text
    missing = [c.header for c in required if c.key not in index]
    for header in missing:
        problems.append(Problem(
            f"the required column {header!r} is missing", file=file, sheet=label,
            row=header_row, column=header))
    if missing:
        return None
    def data() -> Iterator[tuple[int, dict[str, object]]]:
        for n, cells in it:
            values = list(cells)
            row = {k: values[i] if i < len(values) else None for k, i in index.items()}
            if not all(is_blank(v) for v in row.values()):
                yield n, row

    return _Table(sheet, file, label, header_row, shown, data())


# --- building the cohort ----------------------------------------------------------------------


class _Row:
    """Parse one row's cells by column kind, recording a located problem for each bad cell."""

    def __init__(self, table: _Table, n: int, cells: dict[str, object],
                 problems: list[Problem]) -> None:
        self.table, self.n, self.cells, self.problems = table, n, cells, problems
        self.ok = True
        self.failed: set[str] = set()  # cells showing a formula error: reported once, here
        for key, value in cells.items():
            if isinstance(value, CellError):  # a formula failed, or was never calculated
                self.problem(key, value.problem)
                self.failed.add(key)

    def problem(self, key: str, message: str) -> None:
        self.ok = False
        if key in self.failed:
            return
        self.problems.append(Problem(
            message, file=self.table.file, sheet=self.table.label, row=self.n,
            column=self.table.headers.get(key, key)))

    def text(self, key: str) -> str:
        return clean_text(self.cells.get(key))

    def parsed(self, key: str, parse: Callable[[object], object]) -> object:
        value = self.cells.get(key)
        if is_blank(value):
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    def required(self, key: str, what: str) -> str:
        value = self.text(key)
        if not value:
            self.problem(key, f"{what} is required")
        return value

    def extra(self, sheet: Sheet) -> dict[str, str]:
        extra = {k: _display(v) for k, v in self.cells.items() if k not in sheet.keys}
        return extra or _NO_EXTRA

    def shared(self, key: str) -> str:
        """Return the cell's text, one object for all equal values (coaches, organisations).

        With thousands of teams the same few coaches and organisations repeat on every row;
        sharing them keeps memory close to flat as the cohort grows.
        """
        text = self.text(key)
        return _SHARED.setdefault(text, text) if len(_SHARED) < 100_000 else text

    def names(self, key: str) -> tuple[str, ...]:
        raw = self.cells.get(key)
        if not isinstance(raw, str):
            return parse_names(raw)
        found = _SHARED_NAMES.get(raw)
        if found is None:
            found = parse_names(raw)
            if len(_SHARED_NAMES) < 100_000:
                _SHARED_NAMES[raw] = found
        return found


_NO_EXTRA: dict[str, str] = {}  # shared by every row without extra columns (never mutated)
_SHARED: dict[str, str] = {}
_SHARED_NAMES: dict[str, tuple[str, ...]] = {}


def _display(value: object) -> str:
    """Return a cell of an unknown column as text a document can show."""
    if isinstance(value, dt.datetime):
        return format_date(value.date()) if value.time() == dt.time() else (
            f"{format_date(value.date())} {format_time(value.time())}")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    return clean_text(value)


def _build(path: Path, tables: dict[str, _Table],
           problems: list[Problem]) -> tuple[Cohort, list[Problem]]:
    programme = _programme(tables.get("Programme"), problems)
    teams = _teams(tables.get("Teams"), programme, problems)
    # Without a readable Teams sheet (already reported), no session could match a team:
    # saying so for every session would bury the one problem that matters.
    known_ids = {team_key(t.team_id) for t in teams} if "Teams" in tables else None
    sessions = _sessions(tables.get("Sessions"), known_ids, problems)
    pairs = _pairs(tables.get("Mentoring"), problems)
    extra = set()
    for t in tables.values():
        extra |= set(t.headers) - {c.key for c in t.sheet.columns}
    cohort = Cohort(path, programme, teams, sessions, pairs, frozenset(extra))
    _SHARED.clear()  # the cohort keeps what it uses; the lookup tables are not needed now
    _SHARED_NAMES.clear()
    return cohort, problems


def _programme(table: _Table | None, problems: list[Problem]) -> Programme:
    values = {c.key: default for c, default in schema.PROGRAMME_SETTINGS}
    columns = {c.key: c for c, _ in schema.PROGRAMME_SETTINGS}
    rows: dict[str, _Row] = {}
    if table is not None:
        for n, cells in table.rows:
            setting = header_key(cells.get("setting"))
            if not setting:
                continue
            row = _Row(table, n, {"value": cells.get("value")}, problems)
            rows[setting] = row
            column = columns.get(setting)
            kind = column.kind if column else Kind.TEXT
            if is_blank(cells.get("value")):
                continue
            if kind is Kind.INT:
                number = row.parsed("value", parse_int)
                if number is not None:
                    values[setting] = str(number)
            elif kind is Kind.YESNO:
                flag = row.parsed("value", parse_yes_no)
                if flag is not None:
                    values[setting] = "Yes" if flag else "No"
            else:
                values[setting] = _display(cells.get("value"))

    def number(key: str, parse: Callable[[object], float | int], fallback: float) -> float:
        try:
            return parse(values[key])
        except ValueError as exc:
            if key in rows:
                rows[key].problem("value", str(exc))
            return fallback

    return Programme(
        settings=values,
        minimum_hours=float(number("minimum_coaching_hours", parse_int, 5)),
        review_after=int(number("review_after_sessions", parse_int, 4)),
        session_hours=float(number("session_duration", parse_duration_hours, 1.0)),
        coaching_paid=values.get("coaching_paid", "Yes") == "Yes",
    )


def _teams(table: _Table | None, programme: Programme,
           problems: list[Problem]) -> Packed[Team]:
    if table is None:
        return Packed(Team)
    seen: dict[str, int] = {}
    teams = Packed(Team)  # compact: a cohort of thousands stays small
    rows = 0
    for n, cells in table.rows:
        rows += 1
        r = _Row(table, n, cells, problems)
        team_id = " ".join(r.required("team_id", "Team ID").split())
        if team_id:
            first = seen.setdefault(team_key(team_id), n)
            if first != n:
                r.problem("team_id", f'Team ID "{team_id}" is already used on row {first}')
        email = r.shared("coach_email")
        if email and "@" not in email:
            r.problem("coach_email", f'"{email}" is not an email address')
        review = r.parsed("review_after_sessions", parse_int)
        first_session = r.parsed("first_session", parse_date)
        team = Team(
            team_id=team_id,
            team_name=r.text("team_name") or team_id,
            organisation=r.shared("organisation"),
            members=parse_names(r.cells.get("team_members")),
            coaches=r.names("coach"),
            coach_email=email,
            venue=r.text("venue") or programme.get("default_venue"),
            frequency=r.text("frequency") or programme.get("session_frequency"),
            duration=r.text("duration") or programme.get("session_duration"),
            review_after=review if review is not None else programme.review_after,
            first_session=first_session,  # type: ignore[arg-type]
            extra=r.extra(schema.TEAMS),
            row=n,
        )
        if r.ok:
            teams.append(team)
    if not rows:
        problems.append(Problem("the sheet has no teams below its header", file=table.file,
                                sheet=table.label))
    return teams


def _mode(value: object) -> str:
    text = " ".join(clean_text(value).split()).casefold()
    if text in schema.MODE_WORDS:
        return schema.MODE_WORDS[text].value
    raise ValueError(f'"{clean_text(value)}" is not a mode (use one of: {", ".join(schema.MODES)})')


def _sessions(table: _Table | None, known_ids: set[str] | None,
              problems: list[Problem]) -> Packed[Session]:
    if table is None:
        return Packed(Session)
    sessions = Packed(Session)
    for n, cells in table.rows:
        r = _Row(table, n, cells, problems)
        team_id = " ".join(r.required("team_id", "Team ID").split())
        if team_id and known_ids is not None and team_key(team_id) not in known_ids:
            r.problem("team_id", f'Team ID "{team_id}" is not on the Teams sheet')
        start = r.parsed("start_time", parse_time)
        finish = r.parsed("finish_time", parse_time)
        if isinstance(start, dt.time) and isinstance(finish, dt.time) and finish <= start:
            r.problem("finish_time",
                      f"finish time {format_time(finish)} is not after start time "
                      f"{format_time(start)}")
        session = Session(
            team_id=team_id,
            date=r.parsed("date", parse_date),  # type: ignore[arg-type]
            start=start,  # type: ignore[arg-type]
            finish=finish,  # type: ignore[arg-type]
            coaches=r.names("coach"),
            mode=r.parsed("mode", _mode) or "",  # type: ignore[arg-type]
            topic=r.text("topic"),
            issues=r.text("issues_arising"),
            action=r.text("action"),
            next_meeting=r.parsed("date_of_next_meeting", parse_date),  # type: ignore[arg-type]
            comments=r.text("comments"),
            extra=r.extra(schema.SESSIONS),
            row=n,
        )
        if r.ok:
            sessions.append(session)
    return sessions


def _pairs(table: _Table | None, problems: list[Problem]) -> Packed[Pair]:
    if table is None:
        return Packed(Pair)
    pairs = Packed(Pair)
    for n, cells in table.rows:
        r = _Row(table, n, cells, problems)
        pair = Pair(
            practitioner=r.required("qi_practitioner", "QI practitioner"),
            mentor=r.required("mentor", "Mentor"),
            practitioner_organisation=r.shared("practitioner_organisation"),
            mentor_organisation=r.shared("mentor_organisation"),
            meet_every_weeks=r.parsed("meet_every_weeks", parse_int),  # type: ignore[arg-type]
            time=_display(r.cells.get("time")),
            location=r.text("location"),
            adequate_notice=r.text("adequate_notice"),
            extra=r.extra(schema.MENTORING),
            row=n,
        )
        if r.ok:
            pairs.append(pair)
    return pairs

