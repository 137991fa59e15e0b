"""Read a record kept as OpenDocument text (.odt): the same units a .docx gives, natively.

LibreOffice asks "Keep current format?" on saving a .docx, and many coaches keep ODF. An .odt
is XML in a zip: it is opened with :mod:`docgen.safezip` (same size limits, same hardened
parser) and ``content.xml`` is flattened into the :class:`~docgen.ooxml.wordtext.Body` that
:mod:`docgen.ooxml.wordtext` makes of ``word/document.xml`` — a unit per body paragraph and
per table cell, with row and grid column; line breaks as new lines, tabs as tabs, tracked
deletions, notes, comments (named apart, by :mod:`~docgen.records.extras`) and LibreOffice's
placeholder prompts left out; a text box's lines as lines of its paragraph — so the forms,
table, identity and session readers run on it unchanged. A content control becomes a
``text:text-input`` field when LibreOffice saves ODF (or ``loext:content-control`` in newer
versions): it is a docgen field when its description (or tag, or alias) names one, else its
text is read like any other. ``meta.xml``'s user-defined properties are the props a .docx
keeps in ``docProps/custom.xml`` (docgen.key, docgen.kind, ...).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from docgen import schema
from docgen.errors import DocgenError, Problem
from docgen.ooxml.wordtext import Body, Control, OddValue, Unit
from docgen.records import identity
from docgen.records.extras import Comment, odt_comments
from docgen.records.margins import Margin, odt_margins
from docgen.records.struck import Marked, odt_marked
from docgen.safezip import open_package, parse_xml, read_member
from docgen.values import header_key

__all__ = ["read_content", "read_meta", "read_odt"]

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_LOEXT = "{urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0}"

CONTENT_PART = "content.xml"
META_PART = "meta.xml"
_MANIFEST_PART = "META-INF/manifest.xml"

_P, _H = f"{_TEXT}p", f"{_TEXT}h"
_S, _TAB, _BREAK = f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"
_TEXT_INPUT = f"{_TEXT}text-input"
_CONTENT_CONTROL = f"{_LOEXT}content-control"
_TBL, _ROW, _CELL, _COVERED = (f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}table-cell",
                               f"{_TABLE}covered-table-cell")
_ROW_GROUPS = frozenset(f"{_TABLE}{n}" for n in (
    "table-header-rows", "table-rows", "table-row-group"))
_FRAME, _TEXT_BOX = f"{_DRAW}frame", f"{_DRAW}text-box"
_IMAGE, _OBJECT, _OLE = f"{_DRAW}image", f"{_DRAW}object", f"{_DRAW}object-ole"
# Where Track Changes marks a change in the text (the changes themselves are listed apart).
_CHANGE_MARKS = frozenset(f"{_TEXT}{n}" for n in ("change", "change-start", "change-end"))
# Elements whose content is not the document's text: deletions kept for Track Changes, notes
# and comments (a .docx keeps these in other parts), prompts, declarations, list numbers,
# the reading of a ruby, drawings other than text boxes.
_LEFT_OUT = frozenset({
    f"{_TEXT}tracked-changes", f"{_TEXT}note", f"{_OFFICE}annotation",
    f"{_OFFICE}annotation-end", f"{_TEXT}placeholder", f"{_TEXT}sequence-decls",
    f"{_TEXT}variable-decls", f"{_TEXT}user-field-decls", f"{_TEXT}dde-connection-decls",
    f"{_OFFICE}forms", f"{_TEXT}number", f"{_TEXT}ruby-text", f"{_TEXT}soft-page-break",
    f"{_TABLE}table-column", f"{_TABLE}table-columns", f"{_TABLE}table-column-group",
    f"{_TABLE}table-header-columns", f"{_TEXT}index-title-template",
    f"{_TEXT}table-of-content-source", f"{_TEXT}alphabetical-index-source",
    f"{_TEXT}illustration-index-source", f"{_TEXT}table-index-source",
    f"{_TEXT}object-index-source", f"{_TEXT}user-index-source", f"{_TEXT}bibliography-source",
})

# A count of columns spanned or repeated; LibreOffice Writer allows far fewer than this.
_NUMBER = re.compile(r"\s*\+?0*(\d{1,4})\s*", re.ASCII)
MAX_GRID = 1000
MAX_SPACES = 1000  # text:s c="…": a run of spaces longer than this is kept this long


def _field_names() -> tuple[dict[str, str], dict[str, str]]:
    """Return the docgen fields by control tag and by alias (the label, as a header key)."""
    fields = schema.RECORD_FIELDS
    return ({f.tag: f.name for f in fields}, {header_key(f.label): f.name for f in fields})


class _Table:
    __slots__ = ("index", "rows", "col", "cell", "covered")

    def __init__(self, index: int) -> None:
        self.index = index
        self.rows: list[list[int]] = []
        self.col = 0
        self.cell: Unit | None = None
        self.covered = 0  # columns of the row still covered by the last cell's span


class _Flattener:
    """Walk ``office:text`` and build the units, as :func:`~docgen.ooxml.wordtext.read_body`."""

    def __init__(self) -> None:
        self.body = Body()
        self.tables: list[_Table] = []
        self.para: Unit | None = None
        self.cur: Unit | None = None
        self.frames: list = []  # text boxes anchored to the paragraph being read
        self.by_tag, self.by_alias = _field_names()

    def finish(self, unit: Unit | None) -> None:
        if unit is not None:
            unit.close()
            self.body.units.append(unit)
            if unit.table >= 0:
                self.body.tables[unit.table][unit.row].append(len(self.body.units) - 1)

    def put(self, text: str) -> None:
        if text and self.cur is not None:
            self.cur.parts.append(text)
            self.cur.length += len(text)

    # --- blocks: paragraphs, tables, and what holds them (lists, sections, indexes) ---

    def blocks(self, el) -> None:  # noqa: ANN001 - an lxml element (lxml lives in ooxml/)
        for child in el:
            tag = child.tag
            if tag in (_P, _H):
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag in _LEFT_OUT or not isinstance(tag, str):
                continue
            else:
                self.blocks(child)

    def paragraph(self, p) -> None:  # noqa: ANN001
        if self.tables:
            if self.cur is not None:  # each paragraph of a cell starts a line
                self.put("\n")
        else:
            self.finish(self.para)
            self.para = self.cur = Unit()
            self.para.paragraphs = 1
        outer, self.frames = self.frames, []
        self.inline(p)
        for frame in self.frames:  # anchored to the paragraph: its text follows the paragraph's
            self.frame(frame)
        self.frames = outer

    def table(self, el) -> None:  # noqa: ANN001
        if not self.tables:
            self.finish(self.para)
            self.para = None
        table = _Table(len(self.body.tables))
        self.tables.append(table)
        self.body.tables.append(table.rows)
        self.cur = None
        self.rows(table, el)
        self.finish(self.tables.pop().cell)
        self.cur = self.tables[-1].cell if self.tables else self.para

    def rows(self, table: _Table, el) -> None:  # noqa: ANN001
        for child in el:
            if child.tag == _ROW:
                for _ in range(self.repeat(table, child, "number-rows-repeated")):
                    self.row(table, child)
            elif child.tag in _ROW_GROUPS:
                self.rows(table, child)

    def row(self, table: _Table, el) -> None:  # noqa: ANN001
        self.finish(table.cell)
        table.cell = self.cur = None
        table.rows.append([])
        table.col = table.covered = 0
        for child in el:
            if child.tag == _CELL:
                for _ in range(self.repeat(table, child, "number-columns-repeated")):
                    self.cell(table, child)
            elif child.tag == _COVERED:
                if table.covered:  # a column the cell to its left spans
                    table.covered -= 1
                else:  # the continuation of a cell above (a vertical merge): empty
                    self.finish(table.cell)
                    table.cell = self.cur = Unit(table.index, len(table.rows) - 1, table.col)
                    table.cell.continued = True
                    table.col += 1

    def cell(self, table: _Table, el) -> None:  # noqa: ANN001
        self.finish(table.cell)
        table.cell = self.cur = Unit(table.index, len(table.rows) - 1, table.col)
        span = self.number(table, el, "number-columns-spanned", 1)
        table.cell.span = span
        table.col += span
        table.covered = span - 1
        self.blocks(el)
        self.cur = table.cell

    def repeat(self, table: _Table, el, name: str) -> int:  # noqa: ANN001
        return self.number(table, el, name, 1) if el.get(f"{_TABLE}{name}") else 1

    def number(self, table: _Table, el, name: str, default: int) -> int:  # noqa: ANN001
        """Return a count of columns or rows; an odd one is noted in ``body.odd``."""
        text = el.get(f"{_TABLE}{name}")
        if text is None:
            return default
        m = _NUMBER.fullmatch(text)
        if m is not None and 1 <= int(m[1]) <= MAX_GRID:
            return int(m[1])
        shown = text if len(text) <= 24 else f"{text[:20]}… ({len(text):,} characters)"
        cell = len(table.rows[-1]) if table.rows and el.tag != _ROW else None
        self.body.odd.append(OddValue(table.index, max(len(table.rows) - 1, 0), cell, (
            f'table:{name} is "{shown}", not a whole number from 1 to {MAX_GRID}: read as '
            f"{default}; if the table reads wrongly, open the file in LibreOffice and save "
            "it again")))
        return default

    # --- text within a paragraph ---

    def inline(self, el) -> None:  # noqa: ANN001
        if el.text:
            self.put(el.text)
        for child in el:
            self.element(child)
            if child.tail:
                self.put(child.tail)

    def element(self, el) -> None:  # noqa: ANN001
        tag = el.tag
        if tag == _S:
            m = _NUMBER.fullmatch(el.get(f"{_TEXT}c") or "1")
            self.put(" " * min(int(m[1]) if m else 1, MAX_SPACES))
        elif tag == _TAB:
            self.put("\t")
        elif tag == _BREAK:
            self.put("\n")
        elif tag == _TEXT_INPUT:
            description = el.get(f"{_TEXT}description") or ""
            self.control(el, self.by_tag.get(description.strip())
                         or self.by_alias.get(header_key(description), "")
                         if description else "")
        elif tag == _CONTENT_CONTROL:
            self.content_control(el)
        elif tag in _CHANGE_MARKS:  # a change tracked and not accepted: read as if accepted,
            if self.cur is not None:  # and the unit says so (its form is named for checking)
                self.cur.tracked = True
        elif tag == _FRAME:
            if self.cur is not None and any(
                    True for _ in el.iter(_IMAGE, _OBJECT, _OLE)):  # a picture, not a text box
                self.cur.picture = True
            if el.get(f"{_TEXT}anchor-type") == "paragraph":
                self.frames.append(el)  # LibreOffice writes it first, wherever it was put
            else:
                self.frame(el)
        elif tag in _LEFT_OUT or not isinstance(tag, str):
            return
        else:  # spans, links, fields showing their value, meta, ruby base: their text
            self.inline(el)

    def frame(self, el) -> None:  # noqa: ANN001
        for box in el.iter(_TEXT_BOX):  # a text box's paragraphs: lines of this unit
            for p in box:
                if p.tag in (_P, _H):
                    self.put("\n")
                    self.inline(p)
            self.put("\n")  # the text after the box starts a line of its own

    def content_control(self, el) -> None:  # noqa: ANN001
        if (el.get(f"{_LOEXT}showing-place-holder") or "").lower() == "true":
            return  # its text is the prompt, as a .docx control's showingPlcHdr
        tag = (el.get(f"{_LOEXT}tag") or "").strip()
        alias = el.get(f"{_LOEXT}alias") or ""
        # a control with another tag is not a field (as in a .docx)
        name = self.by_tag.get(tag, "") if tag else self.by_alias.get(header_key(alias), "")
        self.control(el, name)

    def control(self, el, name: str) -> None:  # noqa: ANN001
        unit = self.cur
        control = None
        if name and unit is not None:
            control = Control(unit.length, -1, name)
            unit.controls.append(control)
        self.inline(el)
        if control is not None and self.cur is unit and unit is not None:
            control.end = unit.length

    def run(self, root) -> Body:  # noqa: ANN001
        for text in root.iter(f"{_OFFICE}text"):  # office:body/office:text
            self.blocks(text)
            break
        while self.tables:
            self.finish(self.tables.pop().cell)
        self.finish(self.para)
        return self.body


def read_content(root) -> Body:  # noqa: ANN001 - a parsed content.xml (an lxml element)
    """Flatten a parsed ``content.xml`` into units, as ``read_body`` does a document.xml."""
    return _Flattener().run(root)


def read_meta(root) -> dict[str, str]:  # noqa: ANN001 - a parsed meta.xml
    """Return the text of every user-defined property in a parsed ``meta.xml``."""
    out: dict[str, str] = {}
    for prop in root.iter(f"{_META}user-defined"):
        name = prop.get(f"{_META}name")
        if name:
            out[name] = "".join(prop.itertext()).strip()
    return out


def _meta(zf: zipfile.ZipFile, path: Path, source: str, problems: list[Problem]
          ) -> dict[str, str]:
    """Return the user-defined properties of a package; {} and a problem if unreadable."""
    try:
        root = parse_xml(read_member(zf, META_PART, path), path, META_PART)
    except DocgenError as exc:
        reason = "; ".join(p.message for p in exc.problems)
        problems.append(Problem(
            f"{reason}: its docgen properties are not read, so the team is identified from "
            "the text and the programme's defaults are used", file=source))
        return {}
    props = read_meta(root)
    saved = root.find(f"{_OFFICE}meta/{_DC}date")  # when it was last saved, as a .docx's
    if saved is not None and (saved.text or "").strip():  # dcterms:modified
        props[identity.SAVED] = saved.text.strip()
    return props


def read_odt(path: Path, source: str, comments: list[Comment] | None = None,
             marks: list[Marked] | None = None, margins: list[Margin] | None = None
             ) -> tuple[Body | None, dict[str, str], list[Problem]]:
    """Return the flattened body, the user-defined properties and the problems of an .odt.

    The body is read for every kind (what was typed on a mentor agreement is named too).
    Its comments (``office:annotation``), which the body leaves out, are added to
    ``comments`` when given, its text struck through or hidden to ``marks``, and what was
    typed in its headers, footers and notes to ``margins``.
    Raises :class:`DocgenError` naming ``source`` for a file whose text cannot be read (not a
    zip, password-protected, not a text document, damaged, unsafe XML).
    """
    notes: list[str] = []
    problems: list[Problem] = []
    try:
        with open_package(path, notes) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                kind = read_member(zf, "mimetype", path, limit=256).strip()
                if kind and not kind.startswith(b"application/vnd.oasis.opendocument.text"):
                    shown = kind.decode("ascii", "replace")[:80]
                    raise DocgenError(Problem(
                        f"is an OpenDocument file but not a text document ({shown}): not a "
                        "coaching record, skipped"))
            if CONTENT_PART not in names:
                raise DocgenError(Problem(
                    "is not an OpenDocument text (no content.xml): skipped"))
            if _MANIFEST_PART in names and b"encryption-data" in read_member(
                    zf, _MANIFEST_PART, path):
                raise DocgenError(Problem(
                    "is password-protected: open it and save it without a password"))
            props = _meta(zf, path, source, problems) if META_PART in names else {}
            data = read_member(zf, CONTENT_PART, path)
            root = parse_xml(data, path, CONTENT_PART)
            if marks is not None:
                marks.extend(odt_marked(zf, path, root))
            if margins is not None:
                margins.extend(odt_margins(zf, path, root, data, props))
    except DocgenError as exc:
        raise DocgenError([
            Problem(p.message, file=source, sheet=p.sheet, row=p.row, column=p.column)
            for p in exc.problems
        ]) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DocgenError(Problem(f"cannot be read ({exc}): skipped", file=source)) from None
    problems[:0] = [Problem(note, file=source) for note in notes]
    if comments is not None:
        comments.extend(odt_comments(root))
    return read_content(root), props, problems
