"""The compiled renderer: same document as the plain docxtpl path, sandboxed, always escaped."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import TODAY, docxtpl_parts
from lxml import etree

from docgen import jobs
from docgen.cohort import read_cohort
from docgen.context import agreement_plan, contract_plan
from docgen.documents.render import compile_template
from docgen.errors import DocgenError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def plain_render(template: Path, context: dict) -> bytes:
    """Render as a user would with docxtpl (open, render sandboxed and escaped, save), then
    show placeholders in empty controls by parsing the result, as docgen once did."""
    parts = docxtpl_parts(template, context)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def shape(data: bytes) -> dict[str, object]:
    """Return what a reader sees: paragraph texts, table cells, control tags and values."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    def text(el) -> str:
        return "".join(t.text or ("\n" if t.tag == f"{W}br" else "")
                       for t in el.iter(f"{W}t", f"{W}br"))

    body = root.find(f"{W}body")
    return {
        "paragraphs": [text(p) for p in body.iter(f"{W}p")],
        "tables": [[[text(c) for c in r.iter(f"{W}tc")] for r in t.iter(f"{W}tr")]
                   for t in body.iter(f"{W}tbl")],
        "controls": [(s.find(f"{W}sdtPr/{W}tag").get(f"{W}val"), text(s),
                      s.find(f"{W}sdtPr/{W}showingPlcHdr") is not None,
                      [r.get(f"{W}val") for r in s.iter(f"{W}rStyle")])
                     for s in body.iter(f"{W}sdt")],
    }


@pytest.fixture
def cohort(make_cohort):
    cohort, problems = read_cohort(make_cohort())
    assert problems == []
    return cohort


@pytest.mark.parametrize("team_index", [0, 1])
def test_contract_equals_the_plain_docxtpl_path(cohort, team_index: int) -> None:
    template = jobs.default_templates() / "coaching_contract.docx"
    plan = contract_plan(cohort, cohort.teams[team_index], TODAY)
    compiled = compile_template(template).render(plan.context, plan.properties)
    assert shape(compiled) == shape(plain_render(template, plan.context))
    assert docx.Document(io.BytesIO(compiled)).tables  # a second reader opens it


def test_agreement_equals_the_plain_docxtpl_path(cohort) -> None:
    template = jobs.default_templates() / "mentor_agreement.docx"
    plan = agreement_plan(cohort, cohort.pairs[0], TODAY)
    compiled = compile_template(template).render(plan.context, plan.properties)
    assert shape(compiled) == shape(plain_render(template, plan.context))


def _run(paragraph, text: str, bold: bool = False) -> None:
    paragraph.add_run(text).bold = bold


@pytest.fixture
def tricky_template(tmp_path: Path) -> Path:
    """A template with a tag split across runs, conditions, and paragraph and row loops."""
    d = docx.Document()
    p = d.add_paragraph()
    _run(p, "Team: {{ team_")
    _run(p, "name }}", bold=True)  # Word splits a tag when its formatting changes midway
    d.add_paragraph("{%p if organisation %}")
    d.add_paragraph("Organisation: {{ organisation|upper }}")
    d.add_paragraph("{%p else %}")
    d.add_paragraph("No organisation")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p for r in records %}")
    d.add_paragraph("Form {{ loop.index }}: {{ r.date or 'no date' }} {{ r.topic }}")
    d.add_paragraph("{%p endfor %}")
    table = d.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Coach", "Date"
    table.cell(1, 0).text = "{%tr for s in sessions %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ s.coach }}", "{{ s.date_of_coaching }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    path = tmp_path / "tricky.docx"
    d.save(str(path))
    return path


@pytest.mark.parametrize("team_index", [0, 1])
def test_template_with_loops_conditions_and_split_tags(cohort, tricky_template: Path,
                                                       team_index: int) -> None:
    plan = contract_plan(cohort, cohort.teams[team_index], TODAY)
    compiled = compile_template(tricky_template).render(plan.context, plan.properties)
    got = shape(compiled)
    assert got == shape(plain_render(tricky_template, plan.context))
    team = cohort.teams[team_index]
    assert f"Team: {team.team_name}" in got["paragraphs"]
    assert f"Organisation: {team.organisation.upper()}" in got["paragraphs"]
    if team_index == 0:
        assert "Form 1: 3 April 2026 Driver diagram" in got["paragraphs"]
        assert got["tables"][0][1:] == [["Dr Jo Bloggs", "3 April 2026"],
                                        ["Dr Jo Bloggs", "1 May 2026 (email)"]]


def _template_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    d = docx.Document()
    d.add_paragraph(text)
    d.save(str(folder / "coaching_contract.docx"))
    return folder


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ team_name.__class__.__base__.__subclasses__() }}",
])
def test_a_template_reaching_for_python_internals_is_refused(tmp_path: Path, make_cohort,
                                                             attack: str) -> None:
    folder = _template_with(tmp_path, attack)
    with pytest.raises(DocgenError) as err:
        jobs.generate(make_cohort(), tmp_path / "out", templates=folder, only="contracts")
    assert "coaching_contract.docx" in str(err.value)
    assert not (tmp_path / "out" / "contracts").exists() or not any(
        (tmp_path / "out" / "contracts").iterdir())


def test_escaping_cannot_be_switched_off(tmp_path: Path, make_cohort) -> None:
    for text in ("{% autoescape false %}{{ team_name }}{% endautoescape %}",
                 "{{ team_name|safe }}"):
        folder = _template_with(tmp_path, text)
        with pytest.raises(DocgenError):
            jobs.generate(make_cohort(), tmp_path / "out", templates=folder, only="contracts")


def test_a_field_the_data_lacks_is_an_error_naming_it(tmp_path: Path, make_cohort) -> None:
    folder = _template_with(tmp_path, "Ward: {{ ward_number }}")
    with pytest.raises(DocgenError) as err:
        jobs.generate(make_cohort(), tmp_path / "out", templates=folder, only="contracts")
    assert "{{ ward_number }}" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_names_the_template_and_the_text(tmp_path: Path) -> None:
    folder = _template_with(tmp_path, "Hello {{ team_name ")
    with pytest.raises(DocgenError) as err:
        compile_template(folder / "coaching_contract.docx")
    message = str(err.value)
    assert "coaching_contract.docx" in message and "Hello" in message


def test_same_values_give_the_same_bytes(cohort) -> None:
    compiled = compile_template(jobs.default_templates() / "coaching_contract.docx")
    plan = contract_plan(cohort, cohort.teams[0], TODAY)
    assert compiled.render(plan.context, plan.properties) == compiled.render(
        plan.context, plan.properties)


def _rewrite(path: Path, part: str, edit) -> Path:
    """Rewrite one part of the package at ``path`` with ``edit`` (bytes to bytes)."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, edit(data) if info.filename == part else data)
    return path


def _with_entity(xml: bytes) -> bytes:
    head, _, rest = xml.partition(b"?>")
    rest = rest.replace(b"Hello ", b"Hello &x; ", 1)
    return head + b'?>\n<!DOCTYPE w:document [<!ENTITY x "boom">]>' + rest


def test_a_template_declaring_entities_is_refused_like_a_record(tmp_path: Path) -> None:
    from docgen.records import read_record

    path = _template_with(tmp_path, "Hello {{ team_name }}") / "coaching_contract.docx"
    _rewrite(path, "word/document.xml", _with_entity)
    with pytest.raises(DocgenError) as err:
        compile_template(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    assert "word/document.xml declares XML entities" in problem.message
    with pytest.raises(DocgenError) as err:
        read_record(path, path.parent)
    assert "word/document.xml declares XML entities" in str(err.value)


def test_a_dtd_in_a_part_copied_as_it_is_is_refused(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "Hello {{ team_name }}") / "coaching_contract.docx"
    _rewrite(path, "word/styles.xml",
             lambda xml: xml.replace(b"?>", b'?><!DOCTYPE s [<!ENTITY x "boom">]>', 1))
    with pytest.raises(DocgenError, match="word/styles.xml declares XML entities"):
        compile_template(path)


def test_a_column_loop_fits_the_table_grid(cohort, tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells,
                          ("{%tc for c in ['a', 'b', 'c', 'd'] %}", "{{ c }}", "{%tc endfor %}"),
                          strict=True):
        cell.text = text
    d.add_paragraph("{{ team_name }}")
    path = tmp_path / "columns.docx"
    d.save(str(path))
    plan = contract_plan(cohort, cohort.teams[0], TODAY)
    compiled = compile_template(path).render(plan.context, plan.properties)
    assert shape(compiled) == shape(plain_render(path, plan.context))
    with zipfile.ZipFile(io.BytesIO(compiled)) as zf:
        grid = etree.fromstring(zf.read("word/document.xml")).findall(f".//{W}gridCol")
    assert len(grid) == 4


def test_fields_write_as_jinja_s_own_escaping_would() -> None:
    """docgen's code generator drops Jinja's escape() around finalize (which escapes):
    every kind of output is the same as with Jinja's own code."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from docgen.documents.render import make_environment, xml_text

    ours = make_environment()
    plain = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined,
                                 finalize=xml_text, keep_trailing_newline=True)
    plain.filters.update(ours.filters)
    source = ("{{ x }}|{{ '<c>' }}|{{ 1 < 2 }}|{{ none }}|{{ x|e }}|{{ items|join(', ') }}|"
              "{{ 'a' ~ x }}|{% set y %}<w:t>{{ x }}</w:t>{% endset %}{{ y }}|{{ n }}|"
              "{% for i in items %}{{ i|upper }}{{ loop.index }}{% endfor %}|{{ x|length }}"
              "{{ d|ukdate }}")
    values = {"x": "A & B <\"'\x01\r\n", "items": ["<a>", "b&c"], "n": 3, "none": None,
              "d": __import__("datetime").date(2026, 4, 3)}
    expected = plain.from_string(source).render(values)
    assert ours.from_string(source).render(values) == expected
    assert "escape(environment.finalize" not in ours.compile("{{ x }}", raw=True)
    assert "&lt;c&gt;" in expected and "A &amp; B &lt;" in expected


def test_the_content_digest_is_that_of_the_parts_written(cohort) -> None:
    """The digest docgen writes into a document's properties is of the parts in its zip (the
    custom properties, which carry it, left out): re-runs recognise their documents by it."""
    from docgen import schema
    from docgen.documents.package import content_digest
    from docgen.ooxml import CUSTOM_PART, read_custom_properties
    from docgen.safezip import parse_xml

    context = contract_plan(cohort, cohort.teams[0], TODAY).context
    for name in ("coaching_contract.docx", "mentor_agreement.docx"):
        template = jobs.default_templates() / name
        if name == "mentor_agreement.docx":
            context = agreement_plan(cohort, cohort.pairs[0], TODAY).context
        data = compile_template(template).render(context, {"docgen.key": "T"})
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            listing = [(i.filename, i.CRC, i.file_size) for i in zf.infolist()]
            props = read_custom_properties(parse_xml(zf.read(CUSTOM_PART), None, CUSTOM_PART))
        assert [n for n, _, _ in listing].count(CUSTOM_PART) == 1
        assert props[schema.PROP_CONTENT] == content_digest(listing, CUSTOM_PART)


def test_isal_and_zlib_deflate_the_same_parts(cohort, monkeypatch) -> None:
    """Documents are deflated by ISA-L where it is installed and by zlib elsewhere: the
    parts a reader inflates are the same bytes either way, and each zip is whole."""
    from docgen.documents import package

    pytest.importorskip("isal")
    assert package._isal_compress is not None  # installed with docgen on this machine
    compiled = compile_template(jobs.default_templates() / "coaching_contract.docx")
    plan = contract_plan(cohort, cohort.teams[0], TODAY)
    fast = compiled.render(plan.context, plan.properties)
    monkeypatch.setattr(package, "_isal_compress", None)
    plain = compiled.render(plan.context, plan.properties)
    assert fast != plain  # two deflaters, so the test does compare them
    parts = []
    for data in (fast, plain):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.testzip() is None  # every CRC checks out
            parts.append({name: zf.read(name) for name in zf.namelist()})
        assert docx.Document(io.BytesIO(data)).tables
    assert parts[0] == parts[1]
