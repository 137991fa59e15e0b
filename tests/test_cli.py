"""The command line, through click's CliRunner and once as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import ROOT, controls

from docgen.cli import main
from docgen.jobs import default_templates
from docgen.kinds import CONTRACT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_generate_prints_a_summary_and_writes_the_documents(tmp_path: Path, make_cohort) -> None:
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert f"3 written, 0 unchanged, 0 kept because edited, 0 rows skipped in {tmp_path / 'out'}" \
        in output
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"))
    assert "0 written, 3 unchanged" in output


def test_generate_pdf_says_clearly_when_libreoffice_is_missing(tmp_path: Path, make_cohort,
                                                                monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"), "--pdf")
    assert code == 1  # the PDFs asked for are missing: never a silent success
    assert "LibreOffice is not installed, so no PDF was made" in output
    assert "3 PDFs missing" in output


def test_fields_lists_each_field_and_its_source() -> None:
    code, output = run("fields", str(ROOT / "templates" / "coaching_contract.docx"))
    assert code == 0, output
    lines = {line.split()[0]: line for line in output.splitlines()}
    assert "Teams › Team name" in lines["team_name"]
    assert "Programme › Training days" in lines["training_days"]
    assert "records" in lines


def test_fields_lists_the_cohorts_columns_the_template_does_not_use(tmp_path: Path) -> None:
    from conftest import small_rows

    from docgen.cohort.starter import write_cohort_workbook

    rows = small_rows()
    rows["Teams"][0]["location"] = "Room 7"  # meant as Venue: in no document
    write_cohort_workbook(tmp_path / "cohort.xlsx", rows)
    code, output = run("fields", str(ROOT / "templates" / "coaching_contract.docx"),
                       "--data", str(tmp_path / "cohort.xlsx"))
    assert code == 0, output
    assert "Columns of the cohort this template does not use" in output
    assert "location  Teams › location" in output


def test_fields_flags_a_field_the_cohort_lacks(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("{{ team_name }} on {{ ward_number }}")
    d.save(str(tmp_path / "mine.docx"))
    code, output = run("fields", str(tmp_path / "mine.docx"))
    assert code == 1
    assert "ward_number  NOT PROVIDED by the cohort" in output
    assert "Error: mine.docx: the template uses ward_number" in output


def test_init_writes_a_starter_workspace_and_never_overwrites(tmp_path: Path) -> None:
    code, output = run("init", str(tmp_path / "ws"))
    assert code == 0, output
    wb = openpyxl.load_workbook(tmp_path / "ws" / "cohort.xlsx")
    assert wb.sheetnames[:1] == ["Instructions"]
    assert {"Programme", "Teams", "Sessions", "Mentoring"} <= set(wb.sheetnames)
    assert (tmp_path / "ws" / "templates" / "coaching_contract.docx").exists()
    code, output = run("init", str(tmp_path / "ws"))
    assert code == 0 and "Kept" in output and "Wrote" not in output
    # the starter workbook with its templates is a valid (empty) cohort: check says so
    code, output = run("check", str(tmp_path / "ws" / "cohort.xlsx"))
    assert code == 1 and "Teams: the sheet has no teams" in output


def test_missing_data_file_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("generate", str(tmp_path / "nope.xlsx"))
    assert code == 2
    assert "does not exist" in output


def test_python_m_docgen_runs_as_a_real_process(tmp_path: Path, make_cohort) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "docgen", "generate", str(make_cohort()), "-o",
         str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "3 written" in proc.stdout
    contract = tmp_path / "out" / "contracts" / "Ward 7 Falls (T1).docx"
    assert ("record.date", "3 April 2026", False) in controls(contract)
    proc = subprocess.run([sys.executable, "-m", "docgen", "check", str(tmp_path / "x.xlsx")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2


def test_every_command_is_described_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"docgen {name}" in readme, name


def test_a_plain_install_finds_its_default_templates(tmp_path: Path) -> None:
    """`pip install .` (not editable) ships the templates as package data."""
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", str(target), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("from docgen import jobs; d = jobs.default_templates(); "
            "print(sorted(p.name for p in d.glob('*.docx')), d)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "['coaching_contract.docx', 'mentor_agreement.docx']" in proc.stdout
    assert str(target) in proc.stdout


def test_a_missing_template_suggests_making_only_the_other_kind(tmp_path: Path,
                                                                make_cohort) -> None:
    import shutil

    folder = tmp_path / "tpl"
    folder.mkdir()
    shutil.copyfile(ROOT / "templates" / "coaching_contract.docx",
                    folder / "coaching_contract.docx")
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"),
                       "--templates", str(folder))
    assert code == 1
    assert "mentor_agreement.docx: template not found" in output
    assert "add --only contracts" in output
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"),
                       "--templates", str(folder), "--only", "contracts")
    assert code == 0 and "2 written" in output


def test_log_of_a_folder_without_documents_says_so(tmp_path: Path) -> None:
    code, output = run("log", str(tmp_path), "-o", str(tmp_path / "log.xlsx"))
    assert code == 0
    assert f"No records were found under {tmp_path}." in output
    assert openpyxl.load_workbook(tmp_path / "log.xlsx").sheetnames[:3] == [
        "Summary", "Sessions", "Teams"]


def _no_coach(make_cohort) -> Path:
    from conftest import small_rows

    rows = small_rows()
    del rows["Teams"][0]["coach"]
    return make_cohort(rows)


def test_check_prints_warnings_and_says_ok_with_how_many(make_cohort) -> None:
    result = CliRunner().invoke(main, ["check", str(_no_coach(make_cohort))])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Templates: {default_templates()} (docgen's own)\n"
                             "OK, with 1 warning: 2 teams, 2 sessions, 1 mentoring pair\n")
    assert result.stderr.splitlines() == [
        "Warning: cohort.xlsx › Teams › row 2 › Coach: the team has no coach: the contract's "
        "coach and signature lines will be empty; fill in Coach"]


def _with_column(path: Path, sheet: str, header: str, value: str) -> Path:
    """Add a column ``header`` to ``sheet`` of the workbook, ``value`` in its first row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    column = ws.max_column + 1
    ws.cell(1, column, header)
    ws.cell(2, column, value)
    wb.save(path)
    return path


def test_check_warns_as_generate_does_of_a_column_no_template_shows(tmp_path: Path,
                                                                     make_cohort) -> None:
    # a column the templates do not show: before, `check` said "OK" and only `generate` warned
    data = str(_with_column(make_cohort(), "Teams", "Phone", "0131 242 1000"))
    warning = ("Warning: cohort.xlsx › Teams › row 1 › Phone: the column is in no document: "
               "coaching_contract.docx does not use the field {{ phone }}; if the column is "
               "one of docgen's, rename it (`docgen fields` lists them), else add {{ phone }} "
               "to the template")
    result = CliRunner().invoke(main, ["check", data])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("OK, with 1 warning: 2 teams, 2 sessions, "
                                              "1 mentoring pair")
    assert result.stderr.splitlines() == [warning]
    made = CliRunner().invoke(main, ["generate", data, "-o", str(tmp_path / "out")])
    assert made.exit_code == 0 and made.stderr.splitlines() == [warning]
    assert run("check", data, "--strict")[0] == 1


def test_check_refuses_as_generate_does_a_template_field_the_cohort_lacks(
        tmp_path: Path, make_cohort) -> None:
    import docx

    templates = tmp_path / "mine"
    templates.mkdir()
    for name in ("coaching_contract.docx", "mentor_agreement.docx"):
        (templates / name).write_bytes((default_templates() / name).read_bytes())
    contract = docx.Document(str(templates / CONTRACT.template_file))
    contract.add_paragraph("Phone: {{ phone }}")
    contract.save(str(templates / CONTRACT.template_file))
    data = str(make_cohort())
    code, output = run("check", data, "--templates", str(templates))
    assert code == 1
    assert "the template uses the field {{ phone }}, which the cohort does not provide" in output
    assert run("generate", data, "--templates", str(templates), "-o",
               str(tmp_path / "out"))[0] == 1
    # with the column, both are content; with only the agreement's template, the contract's
    # is not checked
    assert run("check", str(_with_column(make_cohort(), "Teams", "Phone", "1")),
               "--templates", str(templates))[0] == 0
    assert run("check", str(make_cohort(name="other.xlsx")), "--templates", str(templates),
               "--only", "agreements")[0] == 0


def test_strict_makes_warnings_errors(tmp_path: Path, make_cohort) -> None:
    data = str(_no_coach(make_cohort))
    code, output = run("check", data, "--strict")
    assert code == 1
    assert output == (f"Templates: {default_templates()} (docgen's own)\n"
                      "Error: cohort.xlsx › Teams › row 2 › Coach: the team has no coach: the "
                      "contract's coach and signature lines will be empty; fill in Coach\n")
    code, output = run("generate", data, "-o", str(tmp_path / "out"), "--strict",
                       "--skip-invalid")
    assert code == 1 and "the team has no coach" in output
    assert not (tmp_path / "out").exists()


def test_generate_prints_warnings_and_writes(tmp_path: Path, make_cohort) -> None:
    result = CliRunner().invoke(main, ["generate", str(_no_coach(make_cohort)), "-o",
                                       str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Warning: cohort.xlsx › Teams › row 2 › Coach: the team has no coach" in result.stderr
    assert "3 written" in result.stdout


def _untagged_contract(folder: Path) -> Path:
    """Return the shipped contract with its coach fields' tags gone, as LibreOffice saves it."""
    import re
    import zipfile

    source = ROOT / "templates" / "coaching_contract.docx"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "coaching_contract.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb'<w:tag w:val="record\.[a-z_]+"/>', b"", data)
            zout.writestr(info, data)
    return target


def test_fields_and_generate_warn_when_the_coach_fields_lost_their_tags(
        tmp_path: Path, make_cohort) -> None:
    template = _untagged_contract(tmp_path / "tpl")
    result = CliRunner().invoke(main, ["fields", str(template)])
    assert result.exit_code == 0
    assert "Warning: " in result.output and "record.date" in result.output
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"),
                       "--templates", str(template.parent), "--only", "contracts")
    assert code == 0 and "tagged content controls" in output
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out2"),
                       "--templates", str(template.parent), "--only", "contracts", "--strict")
    assert code == 1 and "tagged content controls" in output


def test_a_coach_field_an_admin_tagged_that_docgen_does_not_read_is_a_warning(
        tmp_path: Path, make_cohort) -> None:
    """An admin adds an "Attendees" control tagged record.attendees to the form: the log has
    no column for it, and both `fields` and `generate` say so, once, naming the template."""
    source = default_templates() / CONTRACT.template_file
    (tmp_path / "tpl").mkdir()
    target = tmp_path / "tpl" / CONTRACT.template_file
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"</w:sdtContent></w:sdt></w:p></w:tc></w:tr>",
                    b'</w:sdtContent></w:sdt><w:sdt><w:sdtPr><w:tag w:val="record.attendees"/>'
                    b"</w:sdtPr><w:sdtContent><w:r><w:t>Who attended</w:t></w:r></w:sdtContent>"
                    b"</w:sdt></w:p></w:tc></w:tr>", 1)
            zout.writestr(info, data)
    said = ("coaching_contract.docx: the content control tagged record.attendees is not a "
            "field docgen reads, so the coaching log has no column for it")
    result = CliRunner().invoke(main, ["fields", str(target)])
    assert result.exit_code == 0 and said in " ".join(result.output.split())
    code, output = run("generate", str(make_cohort()), "-o", str(tmp_path / "out"),
                       "--templates", str(target.parent), "--only", "contracts")
    assert code == 0 and " ".join(output.split()).count(said) == 1


def test_log_of_a_folder_whose_only_record_is_unreadable_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    code, output = run("log", str(folder), "-o", str(tmp_path / "log.xlsx"))
    assert code == 0
    assert "(0 files, 1 unreadable)" in output and "broken.docx" in output
    assert "No records were found" not in output
