"""Read a template's package and compile the parts docxtpl renders, as docxtpl reads them.

Part of the compiled renderer (:mod:`docgen.documents.render`): which parts are templates
(the body, the headers and footers, the footnotes when there is one section, the core
properties docxtpl renders), how each is prepared for Jinja, and what each needs after
rendering (listing, grids, drawing ids, a well-formedness check) to come out as docxtpl's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from docgen import ooxml, schema
from docgen.documents.mending import mend
from docgen.documents.messages import (
    part_place,
    render_message,
    syntax_message,
    unbalanced_message,
)
from docgen.errors import DocgenError, Problem
from docgen.ooxml.controls import coach_field_warnings
from docgen.ooxml.drawings import has_drawings
from docgen.ooxml.ids import TakenIds, has_ids
from docgen.ooxml.listing import is_flat
from docgen.ooxml.markup import paragraphs_on_lines
from docgen.ooxml.names import is_story_part, is_xml_part
from docgen.ooxml.properties import CORE_PART, RENDERED_CORE, core_templates
from docgen.ooxml.story import (
    DOCUMENT_RELS_PART,
    Body,
    footnote_parts,
    header_footer_parts,
    keep_deletions,
    read_body,
    read_story,
    tags_as_typed,
)
from docgen.ooxml.structure import check_blocks
from docgen.ooxml.tables import grids_fit, has_cell_blocks
from docgen.safezip import open_package, parse_xml, read_member

_MARKERS = ("{{", "{%", "{#")


@dataclass
class Part:
    """A compiled part and the after-steps its rendered XML needs."""

    template: jinja2.Template
    body: Body | None = None  # the main document: the body is rendered, then put back
    whole: bool = False  # a header or footer, serialised without its declaration
    constant: bool = False  # no tags: rendered once, when compiled
    flat: bool = False  # no paragraph holds another (see ooxml.listing.is_flat)
    proven: bool = False  # every rendering is well-formed (see ooxml.structure)
    fit: bool = False  # table grids fitted and drawings renumbered: parsed after rendering
    drawings: bool = False
    placeholders: bool = False  # some controls' placeholders are decided per document
    lines: bool = False  # paragraphs laid on lines for Jinja: joined after rendering
    ids: bool = False  # ids a loop may repeat (paragraphs, bookmarks, comments): made unique
    name: str = ""
    typed: str = field(default="", repr=False)  # the part's XML as saved: for messages
    laid: str = field(default="", repr=False)  # the source Jinja read, a paragraph a line


@dataclass
class PartSource:
    """What :func:`read_template` found: parts to render, parts to copy, and notes."""

    order: list[str] = field(default_factory=list)
    static: dict[str, bytes] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    core: dict[str, jinja2.Template] = field(default_factory=dict)
    core_xml: bytes = b""
    core_sources: dict[str, str] = field(default_factory=dict)
    taken: TakenIds = field(default_factory=TakenIds)  # ids the template's parts use
    loops: dict[str, set[str]] = field(default_factory=dict)  # field -> its loop variables
    items: dict[str, set[str]] = field(default_factory=dict)  # field -> its items' fields used
    base_properties: dict[str, str] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fallback: str = ""  # why the fast path cannot be trusted with this template, if it cannot


def _check_no_escape_off(env: SandboxedEnvironment, ast: nodes.Template, path: Path,
                         name: str, source: str, typed: str) -> None:
    for node in ast.find_all((nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)):
        for kw in node.options:
            if kw.key == "autoescape":
                where = render_message(name, source, typed, env, node.lineno, "'autoescape'")
                raise DocgenError(Problem(
                    f"{where or 'a tag'} switches off escaping ({{% autoescape %}}): values "
                    "must always be escaped for Word's XML; remove the tag", file=str(path)))


def _parse(env: SandboxedEnvironment, path: Path, name: str, source: str,
           variables: set[str] | None = None, typed: str = "",
           loops: dict[str, set[str]] | None = None, laid: str = "",
           items: dict[str, set[str]] | None = None) -> nodes.Template:
    """Parse a part's source; add the fields it uses to ``variables``, to ``loops`` the
    names it gives the items of the fields it loops over (``r`` in ``for r in records``), and
    to ``items`` the fields of those items it shows (``action`` of ``{{ r.action }}``).

    ``typed`` is the part as saved, so that a refusal quotes the tag as the admin typed it;
    ``laid`` the source a paragraph a line, parsed only to word an error by its line.
    """
    try:
        try:
            ast = env.parse(source)
        except jinja2.TemplateSyntaxError as first:
            if not laid or laid == source:
                raise
            try:
                env.parse(laid)  # fails as the source did: now with a paragraph's line
            except jinja2.TemplateSyntaxError:
                source = laid
                raise
            raise first from None
        if variables is not None:
            variables |= meta.find_undeclared_variables(ast)  # also finds unknown filters
            if loops is not None:
                for node in ast.find_all(nodes.For):
                    if isinstance(node.iter, nodes.Name) and isinstance(node.target, nodes.Name):
                        loops.setdefault(node.iter.name, set()).add(node.target.name)
                        if items is not None:
                            items.setdefault(node.iter.name, set()).update(
                                _item_fields(node, node.target.name))
    except jinja2.TemplateSyntaxError as exc:
        raise DocgenError(Problem(syntax_message(name, source, exc.lineno, exc.message or "",
                                                 typed, env), file=str(path))) from None
    _check_no_escape_off(env, ast, path, name, source, typed)
    return ast


_TRIMMING = ("{%-", "-%}")
# a tag trimming what follows it ("-%}") first: the one that takes a cell's end with it
_TRIMMING_TAGS = (re.compile(r"\{%[^%]*?-%\}", re.DOTALL), re.compile(r"\{%-.*?%\}", re.DOTALL))
_ANY_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def _cut_by_trimming(source: str, typed: str) -> str:
    """Return the first whitespace-trimming tag (``{%-``, ``-%}``) of a part, as typed, when
    docxtpl's mending of such tags left the part's markup unbalanced; else "".

    docxtpl joins a trimming tag to the text before (``{%-``) or after (``-%}``) it,
    dropping the markup between: inside one run that is nothing, but at the edge of a table
    cell it takes the cell's end with it. The part with its tags taken out must still parse.
    """
    if not any(t in typed for t in _TRIMMING):  # (the mended source has lost the "-")
        return ""
    try:
        parse_xml(_ANY_TAG.sub("", source).replace("\n<w:p", "<w:p").encode("utf-8"), None,
                  "a part")
    except DocgenError:
        for pattern in _TRIMMING_TAGS:
            if found := pattern.search(typed):
                return " ".join(found.group().split())
        return "-%}"
    return ""


def _item_fields(loop: nodes.For, item: str) -> set[str]:
    """Return the fields of a loop's item its body shows (``r.action``, ``r["action"]``)."""
    used: set[str] = set()
    for body in loop.body:
        for node in body.find_all((nodes.Getattr, nodes.Getitem)):
            if isinstance(node.node, nodes.Name) and node.node.name == item:
                if isinstance(node, nodes.Getattr):
                    used.add(node.attr)
                elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                    used.add(node.arg.value)
    return used


def _template(env: SandboxedEnvironment, path: Path, name: str, source: str,
              ast: nodes.Template, typed: str = "") -> jinja2.Template:
    """Compile a parsed part; an unknown filter or test is reported here, as Jinja finds it.

    ``source`` is the part laid a paragraph a line: compiled again, only to word an error.
    """
    try:
        return env.from_string(ast)
    except jinja2.TemplateSyntaxError as exc:
        error = exc
    try:
        env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        error = exc
    except Exception:  # the error above stands
        pass
    raise DocgenError(Problem(syntax_message(name, source, error.lineno, error.message or "",
                                             typed, env), file=str(path))) from None


def _read(path: Path) -> tuple[list[str], dict[str, bytes]]:
    with open_package(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.filename.endswith("/")]
        if ooxml.DOCUMENT_PART not in names:
            raise DocgenError(Problem("is not a Word document (no word/document.xml)",
                                      file=str(path)))
        data = {n: read_member(zf, n, path) for n in names}
    for name in names:
        if is_xml_part(name):
            # Copied into every document or rendered: refused now if unsafe or broken, so
            # that no document is written with a part no reader opens.
            parse_xml(data[name], path, name)
    return names, data


@dataclass(frozen=True)
class _Reading:
    env: SandboxedEnvironment
    path: Path
    blank_test: str
    src: PartSource


def _compile_part(r: _Reading, name: str, text: str, body: Body | None = None,
                  whole: bool = False) -> Part:
    """Compile one part's XML as docxtpl would render it; ``whole`` for a header or footer."""
    env, path, src = r.env, r.path, r.src
    typed = text
    text = keep_deletions(text)
    prepared, runtime = ooxml.compile_placeholders(
        text, schema.PLACEHOLDERS, r.blank_test, path, name,
        declaration=text.startswith("<?xml"))
    source, amp = tags_as_typed(mend(prepared))
    if amp:
        src.notes.append(f'{path.name}: the tag "{amp}" in {part_place(name)} ({name}) holds '
                         "'&': docgen reads it as typed (docxtpl would read '&amp;')")
    # docxtpl puts each paragraph on a line (for its error messages) and joins them after
    # rendering. Only a whitespace-trimming tag ("-}}") can see those new lines; without one,
    # rendering the part unlaid is the same and saves joining every document's lines.
    laid = paragraphs_on_lines(source)
    lines = any(t in source for t in ("-}}", "-%}", "-#}"))
    # Parsed once: laid out if a tag trims whitespace, else as it is (and laid out again only
    # to word an error by its paragraph).
    rendered = _parse(env, path, name, laid if lines else source, src.variables, typed,
                      src.loops, laid=laid, items=src.items)
    source = laid
    if cut := _cut_by_trimming(source, typed):
        raise DocgenError(Problem(
            f'template error in {name}: the tag "{cut}" in {part_place(name)} trims '
            'whitespace ("-"), which docxtpl reads as "join this tag to the text before or '
            'after it", taking the document\'s markup between with it: here that cuts a '
            'paragraph or a table cell apart, which would write a broken document; remove '
            'the "-" from the tag (the spaces around a tag in Word stay as typed)',
            file=str(path)))
    proven, unbalanced = check_blocks(source)
    if unbalanced is not None:
        raise DocgenError(Problem(unbalanced_message(name, source, unbalanced, typed),
                                  file=str(path)))
    part = Part(_template(env, path, name, laid, rendered, typed), body=body, whole=whole,
                constant=not any(m in source for m in _MARKERS), proven=proven,
                placeholders=runtime, lines=lines, name=name, typed=typed, laid=laid)
    part.flat = proven and is_flat(source)
    part.ids = has_ids(source)
    if body is not None:
        part.drawings = has_drawings(source)
        part.fit = (part.constant or part.drawings or has_cell_blocks(source)
                    or not grids_fit(body.body, path, name))
    return part


def _core(env: SandboxedEnvironment, path: Path, data: bytes, src: PartSource) -> None:
    for prop, text in core_templates(data, path).items():
        ast = _parse(env, path, f"{CORE_PART} ({prop})", text, src.variables)
        src.core[prop] = _template(env, path, f"{CORE_PART} ({prop})", text, ast)
        src.core_sources[prop] = text
    src.core_xml = data


def read_template(path: Path, env: SandboxedEnvironment, blank_test: str) -> PartSource:
    """Read the template at ``path`` and compile the parts docxtpl would render."""
    names, data = _read(path)
    src = PartSource()
    if ooxml.CUSTOM_PART in data:
        src.base_properties = ooxml.read_custom_properties(
            parse_xml(data[ooxml.CUSTOM_PART], path, ooxml.CUSTOM_PART))
    else:
        names.append(ooxml.CUSTOM_PART)
    data[ooxml.CONTENT_TYPES_PART], data[ooxml.ROOT_RELS_PART] = ooxml.with_custom_part(
        data[ooxml.CONTENT_TYPES_PART], data[ooxml.ROOT_RELS_PART], path)
    body = read_body(data[ooxml.DOCUMENT_PART], path, ooxml.DOCUMENT_PART)
    if body is None:
        raise DocgenError(Problem("is not a Word document (its word/document.xml has no body)",
                                  file=str(path)))
    stories = header_footer_parts(data.get(DOCUMENT_RELS_PART), path)
    notes = footnote_parts(data[ooxml.CONTENT_TYPES_PART], path)
    reading = _Reading(env, path, blank_test, src)
    src.taken = TakenIds.of(data[n].decode("utf-8", "replace") for n in names
                            if is_story_part(n) or n == "word/comments.xml")
    for name in names:
        src.order.append(name)
        if name == ooxml.CUSTOM_PART:
            continue
        blob = data[name]
        if name == ooxml.DOCUMENT_PART:
            src.parts[name] = _compile_part(reading, name, body.body, body=body)
        elif name in stories and b"{" in blob:
            src.parts[name] = _compile_part(reading, name, read_story(blob, path, name),
                                            whole=True)
        elif name in notes and b"{" in blob and body.sections == 1:
            src.parts[name] = _compile_part(reading, name, blob.decode("utf-8"))
        else:
            if name in notes and body.sections > 1 and any(
                    m.encode() in blob for m in _MARKERS):
                src.fallback = (f"its footnotes hold tags and it has {body.sections} "
                                "sections, and docxtpl renders footnotes once per section")
            if name == CORE_PART:
                _core(env, path, blob, src)
            src.static[name] = blob
    src.warnings += coach_field_warnings(body.body)
    src.warnings += [f"{path.name}: {w}" for w in left_as_typed(
        {n: b for n, b in src.static.items() if n not in notes})]  # footnotes: see above
    return src


# A tag as typed, in a part docgen does not render (XML text: its entities still written).
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CORE_ELEMENT = re.compile(r"<(?:\w+:)?(\w+)[^>]*>([^<]*)<")
_WHERE = {"word/endnotes.xml": "the endnotes", "word/comments.xml": "a comment"}
_INSTEAD = {
    "link": "type the address in the text instead (a mailto: or web address in the text is "
            "still a link in Word), or make the link in each document",
    "property": "put it in the Title, Subject or Comments property, which are filled in, or "
                "remove it",
    "part": "move it into the document's text, or remove it",
}


def left_as_typed(static: dict[str, bytes]) -> list[str]:
    """Return a warning for each tag in a part docgen copies as it is (as docxtpl does): a
    link's address, a document property other than those filled in, the endnotes, a
    comment. Every document would show it as typed, so it is named."""
    out: list[str] = []
    for name, blob in static.items():
        if b"{{" not in blob and b"{%" not in blob:
            continue
        text = blob.decode("utf-8", "replace")
        if name.endswith(".rels"):
            found = [("a link's address", t, "link") for t in _TAG.findall(text)]
        elif name.startswith("docProps/"):
            found = [(f'the document\'s "{prop}" property', t, "property")
                     for prop, value in _CORE_ELEMENT.findall(text)
                     if not (name == CORE_PART and prop in RENDERED_CORE)
                     for t in _TAG.findall(value)]
        elif is_xml_part(name):
            found = [(_WHERE.get(name, f"part {name}"), t, "part") for t in _TAG.findall(text)]
        else:
            continue
        out += [f'{where} holds the tag "{html.unescape(tag)}", which docgen leaves as typed '
                f"(as docxtpl does): every document shows it so; {_INSTEAD[how]}"
                for where, tag, how in dict.fromkeys(found)]
    return out
