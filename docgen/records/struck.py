"""Name text struck through, or hidden, in a returned record's forms and table.

A coach strikes out "14:00" and types "15:00", strikes through a topic, or strikes through a
whole form for a session that did not happen. Word and LibreOffice keep struck text as text,
and hidden text (Format › Character › Hidden) as text nobody sees: docgen cannot tell what
striking means, so it reads both as typed, and each is named here with its form or row, its
field, and the way out (delete the struck text; type No in Held for a session that did not
happen). Tracked deletions are not struck text: they are left out as before.

The common record holds neither, so the parsed part is first looked over for the elements
that strike or hide (in C: a few microseconds; a byte search of a 130 KB body took 100), the
styles once per styles part, and only a hit costs more: a copy of the parsed part in which
the text of each struck or hidden run is wrapped in private-use marks (and a mark put where
each footnote or endnote is referred to), flattened as the part itself was. The copy's units
are the body's units, one for one, so each mark falls in a unit and, by the labels and
controls the forms reader found there, in a field.
"""

from __future__ import annotations

import copy
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from docgen import ooxml, schema
from docgen.errors import DocgenError, Problem
from docgen.ooxml.wordtext import Body, read_body
from docgen.records.forms import FORM_HEADING, FormFinder, typed_value
from docgen.safezip import parse_xml, read_member

__all__ = ["Marked", "docx_marked", "marked_problems", "note_places", "odt_marked",
           "odt_styles_bytes", "own_text_problems"]

STRUCK, HIDDEN = "struck", "hidden"
_OPEN = {STRUCK: "\ue200", HIDDEN: "\ue202"}
_CLOSE = {STRUCK: "\ue201", HIDDEN: "\ue203"}
_NOTE = {"footnote": "\ue204", "endnote": "\ue205"}  # where a note's reference sits
_ANY_MARK = re.compile("([\ue200-\ue205])")
_W = ooxml.W
_REFERENCES = frozenset({f"{_W}footnoteReference", f"{_W}endnoteReference"})
_FOUND = (f"{_W}strike", f"{_W}dstrike", f"{_W}vanish", *_REFERENCES)
_STYLES_PART = "word/styles.xml"
_OFF = frozenset({"0", "false", "off", "none"})
_SHOWN = 120  # characters of struck text quoted
_EACH = 10  # places named one by one; the rest in one problem


@dataclass(frozen=True, slots=True)
class Marked:
    """Text struck through or hidden: its unit of the body, and where in the unit's text."""

    unit: int
    start: int
    end: int
    how: str  # STRUCK or HIDDEN


# --- finding them: .docx ------------------------------------------------------------------


def _on(props, name: str) -> bool | None:  # noqa: ANN001 - a w:rPr element or None
    """Return whether a toggle (w:strike, w:vanish) is set in run properties; None: unsaid."""
    if props is None:
        return None
    el = props.find(f"{_W}{name}")
    if el is None:
        return None
    return (el.get(f"{_W}val") or "true").strip().lower() not in _OFF


_STYLE_CACHE: dict[tuple[int, int], dict[str, dict[str, bool]]] = {}


def _docx_styles(zf: zipfile.ZipFile, path: Path) -> dict[str, dict[str, bool]]:
    """Return the styles that strike or hide their text, by style id, with what they set.

    Kept per content (the zip's checksum and size): every record made from one template
    shares its styles part, so it is inflated and searched once.
    """
    try:
        info = zf.getinfo(_STYLES_PART)
    except KeyError:
        return {}
    key = (info.CRC, info.file_size)
    found = _STYLE_CACHE.get(key)
    if found is not None:
        return found
    found = {}
    try:
        data = read_member(zf, _STYLES_PART, path)
        if b"strike" in data or b"vanish" in data:
            root = parse_xml(data, path, _STYLES_PART)
            own: dict[str, dict[str, bool]] = {}
            parent: dict[str, str] = {}
            for style in root.iter(f"{_W}style"):
                sid = style.get(f"{_W}styleId") or ""
                based = style.find(f"{_W}basedOn")
                if based is not None:
                    parent[sid] = based.get(f"{_W}val") or ""
                props = style.find(f"{_W}rPr")
                own[sid] = {k: v for k in (STRUCK, HIDDEN)
                            if (v := _toggle(props, k)) is not None}
            for sid in own:
                seen, chain, s = set(), {}, sid
                while s in own and s not in seen:  # the nearest style that says decides
                    seen.add(s)
                    for k, v in own[s].items():
                        chain.setdefault(k, v)
                    s = parent.get(s, "")
                if any(chain.values()):
                    found[sid] = chain
    except (DocgenError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
        found = {}
    if len(_STYLE_CACHE) >= 64:
        _STYLE_CACHE.clear()
    _STYLE_CACHE[key] = found
    return found


def _toggle(props, how: str) -> bool | None:  # noqa: ANN001
    if how == HIDDEN:
        return _on(props, "vanish")
    strike, double = _on(props, "strike"), _on(props, "dstrike")
    if strike is None and double is None:
        return None
    return bool(strike or double)


def docx_marked(zf: zipfile.ZipFile, path: Path, root, careful: bool  # noqa: ANN001
                ) -> list[Marked]:
    """Return the text struck through or hidden in a .docx body (parsed as ``root``).

    A look over the parsed body first: one without a strike, a hidden run or a note's
    reference, whose styles strike or hide nothing, costs only that. Each footnote's and
    endnote's reference is marked too (where it sits: :func:`note_places`).
    """
    styles = _docx_styles(zf, path)
    notes = False
    toggled = False
    for el in root.iter(*_FOUND):  # in C, over the parsed body: a few microseconds
        if el.tag in _REFERENCES:
            notes = True
        elif (el.get(f"{_W}val") or "true").strip().lower() not in _OFF:
            toggled = True
        if notes and toggled:
            break
    if not (styles or notes or toggled):
        return []
    marked = copy.deepcopy(root)
    hits = 0
    for run in marked.iter(f"{_W}r"):
        props = run.find(f"{_W}rPr")
        how = _run_how(run, props, styles)
        if how is None:
            continue
        for t in run.iter(f"{_W}t"):
            if t.text:
                t.text = f"{_OPEN[how]}{t.text}{_CLOSE[how]}"
                hits += 1
    if notes:  # each reference to a footnote or an endnote: a mark where it sits
        for kind in _NOTE:
            for ref in marked.iter(f"{_W}{kind}Reference"):
                t = ref.makeelement(f"{_W}t", {})
                t.text = _NOTE[kind]
                ref.addnext(t)
                hits += 1
    if not hits:
        return []
    return _spans(read_body(marked, careful))


def _run_how(run, props, styles: dict[str, dict[str, bool]]) -> str | None:  # noqa: ANN001
    """Return HIDDEN or STRUCK for a run that is (hidden first: it is not seen at all)."""
    style = None if props is None else props.find(f"{_W}rStyle")
    para = next(run.iterancestors(f"{_W}p"), None)
    pstyle = None if para is None else para.find(f"{_W}pPr/{_W}pStyle")
    chain = [
        {k: v for k in (STRUCK, HIDDEN) if (v := _toggle(props, k)) is not None},
        styles.get(style.get(f"{_W}val") or "", {}) if style is not None else {},
        styles.get(pstyle.get(f"{_W}val") or "", {}) if pstyle is not None else {},
    ]
    for how in (HIDDEN, STRUCK):
        if next((said[how] for said in chain if how in said), False):
            return how
    return None


def _spans(marked: Body) -> list[Marked]:
    """Return the marked passages of each unit, in the unit's own (unmarked) text."""
    out: list[Marked] = []
    counts = dict.fromkeys(_NOTE, 0)
    kinds = {mark: kind for kind, mark in _NOTE.items()}
    for i, unit in enumerate(marked.units):
        text = unit.text
        if _ANY_MARK.search(text) is None:
            continue
        pos = 0  # in the unmarked text
        open_at: dict[str, int] = {}
        last: dict[str, Marked] = {}
        clean: list[str] = []
        for piece in _ANY_MARK.split(text):
            if piece in kinds:
                counts[kinds[piece]] += 1
                out.append(Marked(i, pos, pos, f"{kinds[piece]} {counts[kinds[piece]]}"))
            elif piece in (_OPEN[STRUCK], _OPEN[HIDDEN]):
                open_at[STRUCK if piece == _OPEN[STRUCK] else HIDDEN] = pos
            elif piece in (_CLOSE[STRUCK], _CLOSE[HIDDEN]):
                how = STRUCK if piece == _CLOSE[STRUCK] else HIDDEN
                start = open_at.pop(how, pos)
                prev = last.get(how)
                if prev is not None and not "".join(clean)[prev.end:start].strip():
                    out[out.index(prev)] = last[how] = Marked(i, prev.start, pos, how)
                else:
                    last[how] = Marked(i, start, pos, how)
                    out.append(last[how])
            else:
                clean.append(piece)
                pos += len(piece)
    return out


# --- finding them: .odt -------------------------------------------------------------------

_STYLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_FO_NS = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def _odt_styles(*roots) -> dict[tuple[str, str], dict[str, bool]]:  # noqa: ANN002
    """Return, by (family, name), the styles of these parts that strike or hide their text
    (or say they do not), their parents' settings taken in."""
    own: dict[tuple[str, str], dict[str, bool]] = {}
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(f"{_STYLE_NS}style"):
            key = (style.get(f"{_STYLE_NS}family") or "", style.get(f"{_STYLE_NS}name") or "")
            if p := style.get(f"{_STYLE_NS}parent-style-name"):
                parent[key] = (key[0], p)
            said: dict[str, bool] = {}
            for props in style.iter(f"{_STYLE_NS}text-properties"):
                line = props.get(f"{_STYLE_NS}text-line-through-style")
                kind = props.get(f"{_STYLE_NS}text-line-through-type")
                if line is not None or kind is not None:
                    said[STRUCK] = (line or "solid") != "none" and (kind or "single") != "none"
                display = props.get(f"{_TEXT_NS}display")
                if display is not None:
                    said[HIDDEN] = display == "none"
            own[key] = said
    out: dict[tuple[str, str], dict[str, bool]] = {}
    for key in own:
        chain: dict[str, bool] = {}
        seen, k = set(), key
        while k in own and k not in seen:
            seen.add(k)
            for how, v in own[k].items():
                chain.setdefault(how, v)
            k = parent.get(k, ("", ""))
        if chain:
            out[key] = chain
    return out


# Any automatic style striking or hiding its text: the cheap test (in C) before each is read.
_STRIKING = ("boolean(.//style:text-properties[(@style:text-line-through-style and "
             "@style:text-line-through-style != 'none') or (@style:text-line-through-type and "
             "@style:text-line-through-type != 'none') or @text:display = 'none'])")
_ODF_NS = {"style": _STYLE_NS[1:-1], "text": _TEXT_NS[1:-1]}


def _strikes(styles: dict[tuple[str, str], dict[str, bool]]) -> bool:
    return any(v for said in styles.values() for v in said.values())


def odt_marked(zf: zipfile.ZipFile, path: Path, root) -> list[Marked]:  # noqa: ANN001
    """Return the text struck through or hidden in an .odt's content (parsed as ``root``): by
    its span's style, else its paragraph's (automatic or named); and where each note sits."""
    from docgen.records.odt import read_content  # odt imports this module's neighbours

    named = _odt_named(zf, path)
    notes = next(root.iter(f"{_TEXT_NS}note"), None) is not None
    automatic = root.find("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}automatic-styles")
    striking = automatic is not None and automatic.xpath(_STRIKING, namespaces=_ODF_NS)
    styles = {**named, **_odt_styles(automatic)} if striking or _strikes(named) else {}
    if not _strikes(styles):
        styles = {}
        if not notes:
            return []
    marked = copy.deepcopy(root)
    hits = [0]

    def state(el, inherited: dict[str, bool]) -> dict[str, bool]:  # noqa: ANN001
        tag = el.tag
        family = "paragraph" if tag in (f"{_TEXT_NS}p", f"{_TEXT_NS}h") else (
            "text" if tag == f"{_TEXT_NS}span" else "")
        name = el.get(f"{_TEXT_NS}style-name") if family else None
        said = styles.get((family, name or ""))
        return {**inherited, **said} if said else inherited

    def wrap(text: str | None, now: dict[str, bool]) -> str | None:
        how = HIDDEN if now.get(HIDDEN) else STRUCK if now.get(STRUCK) else None
        if not text or how is None:
            return text
        hits[0] += 1
        return f"{_OPEN[how]}{text}{_CLOSE[how]}"

    paragraphs = (f"{_TEXT_NS}p", f"{_TEXT_NS}h")
    note = f"{_TEXT_NS}note"

    def walk(el, inherited: dict[str, bool], inside: bool) -> None:  # noqa: ANN001
        now = state(el, inherited)
        inside = inside or el.tag in paragraphs
        if inside:
            el.text = wrap(el.text, now)
        for child in el:
            if not isinstance(child.tag, str):
                continue
            walk(child, now, inside)
            if inside:
                child.tail = wrap(child.tail, now)
            if child.tag == note:  # a mark where the note sits (its text is left out)
                kind = child.get(f"{_TEXT_NS}note-class") or "footnote"
                child.tail = _NOTE.get(kind, _NOTE["footnote"]) + (child.tail or "")
                hits[0] += 1

    walk(marked, {}, False)
    if not hits[0]:
        return []
    return _spans(read_content(marked))


_ODT_NAMED: dict[tuple[int, int], dict[tuple[str, str], dict[str, bool]]] = {}
_LAST_STYLES: list[tuple[tuple[str, int, int], bytes]] = []  # the last styles.xml read


def odt_styles_bytes(zf: zipfile.ZipFile, path: Path) -> bytes:
    """Return an .odt's ``styles.xml``, read once for the named styles and the master pages
    of one record (the last one read is kept)."""
    info = zf.getinfo("styles.xml")
    key = (str(path), info.CRC, info.file_size)
    if _LAST_STYLES and _LAST_STYLES[0][0] == key:
        return _LAST_STYLES[0][1]
    data = read_member(zf, "styles.xml", path)
    _LAST_STYLES[:] = [(key, data)]
    return data


def _odt_named(zf: zipfile.ZipFile, path: Path) -> dict[tuple[str, str], dict[str, bool]]:
    """Return the named styles (``styles.xml``) that strike or hide text, kept per content:
    the records of one template share them."""
    try:
        info = zf.getinfo("styles.xml")
    except KeyError:
        return {}
    key = (info.CRC, info.file_size)
    found = _ODT_NAMED.get(key)
    if found is None:
        try:
            data = odt_styles_bytes(zf, path)
            found = _odt_styles(parse_xml(data, path, "styles.xml")) if (
                b"line-through" in data or b"display" in data) else {}
        except (DocgenError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
            found = {}
        if len(_ODT_NAMED) >= 64:
            _ODT_NAMED.clear()
        _ODT_NAMED[key] = found
    return found


# --- naming them ----------------------------------------------------------------------------

_WAY_OUT = {
    STRUCK: ("docgen cannot tell what striking through means, so it reads struck text as "
             "typed: delete the struck text (and the strikethrough)"),
    HIDDEN: ("Word and LibreOffice do not show or print hidden text, but docgen reads it as "
             "typed: show it (Format › Character, untick Hidden) and keep it, or delete it"),
}
_NOT_HELD = {
    "form": "; if the session did not happen, type No in Held",
    "row": '; if the session did not happen, write "Cancelled" in its Comments',
}


def _shown(text: str, limit: int = _SHOWN) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = f"{flat[:limit - 1].rstrip()}… ({len(flat):,} characters)"
    return f'"{flat}"'


def _field_at(body: Body, finder: FormFinder, i: int, at: int) -> str:
    """Return the form field a position of unit ``i`` belongs to ("" if none is known)."""
    unit = body.units[i]
    for c in unit.controls:
        if c.start <= at < c.end:
            return c.name
    labels = finder.labels[i] if i < len(finder.labels) else []
    before = [lab for lab in labels if lab.start <= at]
    if before:
        return before[-1].name
    after = [c for c in unit.controls if c.start >= at]
    return after[0].name if after and not labels else ""


def _place(body: Body, finder: FormFinder, record_tables: set[int], i: int
           ) -> tuple[str, str, str] | None:
    """Return (where, kind, header or "") of unit ``i`` if a reader takes it in, else None:
    a Record of Coaching form ("form"), or a COACHING RECORD row ("row")."""
    unit = body.units[i]
    if unit.table in record_tables:
        grid = body.tables[unit.table]
        number = sum(len(body.tables[t]) - 1 for t in sorted(record_tables) if t < unit.table)
        if unit.row == 0:
            return None  # the header docgen wrote
        header = ""
        for k, h in enumerate(grid[0]):
            head = body.units[h]
            if head.col <= unit.col < head.col + max(head.span, 1):
                header = (schema.COACHING_RECORD_HEADER[k] if k < 4
                          else typed_value(head.text.split("\n", 1)[0]))
        return f"COACHING RECORD row {number + unit.row}", "row", header
    forms = sum(1 for u in body.units[:i + 1]
                if u.table == -1 and FORM_HEADING.match(u.text) and len(u.text.strip()) <= 80)
    if not forms:
        return None  # the contract before the forms: the template's, not a value
    labels = finder.labels[i] if i < len(finder.labels) else []
    if unit.controls or labels or i in finder.used or (
            unit.table == -1 and FORM_HEADING.match(unit.text)):
        return f"Record of Coaching form {forms}", "form", ""
    return None  # outside the forms and the table: named as such already


def note_places(body: Body, finder: FormFinder, record_tables: set[int], marks: list[Marked]
                ) -> dict[str, tuple[str, str]]:
    """Return, by note ("footnote 1"), the form or row and the field or column its reference
    sits in, for the notes referred to from inside the forms and the table."""
    places: dict[str, tuple[str, str]] = {}
    for m in marks:
        if m.how in (STRUCK, HIDDEN):
            continue
        place = _place(body, finder, record_tables, m.unit)
        if place is None:
            continue
        where, kind, header = place
        if kind == "form":
            name = _field_at(body, finder, m.unit, max(m.start - 1, 0))
            header = schema.RECORD_FIELD[name].label.rstrip(": ") if name else ""
        places.setdefault(m.how, (where, header))
    return places


def marked_problems(body: Body, finder: FormFinder, record_tables: set[int],
                    marks: list[Marked], source: str) -> list[Problem]:
    """Return a problem for each form field or table cell holding struck or hidden text.

    A form or row struck through in three fields or more (or from its heading) is one
    problem: it is read as a session held, and a session that did not happen says so.
    """
    if not marks:
        return []
    # (where, kind) -> how -> column -> texts; in document order
    found: dict[tuple[str, str], dict[str, dict[str, list[str]]]] = {}
    headings: set[tuple[str, str]] = set()
    for m in marks:
        if m.how not in (STRUCK, HIDDEN):
            continue
        place = _place(body, finder, record_tables, m.unit)
        if place is None:
            continue
        where, kind, header = place
        unit = body.units[m.unit]
        text = unit.text[m.start:m.end]
        if not text.strip():
            continue
        if kind == "form" and unit.table == -1 and FORM_HEADING.match(unit.text):
            if FORM_HEADING.match(text):
                headings.add((where, m.how))
            continue
        if kind == "form":
            name = _field_at(body, finder, m.unit, m.start)
            column = schema.RECORD_FIELD[name].label.rstrip(": ") if name else ""
            value = typed_value(text)
            if not value and name:
                continue  # only a label struck: its value is what counts
        else:
            column = header
        by_how = found.setdefault((where, kind), {}).setdefault(m.how, {})
        by_how.setdefault(column, []).append(typed_value(text) or text)
    for where, how in headings:
        found.setdefault((where, "form"), {}).setdefault(how, {})
    problems: list[Problem] = []
    for (where, kind), hows in found.items():
        for how, columns in hows.items():
            word = "struck through" if how == STRUCK else "hidden"
            whole = (where, how) in headings or len(columns) >= 3
            if whole:
                fields = ", ".join(c for c in columns if c)
                quoted = "; ".join(" ".join(t) for t in columns.values())
                what = "form" if kind == "form" else "row"
                problems.append(Problem(
                    f"holds text {word} in the whole {what}"
                    f"{f' ({fields})' if fields else ''}"
                    f"{f': {_shown(quoted)}' if quoted.strip() else ''}: read as typed, "
                    f"as a session held; {_WAY_OUT[how]}{_NOT_HELD[kind]}",
                    file=source, sheet=where))
                continue
            for column, texts in columns.items():
                problems.append(Problem(
                    f"holds text {word}: {_shown(' '.join(texts))}: {_WAY_OUT[how]}"
                    f"{_NOT_HELD[kind] if how == STRUCK else ''}",
                    file=source, sheet=where, column=column or None))
    if len(problems) > _EACH:
        rest = problems[_EACH:]
        problems = problems[:_EACH]
        places = "; ".join(f"{p.sheet}{f' › {p.column}' if p.column else ''}" for p in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"holds text struck through or hidden in {len(rest)} more places: {places}{more}: "
            "docgen reads such text as typed; delete it, or show it and keep it", file=source))
    return problems


# --- in the document's own text: a contract's terms, a mentor agreement ------------------------

_OWN_WAY_OUT = {
    STRUCK: ("striking text through neither removes it nor changes anything the log shows: if "
             "{what} changed, change {it} too; if not, remove the strikethrough"),
    HIDDEN: ("hidden text is neither shown nor printed, and hiding it changes nothing the log "
             "shows: if {what} changed, change {it} too; if not, show it again (Format › "
             "Character, untick Hidden)"),
}
CONTRACT_TEXT = ("the contract's own text", "the contract's terms", "them in the cohort workbook")
AGREEMENT_TEXT = ("the agreement", "the agreement's terms",
                  "them in the cohort workbook's Mentoring sheet")


def own_text_problems(body: Body, marks: list[Marked], source: str, typed: set[int],
                      document: tuple[str, str, str],
                      placed: FormFinder | None = None, record_tables: set[int] | None = None
                      ) -> list[Problem]:
    """Return a problem for each line docgen wrote that a coach struck through or hid: a
    term of a contract (outside its forms and table: ``placed`` and ``record_tables`` say
    where they are) or of a mentor agreement (``placed`` None: all of it).

    The log reads neither, so striking a term through (or hiding it) would change nothing it
    shows, in silence. The ``typed`` units (holding a line docgen did not write) are named as
    typed already, struck or not, and are passed over here. ``document`` is where (for the
    problem), what may have changed, and how to say "change it".
    """
    if not marks:
        return []
    found: dict[tuple[int, str], list[str]] = {}
    for m in marks:
        if m.how not in (STRUCK, HIDDEN):
            continue
        unit = body.units[m.unit]
        text = unit.text[m.start:m.end]
        if not text.strip():
            continue
        if placed is not None and _place(body, placed, record_tables or set(), m.unit):
            continue  # in a form or a row: named by marked_problems
        if m.unit in typed:
            continue  # typed: named as such
        found.setdefault((m.unit, m.how), []).append(text)
    where, what, it = document
    problems = [
        Problem(f"holds text {'struck through' if how == STRUCK else 'hidden'}: "
                f"{_shown(' '.join(texts))}: "
                f"{_OWN_WAY_OUT[how].format(what=what, it=it)}", file=source, sheet=where)
        for (_unit, how), texts in sorted(found.items())[:_EACH]]
    rest = sorted(found.items())[_EACH:]
    if rest:
        quoted = "; ".join(_shown(" ".join(texts), 40) for _k, texts in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"holds text struck through or hidden in {len(rest)} more lines: {quoted}{more}: "
            f"the log shows none of it; if {what} changed, change {it} too", file=source,
            sheet=where))
    return problems
