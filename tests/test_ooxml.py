"""docgen.ooxml: one placeholder rule for templates and documents, table grids, run text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from docxtpl import DocxTemplate
from lxml import etree

from docgen import ooxml
from docgen.documents.render import make_environment
from docgen.errors import DocgenError
from docgen.ooxml.markup import value_text
from docgen.ooxml.tables import fit_table_grids
from docgen.schema import PLACEHOLDERS

W = ooxml.W
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DOC = DECL + f'<w:document xmlns:w="{ooxml.W_NS}"><w:body>{{}}<w:sectPr/></w:body></w:document>'


def _sdt(tag: str, content: str, pr: str = "") -> str:
    return (f'<w:sdt><w:sdtPr>{pr}<w:tag w:val="{tag}"/></w:sdtPr>'
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>")


def _r(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


SHAPES = {
    "plain": _sdt("record.coach", _r("{{ v }}")),
    "formatted": _sdt("record.coach", _r("{{ v }}", "<w:rPr><w:b/></w:rPr>")),
    "styled": _sdt("record.topic", _r("{{ v }}", '<w:rPr><w:rStyle w:val="Strong"/></w:rPr>')),
    "showing": _sdt("record.topic", _r("{{ v }}"), pr="<w:showingPlcHdr/>"),
    "tab first": _sdt("record.date", "<w:r><w:tab/></w:r>" + _r("{{ v }}")),
    "fixed": _sdt("record.issues", _r("Fixed text")),
    "two fields": _sdt("record.action", _r("{{ v }}{{ v }}")),
    "a tag inside": _sdt("record.action", _r("{% if v %}{{ v }}{% endif %}")),
    "no text": _sdt("record.action", "<w:r><w:tab/></w:r>"),
    "empty": _sdt("record.action", ""),
    "nested": _sdt("record.next_meeting", _sdt("record.issues", _r("{{ v }}"))),
    "inside a wrapper": _sdt("google.wrapper", _sdt("record.issues", _r("{{ v }}"))),
    "other tag": _sdt("other.tag", _r("{{ v }}")),
    "block": _sdt("record.issues", f"<w:p>{_r('{{ v }}')}</w:p>"),
}


def _c14n(xml: str | bytes) -> bytes:
    data = xml.encode() if isinstance(xml, str) else xml
    return etree.tostring(etree.fromstring(data), method="c14n")


@pytest.mark.parametrize("value", ["", "Dr Jo Bloggs", " ", None])
@pytest.mark.parametrize("name", list(SHAPES))
def test_a_compiled_template_shows_placeholders_as_a_rendered_document_would(
        name: str, value: str | None) -> None:
    shape = SHAPES[name]
    body = shape if name == "block" else f"<w:p>{shape}</w:p>"
    source = DOC.format(body)
    env = make_environment()
    expected = ooxml.fill_placeholders(
        env.from_string(source).render(v=value).encode(), PLACEHOLDERS)
    compiled, runtime = ooxml.compile_placeholders(source, PLACEHOLDERS, "docgen_blank")
    got = env.from_string(compiled).render(v=value).encode()
    if runtime:
        got = ooxml.fill_placeholders(got, PLACEHOLDERS)
    assert _c14n(got) == _c14n(expected)
    simple = name in ("plain", "formatted", "styled", "showing", "tab first", "block",
                      "inside a wrapper")
    assert runtime == (not simple and name not in ("fixed", "other tag"))


def test_an_empty_control_shows_its_placeholder_in_the_placeholder_style() -> None:
    root = etree.fromstring(DOC.format(
        f"<w:p>{_sdt('record.coach', _r('', '<w:rPr><w:b/></w:rPr>'))}</w:p>").encode())
    sdt = root.find(f".//{W}sdt")
    assert ooxml.show_placeholder(sdt, "Type it")
    run = sdt.find(f".//{W}r")
    assert run.findtext(f"{W}t") == "Type it"
    assert [e.tag for e in run.find(f"{W}rPr")] == [f"{W}rStyle", f"{W}b"]
    assert run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == ooxml.PLACEHOLDER_STYLE
    assert sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
    assert not ooxml.show_placeholder(sdt, "Again")  # it holds text now
    assert run.findtext(f"{W}t") == "Type it"


def _table(widths: list[int], rows: list[int]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = "".join("<w:tr>" + "<w:tc><w:p/></w:tc>" * n + "</w:tr>" for n in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl>"


@pytest.mark.parametrize("widths, rows", [
    ([3000, 3000, 3000], [5, 5]),  # a column loop made more cells than the grid has
    ([2000, 2000, 2000, 2000, 2000], [2, 1]),  # ... or fewer
    ([3000, 3000], [2, 2]),  # nothing to fit
])
def test_table_grids_are_fitted_as_docxtpl_fits_them(widths: list[int], rows: list[int]) -> None:
    xml = DOC.format(_table(widths, rows) + "<w:p/>")
    theirs = etree.tostring(DocxTemplate.fix_tables(None, xml.encode()), encoding="unicode")
    assert fit_table_grids(xml) == theirs


def test_value_text_escapes_keeps_tabs_and_breaks_and_drops_what_xml_forbids() -> None:
    assert value_text("A & B <c> \"d\" 'e'") == "A &amp; B &lt;c&gt; &#34;d&#34; &#39;e&#39;"
    assert value_text("one\r\ntwo\x0bthree\rfour") == "one\ntwo\nthree\nfour"
    assert value_text("tab\there\x0cform\x07bell\x00\x01") == "tab\there\x0cform\x07bell"


def test_a_part_declaring_entities_is_refused_naming_the_file() -> None:
    doc = DOC.format(f"<w:p>{_sdt('record.coach', _r('&x;'))}</w:p>").replace(
        "\n", '\n<!DOCTYPE w:document [<!ENTITY x "boom">]>', 1)
    for parse in (lambda: ooxml.compile_placeholders(doc, PLACEHOLDERS, "docgen_blank",
                                                     Path("t.docx")),
                  lambda: ooxml.fill_placeholders(doc.encode(), PLACEHOLDERS, Path("t.docx"))):
        with pytest.raises(DocgenError) as err:
            parse()
        (problem,) = err.value.problems
        assert problem.file == "t.docx"
        assert "word/document.xml declares XML entities" in problem.message


def test_docgen_parses_xml_only_through_the_hardened_parser() -> None:
    bare = re.compile(r"etree\.(fromstring|XML|parse|iterparse|XMLParser)\b")
    found = [f"{p.relative_to(ROOT)}:{n}"
             for p in sorted((ROOT / "docgen").rglob("*.py")) if p.name != "safezip.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if bare.search(line)]
    assert found == []
