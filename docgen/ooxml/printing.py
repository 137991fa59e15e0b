"""Fields still showing their prompt made writing space, for a document's print copy.

LibreOffice 7.4 opens a plain-text content control (``w:sdt`` with ``w:text``) as an input
field, which drops the formatting of the runs it holds: a prompt in the grey
``PlaceholderText`` style prints black, like an entry. :func:`print_part` takes such controls
out of a story part: nothing where the field has its line to itself in a table cell (the cell
is the space, as on the paper form), a light grey rule where it shares its line with text
("Start time: ______", "Every ____ week/s"), or a whole ruled line below a label that leaves
little room. Controls holding an entry are left as they are.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from docgen.ooxml.controls import showing_prompt
from docgen.ooxml.names import DOCUMENT_PART, NS, XML_SPACE, W
from docgen.safezip import parse_xml

__all__ = ["MIN_RULE", "RULE_COLOR", "FontSizes", "print_part"]

RULE_COLOR = "A6A6A6"  # light grey: a line to write on that prints, fainter than the text
MIN_RULE = 4  # underscores: "Every ____ week/s", as on the paper agreement
_TEXT_WIDTH = 9638  # twips: A4 less 2 cm margins, when a part does not say
_CELL_MARGINS = 216  # twips: Word's default left and right cell margins together
_DEFAULT_SIZE = 22  # half-points (11 pt)
STYLES_PART = "word/styles.xml"
_BEFORE_COLOR = frozenset({
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"})


def print_part(xml: bytes, sizes: FontSizes | None = None, path: Path | None = None,
               part: str = DOCUMENT_PART) -> bytes:
    """Return story part ``xml`` with each control showing its prompt made writing space
    (``xml`` itself when there is none)."""
    root = parse_xml(xml, path, part)
    sizes = sizes or FontSizes(None, path)
    width = _text_width(root)
    changed = False
    for sdt in list(root.iter(f"{W}sdt")):
        if sdt.getparent() is None or not showing_prompt(sdt):
            continue
        _blank(sdt, sizes, width)
        changed = True
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _blank(sdt: etree._Element, sizes: FontSizes, width: int) -> None:
    """Put writing space in place of content control ``sdt``, which shows its prompt."""
    parent = sdt.getparent()
    content = sdt.find("w:sdtContent", NS)
    first_run = content.find(".//w:r", NS) if content is not None else None
    prompt = "".join(t.text or "" for t in sdt.iterfind(".//w:t", NS)).strip()
    if parent.tag != f"{W}p" or content is None or content.find(".//w:p", NS) is not None:
        # a control around paragraphs, cells or rows: keep them, without the prompt's text
        for run in list(content.iter(f"{W}r")) if content is not None else []:
            if run.getparent() is not None:
                run.getparent().remove(run)
        children = list(content) if content is not None else []
        _replace(sdt, children)
        return
    rule, own_line = _rule_length(parent, sdt, prompt, sizes, width, first_run)
    if not rule:
        _replace(sdt, [])
        return
    run = etree.Element(f"{W}r")
    rpr = copy.deepcopy(first_run.find("w:rPr", NS)) if first_run is not None else None
    if rpr is None:
        rpr = etree.Element(f"{W}rPr")
    for gone in rpr.findall("w:rStyle", NS) + rpr.findall("w:color", NS):
        rpr.remove(gone)
    color = etree.Element(f"{W}color")
    color.set(f"{W}val", RULE_COLOR)
    # in schema order: after the elements w:rPr lists before w:color, before the others
    rpr.insert(sum(1 for el in rpr if etree.QName(el).localname in _BEFORE_COLOR), color)
    run.append(rpr)
    if own_line:
        etree.SubElement(run, f"{W}br")
    t = etree.SubElement(run, f"{W}t")
    t.set(XML_SPACE, "preserve")
    t.text = "_" * rule
    _replace(sdt, [run])


def _replace(sdt: etree._Element, new: list[etree._Element]) -> None:
    """Put ``new`` where ``sdt`` is, keeping the text that followed it."""
    parent = sdt.getparent()
    at = parent.index(sdt)
    tail = sdt.tail
    parent.remove(sdt)
    for n, el in enumerate(new):
        parent.insert(at + n, el)
    if tail and tail.strip():  # never in WordprocessingML, but never lost either
        before = parent[at + len(new) - 1] if new else None
        if before is not None:
            before.tail = (before.tail or "") + tail


def _rule_length(par: etree._Element, sdt: etree._Element, prompt: str, sizes: FontSizes,
                 width: int, run: etree._Element | None) -> tuple[int, bool]:
    """Return how many underscores the rule in place of ``sdt`` gets (0: none), and whether
    it starts a line of its own.

    None when the field has its line to itself in a table cell; a short rule when text
    follows it on its line; else a rule to about the end of the line, estimated from the
    cell's (or page's) width and the text before it, or a whole line below when that leaves
    less than a third of the line to write on.
    """
    before, after = _line_around(par, sdt)
    cell = next(sdt.iterancestors(f"{W}tc"), None)
    if not before.strip() and not after.strip() and cell is not None:
        return 0, False
    if after.strip():
        return max(MIN_RULE, len(prompt)), False
    size = sizes.of(par, run)
    room = (_cell_width(cell) if cell is not None else width) - _CELL_MARGINS
    used = _text_extent(before, par, size) % max(room, 1)  # where a long label's last line ends
    underscore = 5.56 * size  # twips: 0.556 em of a size in half-points (Arial, Liberation)
    own_line = room - used < room / 3
    left = room if own_line else room - used
    return max(MIN_RULE, int(left * 0.9 / underscore)), own_line


def _line_around(par: etree._Element, sdt: etree._Element) -> tuple[str, str]:
    """Return the text before and after ``sdt`` on its line of paragraph ``par`` (a tab as
    "\\t"; a line break starts a new line)."""
    before: list[str] = []
    after: list[str] = []
    seen = False
    for el in par.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}sdt"):
        if el is sdt:
            seen = True
            continue
        if seen and any(a is sdt for a in el.iterancestors(f"{W}sdt")):
            continue
        if el.tag == f"{W}sdt":
            continue
        if el.tag in (f"{W}br", f"{W}cr"):
            if seen:
                break
            before.clear()
            continue
        if el.tag == f"{W}tab" and el.getparent().tag != f"{W}r":
            continue  # a tab stop's definition, not a tab character
        text = "\t" if el.tag == f"{W}tab" else (el.text or "")
        (after if seen else before).append(text)
    return "".join(before), "".join(after)


def _text_extent(text: str, par: etree._Element, size: int) -> float:
    """Estimate in twips how far ``text`` reaches along a line of paragraph ``par``."""
    stops = sorted(int(t.get(f"{W}pos") or 0) for t in par.iterfind("w:pPr/w:tabs/w:tab", NS))
    pos = 0.0
    for ch in text:
        if ch == "\t":
            pos = next((s for s in stops if s > pos), (pos // 720 + 1) * 720)
        else:
            pos += 6.0 * size  # an average character, a little wide (labels are bold)
    return pos


def _cell_width(cell: etree._Element) -> int:
    width = cell.find("w:tcPr/w:tcW", NS)
    if width is not None and width.get(f"{W}type") in (None, "dxa"):
        try:
            return int(width.get(f"{W}w") or 0) or _TEXT_WIDTH
        except ValueError:
            return _TEXT_WIDTH
    return _TEXT_WIDTH


def _text_width(root: etree._Element) -> int:
    """Return the width between the margins of the part's (last) section, in twips."""
    sect = root.find(".//w:body/w:sectPr", NS)
    try:
        size = sect.find("w:pgSz", NS) if sect is not None else None
        margins = sect.find("w:pgMar", NS) if sect is not None else None
        if size is None or margins is None:
            return _TEXT_WIDTH
        return (int(size.get(f"{W}w")) - int(margins.get(f"{W}left") or 0)
                - int(margins.get(f"{W}right") or 0)) or _TEXT_WIDTH
    except (TypeError, ValueError):
        return _TEXT_WIDTH


class FontSizes:
    """Font sizes (half-points) of a document's paragraph styles, read from its styles part
    (``styles``; None: Word's defaults)."""

    def __init__(self, styles: bytes | None, path: Path | None) -> None:
        self.default = _DEFAULT_SIZE
        self.by_style: dict[str, int] = {}
        if not styles:
            return
        root = parse_xml(styles, path, STYLES_PART)
        found = root.find("w:docDefaults/w:rPrDefault/w:rPr/w:sz", NS)
        self.default = _half_points(found) or self.default
        own: dict[str, tuple[int | None, str | None]] = {}
        for style in root.iterfind("w:style", NS):
            sid = style.get(f"{W}styleId")
            if sid is None:
                continue
            based = style.find("w:basedOn", NS)
            own[sid] = (_half_points(style.find("w:rPr/w:sz", NS)),
                        based.get(f"{W}val") if based is not None else None)
        for sid in own:
            seen: set[str] = set()
            at: str | None = sid
            while at is not None and at in own and at not in seen:
                seen.add(at)
                size, at = own[at]
                if size:
                    self.by_style[sid] = size
                    break

    def of(self, par: etree._Element, run: etree._Element | None) -> int:
        """Return the font size of ``run`` (or of paragraph ``par``'s text), in half-points."""
        if run is not None:
            size = _half_points(run.find("w:rPr/w:sz", NS))
            if size:
                return size
        style = par.find("w:pPr/w:pStyle", NS)
        if style is not None:
            return self.by_style.get(style.get(f"{W}val") or "", self.default)
        return self.by_style.get("Normal", self.default)


def _half_points(el: etree._Element | None) -> int | None:
    if el is None:
        return None
    try:
        return int(el.get(f"{W}val") or 0) or None
    except ValueError:
        return None
