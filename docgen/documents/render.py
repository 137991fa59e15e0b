"""Render .docx templates: compile once, then produce each document's bytes in memory.

A template is opened once: its templated parts (body, headers, footers) are mended the way
docxtpl mends them (tags split across runs) and compiled by Jinja's *sandboxed* environment
with autoescaping and strict undefined fields; every other part is compressed once. Rendering
a document then only runs the compiled templates and writes the zip, which is what makes bulk
generation fast (the plain docxtpl loop takes ~38 ms a document, nearly all of it work that
is the same for every row).

This module speaks in templates and parts; the WordprocessingML it needs (placeholders in
content controls, line breaks, table grids, part names) is :mod:`docgen.ooxml`'s.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from docgen import ooxml, schema
from docgen.errors import DocgenError, Problem
from docgen.ooxml.markup import (
    NEEDS_CARE,
    paragraphs_joined,
    paragraphs_on_lines,
    run_text,
    strip_markup,
)
from docgen.ooxml.names import is_story_part, is_xml_part
from docgen.ooxml.tables import fit_table_grids
from docgen.safezip import open_package, parse_xml, read_member, refuse_entities

_needs_care = NEEDS_CARE.search  # bound once: xml_text runs for every field of every document
_BLANK_TEST = "docgen_blank"
_ZIP_DATE, _ZIP_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00: same data, same bytes


def xml_text(value: object) -> Markup:
    """Return ``value`` as text safe inside ``<w:t>``: escaped, line breaks as ``<w:br/>``.

    Used as Jinja's ``finalize``, so it applies to every ``{{ }}`` after filters ran and
    before autoescaping: characters XML forbids are dropped (they make rendering fail or, for
    a form feed, cut the value), and new lines become Word line breaks.
    """
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    if isinstance(value, str) and not _needs_care(value):
        return Markup(value)  # the common case: nothing to escape, drop or break
    return Markup(run_text(str(value)))


def make_environment() -> SandboxedEnvironment:
    """Return the Jinja environment every template renders in: sandboxed, escaping, strict."""
    env = SandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=xml_text,
        keep_trailing_newline=True,
    )
    env.filters.pop("safe", None)  # escaping is not optional: a raw '<' would break the XML
    env.tests[_BLANK_TEST] = _blank
    return env


def _blank(value: object) -> bool:
    """Return True when ``value`` renders as no text at all (so a placeholder shows)."""
    if isinstance(value, str) and not _needs_care(value):
        return not value
    return not xml_text(value)


def _mend(xml: str) -> str:
    """Mend Jinja tags that Word split across runs, exactly as docxtpl does.

    docxtpl's ``patch_xml`` is a pure function of its text argument; using it keeps our output
    the same as the plain docxtpl path for every tag form it supports ({%p %}, {%tr %}, ...).
    """
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Member:
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate


def _deflate(data: bytes, level: int = 6) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _member(name: str, data: bytes, level: int = 6) -> _Member:
    return _Member(name.encode(), zlib.crc32(data), len(data), _deflate(data, level))


def _zip(members: list[_Member]) -> bytes:
    """Return a zip archive of already-deflated members (no zip64: documents are small)."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, _ZIP_TIME, _ZIP_DATE,
            m.crc, len(m.data), m.size, len(m.name), 0,
        )
        central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, _ZIP_TIME, _ZIP_DATE,
            m.crc, len(m.data), m.size, len(m.name), 0, 0, 0, 0, 0, offset,
        ) + m.name)
        out += (header, m.name, m.data)
        offset += len(header) + len(m.name) + len(m.data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd),
                      offset, 0)
    return b"".join(out) + cd + end


@dataclass
class CompiledTemplate:
    """A template ready to render many documents: compiled parts and pre-compressed others."""

    path: Path
    digest: str  # sha256 of the template file: part of what makes a document "unchanged"
    variables: frozenset[str]
    _order: list[str] = field(repr=False)
    _static: dict[str, _Member] = field(repr=False)
    _parts: dict[str, jinja2.Template] = field(repr=False)
    _fix_tables: set[str] = field(repr=False)
    _runtime_placeholders: set[str] = field(repr=False)
    _base_properties: dict[str, str] = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def missing(self, context: Mapping[str, object]) -> list[str]:
        """Return the fields this template uses that ``context`` does not provide."""
        return sorted(self.variables - set(context))

    def render_parts(self, context: Mapping[str, object]) -> dict[str, bytes]:
        """Return the rendered XML of every templated part (before placeholders)."""
        out: dict[str, bytes] = {}
        for name, template in self._parts.items():
            try:
                xml = template.render(context)
            except SecurityError as exc:
                raise DocgenError(Problem(
                    f"the template reaches for Python internals ({exc}): refused, "
                    "nothing was written", file=str(self.path))) from None
            except jinja2.UndefinedError as exc:
                raise DocgenError(Problem(
                    f"the template uses a field the data lacks ({exc.message})",
                    file=str(self.path))) from None
            except jinja2.TemplateError as exc:
                raise DocgenError(Problem(
                    f"the template cannot be rendered: {exc}", file=str(self.path))) from None
            except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
                raise DocgenError(Problem(
                    f"the template failed on a value: {exc}", file=str(self.path))) from None
            xml = paragraphs_joined(xml)
            if name in self._fix_tables:
                xml = fit_table_grids(xml, self.path, name)
            out[name] = xml.encode("utf-8")
        return out

    def render(self, context: Mapping[str, object], properties: Mapping[str, str]) -> bytes:
        """Return the bytes of one document: ``context`` merged, ``properties`` recorded."""
        rendered = self.render_parts(context)
        members: list[_Member] = []
        for name in self._order:
            if name in rendered:
                data = rendered[name]
                if name in self._runtime_placeholders:
                    data = ooxml.fill_placeholders(data, schema.PLACEHOLDERS, self.path, name)
                members.append(_member(name, data, level=1))
            elif name == ooxml.CUSTOM_PART:
                props = {**self._base_properties, **properties}
                members.append(_member(name, ooxml.custom_properties_xml(props)))
            else:
                members.append(self._static[name])
        return _zip(members)


def _check_no_escape_off(ast: nodes.Template, path: Path) -> None:
    for node in ast.find_all((nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)):
        for kw in node.options:
            if kw.key == "autoescape":
                raise DocgenError(Problem(
                    "the template switches off escaping ({% autoescape %}): values must "
                    "always be escaped for Word's XML; remove the tag", file=str(path)))


def _syntax_problem(path: Path, part: str, source: str, exc: jinja2.TemplateSyntaxError) -> Problem:
    lines = source.splitlines()
    near = ""
    if exc.lineno and 0 < exc.lineno <= len(lines):
        near = strip_markup(lines[exc.lineno - 1]).strip()
    where = f' near "{near[:80]}"' if near else ""
    return Problem(f"template error in {part}{where}: {exc.message}", file=str(path))


def compile_template(path: Path, env: SandboxedEnvironment | None = None) -> CompiledTemplate:
    """Open and compile the template at ``path``; raise :class:`DocgenError` if it is broken."""
    path = Path(path)
    env = env or make_environment()
    raw = path.read_bytes() if path.is_file() else None
    if raw is None:
        raise DocgenError(Problem("template not found", file=str(path)))
    static: dict[str, _Member] = {}
    parts: dict[str, jinja2.Template] = {}
    fix_tables: set[str] = set()
    runtime_placeholders: set[str] = set()
    variables: set[str] = set()
    order: list[str] = []
    base_props: dict[str, str] = {}
    with open_package(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.filename.endswith("/")]
        if ooxml.DOCUMENT_PART not in names:
            raise DocgenError(Problem("is not a Word document (no word/document.xml)",
                                      file=str(path)))
        data = {n: read_member(zf, n, path) for n in names}
    if ooxml.CUSTOM_PART in data:
        base_props = ooxml.read_custom_properties(
            parse_xml(data[ooxml.CUSTOM_PART], path, ooxml.CUSTOM_PART))
    else:
        names.append(ooxml.CUSTOM_PART)
    data[ooxml.CONTENT_TYPES_PART], data[ooxml.ROOT_RELS_PART] = ooxml.with_custom_part(
        data[ooxml.CONTENT_TYPES_PART], data[ooxml.ROOT_RELS_PART], path)
    for name in names:
        order.append(name)
        if name == ooxml.CUSTOM_PART:
            continue
        blob = data[name]
        if is_story_part(name) and b"{" in blob:
            text = blob.decode("utf-8")
            prepared, runtime = ooxml.compile_placeholders(
                text, schema.PLACEHOLDERS, _BLANK_TEST, path, name)
            if runtime:
                runtime_placeholders.add(name)
            source = paragraphs_on_lines(_mend(prepared))
            if "{{" in source or "{%" in source or "{#" in source:
                try:
                    ast = env.parse(source)
                    _check_no_escape_off(ast, path)
                    variables |= meta.find_undeclared_variables(ast)
                    parts[name] = env.from_string(ast)
                except jinja2.TemplateSyntaxError as exc:
                    raise DocgenError(_syntax_problem(path, name, source, exc)) from None
                if "{%tc" in text or "{%tc" in source:
                    fix_tables.add(name)
                continue
        if is_xml_part(name):
            refuse_entities(blob, path, name)  # copied into every document: no DTD either
        static[name] = _member(name, blob)
    return CompiledTemplate(
        path=path,
        digest=hashlib.sha256(raw).hexdigest(),
        variables=frozenset(variables),
        _order=order,
        _static=static,
        _parts=parts,
        _fix_tables=fix_tables,
        _runtime_placeholders=runtime_placeholders,
        _base_properties=base_props,
    )
