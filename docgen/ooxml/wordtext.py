"""Flatten a Word document's body into units of text: body paragraphs and table cells.

Part of :mod:`docgen.ooxml`, the one place that reads raw WordprocessingML. Each unit knows
its text (content controls, insertions, hyperlinks and fields included; deleted text and field
codes left out) and where in that text the docgen fields (``record.*`` content controls, found
by tag, else by alias) sit. :mod:`docgen.records` finds forms and tables in these units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from docgen import ooxml, schema
from docgen.safezip import parse_xml
from docgen.values import header_key

__all__ = ["LINES_IN_RUNS", "MARK_IN_XML", "Body", "Control", "OddValue", "Unit", "holds_marks",
           "read_body"]

_BY_TAG = {f.tag: f.name for f in schema.RECORD_FIELDS}
# LibreOffice drops a control's tag but keeps its alias, which docgen sets to the label.
_BY_ALIAS = {header_key(f.label): f.name for f in schema.RECORD_FIELDS}


@dataclass(slots=True)
class Control:
    start: int
    end: int
    name: str  # the field name, e.g. "date"
    used: bool = False


class Unit:
    """A body paragraph or a table cell: its text, and where the fields in it are."""

    __slots__ = ("text", "parts", "length", "controls", "paragraphs", "table", "row", "col",
                 "span", "continued", "tracked", "nested", "picture")

    def __init__(self, table: int = -1, row: int = 0, col: int = 0) -> None:
        self.text = ""
        self.parts: list[str] = []
        self.length = 0
        self.controls: list[Control] = []
        self.paragraphs = 0
        self.table = table  # index into Body.tables; -1 for a paragraph of the body
        self.row = row
        self.col = col  # first grid column of the cell
        self.span = 1  # grid columns the cell spans (cells merged across)
        self.continued = False  # the cell continues the one above it (cells merged down)
        self.tracked = False  # holds changes tracked and not accepted (read as if accepted)
        self.nested = False  # a cell that holds a table (a form pasted into it), read apart
        self.picture = False  # holds a picture, shape or object (a signature pasted as one)

    def paragraph(self) -> None:
        if self.paragraphs:
            self.parts.append("\n")
            self.length += 1
        self.paragraphs += 1

    def close(self) -> None:
        for control in self.controls:
            if control.end < 0:
                control.end = self.length
        text = "".join(self.parts)
        if self.table >= 0 and text[:1] == "\n":  # each paragraph of a cell starts a line
            text = text[1:]
            for control in self.controls:
                control.start = max(0, control.start - 1)
                control.end = max(0, control.end - 1)
        self.text = text
        self.parts = []


@dataclass(frozen=True, slots=True)
class OddValue:
    """A layout value of the body that could not be used, and what was used instead."""

    table: int  # index into Body.tables
    row: int
    cell: int | None  # the cell's place in its row; None for a value of the row
    message: str


@dataclass(slots=True)
class Body:
    units: list[Unit] = field(default_factory=list)
    tables: list[list[list[int]]] = field(default_factory=list)  # table -> rows -> units
    odd: list[OddValue] = field(default_factory=list)  # values read as their default


# Flattening the body is the costly step, so it runs in C: an XSLT turns document.xml into one
# string in which private-use characters mark paragraphs, tables, rows, cells and the content
# controls that have a tag or an alias; Python then splits that string (6 times faster than
# visiting the elements from Python). Deleted text, field codes and a drawing's fallback copy
# are left out; an untagged control is read as plain text even when flagged as showing its
# placeholder, since LibreOffice saves typing into a rich-text control so (its prompt, if one
# docgen or Word knows, is stripped later like any other) (a unit holding a
# tracked insertion or deletion says so: ``Unit.tracked``; one holding a picture, shape or
# object, ``Unit.picture``); tabs and breaks become "\t" and "\n", and so does a w:t straight
# after another in one run of a control: LibreOffice writes a line typed with Shift+Enter
# inside a field (an input field) so, without a break. A
# docgen field (a control with a tag or an alias) keeps its text even while flagged as
# showing its placeholder: an editor may keep the flag on text typed after the prompt, so the
# prompt is stripped from the value later (docgen.records.forms), never the typing with it.
# Private-use characters typed in the document are dropped (in an attribute copied, replaced)
# so they cannot pose as marks.
_P_MARK, _TBL_MARK, _TBL_END, _TR_MARK, _TC_MARK, _TC_TEXT = (chr(c) for c in range(0xE100, 0xE106))
_SDT_MARK, _SDT_ALIAS, _SDT_CONTENT_MARK, _SDT_END = (chr(c) for c in range(0xE110, 0xE114))
_TRACK = chr(0xE114)  # a tracked insertion or deletion
_PICTURE = chr(0xE115)  # a drawing, VML picture or embedded object: ``Unit.picture``
# A cell's properties come before its text as _CELL_PROP and a letter each: "v" for a
# w:vMerge that continues the cell above, "s" and its value for a w:gridSpan with a value, in
# document order; the first span's value is the cell's (as xsl:value-of would read it).
_CELL_PROP = chr(0xE106)
_VMERGED, _SPAN = _CELL_PROP + "v", _CELL_PROP + "s"
_MARKS = re.compile("[\uE100-\uE105\uE110-\uE115]")
_BEFORE_MARK = re.compile("(?=[\uE100-\uE105\uE110-\uE115])")
_PUA = "".join(chr(c) for c in (*range(0xE100, 0xE107), *range(0xE110, 0xE116)))
# A part known to hold no private-use character (not read ``careful``) is flattened with
# _SPLIT before each mark, so that str.split cuts it in C: the regex split, a match object a
# mark, took a third of the Python part of read_body. A careful reading keeps the regex.
_SPLIT = chr(0xE107)
_ODD = "\ufffd"  # what a mark in an attribute becomes

_FLATTEN_XSL = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
 xmlns:w="{ooxml.W_NS}"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="/"><xsl:apply-templates select="w:document/w:body"/></xsl:template>
<xsl:template match="w:p"><xsl:text>{_P_MARK}</xsl:text><xsl:apply-templates/></xsl:template>
<xsl:template match="w:tc//w:p" priority="2"><xsl:text>&#10;</xsl:text><xsl:apply-templates/>\
</xsl:template>
<xsl:template match="w:tbl"><xsl:text>{_TBL_MARK}</xsl:text><xsl:apply-templates/>\
<xsl:text>{_TBL_END}</xsl:text></xsl:template>
<xsl:template match="w:tr"><xsl:text>{_TR_MARK}</xsl:text>\
<xsl:value-of select="{{w:trPr/w:gridBefore/@w:val}}"/><xsl:apply-templates/></xsl:template>
<xsl:template match="w:tc"><xsl:text>{_TC_MARK}</xsl:text><xsl:apply-templates mode="cell"/>\
<xsl:text>{_TC_TEXT}</xsl:text><xsl:apply-templates/></xsl:template>
<xsl:template match="w:tcPr" mode="cell"><xsl:apply-templates mode="props"/></xsl:template>
<xsl:template match="w:gridSpan" mode="props"><xsl:if test="@w:val"><xsl:text>{_SPAN}</xsl:text>\
<xsl:value-of select="{{@w:val}}"/></xsl:if></xsl:template>
<xsl:template match="w:vMerge[not(@w:val) or @w:val='continue']" mode="props">\
<xsl:text>{_VMERGED}</xsl:text></xsl:template>
<xsl:template match="node()" mode="cell"/>
<xsl:template match="node()" mode="props"/>
<xsl:template match="w:t"><xsl:value-of select="{{.}}"/></xsl:template>
<xsl:template match="w:tab"><xsl:text>&#9;</xsl:text></xsl:template>
<xsl:template match="w:br|w:cr"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="w:noBreakHyphen"><xsl:text>-</xsl:text></xsl:template>
<xsl:template match="w:sdt[w:sdtPr/w:tag or w:sdtPr/w:alias]" priority="2">\
<xsl:text>{_SDT_MARK}</xsl:text><xsl:value-of select="{{w:sdtPr/w:tag/@w:val}}"/>\
<xsl:text>{_SDT_ALIAS}</xsl:text><xsl:value-of select="{{w:sdtPr/w:alias/@w:val}}"/>\
<xsl:text>{_SDT_CONTENT_MARK}</xsl:text><xsl:apply-templates select="w:sdtContent"/>\
<xsl:text>{_SDT_END}</xsl:text></xsl:template>
<xsl:template match="w:drawing|w:pict|w:object"><xsl:text>{_PICTURE}</xsl:text>\
<xsl:apply-templates/></xsl:template>
<xsl:template match="w:del|w:moveFrom"><xsl:text>{_TRACK}</xsl:text></xsl:template>
<xsl:template match="w:ins|w:moveTo"><xsl:text>{_TRACK}</xsl:text><xsl:apply-templates/>\
</xsl:template>
<xsl:template match="w:instrText|w:delText|w:pPr|w:rPr|w:tcPr|w:trPr|w:tblPr\
|w:tblGrid|w:sectPr|w:sdtPr|mc:Fallback"/>
<xsl:template match="text()"/>
</xsl:stylesheet>"""


# A w:t straight after another in one run of a control is a line of its own (see above).
_LINES_IN_RUNS = """<xsl:template match="w:sdtContent//w:t[preceding-sibling::*[1][self::w:t]]" \
priority="2"><xsl:text>&#10;</xsl:text><xsl:value-of select="{.}"/></xsl:template>
"""
# Where a w:t can follow another without anything between (LibreOffice writes no spacing).
LINES_IN_RUNS = b"</w:t><w:t"


def _stylesheet(careful: bool, lines: bool = False) -> etree.XSLT:
    """Compile the flattening XSLT; ``careful`` keeps marks out of every value it copies out;
    ``lines`` reads a w:t after another in one run of a control as a new line (a test on
    every w:t, so only for a part that holds :data:`LINES_IN_RUNS`).

    Marks typed in text are dropped; in an attribute copied (a span, a tag) each becomes
    U+FFFD, so that the value is still seen to be odd rather than read as absent. Not
    ``careful``, each mark comes after :data:`_SPLIT`.
    """
    def select(m: re.Match[str]) -> str:
        if not careful:
            return m[1]
        return f"translate({m[1]}, '{_PUA}', '{'' if m[1] == '.' else _ODD * len(_PUA)}')"

    xsl = _FLATTEN_XSL if careful else _MARKS.sub(lambda m: _SPLIT + m[0], _FLATTEN_XSL)
    if lines:
        at = xsl.index('<xsl:template match="w:tab">')
        xsl = xsl[:at] + _LINES_IN_RUNS + xsl[at:]
    xsl = re.sub(r"\{([^{}]+)\}(?=\"/>)", select, xsl)
    return etree.XSLT(parse_xml(xsl.encode(), None, "the flattening stylesheet"),
                      access_control=etree.XSLTAccessControl.DENY_ALL)


_FLATTEN = {(careful, lines): _stylesheet(careful, lines)  # careful: 2.5 times slower
            for careful in (False, True) for lines in (False, True)}
# A mark typed in the text, raw in UTF-8 or as a character reference.
MARK_IN_XML = re.compile(rb"\xee\x84[\x80-\x95]|&#(?:[xX]0*[eE]1[01]|0*576[012])")
_CHARACTER_REFERENCE = re.compile(rb"&#")


def holds_marks(data: bytes) -> bool:
    """Tell whether XML ``data`` holds a character that could pose as a mark (then read it
    with ``careful``). The cheap tests first: a byte search for the marks' UTF-8 lead byte
    (memchr) and a search for a character reference (a regex here is 6 times faster than
    ``in`` with a two-byte needle), then the exact pattern only where either is found."""
    return (b"\xee" in data or _CHARACTER_REFERENCE.search(data) is not None) and (
        MARK_IN_XML.search(data) is not None)


def _field_named(tag: str, alias: str) -> str:
    """Return the docgen field of a control from its tag, else its alias (LibreOffice keeps it).

    A control with another tag is not a field (Google Docs wraps runs in its own controls).
    """
    if tag:
        return _BY_TAG.get(tag, "")
    return _BY_ALIAS.get(header_key(alias), "") if alias else ""


class _Table:
    __slots__ = ("index", "rows", "col", "cell")

    def __init__(self, index: int) -> None:
        self.index = index
        self.rows: list[list[int]] = []
        self.col = 0
        self.cell: Unit | None = None


# A count of grid columns (w:gridSpan, w:gridBefore) is an xsd:integer; Word allows 63
# columns, so four digits is already generous and keeps int() away from huge or odd digits.
_GRID_NUMBER = re.compile(r"\s*\+?0*(\d{1,4})\s*", re.ASCII)
MAX_GRID = 1000


def _grid(body: Body, table: _Table, name: str, text: str) -> int:
    """Return the grid columns a cell spans (w:gridSpan) or a row skips (w:gridBefore).

    A value that is not a whole number in range is noted in ``body.odd`` and read as the
    default (a cell spans one column; a row starts at the first).
    """
    low = 1 if name == "gridSpan" else 0
    m = _GRID_NUMBER.fullmatch(text)
    if m is not None and low <= int(m[1]) <= MAX_GRID:
        return int(m[1])
    shown = text if len(text) <= 24 else f"{text[:20]}… ({len(text):,} characters)"
    instead = ("the cell is taken to span one column" if low else
               "the row is taken to start at the first column")
    cell = len(table.rows[-1]) if low else None  # the cell being opened, after the finished
    body.odd.append(OddValue(table.index, len(table.rows) - 1, cell, (
        f'w:{name} is "{shown}", not a whole number from {low} to {MAX_GRID}: {instead}; '
        "if the table reads wrongly, open the file in Word and save it again")))
    return low


def read_body(root: etree._Element, careful: bool = True, lines: bool = True) -> Body:
    """Flatten the document body into units: body paragraphs and table cells, in order.

    ``careful`` drops private-use characters typed in the text, which could pose as marks;
    pass False when the XML is known not to hold any. ``lines`` reads a w:t straight after
    another in one run of a control as a new line; pass False when the XML does not hold
    :data:`LINES_IN_RUNS`.
    """
    flat = str(_FLATTEN[careful, lines](root))
    body = Body()
    units = body.units
    tables: list[_Table] = []  # the tables we are inside, innermost last
    para: Unit | None = None  # the body paragraph being read
    cur: Unit | None = None  # where text goes: the innermost cell, else the paragraph
    group = 0  # > 0 inside a block-level field control of the body: one unit for all of it
    sdts: list[tuple[Unit | None, Control | None, bool]] = []

    def finish(unit: Unit | None) -> None:
        if unit is not None:
            unit.close()
            units.append(unit)
            if unit.table >= 0:
                body.tables[unit.table][unit.row].append(len(units) - 1)

    # Split once: [text before the first mark, mark and its text, mark and its text ...].
    chunks = _BEFORE_MARK.split(flat) if careful else flat.split(_SPLIT)
    i = 1
    n = len(chunks)
    while i < n:
        chunk = chunks[i]
        mark = chunk[0]
        text = chunk[1:]
        i += 1
        if mark == _P_MARK:
            if tables or group:
                if cur is not None:
                    cur.paragraph()
            else:
                finish(para)
                para = cur = Unit()
                para.paragraphs = 1
        elif mark == _TC_MARK:
            props = text  # the cell's w:gridSpan and w:vMerge (see _CELL_PROP), usually none
            text = chunks[i][1:]  # the cell's first text, after them
            i += 1
            if tables:
                table = tables[-1]
                finish(table.cell)
                if not table.rows:
                    table.rows.append([])
                table.cell = cur = Unit(table.index, len(table.rows) - 1, table.col)
                if props:
                    found = props.split(_CELL_PROP)
                    cur.continued = "v" in found
                    spanned = next((p[1:] for p in found if p[:1] == "s"), "")
                    cur.span = _grid(body, table, "gridSpan", spanned) if spanned else 1
                table.col += cur.span
        elif mark == _TR_MARK:
            if tables:
                table = tables[-1]
                finish(table.cell)
                table.cell = cur = None
                table.rows.append([])
                table.col = _grid(body, table, "gridBefore", text) if text else 0
            continue
        elif mark == _TBL_MARK:
            if not tables and not group:
                finish(para)
                para = None
            elif tables and tables[-1].cell is not None:
                tables[-1].cell.nested = True
            tables.append(_Table(len(body.tables)))
            body.tables.append(tables[-1].rows)
            cur = None
        elif mark == _TBL_END:
            if tables:
                finish(tables.pop().cell)
            cur = tables[-1].cell if tables else para
        elif mark == _SDT_MARK:
            tag, alias = text, chunks[i][1:]
            text = chunks[i + 1][1:]  # the control's first text
            i += 2
            name = _field_named(tag, alias) if tag or alias else ""
            block = bool(name) and not tables and (
                cur is None or (text == "" and i < n and chunks[i][0] == _P_MARK))
            if block:
                finish(para)  # a block-level field in the body: its paragraphs are one unit
                para = cur = Unit()
                group += 1
            control = None
            if name and cur is not None:
                control = Control(cur.length, -1, name)
                cur.controls.append(control)
            sdts.append((cur, control, block))
        elif mark == _TRACK:
            if cur is not None:
                cur.tracked = True
        elif mark == _PICTURE:
            if cur is not None:
                cur.picture = True
        elif mark == _SDT_END and sdts:
            unit, control, block = sdts.pop()
            if control is not None and control.end < 0 and unit is cur and cur is not None:
                control.end = cur.length
            group -= block
        if text and cur is not None:
            cur.parts.append(text)
            cur.length += len(text)
    while tables:
        finish(tables.pop().cell)
    finish(para)
    return body
