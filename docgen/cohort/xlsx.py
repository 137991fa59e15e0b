"""Scan an .xlsx/.xlsm package for what calamine does not say of a sheet (see :mod:`.cells`).

The package is checked by :mod:`docgen.safezip` first (sizes, ratios, DTDs), within a
workbook's limits (a sheet of 300,000 sessions is ~200 MB), since calamine inflates what it
is given; one bounded pass over every part also tells which sheets hold a formula or an
error, so only those are searched for failed cells. Each sheet docgen reads is then scanned
as a stream of pieces that each end after a row (memory stays a few MB however large the
sheet), before calamine loads it: its extent (a regular expression finds any cell beyond A:Z
or row 39,999; only then are the cells counted one by one, in a second pass), its failed
formulas, the totals rows of the Excel tables on it (``xl/tables/tableN.xml``), and whether
its rows are in order: where they are not, or its cells are written without a reference, the
failed and formatted cells are placed as calamine places the cells' values.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

from docgen.cohort.cells import (
    MAX_MERGES,
    CellError,
    Extent,
    Merge,
    SheetScan,
    Shown,
    Spans,
    Uncalculated,
    add_struck,
    cell_name,
    check_extent,
    column_index,
    shown_format,
)
from docgen.errors import DocgenError, Problem
from docgen.safezip import (
    MIB,
    Limits,
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
_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']\$?([A-Z]{1,3})"
                         rb"\$?([1-9][0-9]{0,6}):\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})[\"']")
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*>")
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A sheet larger than this (~6,000 rows) is handed to calamine in chunks of whole rows
# (calamine holds a whole sheet: ~530 bytes a row of 9 cells, 53 MB for 100,000 sessions).
# Each chunk holds at least CHUNK_BYTES of the sheet's XML, and twice the styles and shared
# strings (which calamine reads again for every chunk). Measured at 50,000 teams, reading peaks
# at 63 MB with 128 KB chunks, 66 with 256 KB, 88 with 1 MB and 118 with 4 MB, for the same
# CPU time (a whole sheet at a time: 153 MB).
LARGE_SHEET = 4 * MIB
CHUNK_BYTES = 256 * 1024
STRINGS_TIMES = 2


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
            self._parts, self._book = _sheet_parts(self._zf, path)
        except BaseException:
            self._zf.close()
            raise
        self._tables = any(n.startswith("xl/tables/") for n in self._zf.NameToInfo)
        self.large_sheet = LARGE_SHEET
        # read when a sheet is first scanned: the styles whose number format or font (struck
        # through) matters, and the shared strings with text struck through
        self._formats: dict[bytes, str] | None = None
        self._struck: frozenset[bytes] = frozenset()
        self._struck_strings: frozenset[int] = frozenset()
        self._unplaced: set[str] = set()  # sheets whose cells are placed by position

    def scan(self, name: str) -> SheetScan:
        """Return the sheet's failed cells, totals rows and (when not small) its extent.

        Raises :class:`DocgenError` if the sheet spans far more cells than it holds.
        """
        part = self._parts.get(name)
        if part is None or part not in self._zf.NameToInfo:
            raise DocgenError(Problem("the sheet's part is missing from the workbook: open it "
                                      "in Excel or LibreOffice and save it again",
                                      file=str(self.path), sheet=name))
        small, flagged, last_row = True, part in self._flagged, 0
        errors: dict[int, list[tuple[int, CellError]]] = {}
        if self._formats is None:
            self._formats, self._struck = _styles(self._zf, self._book.relations.get("styles"),
                                                  self.path, self._limits)
            self._struck_strings = _struck_strings(
                self._zf, self._book.relations.get("sharedStrings"), self.path, self._limits)
        hidden = _Hidden(self._struck, self._struck_strings)
        for n, piece in enumerate(self._pieces(part)):
            hidden.find(piece)
            small = small and _small(piece, first=not n)
            if small and last_row >= 0:
                last_row = _rows_in_order(piece, last_row)
            if flagged:
                for row, cells in formula_cells(piece).items():
                    errors.setdefault(row, []).extend(cells)
            elif not small:
                break  # the cells are counted, and their order checked, from the start below
                # (and the hidden rows found there)
        # a small sheet whose rows were not plainly in order is counted too: its cells' order
        # is checked there, however they are written
        scan = SheetScan(extent=None if small and last_row >= 0 else
                         count_cells(hidden.watch(self._pieces(part))))
        check_extent(scan.extent, str(self.path), name)
        scan.errors = errors
        scan.stale = self._book.stale and flagged
        scan.hidden_rows, scan.hidden_columns = Spans(hidden.rows), Spans(hidden.columns)
        scan.struck = frozenset(hidden.struck)
        related = _related(self._zf, part, self.path)
        scan.comments = _comments(self._zf, related, self.path, self._limits)
        if self._tables:
            scan.skip = _totals_rows(self._zf, related, self.path)
        if scan.extent is not None and scan.extent.unplaced:
            # cells without a reference, or out of order: calamine places each by its
            # position, and so must the failed and formatted cells be; the sheet is read
            # whole, since a chunk of its rows would not say where they are
            self._unplaced.add(name)
            scan.errors, shown = _placed_cells(self._pieces(part), self._formats,
                                               flagged, str(self.path), name)
            if self._formats:
                scan.shown = shown
        elif self._formats:  # most workbooks have none: nothing to stream
            scan.shown = _Formatted(self, part, self._formats)
        return scan

    def _pieces(self, part: str, block: int = MIB) -> Iterator[bytes]:
        return pieces(stream_member(self._zf, part, self.path, self._limits, block))

    def merges(self, name: str) -> list[Merge]:
        """Return the sheet's merged ranges (``mergeCell``, after its rows), read as a stream:
        for a large sheet, whose chunks calamine reads without them."""
        found: list[Merge] = []
        for piece in self._pieces(self._parts[name]):
            for m in _MERGE_CELL.finditer(piece):
                if len(found) < MAX_MERGES:
                    c1, r1, c2, r2 = m.groups()
                    found.append((int(r1) - 1, column_index(c1), int(r2) - 1, column_index(c2)))
        return found

    def is_large(self, name: str) -> bool:
        """Tell whether the sheet ``name`` is read in chunks (see :meth:`chunks`)."""
        part = self._parts.get(name)
        info = self._zf.NameToInfo.get(part) if part else None
        return (info is not None and info.file_size > self.large_sheet
                and name not in self._unplaced)

    def chunks(self, name: str) -> Iterator[io.BytesIO]:
        """Yield the sheet ``name`` as workbooks of one sheet each, holding its rows in turn.

        Each is a package calamine reads as it reads this one (the same styles, shared
        strings and date system), holding the sheet's own XML before and after its rows and
        a run of whole rows, numbered as here: calamine then holds one chunk, never the whole
        sheet. A sheet that is not plainly rows within ``sheetData`` is one chunk.
        """
        part = self._parts[name]
        extra = self._book_parts()
        least = max(CHUNK_BYTES, STRINGS_TIMES * sum(
            len(data) for name, data in extra.items() if name != "xl/workbook.xml"))
        head, end_tag, rows = b"", b"", bytearray()
        for piece in self._pieces(part, min(MIB, CHUNK_BYTES)):
            if not head:
                found = _SHEET_DATA.search(piece)
                if found is None or found.group(0).endswith(b"/>"):
                    return  # no rows: calamine's own reading of the whole sheet says so
                head, piece = piece[:found.end()], piece[found.end():]
                end_tag = b"</" + found.group(1) + b"sheetData>"
            last = piece.find(end_tag)
            rows += piece if last < 0 else piece[:last]
            if len(rows) >= least or last >= 0:
                yield _one_sheet_package(extra, head, rows, end_tag)
                rows = bytearray()
            if last >= 0:
                return

    def _book_parts(self) -> dict[str, bytes]:
        """Return the parts every chunk carries: the styles and shared strings, by the names
        calamine reads them at, and a workbook.xml with this one's date system."""
        rels = self._book.relations
        extra = {"xl/workbook.xml": _workbook_xml(self._book.date1904)}
        for kind, name in (("styles", "xl/styles.xml"), ("sharedStrings", "xl/sharedStrings.xml")):
            target = rels.get(kind)
            if target and target in self._zf.NameToInfo:
                extra[name] = read_member(self._zf, target, self.path, self._limits)
        return extra

    def close(self) -> None:
        self._zf.close()


class _Formatted:
    """The numbers of a sheet in a number format that shows them otherwise than docgen writes
    them, as :data:`~docgen.cohort.cells.Shown` cells, streamed from the sheet's file each time
    they are iterated (memory stays a piece of the sheet, however many).

    They come in the file's order, which is the rows' order in every workbook Excel,
    LibreOffice or a library writes; a sheet whose cells are not in that order, or written
    without a reference (``r``), has its cells placed instead (:func:`_placed_cells`).
    """

    def __init__(self, package: XlsxPackage, part: str, formats: dict[bytes, str]) -> None:
        self._package, self._part, self._formats = package, part, formats
        styles = b"|".join(re.escape(s) for s in sorted(formats))
        # cells in one of those styles; in any style where the default one is one of them
        self._cell = _ANY_CELL if b"0" in formats else re.compile(
            rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?\bs=[\"'](?:" + styles + rb")[\"'][^>]*)>")

    def __iter__(self) -> Iterator[Shown]:
        formats = self._formats
        for piece in self._package._pieces(self._part):
            # where each piece ends (a cell of no column): a reader wanting a few rows
            # waits for one piece, never the whole sheet
            at = max(piece.rfind(b"<row"), piece.rfind(b":row"))
            last = _LAST_ROW.match(piece, at + 1) if at >= 0 else None
            for m in self._cell.finditer(piece):
                attrs = m.group(1)
                if attrs.endswith(b"/"):
                    continue  # an empty cell
                style = _STYLE.search(attrs)
                kind = _TYPE.search(attrs)
                ref = _CELL_REF.search(attrs)
                code = formats.get(style.group(1) if style else b"0")
                # a number: no type, or n
                if code is not None and ref is not None and (kind is None or
                                                             kind.group(1) == b"n"):
                    yield int(ref.group(2)), _column(ref.group(1).upper()), code, None
            if last is not None:
                yield int(last.group(1)), -1, "", None


_HIDDEN_ROW = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?row\s([^>]*?\bhidden=[\"'](?:1|true)[\"'][^>]*)>")
_HIDDEN_COLUMN = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?col\s([^>]*?\bhidden=[\"'](?:1|true)[\"'][^>]*)>")
_MIN = re.compile(rb"\bmin=[\"']([0-9]{1,5})[\"']")
_MAX = re.compile(rb"\bmax=[\"']([0-9]{1,5})[\"']")


class _Hidden:
    """The rows and columns a sheet hides (``hidden="1"``: hidden by hand or filtered out), and
    its cells whose text is struck through (by their style's font, or a shared string's run),
    found in the pieces of the sheet as they stream by; most sheets have none, and a piece
    without a word for them is passed over at the speed of a byte search."""

    def __init__(self, struck_styles: frozenset[bytes] = frozenset(),
                 struck_strings: frozenset[int] = frozenset()) -> None:
        self.rows: set[tuple[int, int]] = set()  # 1-based, as ranges of one row
        self.columns: set[tuple[int, int]] = set()  # 0-based ranges
        self.struck: set[tuple[int, int]] = set()  # cells: 1-based row, 0-based column
        self._styles, self._strings = struck_styles, struck_strings

    def find(self, piece: bytes) -> None:
        if self._styles or self._strings or b"<strike" in piece:  # inline strings hold runs
            self._find_struck(piece)
        if b"hidden" not in piece:
            return
        for m in _HIDDEN_ROW.finditer(piece):
            ref = _ROW_REF.search(m.group(1))
            if ref is not None:
                row = int(ref.group(1))
                self.rows.add((row, row))
        for m in _HIDDEN_COLUMN.finditer(piece):
            low, high = _MIN.search(m.group(1)), _MAX.search(m.group(1))
            if low is not None:
                first = int(low.group(1))
                last = max(int(high.group(1)), first) if high is not None else first
                self.columns.add((first - 1, last - 1))

    def _find_struck(self, piece: bytes) -> None:
        for m in _CELL.finditer(piece):
            attrs, content = m.group(1), m.group(2) or b""
            style = _STYLE.search(attrs)
            struck = style is not None and style.group(1) in self._styles
            if not struck and self._strings and (kind := _TYPE.search(attrs)) is not None and (
                    kind.group(1) == b"s") and (value := _VALUE.search(content)) is not None:
                struck = value.group(1).isdigit() and int(value.group(1)) in self._strings
            if not struck and b"<strike" in content:
                struck = _STRIKE.search(content) is not None
            ref = _CELL_REF.search(attrs) if struck and content.strip() else None
            if ref is not None:
                row, column = int(ref.group(2)), _column(ref.group(1).upper())
                add_struck(self.struck, range(row, row + 1), range(column, column + 1))

    def watch(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Yield ``pieces``, finding what they hide on the way."""
        for piece in pieces:
            self.find(piece)
            yield piece


_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*)>")
_STYLE = re.compile(rb"\bs=[\"']([0-9]{1,9})[\"']")
_LAST_ROW = re.compile(rb"row\s[^>]*?\br=[\"']([0-9]{1,9})[\"']")


# A cell, whole: its attributes and its content (None for an empty cell, written <c .../>).
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)",
                   re.S)
# A font's or a run's strike-through (not turned off with val="0" or "false").
_STRIKE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?strike\b(?![^>]*\bval=[\"'](?:0|false)[\"'])")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si\b")


def _styles(zf: zipfile.ZipFile, part: str | None, path: Path, lim: Limits
            ) -> tuple[dict[bytes, str], frozenset[bytes]]:
    """Return the styles (``s``, as in the sheet's XML) whose number format shows a number
    otherwise than General does, each with its format ("" for a built-in one whose code the
    file does not hold), and those whose font is struck through; both empty for most
    workbooks."""
    if not part or part not in zf.NameToInfo:
        return {}, frozenset()
    data = read_member(zf, part, path, lim)
    styles = parse_xml(data, path, part)
    struck: set[bytes] = set()
    if b"strike" in data:
        fonts = next(styles.iter(f"{_MAIN}fonts"), None)
        struck_fonts = {str(i) for i, font in enumerate(fonts if fonts is not None else ())
                        if any(e.get("val", "1").lower() not in ("0", "false")
                               for e in font.iter(f"{_MAIN}strike"))}
        xfs = next(styles.iter(f"{_MAIN}cellXfs"), None)
        struck = {str(i).encode() for i, xf in enumerate(xfs if xfs is not None else ())
                  if xf.get("fontId", "0") in struck_fonts}
    return _number_formats(styles), frozenset(struck)


def _struck_strings(zf: zipfile.ZipFile, part: str | None, path: Path, lim: Limits
                    ) -> frozenset[int]:
    """Return the shared strings (by index) holding a run struck through; none for most
    workbooks, where one stream of the part finds no "<strike" and nothing more is done."""
    if not part or part not in zf.NameToInfo:
        return frozenset()
    tail = b""
    for block in stream_member(zf, part, path, lim):
        if b"<strike" in tail + block[:8] or b"<strike" in block:
            break
        tail = block[-8:]
    else:
        return frozenset()
    found: set[int] = set()
    index, held = 0, b""
    for block in stream_member(zf, part, path, lim):
        data = held + block
        cut = data.rfind(b"si>")  # the end of the last whole string: </si> (or </x:si>)
        while cut > 0 and data[cut - 1:cut] not in (b"/", b":"):
            cut = data.rfind(b"si>", 0, cut)
        cut = cut + 3 if cut > 0 else 0
        whole, held = data[:cut], data[cut:]
        starts = [m.end() for m in _SHARED_STRING.finditer(whole)]
        for i, at in enumerate(starts):
            if _STRIKE.search(whole, at, starts[i + 1] if i + 1 < len(starts) else len(whole)):
                found.add(index + i)
        index += len(starts)
    return frozenset(found)


def _related(zf: zipfile.ZipFile, part: str, path: Path) -> list[tuple[str, str]]:
    """Return the parts the sheet ``part`` relates to, as (kind, part name), present ones
    only: its tables ("table"), its comments ("comments") and the like."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_name not in zf.NameToInfo:
        return []
    related = [(rel.get("Type", "").rpartition("/")[2], _resolve(folder, rel.get("Target", "")))
               for rel in parse_xml(read_member(zf, rels_name, path), path, rels_name)]
    return [(kind, target) for kind, target in related if target in zf.NameToInfo]


def _comments(zf: zipfile.ZipFile, related: list[tuple[str, str]], path: Path, lim: Limits
              ) -> list[tuple[int, int, str]]:
    """Return the comments (notes) of a sheet, given its ``related`` parts: (1-based row,
    0-based column, text)."""
    found = []
    for target in (target for kind, target in related if kind == "comments"):
        root = parse_xml(read_member(zf, target, path, lim), path, target)
        for comment in root.iter(f"{_MAIN}comment"):
            ref = _CELL_REF.fullmatch(f'r="{comment.get("ref", "")}"'.encode())
            if ref is None:
                continue
            text = "".join(t.text or "" for t in comment.iter(f"{_MAIN}t"))
            if text.startswith("[Threaded comment]"):  # Excel's copy of a threaded comment
                text = text.partition("Comment:")[2] or text
            found.append((int(ref.group(2)), _column(ref.group(1).upper()), text))
    return found


def _number_formats(styles: Any) -> dict[bytes, str]:  # the parsed styles part
    """Return the styles whose number format shows a number otherwise than General does."""
    codes: dict[int, str] = {}
    for fmt in styles.iter(f"{_MAIN}numFmt"):
        with suppress(ValueError):
            codes[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
    found: dict[bytes, str] = {}
    xfs = next(styles.iter(f"{_MAIN}cellXfs"), None)
    for i, xf in enumerate(xfs if xfs is not None else ()):
        try:
            number = int(xf.get("numFmtId") or 0)
        except ValueError:
            continue
        code = shown_format(number, codes.get(number))
        if code is not None:
            found[str(i).encode()] = code
    return found


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
    unplaced = False  # a cell without a reference, or before or at the one before it
    at = -1  # where the last cell was, as one number growing along rows and down the sheet
    for data in pieces:
        for m in _TAG.finditer(data):
            kind, attrs, closed = m.groups()
            if kind == b"row":
                ref = _ROW_REF.search(attrs)
                row = int(ref.group(1)) - 1 if ref else row + 1
                if row << 20 <= at:
                    unplaced = True
                column = -1
                continue
            ref = _CELL_REF.search(attrs)
            if ref:
                row = int(ref.group(2)) - 1
                column = _column(ref.group(1))
                if (row << 20) + column <= at:
                    unplaced = True
                at = (row << 20) + column
            else:
                column += 1
                unplaced = True
            if not closed and not data.startswith(b"</", m.end()):  # an empty cell: not read
                found.add(max(row, 0), column)
    found.unplaced = unplaced
    return found


# A row's start tag: its number where it is written first (as Excel and every library write
# it), else "" (a row without r, or written otherwise: count_cells then places its cells)
_ROW_START = re.compile(rb'<row(?: r="([0-9]{1,9})"|[\s>/])')


def _rows_in_order(data: bytes, last: int) -> int:
    """Return the number of the last row of a sheet's piece, its rows being after ``last``
    and in order, each written ``<row r="N"``; -1 if they are not, or are written otherwise.

    One search of the piece (~1 ms a MB: ~10 ms for a cohort of 5,000 teams)."""
    found = _ROW_START.findall(data)
    if b"" in found:
        return -1
    rows = [*map(int, found)]
    if rows and (rows[0] <= last or rows != sorted(set(rows))):
        return -1
    return rows[-1] if rows else last


def _placed_cells(pieces: Iterable[bytes], formats: dict[bytes, str] | None, flagged: bool,
                  file: str, sheet: str) -> tuple[dict[int, list[tuple[int, CellError]]],
                                                  list[Shown]]:
    """Return the failed cells and the numbers shown otherwise than read (in row order) of a
    sheet whose cells are written without a reference or out of order, each cell placed as
    calamine places it (see :func:`count_cells`).

    Raises :class:`DocgenError` naming a cell the file holds twice: calamine would read only
    one of its values.
    """
    errors: dict[int, list[tuple[int, CellError]]] = {}
    shown: list[Shown] = []
    seen: dict[int, set[int]] = {}
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
                row, column = int(ref.group(2)) - 1, _column(ref.group(1))
            else:
                column += 1
            if closed or data.startswith(b"</", m.end()):
                continue  # an empty cell: nothing is read from it
            place = max(row, 0)
            columns = seen.setdefault(place, set())
            if column in columns:
                raise DocgenError(Problem(
                    f"the sheet's file holds cell {cell_name(place, column)} twice (the "
                    "program that wrote the workbook wrote its rows or cells out of order), "
                    "and only one of its values would be read: open the workbook in Excel or "
                    "LibreOffice, check that row, and save it", file=file, sheet=sheet))
            columns.add(column)
            cell = data[m.start():data.find(b"</c>", m.end()) + 4]
            if flagged and (error := _cell_error(cell)) is not None:
                errors.setdefault(place + 1, []).append((column, error))
            if formats:
                style = _STYLE.search(attrs)
                kind_of = _TYPE.search(attrs)
                code = formats.get(style.group(1) if style else b"0")
                if code is not None and (kind_of is None or kind_of.group(1) == b"n"):
                    shown.append((place + 1, column, code, None))
    shown.sort(key=lambda c: c[:2])
    return errors, shown


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number - 1


class _Book:
    """What a workbook.xml says beyond its sheets: its date system, the parts it relates to,
    and whether its formulas' saved results can be out of date."""

    def __init__(self, date1904: bool, relations: dict[str, str], stale: bool = False) -> None:
        self.date1904 = date1904
        self.relations = relations  # "styles", "sharedStrings" -> part name
        # calculated by hand (Formulas > Calculation Options > Manual) and not before saving:
        # a formula's saved result may be from before its inputs last changed
        self.stale = stale


def _workbook_xml(date1904: bool) -> bytes:
    system = '<workbookPr date1904="1"/>' if date1904 else ""
    return (f'<workbook xmlns="{_MAIN[1:-1]}" xmlns:r="{_OFFICE}">{system}<sheets><sheet '
            'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()


def _one_sheet_package(extra: dict[str, bytes], head: bytes, rows: bytearray,
                       end_tag: bytes) -> io.BytesIO:
    """Return a workbook (in memory, stored) of one sheet: ``head``, ``rows``, its end."""
    related = "".join(
        f'<Relationship Id="rId{i}" Type="{_OFFICE}/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(
            [("worksheet", "worksheets/sheet1.xml")]
            + [(k, t) for k, t, n in (("styles", "styles.xml", "xl/styles.xml"),
                                      ("sharedStrings", "sharedStrings.xml",
                                       "xl/sharedStrings.xml")) if n in extra], start=1))
    close = end_tag + b"</" + end_tag[2:-len(b"sheetData>")] + b"worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
                    f'Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>")
        zf.writestr("xl/_rels/workbook.xml.rels",
                    f'<Relationships xmlns="{_PACKAGE}">{related}</Relationships>')
        for name, data in extra.items():
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for data in (head, rows, close):
                fh.write(data)
    buf.seek(0)
    return buf


def _sheet_parts(zf: zipfile.ZipFile, path: Path) -> tuple[dict[str, str], _Book]:
    """Map each sheet's name to its part in the package (``xl/worksheets/sheet1.xml``); also
    return what the workbook says beyond its sheets."""
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
    related = {}
    for rel in rels:
        kind = rel.get("Type", "").rpartition("/")[2]
        if kind in ("styles", "sharedStrings") and rel.get("Target"):
            related.setdefault(kind, _resolve("xl", rel.get("Target", "")))
    system = next(book.iter(f"{_MAIN}workbookPr"), None)
    date1904 = system is not None and system.get("date1904", "").lower() in ("1", "true")
    calc = next(book.iter(f"{_MAIN}calcPr"), None)
    stale = calc is not None and calc.get("calcMode", "") == "manual" and calc.get(
        "calcOnSave", "1").lower() in ("0", "false")
    return parts, _Book(date1904, related, stale)


def _resolve(folder: str, target: str) -> str:
    """Return a relationship's target as a part name: absolute, or relative to ``folder``."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _totals_rows(zf: zipfile.ZipFile, related: list[tuple[str, str]], path: Path
                 ) -> frozenset[int]:
    """Return the 1-based rows of the totals rows of the Excel tables on a sheet, given its
    ``related`` parts."""
    rows: set[int] = set()
    for target in (target for kind, target in related if kind == "table"):
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
        ref = _REF.search(cell[:cell.find(b">") + 1])
        if ref is None:
            continue  # placed by its position instead (see _placed_cells)
        error = _cell_error(cell)
        if error is not None:
            found.setdefault(int(ref.group(2)), []).append((_column(ref.group(1)), error))
    return found


def _cell_error(cell: bytes) -> CellError | None:
    """Return the error a cell's XML (``<c ...>`` to its end) shows, or its formula if it was
    never calculated; None for a cell with a value to read."""
    head = cell[:cell.find(b">") + 1]
    kind = _TYPE.search(head)
    value = _VALUE.search(cell)
    if kind is not None and kind.group(1) == b"e":
        return None if value is None else CellError(value.group(1).decode("utf-8", "replace"))
    if (value is None or not value.group(1)) and (kind is None or kind.group(1) != b"str"
                                                  ) and _FORMULA_START.search(cell):
        formula = _FORMULA.search(cell)
        text = html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else ""
        return Uncalculated(f"={text}" if text else "a shared formula")
    return None
