"""Text typed in a returned record's headers, footers, footnotes and endnotes is named with
where it sits: docgen reads sessions from the body only. docgen's own footer (its template's,
values merged, page numbers as Word and LibreOffice write them again) is never named."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from coach import add_table_row
from conftest import custom_properties
from docx.oxml.ns import qn
from test_typing_in_libreoffice import generated_for_typing, run_job

from docgen import schema
from docgen.models import Record
from docgen.records.read import read_record, read_records

T1 = "contracts/Ward 7 Falls (T1).docx"
MISSED = ("docgen reads only the Record of Coaching forms and the COACHING RECORD table, not "
          "headers, footers or notes; type it into a Record of Coaching form (one per "
          "session) or a row of the COACHING RECORD table, then delete it there")
AGREED = ("docgen reads only that a mentor agreement came back: if it changes what the pair "
          "agreed, change it on the cohort's Mentoring sheet too")
FORMATS = (".docx", ".odt", ".doc")


def _margins(record: Record) -> list[tuple[str | None, str]]:
    return [(p.sheet, p.message) for p in record.problems
            if "footer" in p.message or "header" in p.message or "note" in p.message]


def _copy(out: Path, tmp_path: Path, name: str = T1) -> Path:
    path = tmp_path / "records" / Path(name).name
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(out / name, path)
    return path


def _paragraph(story, text: str) -> None:  # noqa: ANN001 - a python-docx header or footer
    story.add_paragraph(text)


def test_a_line_typed_in_the_footer_or_header_is_named(out: Path, tmp_path: Path) -> None:
    assert _margins(read_record(out / T1, out)) == []  # docgen's own footer: nothing
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    section = d.sections[0]
    _paragraph(section.footer, "Call Sam re the 12/3 session")
    _paragraph(section.footer, "it was moved to 19/3")
    section.header.is_linked_to_previous = False
    _paragraph(section.header, "DRAFT")
    d.save(str(path))
    assert _margins(read_record(path, path.parent)) == [
        ("the footer", f'holds text in its footer: "Call Sam re the 12/3 session it was '
                       f'moved to 19/3"; {MISSED}'),
        ("the header", f'holds text in its header: "DRAFT"; {MISSED}')]


def test_typing_added_to_docgen_s_footer_line_is_quoted_alone(out: Path,
                                                              tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    d.sections[0].footer.paragraphs[0].add_run(" – seen by Jo 3/4")
    d.save(str(path))
    assert _margins(read_record(path, path.parent)) == [
        ("the footer", f'holds text in its footer: "– seen by Jo 3/4"; {MISSED}')]


def _footnotes(path: Path, texts: list[str]) -> None:
    """Add a footnotes part holding ``texts`` (and Word's two separators), each referenced
    from the Start time field of the first form."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = "".join(
        f'<w:footnote w:id="{n + 1}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space='
        f'"preserve"> {text}</w:t></w:r></w:p></w:footnote>' for n, text in enumerate(texts))
    part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f'<w:continuationSeparator/></w:r></w:p></w:footnote>{notes}</w:footnotes>')
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'))
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", part)
    tmp.replace(path)


def test_a_footnote_s_text_is_named_and_word_s_separators_are_not(out: Path,
                                                                  tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    _footnotes(path, ["Started 14:20, Sam was late", ""])
    assert _margins(read_record(path, path.parent)) == [
        ("footnote 1", f'holds text in footnote 1: "Started 14:20, Sam was late"; {MISSED}')]


def test_a_footnote_on_a_table_cell_is_named_with_its_row_and_column(out: Path,
                                                                     tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    add_table_row(path, ("Dr Jo Bloggs", "26/3/2026", "Measures", "by phone"))
    d = docx.Document(str(path))
    cell = next(c for t in d.tables for r in t.rows for c in r.cells if c.text == "Measures")
    run = cell.paragraphs[0].add_run()._r
    run.append(run.makeelement(qn("w:footnoteReference"), {qn("w:id"): "1"}))
    d.save(str(path))
    _footnotes(path, ["and run charts"])
    ((where, message),) = _margins(read_record(path, path.parent))
    assert where.startswith("COACHING RECORD row ")
    assert message == ('holds text in footnote 1, on Topic: "and run charts"; docgen does not '
                       "read notes: type what it says into Topic (words beside a value into "
                       "Topic or Comments), then delete the note")


def test_the_lines_docgen_wrote_in_the_margins_are_recorded(out: Path) -> None:
    props = custom_properties(out / T1)
    assert len(json.loads(props[schema.PROP_MARGINS])["lines"]) == 1  # its footer's line


def test_an_earlier_docgen_s_record_is_checked_against_its_templates(out: Path,
                                                                    tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml")
    start = custom.index(b'name="docgen.margins"')
    start = custom.rindex(b"<property", 0, start)
    end = custom.index(b"</property>", start) + len(b"</property>")
    _replace(path, "docProps/custom.xml", custom[:start] + custom[end:])
    assert schema.PROP_MARGINS not in custom_properties(path)
    assert _margins(read_record(path, path.parent)) == []
    d = docx.Document(str(path))
    _paragraph(d.sections[0].footer, "Call Sam")
    d.save(str(path))
    assert _margins(read_record(path, path.parent)) == [
        ("the footer", f'holds text in its footer: "Call Sam"; {MISSED}')]


def _replace(path: Path, name: str, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, data if item.filename == name else src.read(item.filename))
    tmp.replace(path)


def test_a_page_number_field_is_not_typing(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    footer = d.sections[0].footer.paragraphs[0]._p
    for fld in footer.iter(qn("w:fldSimple")):  # as Word saves a page number: a field
        for t in fld.iter(qn("w:t")):
            t.text = "12"
    d.save(str(path))
    assert _margins(read_record(path, path.parent)) == []
    footer = docx.Document(str(path))
    footer.sections[0].footer.paragraphs[0].add_run("typed 12")
    footer.save(str(path))
    assert [m[0] for m in _margins(read_record(path, path.parent))] == ["the footer"]


# --- through LibreOffice --------------------------------------------------------------------


@pytest.fixture(scope="module")
def margins_in_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return, by case, a folder of a document LibreOffice saved in the three formats: team
    T2's contract with a line typed at the end of its footer, one in its header and a
    footnote inserted after the Start time typed ("typed"), or only opened and saved ("plain"); the
    pair's agreement with words added to its footer ("agreement"), or only saved
    ("agreement plain")."""
    work = generated_for_typing(tmp_path_factory, "margins")
    contract = next((work / "out" / "contracts").glob("*(T2).docx"))
    agreement = next((work / "out" / "agreements").glob("*.docx"))
    cases = {
        "typed": (contract, {"footer": " Call Sam re 12/3 session", "header": "Draft – Sam",
                             "edits": [{"label": "Date:", "how": "after", "text": " 10/02/2026"},
                                       {"label": "Start time:", "how": "after",
                                        "text": " 14:00", "footnote": "started late, 14:20"}]}),
        "plain": (contract, {}),
        "agreement": (agreement, {"footer": " and Jo"}),
        "agreement plain": (agreement, {}),
    }
    folders: dict[str, Path] = {}
    documents = []
    for case, (source, extra) in cases.items():
        folder = folders[case] = work / case
        folder.mkdir()
        documents.append({"source": str(source), **extra,
                          "saves": [{"path": str(folder / f"doc{fmt}")} for fmt in FORMATS]})
    run_job(work, {"documents": documents})
    return folders


def _read(folder: Path) -> dict[str, list[tuple[str | None, str]]]:
    records, problems = read_records([folder], jobs=1)
    assert problems == []
    return {r.source: _margins(r) for r in records}


def test_typing_in_libreoffice_s_footer_header_and_notes_is_named(
        margins_in_libreoffice: dict[str, Path]) -> None:
    expected = [("the header", f'holds text in its header: "Draft – Sam"; {MISSED}'),
                ("the footer", f'holds text in its footer: "Call Sam re 12/3 session"; {MISSED}'),
                ("Record of Coaching form 1", (
                    'holds text in footnote 1, on Start time: "started late, 14:20"; docgen '
                    "does not read notes: type what it says into Start time (words beside a "
                    "value into Topic, Issues Arising or Action), then delete the note"))]
    assert _read(margins_in_libreoffice["typed"]) == {f"doc{fmt}": expected for fmt in FORMATS}
    assert _read(margins_in_libreoffice["agreement"]) == {f"doc{fmt}": [(
        "the footer", f'"and Jo" in its footer is not read ({AGREED})')] for fmt in FORMATS}
    # only opened and saved again: docgen's own footer, its page numbers, name nothing
    for case in ("plain", "agreement plain"):
        assert _read(margins_in_libreoffice[case]) == {f"doc{fmt}": [] for fmt in FORMATS}


def test_the_recorded_margins_are_what_each_document_s_parts_say(out: Path) -> None:
    """Made from the template's text after the first document: the same as read back."""
    from docgen.ooxml.margins import package_margins

    documents = sorted(out.rglob("*.docx"))
    assert len(documents) > 2
    for path in documents:
        assert custom_properties(path)[schema.PROP_MARGINS] == package_margins(
            path.read_bytes()), path.name
