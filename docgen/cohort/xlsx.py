"""Scan an .xlsx/.xlsm package for what calamine does not say of a sheet (see :mod:`.cells`).

The package is checked by :mod:`docgen.safezip` first (sizes, ratios, DTDs), within a
workbook's limits (a sheet of 300,000 sessions is ~200 MB), since calamine inflates what it
is given; one bounded pass over every part also tells which sheets hold a formula or an
error, so only those are searched for failed cells. Each sheet docgen reads is then scanned
as a stream of pieces that each end after a row (memory stays a few MB however large the
sheet), before calamine loads it: its extent (a regular expression finds any cell beyond A:Z
or row 39,999; only then are the cells counted one by one, in a second pass), its failed
formulas, and the totals rows of the Excel tables on it (``xl/tables/tableN.xml``).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from docgen.cohort.cells import CellError, Extent, SheetScan, Uncalculated, check_extent
from docgen.errors import DocgenError, Problem
from docgen.safezip import (
    limits,
    open_package,
    parse_xml,
    read_member,
    stream_member,
    verify_members,
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MARKERS = (b't="e"', b"t='e'", b"<f>", b"<f ")  # an error cell; a formula
_FORMULA_START = re.compile(rb"<f[\s>/]")
_FORMULA_OR_ERROR = re.compile(rb"<f[\s>/]|\bt=[\"']e[\"']")
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA = re.compile(rb"<f\b[^>]*>([^<]*)</f>")

# A cell tag that is not `<c r="A1"` .. `<c r="Z39999"`: beyond the columns and rows every
# sheet may span, without a reference, or written otherwise. Where none is found the sheet
# is small whatever it holds, and its cells need not be counted (most sheets: ~10 ms a MB).
_SUSPECT = re.compile(rb'<c(?! r="[A-Z](?:[1-9][0-9]{0,3}|[1-3][0-9]{4})")[\s/>]')
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_CELL_REF = re.compile(rb"\br=[\"']([A-Za-z]{1,3})([0-9]{1,9})[\"']")
_ROW_REF = re.compile(rb"\br=[\"']([0-9]{1,9})[\"']")
_TABLE_REF = re.compile(r"\$?[A-Z]{1,3}\$?(\d+):\$?[A-Z]{1,3}\$?(\d+)")
_MAX_TOTALS_ROWS = 16  # Excel shows one; a larger count is not believed
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row\s*>")


class XlsxPackage:
    """An open .xlsx package, checked, that scans any of its sheets by name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._limits = limits("workbook")
        try:
            self._zf = open_package(path, limit=self._limits)
        except (zlib.error, EOFError) as exc:  # a damaged zip header
            raise DocgenError(Problem(f"is damaged ({exc})", file=str(path))) from None
        try:
            self._flagged = verify_members(self._zf, path, markers=_MARKERS,
                                           limit=self._limits)
            self._parts = _sheet_parts(self._zf, path)
        except BaseException:
            self._zf.close()
            raise
        self._tables = any(n.startswith("xl/tables/") for n in self._zf.NameToInfo)

    def scan(self, name: str) -> SheetScan:
        """Return the sheet's failed cells, totals rows and (when not small) its extent.

        Raises :class:`DocgenError` if the sheet spans far more cells than it holds.
        """
        part = self._parts.get(name)
        if part is None or part not in self._zf.NameToInfo:
            raise DocgenError(Problem("the sheet's part is missing from the workbook: open it "
                                      "in Excel or LibreOffice and save it again",
                                      file=str(self.path), sheet=name))
        small, flagged = True, part in self._flagged
        errors: dict[int, list[tuple[int, CellError]]] = {}
        for n, piece in enumerate(self._pieces(part)):
            small = small and _small(piece, first=not n)
            if flagged:
                for row, cells in formula_cells(piece).items():
                    errors.setdefault(row, []).extend(cells)
            elif not small:
                break  # the cells are counted from the start below
        scan = SheetScan(extent=None if small else count_cells(self._pieces(part)))
        check_extent(scan.extent, str(self.path), name)
        scan.errors = errors
        if self._tables:
            scan.skip = _totals_rows(self._zf, part, self.path)
        return scan

    def _pieces(self, part: str) -> Iterator[bytes]:
        return pieces(stream_member(self._zf, part, self.path, self._limits))

    def close(self) -> None:
        self._zf.close()


def pieces(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """Join a sheet's blocks of bytes into pieces that each end after a row's end tag.

    A cell, and a row, is then never cut between two pieces. A sheet whose rows never end
    (damaged) is one piece, bounded by the part's limit.
    """
    held = bytearray()
    for block in blocks:
        start = max(len(held) - 16, 0)
        held += block
        cut = _last_row_end(held, start)
        if cut > 0:
            yield bytes(held[:cut])
            del held[:cut]
    if held:
        yield bytes(held)


def _last_row_end(data: bytearray, start: int) -> int:
    """Return where the last row end tag in ``data`` (from ``start``) ends; -1 if none."""
    at = len(data)
    while (at := data.rfind(b"row", start, at)) >= 0:
        lt = data.rfind(b"<", max(at - 64, 0), at)
        if lt >= 0 and (m := _ROW_END.match(data, lt)) is not None and m.end() > at:
            return m.end()
    return -1


def _small(data: bytes, first: bool = True) -> bool:
    """Tell whether a sheet's bytes (a piece: ``first`` if it begins the sheet) hold only
    cells within A:Z and 39,999 rows, written plainly (no prefixed tags)."""
    if first and (tag := _FIRST_TAG.search(data, 0, 4096)) and b":" in tag.group(1):
        return False
    return _SUSPECT.search(data) is None


def extent(data: bytes) -> Extent | None:
    """Return the extent of a sheet's cells that hold something; None if it is small."""
    return None if _small(data) else count_cells([data])


def count_cells(pieces: Iterable[bytes]) -> Extent:
    """Return the extent of the cells of a sheet's bytes, given in pieces ending after rows.

    Cells are placed as calamine places them: by their reference, else after the cell
    before in the row (whose number is its reference, else the one after the last row).
    """
    found = Extent()
    row, column = -1, -1
    for data in pieces:
        for m in _TAG.finditer(data):
            kind, attrs, closed = m.groups()
            if kind == b"row":
                ref = _ROW_REF.search(attrs)
                row = int(ref.group(1)) - 1 if ref else row + 1
                column = -1
                continue
            ref = _CELL_REF.search(attrs)
            if ref:
                row = int(ref.group(2)) - 1
                column = _column(ref.group(1))
            else:
                column += 1
            if not closed and not data.startswith(b"</", m.end()):  # an empty cell: not read
                found.add(max(row, 0), column)
    return found


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number - 1


def _sheet_parts(zf: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Map each sheet's name to its part in the package (``xl/worksheets/sheet1.xml``)."""
    names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    missing = [name for name in names if name not in zf.NameToInfo]
    if missing:
        raise DocgenError(Problem(f"is not an Excel workbook (it has no {missing[0]}): open it "
                                  "in Excel or LibreOffice and save it as .xlsx",
                                  file=str(path)))
    book, rels = (parse_xml(read_member(zf, name, path), path, name) for name in names)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target:
            parts[sheet.get("name", "")] = _resolve("xl", target)
    return parts


def _resolve(folder: str, target: str) -> str:
    """Return a relationship's target as a part name: absolute, or relative to ``folder``."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _totals_rows(zf: zipfile.ZipFile, part: str, path: Path) -> frozenset[int]:
    """Return the 1-based rows of the totals rows of the Excel tables on the sheet ``part``."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_name not in zf.NameToInfo:
        return frozenset()
    rows: set[int] = set()
    for rel in parse_xml(read_member(zf, rels_name, path), path, rels_name):
        target = _resolve(folder, rel.get("Target", ""))
        if not rel.get("Type", "").endswith("/table") or target not in zf.NameToInfo:
            continue
        table = parse_xml(read_member(zf, target, path), path, target)
        ref = _TABLE_REF.fullmatch(table.get("ref", ""))
        try:
            count = int(table.get("totalsRowCount") or 0)
        except ValueError:
            count = 0
        if ref and 0 < count <= _MAX_TOTALS_ROWS:
            last = int(ref.group(2))
            rows.update(range(max(last - count + 1, int(ref.group(1)) + 1), last + 1))
    return frozenset(rows)


def formula_cells(data: bytes) -> dict[int, list[tuple[int, CellError]]]:
    """Return a sheet's cells with no value to read: row -> [(0-based column, CellError)].

    Those are cells showing an error, and formulas without a calculated value (a number or
    date result is never empty once calculated; a text result may be, so it counts as read).
    """
    found: dict[int, list[tuple[int, CellError]]] = {}
    done = 0
    for m in _FORMULA_OR_ERROR.finditer(data):
        if m.start() < done:
            continue  # another mark of a cell already looked at
        start = max(data.rfind(b"<c ", 0, m.start()), data.rfind(b"<c>", 0, m.start()))
        end = data.find(b"</c>", m.start())
        if start < 0 or end < 0:
            continue
        done = end
        cell = data[start:end]
        head = cell[:cell.find(b">") + 1]
        ref, kind = _REF.search(head), _TYPE.search(head)
        value = _VALUE.search(cell)
        if ref is None:
            continue
        if kind is not None and kind.group(1) == b"e":
            if value is None:
                continue
            error: CellError = CellError(value.group(1).decode("utf-8", "replace"))
        elif (value is None or not value.group(1)) and (kind is None or kind.group(1) != b"str"
                                                          ) and _FORMULA_START.search(cell):
            formula = _FORMULA.search(cell)
            text = html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else ""
            error = Uncalculated(f"={text}" if text else "a shared formula")
        else:
            continue
        found.setdefault(int(ref.group(2)), []).append((_column(ref.group(1)), error))
    return found
