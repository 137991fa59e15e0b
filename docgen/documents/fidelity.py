"""Render a template through docxtpl's own path, for templates the fast path cannot vouch for.

Slow (~40 ms a document) but docxtpl's output by definition. docgen then does what it does to
every document: records its properties, shows placeholders in empty coach fields, and checks
that every part is well-formed, so a broken document is never written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from docgen import ooxml, schema
from docgen.documents.package import member, write_zip
from docgen.errors import DocgenError, Problem
from docgen.ooxml.ids import TakenIds, unique_ids
from docgen.ooxml.names import is_story_part, is_xml_part
from docgen.safezip import open_package, parse_xml, read_member

Renderer = Callable[[Mapping[str, object], Mapping[str, str]], bytes]


def _rendered(path: Path, env: SandboxedEnvironment, context: Mapping[str, object]) -> bytes:
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(dict(context), jinja_env=env, autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
    except DocgenError:
        raise
    except Exception as exc:  # docxtpl's own failures: a message, never a traceback
        raise DocgenError(Problem(f"docxtpl could not render it ({type(exc).__name__}: {exc})",
                                  file=str(path))) from None
    return buf.getvalue()


def docxtpl_renderer(path: Path, env: SandboxedEnvironment,
                     base_properties: Mapping[str, str]) -> Renderer:
    """Return a function rendering one document from ``path`` with docxtpl.

    Like the fast path, it then makes unique the ids docxtpl's loops leave repeated
    (:mod:`docgen.ooxml.ids`).
    """
    with open_package(path) as zf:
        taken = TakenIds.of(read_member(zf, n, path).decode("utf-8", "replace")
                            for n in zf.namelist()
                            if is_story_part(n) or n == "word/comments.xml")

    def render(context: Mapping[str, object], properties: Mapping[str, str]) -> bytes:
        with zipfile.ZipFile(io.BytesIO(_rendered(path, env, context))) as zf:
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
        parts[ooxml.DOCUMENT_PART] = ooxml.fill_placeholders(
            parts[ooxml.DOCUMENT_PART], schema.PLACEHOLDERS, path)
        parts[ooxml.CUSTOM_PART] = ooxml.custom_properties_xml(
            {**base_properties, **properties})
        parts[ooxml.CONTENT_TYPES_PART], parts[ooxml.ROOT_RELS_PART] = ooxml.with_custom_part(
            parts[ooxml.CONTENT_TYPES_PART], parts[ooxml.ROOT_RELS_PART], path)
        for name in [n for n in parts if is_story_part(n)]:
            try:
                text = parts[name].decode("utf-8")
            except UnicodeDecodeError:  # not docxtpl's own writing: left to the check below
                continue
            parts[name] = unique_ids(text, taken).encode("utf-8")
        for name, data in parts.items():
            if is_xml_part(name):
                parse_xml(data, path, name)  # raises, naming the part, if docxtpl broke it
        return write_zip([member(name, data) for name, data in parts.items()])

    return render
