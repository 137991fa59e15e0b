"""Render .docx templates: compile once, then produce each document's bytes in memory.

A template is opened once and read as docxtpl reads it (:mod:`docgen.ooxml.story`): the same
parts, serialised the same way, mended by docxtpl's own ``patch_xml``, and compiled by Jinja's
*sandboxed* environment with autoescaping and strict undefined fields; every other part is
compressed once. Rendering a document then runs the compiled templates and docxtpl's
after-steps (literal-tag escapes, tabs and breaks, table grids, drawing ids) only where they
can change something, makes unique the paragraph, bookmark and comment ids a loop repeated
(docxtpl leaves those, and Word would ask to repair the document: :mod:`docgen.ooxml.ids`),
and writes the zip: the same output as docxtpl, at a fraction of the cost (the plain docxtpl
loop takes 25-40 ms a document, nearly all of it work that is the same for every row; this
path ~0.4 ms of CPU). A template whose output the fast path cannot guarantee is rendered by docxtpl
itself (:mod:`docgen.documents.fidelity`), and says so in :attr:`CompiledTemplate.notes`.

This module speaks in templates and parts; the WordprocessingML it needs is
:mod:`docgen.ooxml`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from docgen import ooxml, schema
from docgen.content import entries_digest
from docgen.documents.messages import BLANK_TEST, render_message
from docgen.documents.package import Member, crc32, listing_entry, member, write_zip
from docgen.documents.parts import Part, PartSource, read_template
from docgen.errors import DocgenError, Problem, os_problem
from docgen.ooxml.ids import TakenIds, unique_ids
from docgen.ooxml.listing import drop_controls, resolve, resolve_listing
from docgen.ooxml.markup import NEEDS_CARE, clean_markup, paragraphs_joined, value_text
from docgen.ooxml.properties import CORE_PART, core_xml_with
from docgen.ooxml.story import DECLARATION
from docgen.ooxml.tables import fit_table_grids
from docgen.safezip import parse_xml
from docgen.values import format_date, format_date_short, format_time

if TYPE_CHECKING:
    from docgen.ooxml.wordtext import Body

_needs_care = NEEDS_CARE.search  # bound once: xml_text runs for every field of every document
# Markup made from text known to be escaped, without Markup's own __new__ (which checks for
# __html__ in Python): str's, called directly, for every field of every document.
_markup = str.__new__
_NO_TEXT = Markup("")
# Where the custom properties go, once known (named as they are: the content digest leaves
# them out by name).
_PLACEHOLDER = Member(ooxml.CUSTOM_PART.encode(), 0, 0, b"")
_LITERAL_TAGS = ((b"{_{", b"{{"), (b"}_}", b"}}"), (b"{_%", b"{%"), (b"%_}", b"%}"))
# docxtpl's tags for a paragraph, row, cell or run ("{%p if x %}", "{{r x }}"): in the text of
# the body's lines, the plain Jinja tag.
_DOCXTPL_TAGS = re.compile(r"(\{[{%#])(?:p|tr|tc|r)\s")
# What a value's breaks become in a document, as lines: a paragraph, a page break, a new line.
_BREAKS = re.compile("[\a\f\v\r]")


def _lines_of(text: str) -> list[str]:
    """Return the lines of a document's text, each of :data:`_BREAKS` ending one too.

    The regex runs only on text holding one of them (rare): testing for each is a few
    C-level scans, where the regex over an agreement's text took a tenth of making its lines.
    """
    if "\r" in text or "\v" in text or "\f" in text or "\a" in text:
        text = _BREAKS.sub("\n", text)
    return text.split("\n")


def xml_text(value: object) -> Markup:
    """Return ``value`` as escaped text for the XML (Jinja's ``finalize``).

    It applies to every ``{{ }}`` after filters ran: ``None`` is no text, characters XML
    forbids are dropped, line ends become new lines; tabs and new lines are left for
    docxtpl's listing step, which makes them markup where they land in a run's text.
    """
    if type(value) is str:  # the common case first: one type check, not three
        return _markup(Markup, value if not _needs_care(value) else value_text(value))
    if value is None:
        return _NO_TEXT
    if isinstance(value, Markup):
        return value if not _needs_care(value) else Markup(clean_markup(value))
    if isinstance(value, str) and not _needs_care(value):
        return _markup(Markup, value)  # the common case: nothing to escape or drop
    return _markup(Markup, value_text(str(value)))


def rendered(template: jinja2.Template, context: Mapping[str, object]) -> str:
    """Return ``template.render(context)``, at about half Jinja's own cost per call.

    Jinja's ``render`` copies the values twice and makes a set of the template's globals
    (a ChainMap, walked in Python) for every call: ~15 us a template, of which a document
    renders three or four (~10 % of an agreement's work). Here the globals are copied once
    per template into a plain dict, and the values merged over them once per call, as Jinja
    merges them. On any error the template is rendered again Jinja's own way, so the error
    raised (and its traceback, which names the template's line) is Jinja's, as before.
    """
    found = template.__dict__.get("_docgen_globals")
    if found is None:
        found = template._docgen_globals = dict(template.globals)  # type: ignore[attr-defined]
    env = template.environment
    try:
        ctx = env.context_class(env, {**found, **context}, template.name, template.blocks,
                                globals=found)
        return env.concat(template.root_render_func(ctx))  # type: ignore[attr-defined,no-any-return]
    except Exception:  # noqa: BLE001 - raised again below, as Jinja raises it
        return template.render(context)


def _as_date(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def ukdate(value: object) -> str:
    """Format a date as "3 April 2026" and a time as "14:00"; text is left as it is."""
    value = _as_date(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    return "" if value is None else str(value)


def longdate(value: object) -> str:
    """Format a date with its weekday, as "Friday 3 April 2026"; text is left as it is."""
    value = _as_date(value)
    if isinstance(value, dt.date):
        return f"{value.strftime('%A')} {format_date(value)}"
    return ukdate(value)


def shortdate(value: object) -> str:
    """Format a date as "03/04/2026"; text is left as it is."""
    value = _as_date(value)
    return format_date_short(value) if isinstance(value, dt.date) else ukdate(value)


class _XmlCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing ``{{ x }}`` as ``finalize(x)`` rather than
    ``escape(finalize(x))`` where autoescaping is on.

    :func:`xml_text` (the ``finalize``) already returns escaped :class:`Markup`, which
    ``escape`` would only copy: a Python call and a new string for every field of every
    document, saved. Output is the same by construction (``escape(m) == m`` for Markup); an
    environment without autoescaping or finalize, or with escaping switched at run time,
    gets Jinja's own code.
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write("(" + finalize.src)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write("))")


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(SandboxedEnvironment):
    code_generator_class = _XmlCodeGenerator

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Return ``obj.attribute`` as the sandbox does, a plain dict's item the short way.

        Jinja tries the attribute first and, for ``r.date`` on a dict, pays for an
        ``AttributeError`` before reading the item; a dict has no attribute of that name
        (none outside ``dir(dict)``), so reading the item at once is the same answer.
        """
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_environment() -> SandboxedEnvironment:
    """Return the Jinja environment every template renders in: sandboxed, escaping, strict."""
    env = _Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=xml_text,
        keep_trailing_newline=True,
    )
    # Escaping is not optional (a raw '<' breaks the XML), nor is writing HTML markup.
    for name in ("safe", "urlize", "xmlattr"):
        env.filters.pop(name, None)
    env.globals.pop("lipsum", None)
    env.filters.update(ukdate=ukdate, longdate=longdate, shortdate=shortdate)
    env.tests[BLANK_TEST] = _blank
    return env


def _blank(value: object) -> bool:
    """Return True when ``value`` renders as no text at all (so a placeholder shows)."""
    if type(value) is str and not _needs_care(value):
        return not value
    return not xml_text(value)


def _failure(path: Path, exc: Exception, where: str = "") -> DocgenError:
    """Return the error for a template that failed on this document's values.

    ``where`` names the tag that failed as the admin typed it, when it could be found.
    """
    file = str(path)
    if isinstance(exc, DocgenError):
        return exc
    what = where or "the template"
    if isinstance(exc, SecurityError):
        text = f"{what} reaches for Python internals ({exc}): refused, nothing was written"
    elif isinstance(exc, jinja2.UndefinedError):
        text = f"{what} uses a field the data lacks ({exc.message})"
    elif isinstance(exc, jinja2.TemplateError):
        text = f"{what} cannot be rendered: {exc}"
    elif isinstance(exc, (TypeError, ValueError, ArithmeticError, AttributeError)):
        text = f"{what} failed on a value: {exc}"
    else:
        text = f"{what} failed ({type(exc).__name__}: {exc})"
    return DocgenError(Problem(text, file=file))


def _template_line(exc: BaseException) -> int | None:
    """Return the template line a rendering error was raised at (Jinja's traceback names it)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _failed_tag(env: jinja2.Environment, name: str, source: str, typed: str,
                context: Mapping[str, object], exc: Exception) -> str:
    """Return the tag, as typed, that ``exc`` was raised at; "" when none can be named.

    The part is rendered again from the source laid a paragraph a line, so that Jinja's
    line number says which paragraph (only ever done for a document that failed).
    """
    if isinstance(exc, DocgenError) or not source:
        return ""
    try:
        env.from_string(source).render(context)
    except Exception as again:
        line = _template_line(again)
        message = getattr(again, "message", None) or str(again)
        kind = type(again)

        def fails(tag: str) -> bool:  # the tag alone, with the document's values
            try:
                env.from_string(tag).render(context)
            except kind:
                return True
            except Exception:
                return False
            return False

        try:
            return render_message(name, source, typed, env, line, message, fails)
        except Exception:  # wording a message must not hide the failure itself
            return ""
    return ""


@dataclass
class CompiledTemplate:
    """A template ready to render many documents: compiled parts and pre-compressed others.

    ``notes`` says how it renders when that is not the fast path (for the run's summary);
    ``warnings`` what an admin should fix in it (e.g. coach fields that lost their tags).
    """

    path: Path
    digest: str  # sha256 of the template file: part of what makes a document "unchanged"
    variables: frozenset[str]
    notes: list[str] = field(default_factory=list)
    loops: dict[str, set[str]] = field(default_factory=dict)  # field -> its items' names
    items: dict[str, set[str]] = field(default_factory=dict)  # field -> its items' fields shown
    warnings: list[str] = field(default_factory=list)
    _order: list[str] = field(default_factory=list, repr=False)
    _static: dict[str, Member] = field(default_factory=dict, repr=False)
    _parts: dict[str, Part] = field(default_factory=dict, repr=False)
    _core: dict[str, jinja2.Template] = field(default_factory=dict, repr=False)
    _core_xml: bytes = field(default=b"", repr=False)
    _core_sources: dict[str, str] = field(default_factory=dict, repr=False)
    _env: jinja2.Environment | None = field(default=None, repr=False)
    _taken: TakenIds = field(default_factory=TakenIds, repr=False)
    _base_properties: dict[str, str] = field(default_factory=dict, repr=False)
    _docxtpl: Callable[[Mapping[str, object], Mapping[str, str]], bytes] | None = field(
        default=None, repr=False)
    _lines: jinja2.Template | bool | None = field(default=None, repr=False)  # False: none
    # by the function that picks them: some units' lines as a text template (False: none)
    _picked: dict[object, jinja2.Template | bool] = field(default_factory=dict, repr=False)
    _static_margins: tuple[list[str], list[str]] | None = field(default=None, repr=False)
    # per rendered header, footer or notes part: its lines as a text template (checked on the
    # first document), or False: parsed from each document
    _margin_texts: dict[str, jinja2.Template | bool] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fast(self) -> bool:
        """Return True when documents render through the compiled path (not docxtpl's)."""
        return self._docxtpl is None

    def missing(self, context: Mapping[str, object]) -> list[str]:
        """Return the fields this template uses that ``context`` does not provide."""
        return sorted(self.variables - set(context))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle as the file and its digest: a worker process that is spawned, not forked,
        compiles the template again (compiled Jinja code does not pickle)."""
        return _compiled_again, (self.path, self.digest, list(self.notes), list(self.warnings))

    def prepare(self) -> None:
        """Do now what the first document would do that needs no values: make the text
        template of its lines (:meth:`written_lines`) and read the lines of the margins that
        hold no field. generate does it while the cohort is read in another process."""
        from docgen.ooxml.margins import margin_lines, part_key, part_kind

        if self._lines is None:
            self._lines = self._lines_template() or False
        if self._static_margins is None:
            static = [(name, m) for name, m in self._static.items() if part_kind(name)]
            self._static_margins = (
                [line for name, m in static
                 for _w, line in margin_lines(parse_xml(zlib.decompress(m.data, -15),
                                                        self.path, name))],
                [part_key(name, m.crc, m.size) for name, m in static])

    def written_lines(self, context: Mapping[str, object]) -> list[str] | None:
        """Return the lines of text the body of a document holds for ``context`` (see
        :mod:`docgen.written`), made from the template's own text, cheaply; None when they
        cannot be made so (the document must then be read back).

        The template's body is flattened as the log reads a document (paragraphs and cells,
        their lines), and that text, tags and all, rendered as text in the documents'
        sandbox: docxtpl's paragraph, row and cell tags are plain Jinja tags there, each on
        its line. A caller checks the lines against a document read back once per template.
        """
        if self._lines is None:
            self.prepare()
        if self._lines is False:
            return None
        try:
            text = rendered(self._lines, context)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - the document itself says what is wrong
            return None
        return _lines_of(text)

    def picked_lines(self, context: Mapping[str, object],
                     pick: Callable[[Body], Iterable[int]]) -> list[str] | None:
        """Return the lines of the body's units that ``pick`` chooses (given the template's
        body as the log reads it: the header row of its COACHING RECORD table, whose lines
        :mod:`docgen.written` records apart) for ``context``, made from the template's own
        text as :meth:`written_lines` makes them; None when they cannot be made so. The
        units are picked once per template."""
        made = self._picked.get(pick)
        if made is None:
            made = self._picked[pick] = self._lines_template(pick) or False
        if made is False:
            return None
        try:
            text = rendered(made, context)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - the document itself says what is wrong
            return None
        return _lines_of(text) if text else []

    def _lines_template(self, pick: Callable[[Body], Iterable[int]] | None = None
                        ) -> jinja2.Template | None:
        part = self._parts.get(ooxml.DOCUMENT_PART)
        if self._env is None or part is None or part.body is None:
            return None
        from docgen.ooxml.wordtext import read_body  # only agreements need it, once

        try:
            root = parse_xml((part.body.head + part.typed + part.body.tail).encode("utf-8"),
                             self.path, ooxml.DOCUMENT_PART)
            body = read_body(root)
            units = body.units if pick is None else [body.units[i] for i in pick(body)]
            text = "\n".join(u.text for u in units)
            env = self._env.overlay(autoescape=False, finalize=_plain)
            return env.from_string(_DOCXTPL_TAGS.sub(lambda m: m[1] + " ", text))
        except Exception:  # noqa: BLE001 - a template Jinja cannot read as text: read back
            return None

    def _finish(self, name: str, part: Part, xml: str) -> bytes:
        """Apply docxtpl's after-steps to a rendered part; return the part's bytes."""
        if part.lines:
            xml = paragraphs_joined(xml)
        xml = drop_controls(resolve_listing(xml, resolve, part.flat))
        if part.ids:  # docxtpl leaves a loop's copies sharing ids; Word would repair them
            xml = unique_ids(xml, self._taken)
        parsed = False
        if part.body is not None:
            if part.fit:
                xml = fit_table_grids(xml, self.path, name, renumber=part.drawings)
                parsed = True
            xml = part.body.head + xml + part.body.tail
        elif part.whole:
            xml = DECLARATION + xml
        data = xml.encode("utf-8")
        # docxtpl's escapes for tags meant to be printed ({_{ x }_}). docxtpl replaces them
        # before the listing step, which neither creates nor splits them, so after is the
        # same; and searching bytes is several times faster than searching non-ASCII text.
        # A brace is looked for first: one byte is found by memchr, many times faster than
        # two (~5 instructions a byte), and a rendered part seldom holds a brace at all.
        if (b"{" in data or b"}" in data) and (b"{_" in data or b"_}" in data):
            for escaped, tag in _LITERAL_TAGS:
                data = data.replace(escaped, tag)
        if part.placeholders:
            data = ooxml.fill_placeholders(data, schema.PLACEHOLDERS, self.path, name)
        if not (part.proven or parsed):
            parse_xml(data, self.path, name)  # not provably well-formed: checked each time
        return data

    def render_parts(self, context: Mapping[str, object]) -> dict[str, bytes]:
        """Return the bytes of every part that depends on ``context``."""
        out: dict[str, bytes] = {}
        name, source, typed = "", "", ""
        try:
            for name, part in self._parts.items():
                source, typed = part.laid, part.typed
                out[name] = self._finish(name, part, rendered(part.template, context))
            values = {}
            for prop, template in self._core.items():
                name, source, typed = f"{CORE_PART} ({prop})", self._core_sources[prop], ""
                values[prop] = drop_controls(rendered(template, context))
            if values:
                out[CORE_PART] = core_xml_with(self._core_xml, values, self.path)
        except Exception as exc:  # a template must never end in a traceback
            where = _failed_tag(self._env, name, source, typed, context, exc) if self._env \
                else ""
            raise _failure(self.path, exc, where) from None
        return out

    def _margins(self, rendered: Mapping[str, bytes], context: Mapping[str, object]) -> str:
        """Return ``docgen.margins`` for a document whose parts that depend on its values
        are ``rendered`` from ``context`` (the others are the template's own, read once): the
        lines of text docgen wrote in its headers, footers and notes, and those parts as
        written. A part's lines are made from its template's text and the values (about a
        tenth of the cost of parsing it) once the first document shows that they are what
        the part says."""
        from docgen.ooxml.margins import margin_lines, margins_property, part_key, part_kind

        if self._static_margins is None:
            self.prepare()
        assert self._static_margins is not None
        lines, parts = list(self._static_margins[0]), list(self._static_margins[1])
        for name, data in rendered.items():
            if not part_kind(name):
                continue
            parts.append(part_key(name, crc32(data), len(data)))
            text = self._margin_texts.get(name)
            if text is None:  # the first document: made both ways, compared
                read = [line for _w, line in margin_lines(parse_xml(data, self.path, name))]
                made = self._margin_text(name)
                same = made is not None and _render_lines(made, context) == read
                self._margin_texts[name] = made if same and made is not None else False
                lines.extend(read)
            elif text is False or (made_lines := _render_lines(text, context)) is None:
                lines.extend(line for _w, line in margin_lines(parse_xml(data, self.path, name)))
            else:
                lines.extend(made_lines)
        return margins_property(lines, parts)

    def _margin_text(self, name: str) -> jinja2.Template | None:
        """Return a margin part's lines, tags and all, as one text template (lines joined
        by NUL), or None when its XML or its text cannot be read so."""
        from docgen.ooxml.margins import margin_lines

        part = self._parts.get(name)
        if part is None or self._env is None:
            return None
        try:
            root = parse_xml(part.typed.encode("utf-8"), self.path, name)
            text = "\0".join(line for _w, line in margin_lines(root))
            env = self._env.overlay(autoescape=False, finalize=_plain)
            return env.from_string(_DOCXTPL_TAGS.sub(lambda m: m[1] + " ", text))
        except Exception:  # noqa: BLE001 - read from each document instead
            return None

    def render(self, context: Mapping[str, object], properties: Mapping[str, str]) -> bytes:
        """Return the bytes of one document: ``context`` merged, ``properties`` recorded."""
        if self._docxtpl is not None:  # what its margins say is read from it, then recorded
            from docgen.ooxml.margins import package_margins

            margins = package_margins(self._docxtpl(context, properties), self.path)
            return self._docxtpl(context, {**properties, schema.PROP_MARGINS: margins})
        rendered = self.render_parts(context)
        members: list[Member] = []
        custom = -1
        for name in self._order:
            if name in rendered:
                members.append(member(name, rendered[name], level=1))
            elif name == ooxml.CUSTOM_PART:
                custom = len(members)
                members.append(_PLACEHOLDER)  # filled below
            else:
                members.append(self._static[name])
        if custom >= 0:  # the properties last: they carry a digest of the other parts
            digest = entries_digest(listing_entry(m) for m in members
                                    if m.name != _PLACEHOLDER.name)  # as content_digest
            props = {**self._base_properties, **properties, schema.PROP_CONTENT: digest,
                     schema.PROP_MARGINS: self._margins(rendered, context)}
            members[custom] = member(ooxml.CUSTOM_PART, ooxml.custom_properties_xml(props),
                                     level=1)
        return write_zip(members)


def compile_template(path: Path, env: SandboxedEnvironment | None = None) -> CompiledTemplate:
    """Open and compile the template at ``path``; raise :class:`DocgenError` if it is broken.

    Whatever the file holds, the outcome is a template or a :class:`DocgenError` naming it.
    """
    path = Path(path)
    env = env or make_environment()
    if not path.is_file():
        raise DocgenError(Problem("template not found", file=str(path)))
    try:
        return _compile(path, env)
    except DocgenError:
        raise
    except Exception as exc:  # a damaged template must be a message, never a traceback
        raise DocgenError(Problem(
            f"cannot be read as a template ({type(exc).__name__}: {exc}); open it in Word, "
            "save it as a .docx, and try again", file=str(path))) from None


def _compiled_again(path: Path, digest: str, notes: list[str],
                    warnings: list[str]) -> CompiledTemplate:
    """Compile the template at ``path`` in a worker process, refusing a file that is no longer
    the one the run started with (its documents would not be the run's)."""
    compiled = compile_template(path)
    if compiled.digest != digest:
        raise DocgenError(Problem(
            "the template changed while docgen was making documents from it: run the "
            "command again", file=str(path)))
    compiled.notes[:], compiled.warnings[:] = notes, warnings
    return compiled


def _compile(path: Path, env: SandboxedEnvironment) -> CompiledTemplate:
    source: PartSource = read_template(path, env, BLANK_TEST)
    compiled = CompiledTemplate(
        path=path,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        variables=frozenset(source.variables),
        loops=source.loops,
        items=source.items,
        notes=list(source.notes),
        warnings=list(source.warnings),
        _order=source.order,
        _parts=source.parts,
        _core=source.core,
        _core_xml=source.core_xml,
        _core_sources=source.core_sources,
        _env=env,
        _taken=source.taken,
        _base_properties=source.base_properties,
    )
    for name, blob in source.static.items():
        compiled._static[name] = member(name, blob)
    for name, part in list(source.parts.items()):
        if part.constant:  # no tags: rendered once, here
            compiled._static[name] = member(name, compiled._finish(name, part, part.template
                                                                   .render({})))
            del compiled._parts[name]
    if source.fallback:
        from docgen.documents.fidelity import docxtpl_renderer

        compiled._docxtpl = docxtpl_renderer(path, env, source.base_properties)
        compiled.notes.append(f"{path.name} is rendered through docxtpl's own path (slower): "
                              f"{source.fallback}")
    return compiled


# --- plain text: the message `docgen mail` writes ---------------------------------------------


def _render_lines(template: jinja2.Template, context: Mapping[str, object]) -> list[str] | None:
    """Return the lines a margin part's text template makes for ``context`` (blank ones
    left out, as the part's own reading leaves them), or None if it cannot be rendered."""
    try:
        text = rendered(template, context)
    except Exception:  # noqa: BLE001 - the part is parsed instead
        return None
    return [line for line in text.split("\0") if line.strip()]


def _plain(value: object) -> object:
    """Jinja's ``finalize`` for a text message: None is no text, anything else as it is."""
    return "" if value is None else value


def compile_text(path: Path, text: str | None = None) -> Callable[[Mapping[str, object]], str]:
    """Compile the plain-text template at ``path`` (the coaches' message); return its renderer.

    It is compiled by the documents' sandboxed environment (same filters, same refusal of
    Python internals, same strict fields), without the escaping XML needs: a message is text.
    Compiled here, once, so a broken template is named before anything is written; reading,
    compiling or rendering it fails as a :class:`DocgenError` naming the file. ``text``, when
    given, is compiled instead of the file's (a part of it), named as the file.
    """
    env = make_environment().overlay(autoescape=False, finalize=_plain, trim_blocks=True,
                                     lstrip_blocks=True)
    try:
        if text is None:
            text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        template = env.from_string(text)
    except UnicodeDecodeError:
        raise DocgenError(Problem("is not UTF-8 text: save it as UTF-8 (plain text) and try "
                                  "again", file=str(path))) from None
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", path)) from None
    except Exception as exc:  # a template error must be a message, never a traceback
        raise DocgenError(_text_problem(path, exc)) from None

    def render(fields: Mapping[str, object]) -> str:
        try:
            return template.render(fields)
        except Exception as exc:  # a template must never end in a traceback
            raise DocgenError(_text_problem(path, exc)) from None

    return render


def _text_problem(path: Path, exc: Exception) -> Problem:
    if isinstance(exc, SecurityError):
        text = f"the message template reaches for Python internals ({exc}): refused"
    elif isinstance(exc, jinja2.UndefinedError):
        text = (f"the message template uses a field docgen does not give ({exc.message}); "
                "correct it (see the README for the fields)")
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        text = f"the message template cannot be read: {exc.message} (line {exc.lineno})"
    else:
        text = f"the message template failed ({type(exc).__name__}: {exc})"
    return Problem(text, file=str(path))
