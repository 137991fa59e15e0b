"""Read a CSV file as Excel, LibreOffice and Google Sheets write it, every oddity named.

- **Encoding, per file**: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else UTF-8 if the
  whole file is UTF-8. A UTF-8 file with a few stray bytes is read as UTF-8, the stray bytes as
  Windows-1252, and each row holding one is named; a file with no UTF-8 in it at all is
  Windows-1252 (what Excel for Windows writes as "CSV"), or Mac Roman (Excel's "CSV
  (Macintosh)") when its accented letters read as letters only so, and a warning says which.
- **Delimiter**: comma, semicolon (Excel where the decimal mark is a comma) or tab, whichever
  makes the sheet's header row appear in the first rows, else the one the first line holds
  most of outside quotes. Never guessed from arbitrary text, where a comma in a quoted
  address misleads a sniffer.
- **Quoting and line ends**: Excel's (a quote inside a quoted cell is doubled); CRLF, LF or CR
  alone, also inside quoted cells. Rows are numbered as a spreadsheet shows them: one per
  record, however many lines its cells span.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from docgen.cohort.cells import SAVED_ERROR, SavedError
from docgen.errors import Problem
from docgen.safezip import MIB, PART_SETTING, limits
from docgen.schema import Sheet
from docgen.values import header_key

DELIMITERS = (",", ";", "\t")
# What a sheet saved as text is named: .csv, and .txt, as Excel names "Unicode Text" and
# "Text (Tab delimited)" (and LibreOffice "Text CSV" saved as .txt), or .tsv
SUFFIXES = (".csv", ".txt", ".tsv")
HEAD_ROWS = 10  # rows searched for the header (a title row or two above it is common)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# Mac Roman's accented letters (ÄÅÇÉÑÖÜ áàâäãåçéèêëíìîïñóòôöõúùûü) are the bytes Windows-1252
# gives to signs (“ ” – — € ™ …): a file without one is not told from Windows-1252
_MAC_LETTER = re.compile(rb"[\x80-\x9f]")
# Where each line ends, as io.StringIO(newline="") splits them; StringIO itself would copy
# the text at 4 bytes a character (88 MB for 22 MB of sessions)
_LINE_END = re.compile(r"\r\n|\r|\n")
# Excel for Windows saving "CSV" (Windows-1252) writes "?" for every letter that encoding has
# no room for: "Łukasz Dąbrowska" becomes "?ukasz D?browska". A "?" just before a letter (at
# the start of a word or inside one) is that, not a question typed.
_LOST_LETTER = re.compile(r"\?(?=[^\W\d_])")
# In a column of people's names, where no question is typed, a "?" ending a word after a
# letter is one too: "Paweł" written "Pawe?", "Petrović" "Petrovi?".
_LOST_AT_END = re.compile(r"(?<=[^\W\d_])\?(?![^\W\d_])")
_PEOPLE = frozenset({"team_members", "coach", "team_lead", "qi_practitioner", "mentor"})
_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32",
          "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1252": "Windows-1252",
          "mac_roman": "Mac Roman"}
# What writes a CSV file in each one-byte encoding, as said when a file is read so
_WRITER = {"Windows-1252": ("Excel for Windows writes CSV", '"CSV" file (Windows-1252)'),
           "Mac Roman": ('Excel writes "CSV (Macintosh)"',
                         '"CSV (Macintosh)" file (Mac Roman)')}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass
class Text:
    """A CSV file's text, and where in it bytes were read otherwise than as its encoding."""

    text: str
    encoding: str
    recoded: list[int] = field(default_factory=list)  # offsets of lines with Windows-1252 bytes
    undefined: list[int] = field(default_factory=list)  # offsets of bytes no encoding defines


def _mixed(error: UnicodeDecodeError) -> tuple[str, int]:
    """Read the bytes of a UTF-8 file that are not UTF-8 as Windows-1252 (or Latin-1)."""
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", "replace").replace("\ufffd", bad.decode("latin-1")), error.end


codecs.register_error("docgen.cp1252", _mixed)


def decode(data: bytes, mac: bool = False) -> Text:
    """Return a CSV file's text, its encoding decided as the module describes.

    ``mac``: another file of the folder is Mac Roman, so this one, saved with it, is too
    where its few signs read as well so ("2–4", which Windows-1252 reads as "2Ð4").

    Raises UnicodeDecodeError for a file that is not the UTF-16 or UTF-32 its start says.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Text(data.decode(encoding), _NAMES[encoding])
    head = data[:256]  # the header row, in ASCII: in UTF-16 without a mark, half of it NUL
    if head.count(0) > len(head) // 4:
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return Text(data.decode(encoding), _NAMES[encoding])
    try:
        return Text(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data) is None:  # no UTF-8 in it at all: a Windows file
        text = data.decode("cp1252", "docgen.cp1252")
        if mac or _MAC_LETTER.search(data):  # where Mac Roman keeps é, è, á: Windows, signs
            roman = data.decode("mac_roman")
            odd, odd_mac = _misread(text), _misread(roman)  # "Élodie" as "ƒlodie", "é" as "Ž"
            # a tie: lines ending in CR alone are a Mac's, never Windows' or DOS's
            told = mac or b"\n" not in data and b"\r" in data
            # Excel's "CSV (MS-DOS)" (code page 850) keeps its letters in the same bytes: a
            # file that reads as well so is not told to be a Mac's ("Müller" either way)
            if (odd_mac < odd or odd_mac == odd and told) and (
                    told or odd_mac < _misread(data.decode("cp850"))):
                return Text(roman, "Mac Roman")
        undefined = [m.start() for m in _CP1252_UNDEFINED.finditer(data)]  # one byte a char
        return Text(text, "Windows-1252", undefined=undefined)
    lines, recoded, at = [], [], 0
    for raw in data.split(b"\n"):  # a new line is never part of a UTF-8 character
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "docgen.cp1252")
            recoded.append(at)
        lines.append(line)
        at += len(line) + 1
    return Text("\n".join(lines), "UTF-8", recoded=recoded)


def _misread(text: str) -> int:
    """Count the characters of ``text`` that no one types as they stand, as a one-byte file
    read in the wrong encoding gives them: a byte no character (kept as a control
    character), a capital letter after a small one ("cafŽ", Mac Roman's é as Windows-1252;
    "LefËvre", Windows-1252's è as Mac Roman), a sign inside a word ("W—jcik", "NicLe˜id"),
    a letter between digits ("2Ð4", Mac Roman's en dash as Windows-1252)."""
    return sum(1 for _char in _odd(text, "’‘·"))


def _odd(text: str, fine: str) -> Iterator[str]:
    """Yield the characters :func:`_misread` counts, taking the signs in ``fine`` as typed."""
    for found in _NON_ASCII.finditer(text):
        char, at = found.group(), found.start()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if "\x80" <= char <= "\x9f":
            yield char
        elif char.isalpha():
            if (char.isupper() and before.isalpha() and before.islower()
                    or before.isdigit() and after.isdigit()):
                yield char
        elif before.isalpha() and after.isalpha() and char not in fine:
            yield char


# Signs typed inside a word in Windows-1252 text: an apostrophe, a dash ("Smith–Jones")
_FINE_IN_WORDS = "’‘·–—"


def _garbled(cells: list[str], encoding: str) -> str | None:
    """Say which cells of a row read as ``encoding`` hold characters no one types there
    (:func:`_odd`), as letters of a file Excel saved as "CSV (MS-DOS)" read ("Seán" as
    "Se n", "Wójcik" as "W¢jcik", "Lefèvre" as "LefŠvre"); None for most rows."""
    found = [(c, odd) for c in cells if not c.isascii()
             and (odd := next((o for o in _odd(c, _FINE_IN_WORDS) if o > "\x9f"), None))]
    if not found:
        return None
    shown = "; ".join(f'"{c if len(c) <= 60 else c[:57] + "…"}" ('
                      + (f'"{odd}"' if odd.isprintable() and not odd.isspace()
                         else f"U+{ord(odd):04X}") + ")" for c, odd in found[:3])
    more = f" and {len(found) - 3} more cells" if len(found) > 3 else ""
    return (f"{shown}{more} {'holds' if len(found) == 1 else 'hold'} a character no word has "
            f"there, as letters of another encoding read as {encoding} do (Excel's \"CSV "
            '(MS-DOS)" writes "Seán" so that it reads "Se n"): letters may be garbled; save '
            'the sheet as "CSV UTF-8 (Comma delimited)" and run again, or correct the cell')


_HEAD_BYTES = 1 << 16  # enough for a header row below a title or two


def is_mac(path: Path) -> bool:
    """Tell whether a CSV file's start reads as Mac Roman (see :func:`decode`)."""
    try:
        with path.open("rb") as fh:
            return decode(fh.read(_HEAD_BYTES)).encoding == "Mac Roman"
    except (OSError, UnicodeDecodeError):
        return False


def head(path: Path) -> str:
    """Return the text a CSV file begins with (its first 64 KB, decoded as :func:`decode`
    decides); "" when it cannot be read."""
    try:
        with path.open("rb") as fh:
            data = fh.read(_HEAD_BYTES)
        return decode(data).text
    except (OSError, UnicodeDecodeError):  # a UTF-16 file cut inside a character, say
        return ""


def records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], int]]:
    """Yield (row number, cells, offset where the row ends) for each record of ``text``.

    Raises csv.Error for a cell larger than the csv module's limit (131,072 characters).
    """
    end = 0

    def lines() -> Iterator[str]:
        nonlocal end
        for found in _LINE_END.finditer(text):  # CR, LF and CRLF, kept as they are
            line, end = text[end:found.end()], found.end()
            yield line
        if end < len(text):
            line = text[end:]
            end = len(text)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True)
    for n, cells in enumerate(reader, start=1):
        yield n, cells, end


def delimiter(text: str, sheet: Sheet) -> str:
    """Return the delimiter that shows the sheet's header row, else the first line's commonest.
    """
    head = text[:1 << 16]
    required = {c.key for c in sheet.columns if c.required}
    first = next((line for line in head.splitlines() if line.strip()), "")

    def score(d: str) -> tuple[int, int, int]:
        best = 0
        try:
            for _n, cells, _end in islice(records(head, d), HEAD_ROWS):
                keys = {header_key(c) for c in cells}
                best = max(best, len(keys & sheet.keys) + (len(sheet.keys) if keys & required
                                                           else 0))
        except csv.Error:
            pass
        return best, _outside_quotes(first, d), -DELIMITERS.index(d)

    return max(DELIMITERS, key=score)


def _outside_quotes(line: str, d: str) -> int:
    """Count ``d`` in ``line`` where it is not inside double quotes."""
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == d and not quoted:
            count += 1
    return count


def read_csv(path: Path, sheet: Sheet, problems: list[Problem],
             warnings: list[Problem], mac: bool = False) -> Rows | None:
    """Return the rows of the CSV file of ``sheet``, or None (with a problem) if it is unreadable.

    A file read as Windows-1252 and rows holding bytes read so are warned of; bytes no
    encoding defines, an unclosed quote and a cell too long to be one are problems naming
    their row.
    """
    file = str(path)
    try:
        size = path.stat().st_size
        most = limits("workbook").part  # as one part of a workbook; 300,000 sessions: ~90 MB
        if size > most:
            problems.append(Problem(
                f"is {size:,} bytes, more than docgen's limit of {most // MIB:,} MB for a "
                f"CSV file (as for a workbook's part): if it is right, set the environment "
                f"variable {PART_SETTING} to more megabytes and run again", file=file))
            return None
        data = path.read_bytes()
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a zip, an OLE file
            problems.append(Problem(
                "is a workbook (.xlsx, .xls or .ods) named as a CSV file, not a CSV file: "
                "save the sheet as CSV (File › Save As), or give docgen the workbook itself "
                "under its own name", file=file))
            return None
        decoded = decode(data, mac)
    except OSError as exc:
        problems.append(Problem(f"cannot be read ({exc.strerror})", file=file))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(f"is not valid {_NAMES.get(exc.encoding, exc.encoding)} though "
                                f"it begins as such a file does (byte {exc.start:,}): save it "
                                "again as CSV UTF-8", file=file))
        return None
    writer = _WRITER.get(decoded.encoding)
    if writer is not None:
        warnings.append(Problem(
            f"is not UTF-8: read as {decoded.encoding}, as {writer[0]}; if accented "
            "letters look wrong, save it as \"CSV UTF-8\" and run again", file=file))
    text = decoded.text
    marks = sorted([(at, True) for at in decoded.recoded]
                   + [(at, False) for at in decoded.undefined], reverse=True)
    count = last = start = end = 0
    sep = delimiter(text, sheet)
    # A first pass finds what is wrong, row by row, holding no row; the rows are read again
    # when used (csv's reader is C: ~1 s for 300,000 rows), so a large file's rows are never
    # all in memory at once (300,000 sessions held as lists took ~170 MB)
    lost = writer is not None and "?" in text
    windows = writer is not None
    people: frozenset[int] = frozenset()  # the columns of names, once the header is found
    try:
        for n, cells, stop in records(text, sep):
            start, end = end, stop  # the row is text[start:end]
            if lost and not people and n <= HEAD_ROWS:
                people = frozenset(i for i, c in enumerate(cells) if header_key(c) in _PEOPLE)
            if lost and (found := [c for i, c in enumerate(cells) if _LOST_LETTER.search(c)
                                   or i in people and _LOST_AT_END.search(c)]):
                warnings.append(Problem(_lost_letters(found, writer[1]), file=file,
                                        sheet=sheet.name,
                                        row=n))
            if windows and (said := _garbled(cells, decoded.encoding)):
                warnings.append(Problem(said, file=file, sheet=sheet.name, row=n))
            while marks and marks[-1][0] < end:
                _mark(marks.pop()[1], Problem("", file=file, sheet=sheet.name, row=n),
                      problems, warnings)
            count, last = count + 1, n
    except csv.Error as exc:
        problems.append(Problem(
            f"cannot be read from here on ({exc}): is a quote (\") left open in this row?",
            file=file, sheet=sheet.name, row=count + 1))
        return Rows(text, sep, count)
    if count and _open_quote(text[start:], sep):
        problems.append(Problem(
            "a quote (\") opened in this row is never closed, so every row after it was read "
            "as part of one cell: close the quote", file=file, sheet=sheet.name, row=last))
    return Rows(text, sep, count)


class Rows:
    """The rows of a CSV file's text, as (row number, cells), read afresh on each iteration
    up to the ``count`` that :func:`read_csv` found readable."""

    def __init__(self, text: str, sep: str, count: int) -> None:
        self.text, self.sep, self.count = text, sep, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        errors = "#" in self.text or "Err:" in self.text  # a formula error, saved as shown
        for n, cells, _stop in islice(records(self.text, self.sep), self.count):
            if errors:
                cells = [SavedError(c.strip()) if c and c[0] in "#E " and SAVED_ERROR.fullmatch(
                    c.strip()) else c for c in cells]
            yield n, cells


def _open_quote(last: str, sep: str) -> bool:
    """Tell whether the last record of a file ends inside a quoted cell."""
    try:
        list(csv.reader(io.StringIO(last, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _lost_letters(cells: list[str], kind: str) -> str:
    """Say which cells of a row hold letters Excel wrote as "?" (see :data:`_LOST_LETTER`)."""
    shown = "; ".join(f'"{c if len(c) <= 60 else c[:57] + "…"}"' for c in cells[:3])
    more = f" and {len(cells) - 3} more cells" if len(cells) > 3 else ""
    return (f'{shown}{more} {"holds" if len(cells) == 1 else "hold"} "?" in a word: Excel '
            f'writes "?" for a letter a {kind} has no room for, so letters '
            'were lost; save the sheet as "CSV UTF-8 (Comma delimited)" and run again, or '
            'correct the cell')


def _mark(recoded: bool, where: Problem, problems: list[Problem],
          warnings: list[Problem]) -> None:
    if recoded:
        warnings.append(replace(where, message=(
            "holds bytes that are not UTF-8, though the rest of the file is: they were read "
            "as Windows-1252; check the row's accented letters")))
    else:
        problems.append(replace(where, message=(
            "holds a byte that is a character in neither UTF-8 nor Windows-1252: save the "
            "file as \"CSV UTF-8\" and run again")))
