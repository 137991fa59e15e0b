"""Find each sheet's table in a workbook or a folder of CSV files: its header row and its rows.

Headers are matched by key (:func:`docgen.values.header_key`), so the table may start below a
title row or two and its columns may come in any order. Rows are read lazily, as cells by
column key, and wholly blank rows are dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen import schema
from docgen.cohort.sheets import Workbook
from docgen.errors import DocgenError, Problem
from docgen.schema import Sheet
from docgen.values import clean_text, header_key, is_blank

HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in pasted sheets


@dataclass
class Table:
    """One sheet's rows as read: the header row number and cells by column key."""

    sheet: Sheet
    file: str
    label: str  # the sheet name as the file has it (or the CSV file name)
    header_row: int
    headers: dict[str, str]  # key -> header text as typed
    rows: Iterator[tuple[int, dict[str, object]]]  # read lazily: never all rows at once


def workbook_tables(wb: Workbook, path: Path, problems: list[Problem]) -> dict[str, Table]:
    """Return the tables of the open workbook by sheet name, adding a problem for each gap.

    The rows stream from ``wb``: read them before it is closed.
    """
    by_key = {header_key(name): name for name in wb.sheet_names}
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
        table = find_table(sheet, str(path), name, rows, problems)
        if table is not None:
            tables[sheet.name] = table
    return tables


def csv_tables(folder: Path, problems: list[Problem]) -> dict[str, Table]:
    """Return the tables of a folder of CSV files by sheet name, adding a problem for each gap."""
    files = {p.name.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    tables: dict[str, Table] = {}
    for sheet in schema.SHEETS:
        p = files.get(sheet.csv_name)
        if p is None:
            if sheet.required:
                problems.append(Problem(
                    f"the folder has no {sheet.csv_name}", file=str(folder), sheet=sheet.name))
            continue
        rows = list(csv.reader(io.StringIO(_decode(p)), _sniff(p)))
        table = find_table(sheet, str(p), p.name, enumerate(rows, start=1), problems)
        if table is not None:
            tables[sheet.name] = table
    return tables


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


def find_table(sheet: Sheet, file: str, label: str,
               rows: Iterable[tuple[int, Iterable[object]]],
               problems: list[Problem]) -> Table | None:
    """Find the header row, map columns to keys, and stream the non-blank data rows.

    Returns None, with the problem added, when no header row or a required column is missing.
    """
    known = sheet.keys
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
    return Table(sheet, file, label, header_row, shown, _data(it, index))


def _data(it: Iterator[tuple[int, Iterable[object]]],
          index: dict[str, int]) -> Iterator[tuple[int, dict[str, object]]]:
    for n, cells in it:
        values = list(cells)
        row = {k: values[i] if i < len(values) else None for k, i in index.items()}
        if not all(is_blank(v) for v in row.values()):
            yield n, row
