"""Scan an OpenDocument spreadsheet (.ods) for what calamine does not say of its sheets.

calamine reads every sheet of an .ods when it opens it, expanding repeated cells and rows
(``table:number-columns-repeated``), so every sheet's extent is checked first, here, from
``content.xml`` read within :mod:`docgen.safezip`'s limits. The same pass finds the cells
calamine reads as blank: a formula showing an error (``calcext:value-type="error"``) and a
formula no program has calculated (a ``table:formula`` without a value); and the cells it reads
otherwise than they show: a number whose text (``<text:p>``) is not the number as docgen writes
it (formatted 000, 1 shows 001; TRUE() is the number 1 showing TRUE), and text holding a tab or
a line break (``<text:tab/>``, ``<text:line-break/>``), which calamine drops. It also notes
the rows and columns the sheet hides (``table:visibility``) and the text struck through (by a
cell's style or a span's), which calamine reads as any other, and the cells' comments
(``office:annotation``), which it does not read.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

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
    check_extent,
)
from docgen.errors import DocgenError, Problem
from docgen.safezip import limits, open_package, read_member, verify_members
from docgen.values.numbers import GENERAL_WIDTH, general_number

# calamine matches these element names literally, prefixes included; so does this scan.
_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell|table-column)"
                    rb"(?=[\s/>])"
                    rb"([^>]*?)(/?)>")
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ROWS = re.compile(rb'\btable:number-rows-repeated="([0-9]{1,9})"')
_COLUMNS = re.compile(rb'\btable:number-columns-repeated="([0-9]{1,9})"')
_SPANNED = re.compile(rb'\btable:number-(rows|columns)-spanned="([0-9]{1,9})"')
_ERROR = re.compile(rb'\bcalcext:value-type="error"')
_HIDDEN = re.compile(rb'\btable:visibility="(?:collapse|filter)"')  # hidden, or filtered out
_STYLE_BLOCK = re.compile(rb"<style:style\b([^>]*?)(?:/>|>(.*?)</style:style>)", re.S)
_STYLE_NAME = re.compile(rb'\bstyle:name="([^"]*)"')
_STRUCK = re.compile(rb'\bstyle:text-line-through-(?:style|type)="(?!none")')
_CELL_STYLE = re.compile(rb'\btable:style-name="([^"]*)"')
_SPAN_STYLE = re.compile(rb'<text:span\b[^>]*?\btext:style-name="([^"]*)"')
_VALUE_TYPE = re.compile(rb"\boffice:value-type=")
_FORMULA = re.compile(rb'\btable:formula="([^"]*)"')
_PARAGRAPH = re.compile(rb"\s*<text:p\b[^>]*>(.*?)</text:p>", re.S)
_MARKUP = re.compile(rb"<[^>]*>")
_NUMBER_TYPE = re.compile(rb'\boffice:value-type="(?:float|percentage|currency)"')
_NUMBER_VALUE = re.compile(rb'\boffice:value="([^"]*)"')
_DATE_VALUE = re.compile(rb'\boffice:date-value="[0-9]{4,}-([0-9]{2})-([0-9]{2})')
# a date's text beginning with its month and day numbers (of the date value above)
_MONTH_DAY = re.compile(rb"<text:p>\s*0?([0-9]{1,2})[^0-9<]+0?([0-9]{1,2})[^0-9]")
_DROPPED = re.compile(rb"<text:(?:tab|line-break)\b")  # what calamine leaves out of text
_ANNOTATION = re.compile(rb"<office:annotation\b.*?</office:annotation>", re.S)
_PARAGRAPHS = re.compile(rb"<text:[ph]\b[^>]*?(?:/>|>(.*?)</text:[ph]>)", re.S)
_SPACES = re.compile(rb'<text:s\b(?:[^>]*?\btext:c="([0-9]{1,5})")?[^>]*>')
_BREAK = re.compile(rb"<text:(tab|line-break)\b[^>]*>")
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
    hidden: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}  # rows, columns
    hidden_rows: list[tuple[int, int]] = []
    hidden_columns: list[tuple[int, int]] = []
    columns_seen = 0  # the table-column elements' columns so far
    shown: dict[str, list[tuple[int, int, int, int, str]]] = {}  # a _Run's place, its text
    name, row, column, rows = "", 0, 0, 1
    extent, failed, texts = Extent(), [], []
    dropped = [m.start() for m in _DROPPED.finditer(data)][::-1]  # next last: none, mostly
    cell: _Run | None = None  # a cell whose text is read at its end tag
    # Comments (office:annotation) and text struck through (a cell's style, a span's), by
    # where they are, last first: none in most files
    struck_styles = {_STYLE_NAME.search(m.group(1)).group(1)  # type: ignore[union-attr]
                     for m in _STYLE_BLOCK.finditer(data)
                     if b"line-through" in m.group(0) and _STRUCK.search(m.group(0))
                     and _STYLE_NAME.search(m.group(1))} if b"line-through" in data else set()
    notes = [(m.start(), _paragraphs(m.group(0))) for m in _ANNOTATION.finditer(data)][::-1]
    struck_spans = [m.start() for m in _SPAN_STYLE.finditer(data)
                    if m.group(1) in struck_styles][::-1] if struck_styles else []
    comments: dict[str, list[tuple[int, int, str]]] = {}
    struck: dict[str, set[tuple[int, int]]] = {}
    opened: tuple[int, int, int] | None = None  # the last cell opened: row, column, content
    for m in _TOKEN.finditer(data):
        end, kind, attrs, closed = m.groups()
        if opened is not None and (notes or struck_spans):  # what lies between it and this tag
            r, c, at = opened
            while notes and notes[-1][0] < m.start():
                if notes[-1][0] >= at:
                    comments.setdefault(name, []).append((r + 1, c, notes[-1][1]))
                notes.pop()
            while struck_spans and struck_spans[-1] < m.start():
                if struck_spans[-1] >= at:
                    add_struck(struck.setdefault(name, set()), range(r + 1, r + 2), range(c, c + 1))
                struck_spans.pop()
        opened = None
        if end and cell is not None and kind != b"table":  # the end of that cell
            while dropped and dropped[-1] < cell[4]:
                dropped.pop()
            text = _shown_text(data, cell[4], m.start(), dropped, attrs=cell[5])
            if text is not None:
                texts.append((*cell[:4], text))
            cell = None
        if kind == b"table":
            if not end:
                found = _NAME.search(attrs)
                name = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                extent, failed = sheets.setdefault(name, (Extent(), []))
                texts = shown.setdefault(name, [])
                hidden_rows, hidden_columns = hidden.setdefault(name, ([], []))
                row = columns_seen = 0
        elif kind == b"table-column":
            if not end:
                found = _COLUMNS.search(attrs)
                columns = max(int(found.group(1)), 1) if found else 1
                if b"visibility" in attrs and _HIDDEN.search(attrs):
                    hidden_columns.append((columns_seen, columns_seen + columns - 1))
                columns_seen += columns
        elif kind == b"table-row":
            if end:
                row += rows
            else:
                found = _ROWS.search(attrs)
                rows, column = int(found.group(1)) if found else 1, 0
                if b"visibility" in attrs and _HIDDEN.search(attrs):
                    hidden_rows.append((row + 1, row + rows))
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
            if not empty:
                opened = (row, column, m.end())
                if struck_styles and (style := _CELL_STYLE.search(attrs)) and (
                        style.group(1) in struck_styles):
                    add_struck(struck.setdefault(name, set()), range(row + 1, row + rows + 1),
                               range(column, column + columns))
            if not empty or _VALUE_TYPE.search(attrs):
                extent.add(row, column, row + rows - 1, column + columns - 1)
                error = _cell_error(attrs, data, m.end(), closed)
                if error is not None:
                    failed.append((row, rows, column, columns, error))
                elif not empty and (dropped or b'office:value="' in attrs
                                    or b'office:date-value="' in attrs):
                    cell = (row, rows, column, columns, m.end(), attrs)  # a number, or text
            column += columns
    scans = {}
    for sheet, (found_extent, errors) in sheets.items():
        check_extent(found_extent, str(path), sheet)
        rows_hidden, columns_hidden = hidden[sheet]
        scans[sheet] = SheetScan(errors=_place(errors, str(path), sheet),
                                 merges=merged.get(sheet, []), shown=_Shown(shown[sheet]),
                                 hidden_rows=Spans(rows_hidden),
                                 hidden_columns=Spans(columns_hidden),
                                 struck=frozenset(struck.get(sheet, ())),
                                 comments=comments.get(sheet, []))
    return scans



# A cell's place: its first row and the rows it is repeated over, its first column and the
# columns it is repeated over; then where its content starts, and its attributes.
_Run = tuple[int, int, int, int, int, bytes]


def _shown_text(data: bytes, start: int, end: int, dropped: list[int], attrs: bytes
                ) -> str | None:
    """Return the text a cell (its content ``data[start:end]``) shows where calamine reads it
    otherwise: a number whose text is not its value written plainly, text holding a tab or
    line break (``dropped``: where those are, last first), a date shown month first. None for
    any other cell."""
    if b'office:value="' in attrs and _NUMBER_TYPE.search(attrs):
        value = _NUMBER_VALUE.search(attrs)
        number = value.group(1) if value else b""
        plain = b"<text:p>" + number + b"</text:p>"
        if end - start == len(plain) and data.startswith(plain, start) and (
                len(number) <= GENERAL_WIDTH and number.lstrip(b"-").isdigit()):
            return None  # a whole number of up to 11 digits shown as written: most numbers
        text = _text(data[start:end])
        try:
            value = float(number)
        except ValueError:
            return text
        # read as Excel's General format shows it, unless the file shows it otherwise:
        # LibreOffice shows 447712345678 in full, where General shows 4.47712E+11
        return None if text.strip() == general_number(value) else text
    if b'office:date-value="' in attrs and (day := _DATE_VALUE.search(attrs)):
        shown = _MONTH_DAY.match(data, start, end)
        if shown is not None and (int(shown[1]), int(shown[2])) == (
                int(day[1]), int(day[2])) and day[1] != day[2]:
            return _text(data[start:end])  # shown month first: 03/04/26 for 4 March
    if dropped and dropped[-1] < end:
        return _text(data[start:end])
    return None


def _text(content: bytes) -> str:
    """Return a cell's text as a spreadsheet shows it: its paragraphs on lines of their own,
    its spaces, tabs and line breaks kept, its comment (``office:annotation``) left out."""
    return _paragraphs(_ANNOTATION.sub(b"", content))


def _paragraphs(content: bytes) -> str:
    """Return the text of the paragraphs in ``content``, each on a line of its own."""
    lines = []
    for m in _PARAGRAPHS.finditer(content):
        inner = _SPACES.sub(lambda s: b" " * int(s.group(1) or 1), m.group(1) or b"")
        inner = _BREAK.sub(lambda b: b"\t" if b.group(1) == b"tab" else b"\n", inner)
        lines.append(html.unescape(_MARKUP.sub(b"", inner).decode("utf-8", "replace")))
    return "\n".join(lines)


class _Shown:
    """A sheet's cells shown otherwise than calamine reads them (see :func:`_shown_text`), as
    :data:`~docgen.cohort.cells.Shown` cells in row order: each repeated cell in every place
    it stands for, given one at a time."""

    def __init__(self, runs: list[tuple[int, int, int, int, str]]) -> None:
        self._runs = runs

    def __iter__(self) -> Iterator[Shown]:
        i = 0
        while i < len(self._runs):  # the cells of one row element, repeated together
            row, rows = self._runs[i][:2]
            j = i
            while j < len(self._runs) and self._runs[j][:2] == (row, rows):
                j += 1
            for r in range(row, row + rows):
                for _row, _rows, column, columns, text in self._runs[i:j]:
                    for c in range(column, column + columns):
                        yield r + 1, c, "", text
            i = j


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
