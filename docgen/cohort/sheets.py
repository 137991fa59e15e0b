"""Read the rows of a workbook's sheets (.xlsx, .xlsm, .xls, .ods) as Python values, checked.

The cells are read by calamine (Rust, via python-calamine): ~15 times faster than openpyxl's
streaming mode and ~1 ms to import instead of ~65, which is most of what reading a cohort of
thousands of teams costs. Before calamine sees a sheet, the format's scanner
(:mod:`~docgen.cohort.cells`) has read the file's own structure within bounds: the package
through :mod:`docgen.safezip`, the sheet's extent against what its file holds (calamine
allocates a sheet's whole rectangle), the cells calamine reads as blank though they show a
formula error or hold a formula never calculated, and the totals rows of Excel tables.

calamine holds a whole sheet while it is read (~530 bytes a row of 9 cells): an .xlsx sheet
larger than 4 MB is handed to it in chunks of whole rows instead
(:meth:`~docgen.cohort.xlsx.XlsxPackage.chunks`), so calamine never holds more than a chunk
(whole, reading 50,000 teams peaked at 153 MB), for the same CPU time, and the rows are the
same either way (a test compares them).

Values are made the same as openpyxl's, so one parser serves workbooks and CSV files: an empty
cell is ``None``, a whole number is an ``int``; a failed cell is a :class:`CellError`, so the
admin hears about it instead of the cell silently reading blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.cohort.biff import scan_xls
from docgen.cohort.cells import (
    MAX_MERGES,
    CellError,
    Merge,
    SheetScan,
    Shown,
    Uncalculated,
    shown_month_first,
    shown_number,
)
from docgen.cohort.ods import scan_ods
from docgen.cohort.xlsx import XlsxPackage
from docgen.errors import DocgenError, Problem

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

FORMATS = (".xlsx", ".xlsm", ".xls", ".ods")

__all__ = ["FORMATS", "CellError", "Uncalculated", "Workbook"]

# A run of a sheet's rows as calamine gives them: the row number of the first, the column of
# the first cell of each, and the rows' values
_Block = tuple[int, int, Iterable[list[object]]]


def _calamine(opener: type[CalamineWorkbook], path: Path) -> CalamineWorkbook:
    """Open the workbook at ``path`` with calamine.

    A name holding bytes that are not UTF-8 (a file named on an older system, on Linux)
    cannot reach calamine's own open, which would say the file does not exist: the file's
    bytes are given instead.
    """
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as fh:
            return opener.from_filelike(fh)
    return opener.from_path(name)


class Workbook:
    """An open workbook: its sheet names, and the rows of any sheet, one at a time."""

    def __init__(self, path: Path) -> None:
        from python_calamine import (  # a CSV folder never needs it
            CalamineWorkbook,
            SheetVisibleEnum,
        )

        self.path = path
        suffix = path.suffix.lower()
        package: XlsxPackage | None = None
        scans: dict[str, SheetScan] = {}
        if suffix == ".xls":
            scans = scan_xls(path)  # calamine reads every sheet on opening: check them first
        elif suffix == ".ods":
            scans = scan_ods(path)
        else:
            package = XlsxPackage(path)  # calamine reads a sheet when asked: checked then
        self._scan: Callable[[str], SheetScan] = (
            package.scan if package else lambda name: scans.get(name) or SheetScan())
        self._package = package
        self.merges: dict[str, list[Merge]] = {}  # by sheet, once its rows are asked for
        self.scans: dict[str, SheetScan] = {}  # likewise: what the file says beyond values
        # by sheet, as its rows are read: (row, column, value) of each cell holding a value
        # under a merged range's first cell, which shows instead (see _filled_down)
        self.covered: dict[str, list[tuple[int, int, object]]] = {}
        try:
            self._book = _calamine(CalamineWorkbook, path)
            self.sheet_names: list[str] = list(self._book.sheet_names)
            self.hidden_sheets = frozenset(  # hidden sheets are read as any other
                m.name for m in self._book.sheets_metadata
                if m.visible != SheetVisibleEnum.Visible)
        except BaseException as exc:  # calamine raises several types for a damaged workbook
            if package:
                package.close()
            if not _failed(exc):
                raise
            raise DocgenError(
                Problem(f"cannot be read as a workbook ({exc})", file=str(path))) from None

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        """Return (row number, cell values) for the sheet ``name``, from row 1 on, lazily.

        The sheet is checked and loaded now, so a damaged or oversized one raises
        :class:`DocgenError` naming it here. The rows of an Excel table's totals row are left
        out.
        """
        scan = self._scan(name)
        self.scans[name] = scan
        if self._package is not None and self._package.is_large(name):
            self.merges[name] = self._package.merges(name)
            return self._values(scan, self._chunks(self._package, name), name, self.merges[name],
                                self.covered.setdefault(name, []))
        try:
            sheet = self._book.get_sheet_by_name(name)
        except BaseException as exc:  # calamine's XmlError and kin: the sheet's XML is damaged
            if not _failed(exc):
                raise
            raise DocgenError(Problem(f"the sheet cannot be read ({exc})", file=str(self.path),
                                      sheet=name)) from None
        start = sheet.start
        merges = scan.merges or [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in
                                 (sheet.merged_cell_ranges or ())[:MAX_MERGES]]
        self.merges[name] = merges
        # iter_rows gives every row from row 1, each from the first used column on
        return self._values(scan, [(1, start[1] if start else 0, sheet.iter_rows())], name,
                            merges, self.covered.setdefault(name, []))

    @staticmethod
    def _chunks(package: XlsxPackage, name: str) -> Iterator[_Block]:
        """Read a large sheet a chunk of rows at a time (see :meth:`XlsxPackage.chunks`): each
        chunk's rows are taken from calamine, and calamine's memory freed, before the next."""
        from python_calamine import CalamineWorkbook

        for chunk in package.chunks(name):
            book = CalamineWorkbook.from_filelike(chunk)
            try:
                sheet = book.get_sheet_by_index(0)
                start = sheet.start
                rows = sheet.to_python(skip_empty_area=True) if start else []
            finally:
                book.close()
            del chunk, book
            if start:  # to_python gives the rows from the first used one, as iter_rows not
                yield start[0] + 1, start[1], rows

    def _values(self, scan: SheetScan, blocks: Iterable[_Block], name: str,
                merges: list[Merge], covered: list[tuple[int, int, object]]
                ) -> Iterator[tuple[int, list[object]]]:
        try:
            cells = self._cells(scan, blocks)
            yield from _filled_down(cells, merges, covered) if merges else cells
        except BaseException as exc:
            if not _failed(exc):
                raise
            raise DocgenError(Problem(f"the sheet cannot be read ({exc})", file=str(self.path),
                                      sheet=name)) from None

    def _cells(self, scan: SheetScan, blocks: Iterable[_Block]
               ) -> Iterator[tuple[int, list[object]]]:
        errors, skip = scan.errors, scan.skip
        shown = iter(scan.shown)
        later = next(shown, None)  # the next cell shown otherwise than read, in row order
        n = 0
        for first, column, rows in blocks:
            # calamine's rows begin at the first used column: pad them, so that a value's
            # place in its row is its column (0 for A), as in the rows of a CSV file
            pad: list[object] = [None] * column
            for n, cells in enumerate(rows, start=first):
                if skip and n in skip:
                    continue
                values: list[object] = [
                    None if c == "" else int(c) if type(c) is float and c.is_integer() else c
                    for c in cells]
                if pad:
                    values = pad + values
                if later is not None and later[0] <= n:
                    later = _show(values, n, later, shown)
                if errors and n in errors:
                    _place(values, errors[n])
                yield n, values
        # calamine's range ends at the last cell with a value: rows after it holding only
        # formulas without one still count
        for row in sorted(r for r in errors if r > n and r not in skip):
            values = []
            _place(values, errors[row])
            yield row, values

    def close(self) -> None:
        self._book.close()
        if self._package:
            self._package.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _filled_down(rows: Iterable[tuple[int, list[object]]], merges: list[Merge],
                 covered: list[tuple[int, int, object]]) -> Iterator[tuple[int, list[object]]]:
    """Give each row a merged range spans down the value of the range's first cell.

    Excel and LibreOffice keep a merged range's value in its first cell and show it across
    the range: an organisation merged over three teams' rows is each team's. Only the first
    column is filled: a range merged across columns shows one value, the first column's
    (the tables say so, see :mod:`docgen.cohort.tables`). The range's other cells read as
    it shows them: LibreOffice may keep what they held before the merge ("Keep the contents
    of the hidden cells"), hidden under it; each such value is added to ``covered`` as (row,
    column, value), to be named, and is not read.
    """
    starts: dict[int, list[Merge]] = {}  # 1-based first row -> the ranges starting there
    for merge in merges:
        if merge[2] > merge[0] or merge[3] > merge[1]:
            starts.setdefault(merge[0] + 1, []).append(merge)
    active: list[tuple[int, int, int, object]] = []  # (column, last column, last row, value)
    for n, values in rows:
        if active:
            active = [a for a in active if a[2] >= n]
            for column, last_column, _last, value in active:  # a row below a range's first
                _cover(values, n, column, last_column, covered)
                if value is not None:
                    values[column] = value
        for r1, c1, r2, c2 in starts.pop(n, ()):
            value = values[c1] if c1 < len(values) else None
            if c2 > c1:
                _cover(values, n, c1 + 1, c2, covered)
            if r2 > r1:
                active.append((c1, c2, r2 + 1, value))
        yield n, values


def _cover(values: list[object], n: int, first: int, last: int,
           covered: list[tuple[int, int, object]]) -> None:
    """Empty row ``n``'s cells ``first`` to ``last`` (0-based), under a merged range, adding
    each value one held to ``covered``."""
    values.extend([None] * (last + 1 - len(values)))
    for column in range(first, last + 1):
        if values[column] is not None and values[column] != "":
            covered.append((n, column, values[column]))
        values[column] = None


def _show(values: list[object], n: int, cell: Shown, rest: Iterator[Shown]) -> Shown | None:
    """Give row ``n``'s cells shown otherwise than read (``cell`` and those after it in
    ``rest``) what they show; return the first cell of a later row, if any.

    A number becomes a :class:`~docgen.cohort.cells.ShownNumber`; text the file holds
    otherwise than calamine read it (an .ods cell's tab) is replaced by the file's; a date
    shown month first is marked :class:`~docgen.cohort.cells.MonthFirst`. A cell
    of no column (-1) only marks how far the file has been read.
    """
    found: Shown | None = cell
    while found is not None and found[0] <= n:
        _row, column, number_format, text = found
        if found[0] == n and 0 <= column < len(values):
            value = values[column]
            if type(value) in (int, float):
                values[column] = shown_number(value, number_format, text)  # type: ignore[arg-type]
            elif type(value) is str and text is not None:
                values[column] = text
            elif isinstance(value, dt.date):
                values[column] = shown_month_first(value, number_format, text)
        found = next(rest, None)
    return found


def _failed(exc: BaseException) -> bool:
    """Tell whether ``exc`` is calamine failing on a damaged file: an error, or a Rust panic
    (which pyo3 raises as a BaseException, so that it is not caught by mistake)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _place(values: list[object], cells: list[tuple[int, CellError]]) -> None:
    """Put each marked cell into a row's values at its (0-based) column."""
    for column, value in cells:
        values.extend([None] * (column + 1 - len(values)))
        values[column] = value
