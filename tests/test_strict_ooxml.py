"""Files saved as Strict Open XML (Word and Excel: Save As > "Strict Open XML Document" or
"Strict Open XML Spreadsheet") are read as the usual format is: the same elements in other
namespaces, with other relationship types.

Before, a strict record read as "is empty" (every session dropped, with a wrong reason) and a
strict cohort's sheets as "missing". The strict files here are made from docgen's own by
giving every part the strict names, as Word does on saving (Word's strict files also differ
in ways a reader of text and tables does not see, such as measurements written with units).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from coach import fill
from conftest import TODAY, small_rows

from docgen import jobs
from docgen.cohort.starter import write_cohort_workbook
from docgen.jobs.templates import default_templates
from docgen.models import Record
from docgen.records.read import read_record, read_records
from docgen.safezip import STRICT_MARK, transitional

T1 = "contracts/Ward 7 Falls (T1).docx"
_AREAS = "drawingml|officeDocument|presentationml|schemaLibrary|spreadsheetml|wordprocessingml"
_USUAL = re.compile(
    rb'((?:xmlns(?::[\w.-]+)?|Type)=")http://schemas\.openxmlformats\.org/(' + _AREAS.encode()
    + rb')/2006/([\w/-]*)"')
_STRICT_NAMES = {b"custom-properties": b"customProperties",
                 b"extended-properties": b"extendedProperties"}


def _strict_uri(m: re.Match[bytes]) -> bytes:
    parts = [_STRICT_NAMES.get(p, p) for p in m[3].split(b"/")]
    return m[1] + STRICT_MARK + m[2] + b"/" + b"/".join(parts) + b'"'


def strict_copy(source: Path, target: Path) -> Path:
    """Write ``source`` (a .docx or .xlsx) to ``target`` as Strict Open XML names it."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                data = _USUAL.sub(_strict_uri, data)
                if info.filename in ("word/document.xml", "xl/workbook.xml"):
                    data = re.sub(rb"(<(?:w:document|workbook)\b)", rb'\1 conformance="strict"',
                                  data, count=1)
                    if info.filename == "word/document.xml":
                        data = data.replace(b' conformance="strict"', b' w:conformance="strict"')
            zout.writestr(info, data)
    return target


def _what(record: Record) -> tuple[object, ...]:
    return (record.team_id, record.team_name, record.identified_by, record.kind,
            tuple((s.date, s.start, s.finish, s.coach, s.topic) for s in record.sessions),
            tuple((p.sheet, p.message) for p in record.problems))


def test_the_strict_copy_holds_no_usual_names_and_reads_back_as_the_original(
        out: Path, tmp_path: Path) -> None:
    strict = strict_copy(out / T1, tmp_path / "strict.docx")
    with zipfile.ZipFile(out / T1) as usual, zipfile.ZipFile(strict) as made:
        for name in usual.namelist():
            data = made.read(name)
            if name.endswith((".xml", ".rels")):
                assert b"schemas.openxmlformats.org/wordprocessingml" not in data
                assert b"schemas.openxmlformats.org/officeDocument/2006/relationships" not in data
            back = transitional(data).replace(b' w:conformance="transitional"', b"")
            assert back == usual.read(name), name


def test_a_record_saved_as_strict_gives_the_sessions_and_problems_of_the_usual(
        out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    record = folder / "usual.docx"
    shutil.copyfile(out / T1, record)
    fill(record, {"record.coach": "Sam Coach", "record.date": "03/06/2026",
                  "record.start_time": "14:00", "record.finish_time": "15:00",
                  "record.topic": "Run chart", "record.held": "Yes"})
    d = docx.Document(str(record))  # typed where no reader looks: named in both
    d.sections[0].footer.add_paragraph("Call Sam re the 12/3 session")
    d.save(str(record))
    strict_copy(record, folder / "strict.docx")
    usual, strict = read_record(record, folder), read_record(folder / "strict.docx", folder)
    assert "Run chart" in {s.topic for s in usual.sessions}
    assert any(p.sheet == "the footer" for p in usual.problems)
    assert _what(strict) == _what(usual)
    records, problems = read_records([folder], jobs=1)
    assert len(records) == 2 and all(r.sessions for r in records)


def test_a_mentor_agreement_saved_as_strict_is_known_by_its_properties(
        out: Path, tmp_path: Path) -> None:
    agreement = next((out / "agreements").glob("*.docx"))
    strict = strict_copy(agreement, tmp_path / "agreement.docx")
    read = read_record(strict, tmp_path)
    assert read.kind == read_record(agreement, agreement.parent).kind != ""


def test_a_cohort_saved_as_strict_is_read_as_the_usual(tmp_path: Path) -> None:
    usual = tmp_path / "cohort.xlsx"
    write_cohort_workbook(usual, small_rows())
    strict = strict_copy(usual, tmp_path / "strict.xlsx")
    with zipfile.ZipFile(strict) as zf:
        assert b'conformance="strict"' in zf.read("xl/workbook.xml")
    a, b = jobs.check(usual), jobs.check(strict)
    assert not b.problems and not a.problems
    assert [w.message for w in b.warnings] == [w.message for w in a.warnings]
    assert b.cohort.teams == a.cohort.teams and b.cohort.sessions == a.cohort.sessions
    assert list(b.cohort.pairs) == list(a.cohort.pairs) and len(b.cohort.teams) > 0


@pytest.mark.parametrize("kind", ["contracts", "agreements"])
def test_a_template_saved_as_strict_makes_the_documents_of_the_usual(
        tmp_path: Path, kind: str) -> None:
    cohort = tmp_path / "cohort.xlsx"
    write_cohort_workbook(cohort, small_rows())
    strict_templates = tmp_path / "templates"
    strict_templates.mkdir()
    for template in default_templates().iterdir():
        if template.suffix == ".docx":
            strict_copy(template, strict_templates / template.name)
        else:
            shutil.copyfile(template, strict_templates / template.name)
    usual = jobs.generate(cohort, tmp_path / "usual", today=TODAY, only=kind)
    strict = jobs.generate(cohort, tmp_path / "strict", today=TODAY, only=kind,
                           templates=strict_templates)
    assert strict.failed == [] and len(strict.files) == len(usual.files) > 0
    for rel, _outcome in usual.files:
        with zipfile.ZipFile(tmp_path / "usual" / rel) as a, \
                zipfile.ZipFile(tmp_path / "strict" / rel) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                data = b.read(name)
                assert STRICT_MARK not in data, (rel, name)  # one format, the usual
                if name not in ("docProps/custom.xml", "word/document.xml"):
                    assert data == a.read(name), (rel, name)
        assert docx.Document(str(tmp_path / "strict" / rel)).paragraphs
        # the same text and fields, read back as the log reads them
        assert _what(read_record(tmp_path / "strict" / rel, tmp_path / "strict"))[:5] == \
            _what(read_record(tmp_path / "usual" / rel, tmp_path / "usual"))[:5]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_strict_copies_as_a_strict_file_is_read(
        out: Path, tmp_path: Path) -> None:
    """The strict copies are files a strict reader opens: LibreOffice (which reads Strict
    Open XML, though it cannot save it) shows their text and cells."""
    strict_copy(out / T1, tmp_path / "strict.docx")
    cohort = tmp_path / "cohort.xlsx"
    write_cohort_workbook(cohort, small_rows())
    strict_copy(cohort, tmp_path / "strict.xlsx")
    for name, fmt in (("strict.docx", "txt:Text"), ("strict.xlsx", "csv")):
        subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", fmt, "--outdir", str(tmp_path),
                        str(tmp_path / name)], check=True, capture_output=True, timeout=300)
    assert "Ward 7 Falls (T1)" in (tmp_path / "strict.txt").read_text(encoding="utf-8-sig")
    assert "Cohort workbook" in (tmp_path / "strict.csv").read_text(encoding="utf-8")
