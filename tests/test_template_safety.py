"""No template, however edited or damaged, gives a broken document or a traceback.

Refusals name the feature, quote the tag as the admin sees it, say where, and the way out.
"""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from test_template_fidelity import (
    VALUES,
    assert_same,
    build,
    docgen_parts,
    libreoffice_copies,
    rewrite,
)

from docgen import jobs
from docgen.documents.render import compile_template
from docgen.errors import DocgenError


def _template(tmp_path: Path, *paragraphs: str) -> Path:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    path = tmp_path / "t.docx"
    d.save(str(path))
    return path


def _message(path: Path) -> str:
    with pytest.raises(DocgenError) as err:
        compile_template(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    return problem.message


def test_a_block_that_ends_elsewhere_is_refused_saying_where(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Intro {% if organisation %}")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "in a cell {% endif %}"
    d.save(str(tmp_path / "t.docx"))
    message = _message(tmp_path / "t.docx")
    assert '"{% if organisation %}"' in message
    assert "a paragraph's text" in message and "a table cell" in message
    assert "{%p" in message  # the way out


def test_a_block_across_paragraphs_at_one_level_is_fine(tmp_path: Path) -> None:
    path = _template(tmp_path, "A {% if organisation %}B", "C{% endif %} D")
    for value in ("", "X"):
        docgen_parts(path, {"organisation": value})  # parsed by the helper's callers


@pytest.mark.parametrize("text, words", [
    ("{%p for r in records %}", ["endfor", "the document's text", "{% for r in records %}"]),
    ("{% iff x %}", ["unknown tag", "{% iff x %}", "spelling"]),
    ("{{ team_name|urlize }}", ["urlize", "Word cannot read"]),
    ("{{ team_name ", ["{{ team_name"]),
])
def test_a_syntax_error_names_the_tag_where_and_the_way_out(tmp_path: Path, text: str,
                                                            words: list[str]) -> None:
    message = _message(_template(tmp_path, "Hello", text))
    for word in words:
        assert word in message, message


def test_a_libreoffice_entity_in_a_tag_is_read_as_typed(tmp_path: Path) -> None:
    path = _template(tmp_path, "X")
    rewrite(path, {"word/document.xml": lambda xml: (xml or b"").replace(
        b"<w:t>X</w:t>", b"<w:t>{{ &quot;a&quot; ~ organisation ~ &apos;b&apos; }}</w:t>")})
    parts = docgen_parts(path, {"organisation": "Z"})
    assert b"aZb" in parts["word/document.xml"]


def test_a_macro_writing_broken_xml_is_a_message_not_a_document(tmp_path: Path) -> None:
    path = _template(tmp_path, "X")
    rewrite(path, {"word/document.xml": lambda xml: (xml or b"").replace(
        b"<w:p><w:r><w:t>X</w:t></w:r></w:p>",
        b"<w:p><w:r><w:t>{% macro m() %}A</w:t></w:r><w:r><w:t>B{% endmacro %}</w:t></w:r>"
        b'</w:p><w:p><w:pPr><w:pStyle w:val="{{ m() }}"/></w:pPr></w:p>')})
    compiled = compile_template(path)  # macros cannot be proved: each rendering is parsed
    with pytest.raises(DocgenError, match="not well-formed"):
        compiled.render({}, {})


def test_footnotes_over_several_sections_render_through_docxtpl(tmp_path: Path) -> None:
    path = build("notes", tmp_path)
    d = docx.Document(str(path))
    d.add_section()
    d.add_paragraph("Second section {{ organisation }}")
    d.save(str(path))
    compiled = compile_template(path)
    assert not compiled.fast
    assert any("docxtpl" in n and "footnotes" in n for n in compiled.notes)
    assert_same(path, dict(VALUES))


def test_the_shipped_templates_stay_on_the_fast_path_without_warnings() -> None:
    for name in ("coaching_contract.docx", "mentor_agreement.docx"):
        compiled = compile_template(jobs.default_templates() / name)
        assert compiled.fast and compiled.notes == [] and compiled.warnings == []


def test_a_libreoffice_resave_of_the_contract_warns_about_the_coach_fields(
        tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    src = tmp_path / "coaching_contract.docx"
    shutil.copy(jobs.default_templates() / src.name, src)
    (resaved,) = libreoffice_copies([src], tmp_path / "lo")
    compiled = compile_template(resaved)
    (warning,) = compiled.warnings
    assert "record.date" in warning and "Developer › Properties" in warning


# --- random damage: a message, never a traceback ----------------------------------------------

_SNIPPETS = ["{{", "}}", "{%", "%}", "{%p ", "{%tr ", "{%tc ", "{{r ", "{#", "#}", "<", ">",
             "</w:p>", "<w:p>", "</w:t>", "&", "&quot;", "\"", "'", "{% endif %}", "{% for x %}",
             "{_{", "}_}", "|e", "\x00", "é", "{{ team_name }}", "{% if a %}", "<w:tbl>"]


def _mutate(xml: bytes, rng: random.Random) -> bytes:
    text = xml.decode("utf-8", "replace")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text))
        action = rng.random()
        if action < 0.5:
            text = text[:at] + rng.choice(_SNIPPETS) + text[at:]
        elif action < 0.8:
            text = text[:at] + text[at + rng.randint(1, 40):]
        else:
            end = at + rng.randint(1, 200)
            text = text[:at] + text[at:end][::-1] + text[end:]
    return text.encode("utf-8", "replace")


def test_mutated_templates_give_messages_never_tracebacks(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    originals = [build(name, tmp_path) for name in ("plain", "loops", "stories", "notes")]
    originals.append(jobs.default_templates() / "coaching_contract.docx")
    outcomes = {"rendered": 0, "refused": 0}
    for n in range(300):
        source = originals[n % len(originals)]
        path = tmp_path / f"m{n}.docx"
        shutil.copy(source, path)
        part = rng.choice(["word/document.xml", "word/document.xml", "word/header1.xml",
                           "word/footnotes.xml", "word/styles.xml", "docProps/core.xml"])
        with zipfile.ZipFile(path) as zf:
            if part not in zf.namelist():
                part = "word/document.xml"
        rewrite(path, {part: lambda xml: _mutate(xml or b"", rng)})
        try:
            data = compile_template(path).render(dict(VALUES), {})
        except DocgenError as exc:
            assert exc.problems and exc.problems[0].message
            outcomes["refused"] += 1
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.endswith((".xml", ".rels")):
                    from lxml import etree

                    etree.fromstring(zf.read(name))  # a document written is never broken
        outcomes["rendered"] += 1
    assert outcomes["rendered"] and outcomes["refused"]
