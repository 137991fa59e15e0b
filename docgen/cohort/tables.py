"""Find each sheet's table in a workbook or a folder of CSV files: its header row and its rows.

Headers are matched by key (:func:`docgen.values.header_key`), so the table may start below a
title row or two and its columns may come in any order. Rows are read lazily, as cells by
column key, and wholly blank rows are dropped. Nothing is dropped silently: what docgen does
not read is a warning (a header or a sheet name that resembles a known one, a second column
of the same name, values under no header, a row that looks like a total), what it cannot
read is a problem (a CSV row with more cells than its header).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen import schema
from docgen.cohort import names
from docgen.cohort.cells import MAX_STRUCK, Merge, SheetScan, Spans, column_letters
from docgen.cohort.csvfiles import (
    DELIMITERS,
    HEAD_ROWS,
    SUFFIXES,
    head,
    is_mac,
    read_csv,
    records,
)
from docgen.cohort.sheets import FORMATS, Workbook
from docgen.errors import DocgenError, Problem
from docgen.kinds import KINDS
from docgen.schema import Kind, Sheet
from docgen.values import (
    clean_text,
    header_key,
    is_blank,
    parse_date,
    parse_int,
    parse_time,
)

HEADER_SEARCH_ROWS = HEAD_ROWS  # a title row or two above the header is common
_TOTALS = frozenset({"total", "totals", "grand total", "grand totals", "sub total", "subtotal",
                     "sub-total", "sum", "total:", "totals:"})
_ROWS_NAMED = 5  # rows listed in a warning about many
_NUMBER = re.compile(r"-?[0-9][0-9,]*(?:\.[0-9]+)?")
# Sheets of the coaching log that no cohort has: a workbook with all of them and no
# Programme sheet is the log, given where the cohort belongs (its Teams and Sessions sheets
# would otherwise be read as a cohort's, with a warning for each of its hundreds of cells).
_LOG_SHEETS = frozenset({"summary", "icf_log", "problems"})
# Fields docgen fills itself in the documents made from a sheet (a contract's ``sessions``):
# a column of that name is warned of as such (docgen.cohort.read), not as a misspelling.
_OWN: dict[str, frozenset[str]] = {k.sheet.name: frozenset(k.own_fields) for k in KINDS}


@dataclass
class Table:
    """One sheet's rows as read: the header row number and cells by column key."""

    sheet: Sheet
    file: str
    label: str  # the sheet name as the file has it (the sheet's own name for a CSV file)
    header_row: int
    headers: dict[str, str]  # key -> header text as typed
    rows: Iterator[tuple[int, dict[str, object]]]  # read lazily: never all rows at once
    warnings: list[Problem] = field(default_factory=list)  # where the rows' warnings go
    csv: bool = False  # a CSV file's: its cells are the text the spreadsheet showed

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """Add a warning located on this table's sheet."""
        self.warnings.append(Problem(message, file=self.file, sheet=self.label, row=row,
                                     column=column))


def workbook_tables(wb: Workbook, path: Path, problems: list[Problem],
                    warnings: list[Problem]) -> dict[str, Table]:
    """Return the tables of the open workbook by sheet name, adding a problem for each gap.

    The rows stream from ``wb``: read them before it is closed. The coaching log docgen
    writes (it too has Teams and Sessions sheets) is refused, not read as a cohort.
    """
    if {header_key(n) for n in wb.sheet_names} >= _LOG_SHEETS and not any(
            header_key(n) == header_key(schema.PROGRAMME.name) for n in wb.sheet_names):
        problems.append(Problem(
            "is the coaching log `docgen log` writes (its sheets: "
            f"{', '.join(wb.sheet_names)}), not a cohort: give the cohort workbook the teams, "
            "sessions and mentoring pairs are typed in, the one `docgen generate` reads "
            "(`docgen init` writes a starter)", file=str(path)))
        return {}
    by_key: dict[str, str] = {}
    for name in wb.sheet_names:
        other = by_key.setdefault(header_key(name), name)
        if other != name and header_key(name) in {header_key(s.name) for s in schema.SHEETS}:
            problems.append(Problem(f'two sheets are named alike, "{other}" and "{name}": '
                                    "rename or delete one", file=str(path), sheet=name))
    known = {header_key(s.name) for s in schema.SHEETS}
    for name in wb.sheet_names:
        like = names.resembled_sheet(name, schema.SHEETS)
        if header_key(name) not in known and like is not None:
            warnings.append(Problem(
                f'is not read: docgen reads the sheet named "{like.name}"; if this sheet holds '
                f"the {like.name.lower()}, rename it {like.name}", file=str(path), sheet=name))
    for name in wb.sheet_names:
        key = header_key(name)
        if key not in known and key != header_key(schema.INSTRUCTIONS) and (
                names.resembled_sheet(name, schema.SHEETS) is None) and (
                like := _columns_of(wb, name)) is not None:
            warnings.append(Problem(
                f"is not read: its header row has the {like.name} sheet's columns, but docgen "
                f'reads only the sheet named "{like.name}"; if docgen should read this one, '
                f'rename it "{like.name}" (or move its rows there)', file=str(path),
                sheet=name))
    tables: dict[str, Table] = {}
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
        if name in wb.hidden_sheets:
            warnings.append(Problem(
                "the sheet is hidden in the workbook, and is read as any other: unhide it "
                "(right-click a sheet's tab › Unhide) to see what docgen reads",
                file=str(path), sheet=name))
        table = find_table(sheet, str(path), name, rows, problems, warnings,
                           merges=wb.merges.get(name, ()), scan=wb.scans.get(name),
                           covered=wb.covered.get(name))
        if table is not None:
            tables[sheet.name] = table
    return tables


def _columns_of(wb: Workbook, name: str) -> Sheet | None:
    """Return the sheet whose header row a sheet docgen does not read has, if any."""
    try:
        return _header_of(wb.rows(name))
    except DocgenError:  # a damaged sheet docgen would not read anyway
        return None


def _header_of(rows: Iterable[tuple[int, Iterable[object]]]) -> Sheet | None:
    """Return the sheet whose header row is among the first rows of ``rows``, if any (as
    :func:`find_table` finds a header: a required column, or two known ones)."""
    for n, cells in rows:
        keys = {header_key(clean_text(c)) for c in cells}
        alike = [(len(keys & sheet.keys), i) for i, sheet in enumerate(schema.SHEETS)
                 if keys & {c.key for c in sheet.columns if c.required}
                 or len(keys & sheet.keys) >= 2]
        if alike:  # the sheet whose columns it shares most
            return schema.SHEETS[max(alike)[1]]
        if n >= HEADER_SEARCH_ROWS:
            break
    return None


def _csv_columns_of(path: Path) -> Sheet | None:
    """Return the sheet whose header row a CSV file docgen does not read has, if any, with
    whichever delimiter shows it."""
    text = head(path)
    for sep in DELIMITERS:
        try:
            found = _header_of((n, cells) for n, cells, _end in records(text, sep))
        except csv.Error:  # a quote left open in the first rows: no header either way
            continue
        if found is not None:
            return found
    return None


def csv_tables(folder: Path, problems: list[Problem],
               warnings: list[Problem]) -> dict[str, Table]:
    """Return the tables of a folder of CSV files by sheet name, adding a problem for each gap.
    """
    files: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".~lock", "~$")):
            continue
        if p.suffix.lower() in FORMATS:  # one sheet saved as a workbook of its own
            like = names.sheet_of_file(p, schema.SHEETS) or names.resembled_sheet(
                p.stem, schema.SHEETS)
            if like is not None:
                warnings.append(Problem(
                    f"is not read: a folder's sheets are read from CSV files only; if this "
                    f"workbook holds the {like.name.lower()}, save that sheet as "
                    f"{like.csv_name} (or give docgen a workbook with every sheet)",
                    file=str(p)))
            continue
        if p.suffix.lower() not in SUFFIXES:
            continue
        sheet = names.sheet_of_file(p, schema.SHEETS)
        if sheet is not None:
            files.setdefault(sheet.name, []).append(p)
        elif names.file_named(p, schema.INSTRUCTIONS):  # saved with the others: not data
            continue
        elif (like := names.resembled_sheet(p.stem, schema.SHEETS)) is not None:
            warnings.append(Problem(
                f"is not read: docgen reads the {like.name} from {like.csv_name}; if this "
                f"file holds the {like.name.lower()}, rename it {like.csv_name}", file=str(p)))
        elif (like := _csv_columns_of(p)) is not None:
            warnings.append(Problem(
                f"is not read: its header row has the {like.name} sheet's columns, but docgen "
                f"reads the {like.name.lower()} from {like.csv_name} only; if docgen should "
                f"read this file, rename it {like.csv_name} (or move its rows there)",
                file=str(p)))
        elif p.suffix.lower() == ".csv":  # a .txt file of no sheet's is a note, not data
            *others, last = (sheet.csv_name for sheet in schema.SHEETS)
            warnings.append(Problem(
                "is not read: neither its name nor its header row is that of a sheet docgen "
                f"reads ({', '.join(others)} or {last}); if it holds one of them, rename it so",
                file=str(p)))
    tables: dict[str, Table] = {}
    # files saved together in Mac Roman: one with few accents is read so too ("2–4")
    mac = any(is_mac(p) for found in files.values() for p in found)
    for sheet in schema.SHEETS:
        found = files.get(sheet.name, [])
        if len(found) > 1:
            problems.append(Problem(
                f"{len(found)} files hold the {sheet.name} sheet ("
                f"{', '.join(p.name for p in found)}): keep one", file=str(folder),
                sheet=sheet.name))
            continue
        if not found:
            if sheet.required:
                problems.append(Problem(
                    f"the folder has no {sheet.csv_name}", file=str(folder), sheet=sheet.name))
            continue
        rows = read_csv(found[0], sheet, problems, warnings, mac)
        if rows is None:
            continue
        table = find_table(sheet, str(found[0]), sheet.name, rows, problems, warnings,
                           csv=True)
        if table is not None:
            tables[sheet.name] = table
    return tables


def find_table(sheet: Sheet, file: str, label: str,
               rows: Iterable[tuple[int, Iterable[object]]],
               problems: list[Problem], warnings: list[Problem] | None = None, *,
               csv: bool = False, merges: Sequence[Merge] = (),
               scan: SheetScan | None = None,
               covered: list[tuple[int, int, object]] | None = None) -> Table | None:
    """Find the header row, map columns to keys, and stream the non-blank data rows.

    Returns None, with the problem added, when no header row or a required column is missing.
    ``csv`` rows may be ragged: a row with more cells than the header is a problem.
    ``scan``: what the workbook's file says of the sheet beyond its values: its hidden rows
    and columns and its cells struck through (read as any other), its comments (not read);
    each is warned of. ``covered``: the values hidden under merged ranges, filled in as the
    rows are read (see :mod:`docgen.cohort.sheets`); each is named once they are.
    """
    warnings = [] if warnings is None else warnings
    known = sheet.keys
    required = [c for c in sheet.columns if c.required]
    it: Iterator[tuple[int, Iterable[object]]] = iter(rows)
    header_row = 0
    headers: list[str] = []
    above: list[tuple[int, list[object]]] = []  # the rows before the header: a title, or not
    for n, cells in it:
        values = list(cells)
        texts = [clean_text(c) for c in values]
        keys = {header_key(t) for t in texts}
        if keys & {c.key for c in required} or len(keys & known) >= 2:
            header_row, headers = n, texts
            break
        above.append((n, values))
        if n >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        problems.append(Problem(
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows (expected columns: "
            f"{', '.join(c.header for c in sheet.columns)}){_header_meant(sheet, above)}",
            file=file, sheet=label))
        return None
    table = Table(sheet, file, label, header_row, {}, iter(()), warnings, csv=csv)
    index = _columns(table, headers, csv)
    missing = [c for c in required if c.key not in index]
    for column in missing:
        like = names.nearest(column.key, {header_key(h): h for h in headers if h})
        hint = f' (did you mean "{_header(headers, like)}"? rename it)' if like else ""
        problems.append(Problem(
            f"the required column {column.header!r} is missing{hint}", file=file, sheet=label,
            row=header_row, column=column.header))
    if missing:
        return None
    _above_header(table, above, index)
    unnamed = [i for i, text in enumerate(headers) if not header_key(text)]
    scan = scan or SheetScan()
    if scan.hidden_columns:
        _hidden_columns(table, index, scan.hidden_columns)
    if scan.comments:
        _comments(table, headers, scan.comments)
    if scan.stale:
        table.warn(STALE_FORMULAS)
    table.rows = _data(table, it, index, unnamed, len(headers), csv, problems,
                       scan.hidden_rows or None, scan.struck)
    if merges:
        _merged(table, headers, merges)
        if covered is not None:
            table.rows = _then_covered(table, table.rows, headers, merges, covered)
    return table


def _header_meant(sheet: Sheet, rows: list[tuple[int, list[object]]]) -> str:
    """Say which row searched may be the header, its headers written otherwise ("TeamID",
    "Session date"), and what to rename them to; "" when no row has two such headers."""
    best: tuple[int, int, list[tuple[str, str]]] = (0, 0, [])
    for n, values in rows:
        meant: dict[str, str] = {}  # a column of the sheet: the header that may be it
        for value in values:
            text = clean_text(value) if isinstance(value, str) else ""
            key = header_key(text)
            like = names.nearest(key, sheet.keys) if key else None
            if like is not None and like not in meant:
                meant[like] = text
        if len(meant) > best[0]:
            best = (len(meant), n, [(text, sheet.column(key).header)
                                    for key, text in meant.items()])
    count, n, pairs = best
    if count < 2:
        return ""
    shown = ", ".join(f'"{typed}" to "{header}"' for typed, header in pairs[:4])
    more = f" and {len(pairs) - 4} more" if len(pairs) > 4 else ""
    return (f"; row {n} may be it, its headers written otherwise: rename {shown}{more}, as "
            "docgen names the columns")


def _above_header(table: Table, above: list[tuple[int, list[object]]],
                  index: dict[str, int]) -> None:
    """Warn of each row above the header row holding values like a data row: it is not read.

    A title (one cell of text, however wide it is merged) is fine; a row with values in two or
    more of the header's columns is a row typed above the header, or one a sort put there.
    """
    for n, values in above:
        filled = [key for key, i in index.items()
                  if i < len(values) and not is_blank(values[i])]
        if len(filled) < 2:
            continue
        shown = ", ".join(table.headers[key] for key in filled[:3])
        more = f" and {len(filled) - 3} more" if len(filled) > 3 else ""
        table.warn(f"the row is above the header row (row {table.header_row}), so it is not "
                   f"read, though it holds values under {shown}{more}: move it below the "
                   "header row; if the sheet was sorted, sort it again with the header row "
                   "left out (Data › Sort, \"My data has headers\")", row=n)


STALE_FORMULAS = (
    "the sheet's formulas may show results from before their last change: the workbook is set "
    "to calculate by hand (Formulas › Calculation Options › Manual) and not before saving; in "
    "Excel press F9 (or choose Automatic), save it, and run again")


def _merged(table: Table, headers: list[str], merges: Sequence[Merge]) -> None:
    """Warn of each merged range among the data rows: what its single value is read as.

    A range merged down is read as its first cell's value on every row it spans (see
    :mod:`docgen.cohort.sheets`); one merged across columns gives its value to its first column
    only, and the others read as empty.
    """
    def name(column: int) -> str:
        text = headers[column] if column < len(headers) else ""
        return f'"{text}"' if header_key(text) else f"column {column_letters(column)}"

    found = sorted(m for m in merges if m[0] + 1 > table.header_row and (
        m[2] > m[0] or m[3] > m[1]))
    for r1, c1, r2, c2 in found[:_ROWS_NAMED]:
        ref = f"{column_letters(c1)}{r1 + 1}:{column_letters(c2)}{r2 + 1}"
        said = []
        if r2 > r1:
            said.append(f"its value is read on each of rows {r1 + 1} to {r2 + 1}")
        if c2 > c1:
            others = ", ".join(name(c) for c in range(c1 + 1, c2 + 1))
            said.append(f"it is read as {name(c1)} only, and {others} as empty")
        table.warn(f"cells {ref} are merged: {'; '.join(said)}; if that is not what is meant, "
                   "unmerge them and type each row's values", row=r1 + 1,
                   column=headers[c1] if c1 < len(headers) and header_key(headers[c1]) else None)
    if len(found) > _ROWS_NAMED:
        table.warn(f"{len(found) - _ROWS_NAMED:,} more merged ranges are read the same way: "
                   "each range's value on every row it spans, in its first column only")


def _then_covered(table: Table, rows: Iterator[tuple[int, dict[str, object]]],
                  headers: list[str], merges: Sequence[Merge],
                  covered: list[tuple[int, int, object]]
                  ) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield ``rows``, then name each value found hidden under a merged range as they were
    read: the range shows its first cell's value there, and that is what is read.

    LibreOffice asks, as it merges cells holding values, whether to keep them; kept, they
    are in the file but not on screen, and would reach the documents unseen.
    """
    yield from rows
    hidden = [(n, c, v) for n, c, v in covered if n > table.header_row]
    for n, column, value in hidden[:_ROWS_NAMED]:
        r1, c1, r2, c2 = next((m for m in merges if m[0] < n <= m[2] + 1
                               and m[1] <= column <= m[3]), (n - 1, column, n - 1, column))
        ref = f"{column_letters(c1)}{r1 + 1}:{column_letters(c2)}{r2 + 1}"
        shows = "the range's value" if column == c1 else "nothing"
        text = clean_text(str(value))
        text = text if len(text) <= 60 else text[:57] + "…"
        table.warn(f'{column_letters(column)}{n} holds "{text}", hidden under the merged '
                   f"cells {ref}: it is not read, as the sheet shows {shows} there; if it "
                   "belongs to this row, unmerge the cells (it shows again) and keep it there",
                   row=n, column=headers[column] if column < len(headers)
                   and header_key(headers[column]) else None)
    if len(hidden) > _ROWS_NAMED:
        table.warn(f"{len(hidden) - _ROWS_NAMED:,} more cells hold values hidden under merged "
                   "cells, not read")


def _header(headers: list[str], key: str) -> str:
    return next(h for h in headers if header_key(h) == key)


def _where(i: int, csv: bool) -> str:
    return f"column {i + 1}" if csv else f"column {column_letters(i)}"


def _columns(table: Table, headers: list[str], csv: bool) -> dict[str, int]:
    """Map each header's key to its column; warn of headers that are not read as expected."""
    index: dict[str, int] = {}
    sheet = table.sheet
    present = {header_key(h) for h in headers}
    for i, text in enumerate(headers):
        key = header_key(text)
        if not key:
            continue
        if key in index:
            table.warn(f'a second "{text}" column ({_where(i, csv)}): only the first '
                       f"({_where(index[key], csv)}) is read; merge them or rename one",
                       row=table.header_row, column=text)
            continue
        index[key] = i
        table.headers[key] = text
        like = None if key in sheet.keys or key in _OWN.get(sheet.name, ()) else (
            names.nearest(key, sheet.keys - present))
        meant = f'did you mean "{sheet.column(like).header}"? If so, rename the header' if (
            like is not None) else ""
        if sheet is schema.SESSIONS and key not in sheet.keys:
            # a session's own columns fill its form and row; others reach no document
            table.warn(f"unknown column, not read: a session's values go into its form from "
                       "the Sessions sheet's own columns only"
                       f"{'; ' + meant if meant else ' (Comments takes notes)'}",
                       row=table.header_row, column=text)
        elif like is not None:
            table.warn(f"unknown column, kept as the extra field {{{{ {key} }}}}; {meant}",
                       row=table.header_row, column=text)
    return index


def _hidden_columns(table: Table, index: dict[str, int], hidden: Spans) -> None:
    """Warn of each column with a header that the sheet hides: it is read as any other."""
    for key, i in sorted(index.items(), key=lambda item: item[1]):
        if i in hidden:
            table.warn(f"column {column_letters(i)} is hidden in the sheet, and is read as any "
                       "other: unhide it (select the columns either side, right-click › "
                       "Unhide) to see what docgen reads; delete it if it should not be read",
                       row=table.header_row, column=table.headers[key])


# The help the starter workbook gives in comments on the Programme sheet's settings
_STARTER_HELP = frozenset(" ".join(column.help.split())
                          for column, _default in schema.PROGRAMME_SETTINGS if column.help)


def _comments(table: Table, headers: list[str], comments: list[tuple[int, int, str]]) -> None:
    """Warn of the comments (notes) on the table's cells: docgen does not read them."""
    found = sorted((row, column, text) for row, column, text in comments
                   if row > table.header_row and text.strip()  # the header's: its help
                   and " ".join(text.split()) not in _STARTER_HELP)
    for row, column, text in found[:_ROWS_NAMED]:
        header = headers[column] if column < len(headers) and header_key(headers[column]) else None
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 80 else f"{shown[:77]}…"
        table.warn(f'cell {column_letters(column)}{row} has a comment, "{shown}", which docgen '
                   "does not read: if the documents should say it, type it in a column (an "
                   "extra column becomes a field of the templates)", row=row, column=header)
    if len(found) > _ROWS_NAMED:
        table.warn(f"{len(found) - _ROWS_NAMED:,} more cells have comments, which docgen does "
                   "not read")


def _data(table: Table, it: Iterator[tuple[int, Iterable[object]]], index: dict[str, int],
          unread: list[int], width: int, csv: bool, problems: list[Problem],
          hidden: Spans | None = None, struck: frozenset[tuple[int, int]] = frozenset()
          ) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (row number, cells by key) of the non-blank rows; warn of what is not read.

    ``unread`` are the columns with a blank header, ``width`` the header row's length;
    ``hidden`` the rows the sheet hides and ``struck`` the cells struck through (row,
    column), both read as any other and warned of.
    """
    stray: dict[int, list[int]] = {}  # column -> rows holding a value under no header
    hidden_read: list[int] = []
    struck_rows = {row for row, _column in struck}
    struck_read: list[tuple[int, list[str]]] = []  # row -> the headers of its cells struck
    items = tuple(index.items())
    first_key = next((c.key for c in table.sheet.columns if c.required), "")
    totals = table.sheet is not schema.PROGRAMME
    for n, cells in it:
        values = cells if type(cells) is list else list(cells)
        if len(values) > width or unread:
            extra = [i for i in (*unread, *range(width, len(values)))
                     if i < len(values) and not is_blank(values[i])]
            if csv and extra and extra[-1] >= width:
                problems.append(Problem(
                    f"the row has {len(values)} cells but the header row {width}: a cell holding "
                    "the delimiter must be in quotes, so the cells after it are not shifted",
                    file=table.file, sheet=table.label, row=n))
                continue
            for i in extra:
                stray.setdefault(i, []).append(n)
        size = len(values)
        row = {k: values[i] if i < size else None for k, i in items}
        if all(is_blank(v) for v in row.values()):
            continue
        first = row.get(first_key)
        if type(first) is str and first.lstrip().startswith(schema.EXAMPLE_MARK):
            # the starter workbook's example row, marked as such: never data
            if typed := _typed_over_example(table, row):
                table.warn(f'starts with "{schema.EXAMPLE_MARK}", as the starter workbook\'s '
                           f"example row does, so it is not read; but {typed} hold other "
                           "values than the example's: if this row is real, replace "
                           f'"{first.strip()}" with its own value', row=n,
                           column=table.headers.get(first_key))
            continue
        if totals and (first is None or type(first) is str and (  # most rows: a plain ID
                not first or first.strip().casefold() in _TOTALS or first.isspace())) and (
                total := _total(table, row, first_key)):
            table.warn(f"looks like a totals row ({total}), not data: skipped; if it is "
                       "data, give it its own values", row=n)
            continue
        if hidden and n in hidden:
            hidden_read.append(n)
        if struck_rows and n in struck_rows:
            struck_read.append((n, [table.headers[k] for k, i in items if (n, i) in struck
                                    and not is_blank(row[k])]))
        yield n, row
    if hidden_read:
        listed = ", ".join(map(str, hidden_read[:_ROWS_NAMED]))
        more = (f" and {len(hidden_read) - _ROWS_NAMED:,} more"
                if len(hidden_read) > _ROWS_NAMED else "")
        rows = f"rows {listed}{more} are" if len(hidden_read) > 1 else f"row {listed} is"
        table.warn(f"{rows} hidden in the sheet (by hand or by a filter), and read as any "
                   "other: docgen does not leave hidden rows out; delete a row that should not "
                   "be read, or move it to a sheet of its own", row=hidden_read[0])
    struck_read = [(n, headers) for n, headers in struck_read if headers]
    for n, headers in struck_read[:_ROWS_NAMED]:
        table.warn(f"text struck through ({', '.join(headers)}) is read as any other: striking "
                   "a value through does not remove it; delete what should not be read (the "
                   "row, if the team or pair has left)", row=n)
    if len(struck_read) > _ROWS_NAMED:
        least = "at least " if len(struck) >= MAX_STRUCK else ""  # the scan kept no more
        table.warn(f"{least}{len(struck_read) - _ROWS_NAMED:,} more rows hold text struck "
                   "through, read as any other")
    for i, found in stray.items():
        listed = ", ".join(map(str, found[:_ROWS_NAMED]))
        more = f" and {len(found) - _ROWS_NAMED:,} more" if len(found) > _ROWS_NAMED else ""
        table.warn(f"{_where(i, csv)} has no header but holds values (rows {listed}{more}): "
                   "they are not read; give the column a header to keep them")


def _typed_over_example(table: Table, row: dict[str, object]) -> str:
    """Return the headers of a marked example row's cells that are not the example's (typed
    over it), as a list to show; "" when the row is the starter's example as written."""
    example = schema.EXAMPLE_ROWS.get(table.sheet.name, {})
    changed = [f'"{table.headers.get(key, key)}"' for key, value in row.items()
               if not is_blank(value) and not _as_example(table.sheet, key, value, example)]
    return ", ".join(changed)


_READ_AS = {Kind.DATE: parse_date, Kind.TIME: parse_time, Kind.INT: parse_int}


def _as_example(sheet: Sheet, key: str, value: object, example: dict[str, str]) -> bool:
    """Tell whether a cell holds the example row's value for its column, however stored."""
    if key not in example:
        return False
    if example[key].startswith(schema.EXAMPLE_MARK):
        return True  # the marked cell itself
    read = _READ_AS.get(sheet.column(key).kind) if key in sheet.keys else None
    try:
        return read(value) == read(example[key]) if read else (
            clean_text(value).strip() == example[key])
    except ValueError:
        return False


def _total(table: Table, row: dict[str, object], key: str) -> str:
    """Return why a row looks like a totals row, or "" if it does not."""
    sheet = table.sheet
    first = row.get(key)
    if type(first) is str and first.strip().casefold() in _TOTALS:
        return f'{sheet.column(key).header} "{first.strip()}"'
    if not is_blank(first):
        return ""
    filled = {k: v for k, v in row.items() if not is_blank(v)}
    labels = [v for v in filled.values()
              if isinstance(v, str) and v.strip().casefold() in _TOTALS]
    numbers = [k for k, v in filled.items() if _NUMBER.fullmatch(clean_text(v))
               and (k not in sheet.keys or sheet.column(k).kind is Kind.INT)]
    if numbers and len(numbers) + len(labels) == len(filled):
        shown = ", ".join(f"{table.headers.get(k, k)} {clean_text(row[k])}" for k in numbers)
        return f"only numbers: {shown}"
    return ""
