"""The workspace `docgen init` makes: its templates are the ones used, its examples never data."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from docgen import jobs, schema
from docgen.cli import main
from docgen.models import Outcome
from tests.conftest import TODAY, full_text


def _workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _add_team(workbook: Path, team_id: str, name: str) -> None:
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Teams"]
    headers = [c.value for c in ws[1]]
    row = ws.max_row + 1
    ws.cell(row, headers.index("Team ID") + 1, team_id)
    ws.cell(row, headers.index("Team name") + 1, name)
    ws.cell(row, headers.index("Coach") + 1, "Dr Jo Bloggs")
    wb.save(workbook)


def test_each_sheet_shows_an_example_row_that_is_never_read(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    wb = openpyxl.load_workbook(ws / "cohort.xlsx")
    for sheet in ("Teams", "Sessions", "Mentoring"):
        first = wb[sheet].cell(2, 1)
        assert str(first.value).startswith(schema.EXAMPLE_MARK) and first.font.i
    report = jobs.check(ws / "cohort.xlsx")
    assert report.problems  # an empty workspace has no teams: the examples do not count
    _add_team(ws / "cohort.xlsx", "T01", "Ward 7 Falls")
    report = jobs.check(ws / "cohort.xlsx")
    assert not report.problems
    assert [t.team_id for t in report.cohort.teams] == ["T01"]
    assert not report.cohort.sessions and not report.cohort.pairs


def test_the_sessions_team_id_is_a_drop_down_of_the_teams_sheet(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    sessions = openpyxl.load_workbook(ws / "cohort.xlsx")["Sessions"]
    lists = [dv for dv in sessions.data_validations.dataValidation
             if "A2" in str(dv.sqref)]
    assert [dv.formula1 for dv in lists] == ["'Teams'!$A$2:$A$1000"]
    assert lists[0].type == "list"


def test_generate_uses_the_workspace_templates_and_says_so(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _add_team(ws / "cohort.xlsx", "T01", "Ward 7 Falls")
    contract = ws / "templates" / "coaching_contract.docx"
    with zipfile.ZipFile(contract) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    assert b"Contract for coaching" in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"Contract for coaching", b"Agreement for QI coaching", 1)
    with zipfile.ZipFile(contract, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)

    result = CliRunner().invoke(main, ["generate", str(ws / "cohort.xlsx"), "-o",
                                       str(ws / "output")])
    assert result.exit_code == 0, result.output
    assert f"Templates: {ws / 'templates'} (the workspace's own" in result.output
    made = next((ws / "output" / "contracts").glob("*.docx"))
    assert "Agreement for QI coaching" in full_text(made)


def test_a_cohort_outside_a_workspace_uses_docgens_templates_and_says_so(
        tmp_path: Path, make_cohort) -> None:
    report = jobs.generate(make_cohort(), tmp_path / "out", today=TODAY)
    assert report.templates == f"{jobs.default_templates()} (docgen's own)"
    given = jobs.generate(make_cohort(), tmp_path / "out2", today=TODAY,
                          templates=jobs.default_templates())
    assert given.templates.endswith("(given with --templates)")


def _saved_as_odf(template: Path, keep_docx: bool) -> Path:
    """Do what LibreOffice's "Use ODF Format!" does on saving an edited template: write the
    template as .odt beside the .docx (its content does not matter to docgen here)."""
    odt = template.with_suffix(".odt")
    odt.write_bytes(template.read_bytes())
    if not keep_docx:
        template.unlink()
    return odt


def test_a_template_saved_in_another_format_is_named_not_passed_over(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _add_team(ws / "cohort.xlsx", "T01", "Ward 7 Falls")
    for template in sorted((ws / "templates").glob("*.docx")):  # both saved as ODF only
        _saved_as_odf(template, keep_docx=False)
    result = CliRunner().invoke(main, ["generate", str(ws / "cohort.xlsx"), "-o",
                                       str(ws / "output")])
    assert result.exit_code == 1  # not docgen's own templates instead, without a word
    for name in ("coaching_contract", "mentor_agreement"):
        assert (f"{name}.docx: template not found: {ws / 'templates'} holds {name}.odt, but a "
                f"template must be a Word document (.docx): open it and save it as "
                f"{name}.docx") in " ".join(result.output.split())
    assert not list((ws / "output").rglob("*.docx"))


def test_a_template_saved_in_another_format_after_the_docx_is_a_warning(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _add_team(ws / "cohort.xlsx", "T01", "Ward 7 Falls")
    contract = ws / "templates" / "coaching_contract.docx"
    odt = _saved_as_odf(contract, keep_docx=True)
    older = contract.stat().st_mtime - 60
    os.utime(odt, (older, older))  # an old copy: the .docx is the newer, nothing to say
    report = jobs.generate(ws / "cohort.xlsx", ws / "out1", today=TODAY)
    assert not [w for w in report.warnings if "odt" in w.message]
    newer = contract.stat().st_mtime + 60
    os.utime(odt, (newer, newer))
    report = jobs.generate(ws / "cohort.xlsx", ws / "out2", today=TODAY)
    assert [(w.file, w.message) for w in report.warnings if "odt" in w.message] == [(
        str(contract),
        "coaching_contract.odt beside it was saved after it, but docgen makes documents only "
        "from coaching_contract.docx, so what was changed there is not in them: if it is the "
        "template's new version, open it and save it as coaching_contract.docx (in Word: "
        "File › Save As, Word Document; in LibreOffice: File › Save As, Word 2007–365, then "
        "Use Word 2007–365!), and run again")]
    assert report.counts[Outcome.WRITTEN] == 1  # made from the .docx, as said


def test_a_template_open_in_word_as_documents_are_made_is_a_warning(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _add_team(ws / "cohort.xlsx", "T01", "Ward 7 Falls")
    contract = ws / "templates" / "coaching_contract.docx"
    owner = contract.with_name("~$aching_contract.docx")  # Word's, for a long name
    owner.write_bytes(b"\x05admin")
    report = jobs.generate(ws / "cohort.xlsx", ws / "out", today=TODAY)
    assert [(w.file, w.message) for w in report.warnings if "is open in" in w.message] == [(
        str(contract), 'is open in Word or LibreOffice (its lock file "~$aching_contract.docx" '
                       "is beside it): the documents are made from it as last saved, so changes "
                       "not saved yet are not in them; save it, then run again (if it is not "
                       "open, delete that lock file)")]
