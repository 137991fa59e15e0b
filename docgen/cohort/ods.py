"""Scan an OpenDocument spreadsheet (.ods) for what calamine does not say of its sheets.

calamine reads every sheet of an .ods when it opens it, expanding repeated cells and rows
(``table:number-columns-repeated``), so every sheet's extent is checked first, here, from
``content.xml`` read within :mod:`docgen.safezip`'s limits. The same pass finds the cells
calamine reads as blank: a formula showing an error (``calcext:value-type="error"``) and a
formula no program has calculated (a ``table:formula`` without a value).
"""

from __future__ import annotations

import html
import re
import zlib
from pathlib import Path

from docgen.cohort.cells import (
    MAX_MERGES,
    CellError,
    Extent,
    Merge,
    SheetScan,
    Uncalculated,
    check_extent,
)
from docgen.errors import DocgenError, Problem
from docgen.safezip import limits, open_package, read_member, verify_members

# calamine matches these element names literally, prefixes included; so does this scan.
_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
                    rb"([^>]*?)(/?)>")
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ROWS = re.compile(rb'\btable:number-rows-repeated="([0-9]{1,9})"')
_COLUMNS = re.compile(rb'\btable:number-columns-repeated="([0-9]{1,9})"')
_SPANNED = re.compile(rb'\btable:number-(rows|columns)-spanned="([0-9]{1,9})"')
_ERROR = re.compile(rb'\bcalcext:value-type="error"')
_VALUE_TYPE = re.compile(rb"\boffice:value-type=")
_FORMULA = re.compile(rb'\btable:formula="([^"]*)"')
_PARAGRAPH = re.compile(rb"\s*<text:p\b[^>]*>(.*?)</text:p>", re.S)
_MARKUP = re.compile(rb"<[^>]*>")
MAX_ERROR_CELLS = 100_000  # a repeated error cell stands for many: placing them is bounded


def scan_ods(path: Path) -> dict[str, SheetScan]:
    """Return every sheet's scan by name; raise :class:`DocgenError` if one is too large."""
    lim = limits("workbook")
    try:
        zf = open_package(path, limit=lim)
    except (zlib.error, EOFError) as exc:
        raise DocgenError(Problem(f"is damaged ({exc})", file=str(path))) from None
    with zf:
        verify_members(zf, path, limit=lim)
        data = read_member(zf, "content.xml", path, lim)
    sheets: dict[str, tuple[Extent, list[tuple[int, int, int, int, CellError]]]] = {}
    merged: dict[str, list[Merge]] = {}
    name, row, column, rows = "", 0, 0, 1
    extent, failed = Extent(), []
    for m in _TOKEN.finditer(data):
        end, kind, attrs, closed = m.groups()
        if kind == b"table":
            if not end:
                found = _NAME.search(attrs)
                name = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                extent, failed = sheets.setdefault(name, (Extent(), []))
                row = 0
        elif kind == b"table-row":
            if end:
                row += rows
            else:
                found = _ROWS.search(attrs)
                rows, column = int(found.group(1)) if found else 1, 0
                if closed:
                    row += rows
        elif not end:  # a cell
            found = _COLUMNS.search(attrs)
            columns = max(int(found.group(1)), 1) if found else 1
            if b"spanned" in attrs:  # a merged cell: LibreOffice's Merge Cells
                spans = {k: int(v) for k, v in _SPANNED.findall(attrs)}
                down, across = spans.get(b"rows", 1), spans.get(b"columns", 1)
                if (down > 1 or across > 1) and len(merged.setdefault(name, [])) < MAX_MERGES:
                    merged[name].append((row, column, row + down - 1, column + across - 1))
            empty = closed or data.startswith(b"</table:", m.end())
            if not empty or _VALUE_TYPE.search(attrs):
                extent.add(row, column, row + rows - 1, column + columns - 1)
                error = _cell_error(attrs, data, m.end(), closed)
                if error is not None:
                    failed.append((row, rows, column, columns, error))
            column += columns
    scans = {}
    for sheet, (found_extent, errors) in sheets.items():
        check_extent(found_extent, str(path), sheet)
        scans[sheet] = SheetScan(errors=_place(errors, str(path), sheet),
                                 merges=merged.get(sheet, []))
    return scans


def _cell_error(attrs: bytes, data: bytes, at: int, closed: bytes) -> CellError | None:
    """Return the error a cell shows, or its formula if never calculated; else None."""
    if _ERROR.search(attrs):
        found = None if closed else _PARAGRAPH.match(data, at)
        text = _MARKUP.sub(b"", found.group(1)) if found else b"an error"
        return CellError(html.unescape(text.decode("utf-8", "replace")))
    formula = _FORMULA.search(attrs)
    if formula and not _VALUE_TYPE.search(attrs):
        text = html.unescape(formula.group(1).decode("utf-8", "replace"))
        return Uncalculated(text.split(":", 1)[1] if text.startswith("of:") else text)
    return None


def _place(errors: list[tuple[int, int, int, int, CellError]], file: str, sheet: str
           ) -> dict[int, list[tuple[int, CellError]]]:
    """Return failed cells by 1-based row, each repeated cell in every place it stands for."""
    placed: dict[int, list[tuple[int, CellError]]] = {}
    count = 0
    for row, rows, column, columns, error in errors:
        count += rows * columns
        if count > MAX_ERROR_CELLS:
            raise DocgenError(Problem(
                f"the sheet shows more than {MAX_ERROR_CELLS:,} formula errors: correct the "
                "formulas and save it again", file=file, sheet=sheet))
        for r in range(row, row + rows):
            placed.setdefault(r + 1, []).extend((c, error) for c in range(column,
                                                                           column + columns))
    return placed
