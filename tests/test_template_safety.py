"""No template, however edited or damaged, gives a broken document or a traceback.

Refusals name the feature, quote the tag as the admin sees it, say where, and the way out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from conftest import ROOT, TODAY
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
    ("{%p for r in records %}", ["endfor", "the document's text", '"{%p for r in records %}"']),
    ("{% iff x %}", ["unknown tag", '"{% iff x %}"', "spelling"]),
    ("{{ team_name|urlize }}", ['"{{ team_name|urlize }}"', "Word cannot read"]),
    ("{{ team_name ", ['"{{ team_name ', 'beginning "{{ team_name"']),
])
def test_a_syntax_error_names_the_tag_where_and_the_way_out(tmp_path: Path, text: str,
                                                            words: list[str]) -> None:
    message = _message(_template(tmp_path, "Hello", text))
    for word in words:
        assert word in message, message


def _runs(tmp_path: Path, *runs: str, where: str = "body") -> Path:
    """Return a template with one paragraph typed in several runs (as Word splits them)."""
    d = docx.Document()
    d.add_paragraph("Hello")
    if where == "cell":
        paragraph = d.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0]
    elif where == "header":
        paragraph = d.sections[0].header.paragraphs[0]
    elif where == "footer":
        paragraph = d.sections[0].footer.paragraphs[0]
    else:
        paragraph = d.add_paragraph()
    for n, text in enumerate(runs):
        paragraph.add_run(text).bold = n % 2 == 1
    path = tmp_path / "t.docx"
    d.save(str(path))
    return path


def _rendering(path: Path, context: dict[str, object]) -> str:
    compiled = compile_template(path)
    with pytest.raises(DocgenError) as err:
        compiled.render(context, {})
    (problem,) = err.value.problems
    assert problem.file == str(path)
    return problem.message


# Each refusal quotes the tag as typed (runs joined as Word shows them, docxtpl's prefix
# kept, entities read) and says where: the part, a table cell, and the paragraph's opening.
@pytest.mark.parametrize("runs, where, quoted, place", [
    (["Dear {%p ", "iff", " organisation %}"], "body", "{%p iff organisation %}",
     "the document's text"),
    (["Row {%tr for x in ", "items", " %}"], "cell", "{%tr for x in items %}",
     "in a table cell"),
    (["Team {{ team", "_name | nosuch }}"], "header", "{{ team_name | nosuch }}", "a header"),
    (["Page {{ 'a' ", "b }}"], "footer", "{{ 'a' b }}", "a footer"),
])
def test_a_refusal_quotes_the_tag_as_typed_and_says_where(
        tmp_path: Path, runs: list[str], where: str, quoted: str, place: str) -> None:
    message = _message(_runs(tmp_path, *runs, where=where))
    assert f'the tag "{quoted}"' in message, message
    assert place in message, message
    assert f'beginning "{"".join(runs).split()[0]}' in message, message


def test_a_libreoffice_entity_is_quoted_as_the_character_typed(tmp_path: Path) -> None:
    path = _template(tmp_path, "X")
    rewrite(path, {"word/document.xml": lambda xml: (xml or b"").replace(
        b"<w:t>X</w:t>", b"<w:t>Name: {{ &quot;a ~ organisation }}</w:t>")})
    message = _message(path)
    assert 'the tag "{{ "a ~ organisation }}"' in message, message
    assert "&quot;" not in message


def test_a_block_ending_elsewhere_quotes_the_tag_as_typed(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("Intro ")
    p.add_run("{% if organ").bold = True
    p.add_run("isation %}")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "in a cell {% endif %}"
    d.save(str(tmp_path / "t.docx"))
    message = _message(tmp_path / "t.docx")
    assert 'the tag "{% if organisation %}"' in message, message
    assert 'beginning "Intro {% if organisation %}"' in message, message


def test_switching_escaping_off_quotes_the_tag(tmp_path: Path) -> None:
    message = _message(_template(tmp_path, "Hi", "{% autoescape false %}x{% endautoescape %}"))
    assert 'the tag "{% autoescape false %}"' in message and "escap" in message, message


@pytest.mark.parametrize("runs, context, quoted, what", [
    (["Ward ", "{{ ward", "_number }}"], {}, "{{ ward_number }}", "a field the data lacks"),
    (["A {{ 1/0 }} B ", "{{ team }}"], {"team": "x"}, "{{ 1/0 }}", "failed on a value"),
    (["X {{ team.__cla", "ss__ }}"], {"team": "x"}, "{{ team.__class__ }}",
     "Python internals"),
])
def test_a_failure_while_rendering_quotes_the_tag(tmp_path: Path, runs: list[str],
                                                  context: dict[str, object], quoted: str,
                                                  what: str) -> None:
    message = _rendering(_runs(tmp_path, *runs, where="cell"), context)
    assert f'the tag "{quoted}" in the document\'s text, in a table cell' in message, message
    assert what in message, message


def test_a_failure_in_a_loop_quotes_the_tag_of_the_paragraph(tmp_path: Path) -> None:
    path = _template(tmp_path, "{%p for r in items %}", "Item {{ r.nosuch }} {{ r }}",
                     "{%p endfor %}")
    message = _rendering(path, {"items": [{"a": 1}]})
    assert 'the tag "{{ r.nosuch }}"' in message and 'beginning "Item' in message, message


def test_a_failure_in_a_property_names_the_property(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Hi")
    d.core_properties.title = "Contract {{ nosuch }}"
    d.save(str(tmp_path / "t.docx"))
    message = _rendering(tmp_path / "t.docx", {})
    assert 'the tag "{{ nosuch }}" in the document\'s title property' in message, message


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


# Random damage (1,500 mutants, a message or a sound document) is tests/test_template_mutants.py.


def test_a_refusal_in_a_text_box_says_so(tmp_path: Path) -> None:
    path = build("text_box", tmp_path)
    from test_template_fidelity import in_body

    in_body(path, "Box {{ item }}", "Box {{ item|nosuch }}")
    message = _message(path)
    assert 'the tag "{{ item|nosuch }}" in the document\'s text, in a text box' in message
    assert 'beginning "Box {{ item|nosuch }}' in message, message


def test_a_broken_tag_in_a_coach_field_is_quoted_as_typed(tmp_path: Path) -> None:
    """docgen wraps a coach field's tag in its own (to show the placeholder when blank): the
    refusal still quotes what the admin typed."""
    from test_template_fidelity import in_body

    path = tmp_path / "coaching_contract.docx"
    shutil.copy(jobs.default_templates() / path.name, path)
    in_body(path, "{{ r.topic }}", "{{ r.topic + }}")
    message = _message(path)
    assert 'the tag "{{ r.topic + }}"' in message, message
    assert 'beginning "Topic/subject brought to coach {{ r.topic + }}"' in message, message
    assert "docgen_blank" not in message and "')'" not in message, message  # not docgen's tag


def test_an_ampersand_in_a_tag_is_noted_quoting_the_tag_as_typed(tmp_path: Path) -> None:
    """docxtpl would read '&amp;' where the admin typed '&': the note quotes the tag typed."""
    d = docx.Document()
    d.add_paragraph("Hello")
    p = d.add_paragraph("Dept: ")
    p.add_run("{{ 'R&D ' ").bold = True
    p.add_run("~ organisation }}")
    d.save(str(tmp_path / "t.docx"))
    compiled = compile_template(tmp_path / "t.docx")
    (note,) = [n for n in compiled.notes if "&amp;" in n]
    assert "the tag \"{{ 'R&D ' ~ organisation }}\"" in note, note
    assert "the document's text" in note
    parts = compiled.render_parts({"organisation": "Leeds"})
    assert b"R&amp;D Leeds" in parts["word/document.xml"]


def test_tags_docgen_leaves_as_typed_are_named(tmp_path: Path, make_cohort) -> None:
    """A tag in a link's address, in a property docgen does not fill in or in the endnotes
    is copied as typed into every document (docxtpl does the same): each is named."""
    import zipfile

    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(ROOT / "templates" / "mentor_agreement.docx", folder)
    with zipfile.ZipFile(ROOT / "templates" / "coaching_contract.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/hyperlink" Target="mailto:{{ coach_email }}" '
        'TargetMode="External"/></Relationships>')).encode()
    core = parts["docProps/core.xml"].decode()
    parts["docProps/core.xml"] = core.replace("</cp:coreProperties>", (
        "<cp:keywords>{{ team_id }}</cp:keywords></cp:coreProperties>")).encode()
    with zipfile.ZipFile(folder / "coaching_contract.docx", "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    warnings = sorted(compile_template(folder / "coaching_contract.docx").warnings)
    assert warnings == [
        'coaching_contract.docx: a link\'s address holds the tag "{{ coach_email }}", which '
        "docgen leaves as typed (as docxtpl does): every document shows it so; type the address "
        "in the text instead (a mailto: or web address in the text is still a link in Word), or "
        "make the link in each document",
        'coaching_contract.docx: the document\'s "keywords" property holds the tag "{{ team_id '
        '}}", which docgen leaves as typed (as docxtpl does): every document shows it so; put it '
        "in the Title, Subject or Comments property, which are filled in, or remove it"]
    report = jobs.generate(make_cohort(), tmp_path / "out", templates=folder,
                           only="contracts", today=TODAY)
    assert sorted(w.message for w in report.warnings if "leaves as typed" in w.message) == (
        warnings)


def _contract_with(tmp_path: Path, old: str, new: str) -> Path:
    import zipfile

    path = tmp_path / "coaching_contract.docx"
    with zipfile.ZipFile(ROOT / "templates" / "coaching_contract.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    assert old in xml
    parts["word/document.xml"] = xml.replace(old, new).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_trimming_tag_that_cuts_a_cell_apart_is_refused_naming_it(tmp_path: Path) -> None:
    """docxtpl joins "-%}" to the text after it, taking the markup between: at the end of a
    table cell that is the cell's end, and docxtpl writes a document Word cannot open."""
    path = _contract_with(tmp_path, "{{ venue }}", "{% if venue %}{{ venue }}{% endif -%}")
    with pytest.raises(DocgenError) as err:
        compile_template(path)
    assert str(err.value.problems[0].message).startswith(
        'template error in word/document.xml: the tag "{% endif -%}" in the document\'s text '
        'trims whitespace ("-"), which docxtpl reads as "join this tag to the text before or '
        'after it"')
    assert 'remove the "-" from the tag' in err.value.problems[0].message


@pytest.mark.parametrize("tag", ["{%- if venue %}{{ venue }}{% endif %}", "{{- venue -}}",
                                 "At {%- if venue %} {{ venue }}{% endif %}"])
def test_a_trimming_tag_inside_its_text_renders(tmp_path: Path, tag: str) -> None:
    compile_template(_contract_with(tmp_path, "{{ venue }}", tag))  # no refusal
