"""Scan an Excel 97-2003 workbook (.xls) for what calamine does not say of its sheets.

An .xls is a compound file (OLE) holding one ``Workbook`` stream of BIFF records. calamine
reads every sheet of it when it opens it, allocating each sheet's rectangle; it reads a
formula showing an error as blank. This module reads the stream itself, within bounds (the
file's size, every sector chain checked), for each sheet's extent and its error cells: a
FORMULA record whose cached result is an error, and a BOOLERR record holding one. It also
finds the numbers whose number format shows them otherwise than General (000 shows 1 as 001):
each cell's XF record names its format, a FORMAT record holds the format's code. And the rows
and columns the sheet hides (ROW and COLINFO records) and the cells struck through (their XF's
FONT), which calamine reads as any other, and the cells' comments (NOTE records, their text in
the CONTINUE record after the TXO of their drawing object), which it does not read.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from docgen.cohort.cells import (
    CellError,
    Extent,
    SheetScan,
    Shown,
    Spans,
    add_struck,
    check_extent,
    shown_format,
)
from docgen.errors import DocgenError, Problem
from docgen.safezip import MIB, OLE_MAGIC, PART_SETTING, limits

_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
           0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
_FORMULA, _BOOLERR, _MULRK, _DIMENSIONS = 0x0006, 0x0205, 0x00BD, 0x0200
_NUMBER, _RK, _FORMAT, _XF = 0x0203, 0x027E, 0x041E, 0x00E0
_ROW, _COLINFO = 0x0208, 0x007D  # a row's and a run of columns' layout: hidden or not
_FONT, _NOTE, _OBJ, _TXO, _CONTINUE = 0x0031, 0x001C, 0x005D, 0x01B6, 0x003C
_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, _FORMULA, _BOOLERR})


class _Damaged(Exception):
    """The compound file or its BIFF stream is not as its own headers say."""


def scan_xls(path: Path) -> dict[str, SheetScan]:
    """Return every worksheet's scan by name; raise :class:`DocgenError` if one is too large."""
    file = str(path)
    try:
        size = path.stat().st_size
        most = limits("workbook").part  # a 5,000-team .xls is ~2 MB; one holds 65,536 rows
        if size > most:
            raise DocgenError(Problem(
                f"is {size:,} bytes, more than docgen's limit of {most // MIB:,} MB for a "
                f"workbook's part: save it as .xlsx, or set the environment variable "
                f"{PART_SETTING} to more megabytes", file=file))
        data = path.read_bytes()
    except OSError as exc:
        raise DocgenError(Problem(f"cannot be read ({exc.strerror})", file=file)) from None
    if not data.startswith(OLE_MAGIC):
        kind = "a zip package: rename it .xlsx" if data.startswith(b"PK") else (
            "perhaps a web page or XML saved with an .xls name: open it in Excel and save it "
            "as .xlsx")
        raise DocgenError(Problem(f"is not an Excel 97-2003 workbook ({kind})", file=file))
    try:
        stream = _workbook_stream(data)
        scans = _scan(stream, file)
    except (_Damaged, struct.error, IndexError, UnicodeDecodeError) as exc:
        raise DocgenError(Problem(f"is damaged ({exc or 'its structure is inconsistent'}): open "
                                  "it in Excel or LibreOffice and save it again",
                                  file=file)) from None
    return scans


class _Compound:
    """A compound file's sectors and allocation table, every lookup checked against the file."""

    def __init__(self, data: bytes) -> None:
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise _Damaged("unknown sector size")
        self.data, self.size = data, 1 << shift
        self.sectors = max(len(data) // self.size - 1, 0)
        fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
        (difat_next,) = struct.unpack_from("<I", data, 0x44)
        for _ in range(self.sectors + 1):  # the DIFAT chain cannot be longer than the file
            if difat_next in (_END, _FREE):
                break
            entries = struct.unpack(f"<{self.size // 4}I", self.sector(difat_next))
            fat_sectors += entries[:-1]
            difat_next = entries[-1]
            if len(fat_sectors) > self.sectors + 109:
                raise _Damaged("its allocation table is larger than the file")
        fat_sectors = [s for s in fat_sectors if s != _FREE]
        if len(fat_sectors) > self.sectors:
            raise _Damaged("its allocation table is larger than the file")
        self.fat = self.table(b"".join(self.sector(s) for s in fat_sectors))

    def sector(self, i: int) -> bytes:
        if i >= self.sectors:
            raise _Damaged(f"sector {i} is past the end of the file")
        return self.data[(i + 1) * self.size:(i + 2) * self.size]

    @staticmethod
    def table(blob: bytes) -> tuple[int, ...]:
        return struct.unpack(f"<{len(blob) // 4}I", blob)

    def chain(self, start: int, table: tuple[int, ...] | None = None,
              limit: int | None = None) -> Iterator[int]:
        """Yield the sectors of the chain from ``start`` in ``table`` (default: the FAT)."""
        table = self.fat if table is None else table
        for _ in range(min(len(table), self.sectors if limit is None else limit) + 1):
            if start in (_END, _FREE):
                return
            if start >= len(table):
                raise _Damaged("a sector chain points outside the file")
            yield start
            start = table[start]
        raise _Damaged("a sector chain loops")  # no chain is longer than the file

    def read(self, start: int) -> bytes:
        return b"".join(self.sector(i) for i in self.chain(start))


def _workbook_stream(data: bytes) -> bytes:
    """Return the ``Workbook`` (or Excel 95 ``Book``) stream of a compound file."""
    cf = _Compound(data)
    (major,) = struct.unpack_from("<H", data, 0x1A)
    dir_start, _sig, cutoff, mini_start = struct.unpack_from("<4I", data, 0x30)
    directory = cf.read(dir_start)
    entries = [directory[k:k + 128] for k in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _Damaged("no directory")
    for entry in entries:
        (name_len,) = struct.unpack_from("<H", entry, 0x40)
        name = entry[:max(min(name_len, 64) - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] == 2 and name.lower() in ("workbook", "book"):
            start, length = struct.unpack_from("<IQ", entry, 0x74)
            break
    else:
        raise _Damaged("no Workbook stream")
    if major == 3:
        length &= 0xFFFFFFFF  # version 3 files leave the high half undefined
    if length > len(data):
        raise _Damaged("the Workbook stream is larger than the file")
    if length >= cutoff:
        return cf.read(start)[:length]
    mini_stream = cf.read(struct.unpack_from("<I", entries[0], 0x74)[0])  # the root's stream
    pieces = cf.chain(start, cf.table(cf.read(mini_start)), len(mini_stream) // 64)
    return b"".join(mini_stream[i * 64:(i + 1) * 64] for i in pieces)[:length]


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """Yield (type, body) of the BIFF records from ``pos`` to the substream's EOF record."""
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4:pos + 4 + length]
        if kind == _EOF:
            return
        pos += 4 + length


def _scan(stream: bytes, file: str) -> dict[str, SheetScan]:
    """Read the globals for the sheets, then scan each worksheet's records."""
    sheets: list[tuple[str, int]] = []
    biff8 = True
    codes: dict[int, str] = {}  # number format -> its code
    xfs: list[int] = []  # each XF record's number format, in order
    xf_fonts: list[int] = []  # each XF record's font
    struck_fonts: set[int] = set()  # fonts struck through (font 4 is never written)
    fonts = 0
    for kind, body in _records(stream, 0):
        if kind == _BOF:
            biff8 = struct.unpack_from("<H", body)[0] >= 0x0600
        elif kind == _FILEPASS:
            raise DocgenError(Problem("is password-protected: open it, remove the password "
                                      "and save it as .xlsx", file=file))
        elif kind == _BOUNDSHEET and body[5] == 0:  # a worksheet, not a chart or macro sheet
            (offset,) = struct.unpack_from("<I", body)
            sheets.append((_sheet_name(body[6:], biff8), offset))
        elif kind == _FORMAT and len(body) >= 3:
            codes[struct.unpack_from("<H", body)[0]] = _format_code(body[2:], biff8)
        elif kind == _XF and len(body) >= 4:
            xf_fonts.append(struct.unpack_from("<H", body)[0])
            xfs.append(struct.unpack_from("<H", body, 2)[0])
        elif kind == _FONT and len(body) >= 4:
            if struct.unpack_from("<H", body, 2)[0] & 0x08:  # fStrikeOut
                struck_fonts.add(fonts if fonts < 4 else fonts + 1)
            fonts += 1
    formats = {i: code for i, number in enumerate(xfs)
               if (code := shown_format(number, codes.get(number))) is not None}
    struck_xfs = {i for i, font in enumerate(xf_fonts) if font in struck_fonts}
    scans: dict[str, SheetScan] = {}
    budget = 2 * len(stream)  # honest sheets never overlap: their records are read once
    for name, offset in sheets:
        extent, errors = Extent(), {}
        shown: list[Shown] = []
        declared: Extent | None = None
        hidden_rows: list[tuple[int, int]] = []
        hidden_columns: list[tuple[int, int]] = []
        struck: set[tuple[int, int]] = set()
        texts: dict[int, str] = {}  # a comment's text by its drawing object's id
        notes: list[tuple[int, int, int]] = []  # (row, column, object id) of each comment
        obj, text_follows = -1, False
        for kind, body in _records(stream, offset):
            if text_follows and kind == _CONTINUE and body:  # a comment's text, after its TXO
                texts[obj] = (body[1:].decode("utf-16-le", "replace") if body[0] & 1
                              else body[1:].decode("latin-1"))
            text_follows = False
            budget -= 4 + len(body)
            if budget < 0:
                raise _Damaged("its sheets overlap")
            if kind == _DIMENSIONS:
                declared = _dimensions(body, biff8)
            elif kind == _ROW and len(body) >= 14:
                if struct.unpack_from("<H", body, 12)[0] & 0x20:  # fDyZero: the row is hidden
                    row = struct.unpack_from("<H", body)[0] + 1
                    hidden_rows.append((row, row))
            elif kind == _COLINFO and len(body) >= 10:
                first, last = struct.unpack_from("<HH", body)
                if struct.unpack_from("<H", body, 8)[0] & 1 and first <= last:  # fHidden
                    hidden_columns.append((first, last))
            elif kind == _OBJ and len(body) >= 8 and struct.unpack_from("<H", body)[0] == 0x15:
                obj = struct.unpack_from("<H", body, 6)[0]  # ftCmo: the object's id
            elif kind == _TXO:
                text_follows = True
            elif kind == _NOTE and len(body) >= 8:
                notes.append(struct.unpack_from("<HHxxH", body))
            elif kind in _CELLS and len(body) >= 4:
                row, column = struct.unpack_from("<HH", body)
                extent.add(row, column)
                if struck_xfs and len(body) >= 6 and (
                        struct.unpack_from("<H", body, 4)[0] in struck_xfs):
                    add_struck(struck, range(row + 1, row + 2), range(column, column + 1))
                error = _error(kind, body)
                if error is not None:
                    errors.setdefault(row + 1, []).append((column, CellError(error)))
                elif formats and kind in _NUMBERS and len(body) >= 6 and (
                        code := formats.get(struct.unpack_from("<H", body, 4)[0])) is not None:
                    shown.append((row + 1, column, code, None))
            elif kind == _MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body)
                (last,) = struct.unpack_from("<H", body, len(body) - 2)
                extent.add(row, first, row, max(first, last))
                for i in range(min(last - first + 1, (len(body) - 6) // 6) if struck_xfs else 0):
                    if struct.unpack_from("<H", body, 4 + 6 * i)[0] in struck_xfs:
                        add_struck(struck, range(row + 1, row + 2), range(first + i, first + i + 1))
                for i in range(min(last - first + 1, (len(body) - 6) // 6) if formats else 0):
                    code = formats.get(struct.unpack_from("<H", body, 4 + 6 * i)[0])
                    if code is not None:
                        shown.append((row + 1, first + i, code, None))
        check_extent(extent, file, name)
        if declared is not None:  # calamine reserves the rectangle a sheet declares
            declared.cells = extent.cells
            check_extent(declared, file, name)
        scans[name] = SheetScan(errors=errors, shown=sorted(shown, key=lambda c: c[:2]),
                                hidden_rows=Spans(hidden_rows),
                                hidden_columns=Spans(hidden_columns), struck=frozenset(struck),
                                comments=[(row + 1, column, texts.get(obj, ""))
                                          for row, column, obj in notes])
    return scans


_NUMBERS = frozenset({_NUMBER, _RK, _FORMULA})  # cells that may hold a number


def _format_code(data: bytes, biff8: bool) -> str:
    """Return a FORMAT record's code (after its number): a string, 8-bit or UTF-16."""
    if not biff8:
        return data[1:1 + data[0]].decode("cp1252", "replace")
    (count,) = struct.unpack_from("<H", data)
    if data[2] & 1:
        return data[3:3 + 2 * count].decode("utf-16-le", "replace")
    return data[3:3 + count].decode("latin-1")


def _dimensions(body: bytes, biff8: bool) -> Extent | None:
    """Return the far corner of the rectangle a DIMENSIONS record declares (None if empty)."""
    if biff8:
        first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", body)
    else:
        first_row, end_row, first_column, end_column = struct.unpack_from("<HHHH", body)
    if first_row > end_row or first_column > end_column:
        raise _Damaged("a sheet's DIMENSIONS record is inconsistent")
    if end_row == first_row or end_column == first_column:
        return None
    corner = (end_row - 1, end_column - 1)
    return Extent(bottom=corner, right=corner)


def _sheet_name(data: bytes, biff8: bool) -> str:
    """Return a BOUNDSHEET record's sheet name (a short string, 8-bit or UTF-16)."""
    count = data[0]
    if not biff8:
        return data[1:1 + count].decode("cp1252", "replace")
    if data[1] & 1:
        return data[2:2 + 2 * count].decode("utf-16-le", "replace")
    return data[2:2 + count].decode("latin-1")


def _error(kind: int, body: bytes) -> str | None:
    """Return the error text of a FORMULA or BOOLERR record that holds an error, else None."""
    if kind == _FORMULA and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
        return _ERRORS.get(body[8], "#ERROR")
    if kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
        return _ERRORS.get(body[6], "#ERROR")
    return None
