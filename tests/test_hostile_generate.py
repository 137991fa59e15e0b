"""Hostile and messy input on the way in: spreadsheets, templates, names, and killed runs."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import ROOT, TODAY, full_text, small_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen import jobs
from docgen.cohort.starter import write_cohort_workbook
from docgen.documents.outputs import inside, safe_name, unique_names
from docgen.errors import DocgenError

# --- names become safe file names ------------------------------------------------------------

HOSTILE_NAMES = ["../../etc/passwd", "..", "CON", "nul.txt", "COM1", "a/b\\c:d*e?f",
                 "trailing. . .", "x" * 300, "", "   ", "\u202eevil\u202c.exe", "Áine",
                 "A\u0301ine", "<>|\"?*"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_name_is_valid_everywhere(name: str, tmp_path: Path) -> None:
    safe = safe_name(name)
    assert safe and len(safe) <= 120
    assert not set(safe) & set('/\\:*?"<>|') and "\u202e" not in safe
    assert safe.split(".")[0].upper() not in {"CON", "NUL", "COM1", "PRN", "AUX"}
    assert not safe.endswith((".", " "))
    assert inside(tmp_path, safe).parent == tmp_path.resolve()
    (tmp_path / safe).write_text("x")  # the file system accepts it


@given(st.lists(st.text(max_size=300), max_size=12))
def test_unique_names_are_distinct_ignoring_case_and_stay_inside(titles: list[str]) -> None:
    names = unique_names(titles, ".docx")
    assert len({n.casefold() for n in names}) == len(titles)
    for n in names:
        assert "/" not in n and "\\" not in n and n not in (".docx", "..docx")
        assert len(n.encode("utf-8")) < 255


@given(st.lists(st.sampled_from(["a", "A", "a (2)", "A (3)", "ß", "SS", "ss", "Ǆ", "ǆ", "",
                                  "x (2) (2)", "é", "e\u0301"]) | st.text(max_size=8),
                max_size=300))
def test_unique_names_are_the_first_free_name_of_each_title_in_order(titles: list[str]
                                                                     ) -> None:
    """The names taken are held as a table of numbers by hash (memory at 50,000 documents):
    each title still gets the name a set of the names taken gives it, collisions and all."""
    used: set[str] = set()
    expected = []
    for title in titles:
        base = safe_name(title)
        name, n = f"{base}.docx", 2
        while name.casefold() in used:
            name, n = f"{base} ({n}).docx", n + 1
        used.add(name.casefold())
        expected.append(name)
    assert unique_names(titles, ".docx") == expected


@given(st.lists(st.text(), max_size=20))
def test_names_held_compactly_come_back_as_given(texts: list[str]) -> None:
    from docgen.compact import Names

    texts += ["\udcff lone surrogate", ""]  # a name not UTF-8 (Linux), read as it is
    names = Names(texts)
    assert list(names) == texts and names == texts and len(names) == len(texts)
    assert names[-1] == texts[-1] and names[1:3] == texts[1:3]
    with pytest.raises(IndexError):
        names[len(texts)]


def test_hostile_team_and_pair_names_give_readable_files_inside_the_folder(
        tmp_path: Path, make_cohort) -> None:
    rows = {
        "Teams": [{"team_id": f"T{i}", "team_name": name} for i, name in
                  enumerate(HOSTILE_NAMES)],
        # Two different pairs whose file names differ only in case.
        "Mentoring": [{"qi_practitioner": "Ann Lee", "mentor": "Bob Cox and Cy"},
                      {"qi_practitioner": "ANN LEE AND BOB COX", "mentor": "cy"}],
    }
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(rows), out, today=TODAY)
    files = [out / rel for rel, _ in report.files]
    assert len(files) == len(HOSTILE_NAMES) + 2
    assert len({str(f).casefold() for f in files}) == len(files)
    for f in files:
        assert f.resolve().is_relative_to(out.resolve())
        assert docx.Document(str(f)).paragraphs
    assert not (tmp_path / "etc").exists()
    assert sorted(p.name for p in (out / "agreements").iterdir()) == [
        "ANN LEE AND BOB COX and cy (2).docx", "Ann Lee and Bob Cox and Cy.docx"]


# --- hostile and broken cohort files --------------------------------------------------------


def zip_bomb(path: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(member, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MiB of zeros, ~300 KB on disk
                fh.write(chunk)
    return path


def test_a_zip_bomb_cohort_is_refused_fast(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "cohort.xlsx")
    start = time.perf_counter()
    with pytest.raises(DocgenError, match="zip bomb"):
        jobs.check(path)
    assert time.perf_counter() - start < 5  # generous: refused from sizes, not by inflating


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected or in the old"),
    (b"Team ID,Team name\nT1,x\n", "not an Office document"),
    (b"PK\x03\x04" + b"\0" * 40, "damaged or truncated"),
])
def test_files_that_are_not_workbooks_get_a_clear_message(tmp_path: Path, content: bytes,
                                                           message: str) -> None:
    path = tmp_path / "cohort.xlsx"
    path.write_bytes(content)
    with pytest.raises(DocgenError, match=message) as err:
        jobs.check(path)
    assert err.value.problems[0].file == str(path)


def test_a_truncated_workbook_is_refused(tmp_path: Path, make_cohort) -> None:
    path = make_cohort()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DocgenError, match="damaged or truncated"):
        jobs.check(path)


def test_billion_laughs_in_a_sheet_is_refused(tmp_path: Path, make_cohort) -> None:
    path = make_cohort()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
            '</sheetData></worksheet>')
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                data = bomb.encode()
            dst.writestr(item, data)
    with pytest.raises(DocgenError, match="sheet3.xml declares XML entities"):
        jobs.check(hostile)


def test_a_zip_bomb_template_is_refused(tmp_path: Path, make_cohort) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    zip_bomb(folder / "coaching_contract.docx", "word/document.xml")
    with pytest.raises(DocgenError, match="zip bomb"):
        jobs.generate(make_cohort(), tmp_path / "out", templates=folder, only="contracts")
    assert not (tmp_path / "out").exists()


# --- messy spreadsheets ---------------------------------------------------------------------


def test_messy_sheet_with_merged_title_formulas_spaces_and_hidden_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Cohort 7 teams"])
    ws.merge_cells("A1:D1")
    ws.append(["Team ID ", "Team name", "Review after sessions", "  Coach"])
    ws.append([" T1 ", "Ward 7", "6", "Dr Jo"])
    ws.append(["T2", "   ", 3.0, None])
    ws.append([None, None, None, None])
    ws.append(["   ", None, None, None])
    hidden = wb.create_sheet("Mentoring")
    hidden.sheet_state = "hidden"
    hidden.append(["QI practitioner", "Mentor"])
    hidden.append(["Ann", "Bob"])
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    report = jobs.check(path)
    assert report.problems == []
    t1, t2 = report.cohort.teams
    assert (t1.team_id, t1.review_after, t1.coaches) == ("T1", 6, ("Dr Jo",))
    assert (t2.team_id, t2.team_name, t2.review_after) == ("T2", "T2", 3)
    assert [p.practitioner for p in report.cohort.pairs] == ["Ann"]


def test_team_ids_differing_only_by_case_or_spaces_are_duplicates(make_cohort) -> None:
    rows = small_rows()
    rows["Teams"].append({"team_id": "t  2", "team_name": "x"})
    rows["Teams"][1]["team_id"] = "T 2"
    report = jobs.check(make_cohort(rows))
    assert [p.message for p in report.problems] == ['Team ID "t 2" is already used on row 3']


def test_ten_thousand_rows_are_read(tmp_path: Path) -> None:
    rows = {"Teams": [{"team_id": f"T{i}", "team_name": f"Team {i}"} for i in range(10_000)]}
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    report = jobs.check(path)
    assert report.problems == [] and len(report.cohort.teams) == 10_000


# --- killed runs ------------------------------------------------------------------------------


def test_killing_generate_leaves_every_file_whole_and_a_rerun_finishes(tmp_path: Path) -> None:
    rows = {"Teams": [{"team_id": f"T{i}", "team_name": f"Team {i}"} for i in range(400)]}
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "docgen", "generate", str(data), "-o", str(out), "-j", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.docx"))) < 40:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = list(out.rglob("*.docx"))
    assert 0 < len(written) < 400, "the run should have been killed midway"
    for f in written:
        with zipfile.ZipFile(f) as zf:
            assert zf.testzip() is None
    report = jobs.generate(data, out, today=TODAY)
    assert len(list(out.rglob("*.docx"))) == 400
    assert list(out.rglob("*.tmp")) == []  # what the killed run left is cleared
    assert {o for _, o in report.files} <= {"written", "unchanged", "updated"}
    for f in out.rglob("*.docx"):
        assert "Contract for coaching" in full_text(f)


# --- random values through generate ---------------------------------------------------------

text_values = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text_values, organisation=text_values, members=st.lists(text_values, max_size=3),
       first=st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), text_values))
def test_random_values_come_out_intact_or_fail_with_a_message(tmp_path_factory, name: str,
                                                              organisation: str,
                                                              members: list[str],
                                                              first: object) -> None:
    from docgen.values import clean_text, format_date, parse_date

    tmp = tmp_path_factory.mktemp("h")
    rows = {"Teams": [{"team_id": "T1", "team_name": name, "organisation": organisation,
                       "team_members": "; ".join(members), "first_session": first}]}
    data = tmp / "cohort.xlsx"
    write_cohort_workbook(data, rows)
    try:
        report = jobs.generate(data, tmp / "out", today=TODAY, jobs=1)
    except DocgenError as exc:
        assert str(exc)  # a user-facing message, never a traceback
        return
    (rel, _), = report.files
    text = full_text(tmp / "out" / rel)
    for value in (name, organisation):
        cleaned = " ".join(clean_text(value).split())
        assert cleaned in " ".join(text.split())
    if isinstance(first, dt.date):
        assert format_date(first) in text
    else:
        assert format_date(parse_date(first)) in text if clean_text(first) else True


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_formulas_are_read_by_their_calculated_values(tmp_path: Path) -> None:
    """A workbook saved by a spreadsheet program carries each formula's value: docgen uses it.

    A formula that failed (#N/A, #DIV/0!) is reported where it is, not read as a blank cell.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Review after sessions"])
    ws.append(['="T"&1', '=CONCATENATE("Ward ", 7)', "=2+2"])
    ws.append(["T2", "=NA()", "=1/0"])
    raw = tmp_path / "raw.xlsx"
    wb.save(raw)
    out = tmp_path / "saved"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                        str(raw)], check=True, capture_output=True, timeout=180)
    report = jobs.check(out / "raw.xlsx")
    assert [(p.row, p.column, p.message.split(" (")[0]) for p in report.problems] == [
        (3, "Team name", "the cell shows the error #N/A"),
        (3, "Review after sessions", "the cell shows the error #DIV/0!")]
    (team,) = report.cohort.teams
    assert (team.team_id, team.team_name, team.review_after) == ("T1", "Ward 7", 4)


@given(st.text(alphabet=st.sampled_from("漢字かな한글😀👩‍⚕️éa "), min_size=60, max_size=200))
@settings(max_examples=60, deadline=None)
def test_a_name_of_any_script_fits_the_file_system_and_keeps_its_team_id(name: str) -> None:
    (file_name,) = unique_names([f"{name} (T01)"], ".docx")
    assert len(file_name.encode("utf-8")) <= 255 - len(" (edited 2026-01-01 1200)")
    assert file_name.endswith("(T01).docx")


def test_teams_with_names_over_255_bytes_are_all_written(tmp_path: Path, make_cohort) -> None:
    rows = small_rows()
    rows["Teams"][0]["team_name"] = "漢" * 90  # 270 bytes
    rows["Teams"][1]["team_name"] = "😀" * 70  # 280 bytes
    report = jobs.generate(make_cohort(rows), tmp_path / "out", only="contracts", jobs=1,
                           today=TODAY)
    names = [rel for rel, _ in report.files]
    assert len(names) == len(rows["Teams"])
    assert all((tmp_path / "out" / rel).is_file() for rel in names)
    assert any(rel.endswith("…(T1).docx") or "(T1)" in rel for rel in names)


def test_a_runs_documents_and_files_read_as_the_lists_they_replace() -> None:
    from docgen.compact import Names
    from docgen.jobs.generate import Documents, Files
    from docgen.kinds import AGREEMENT, CONTRACT
    from docgen.models import Outcome

    documents = Documents()
    documents.add(CONTRACT, Names(["A.docx", "B.docx"]))
    documents.add(AGREEMENT, Names([]))
    documents.add(AGREEMENT, Names(["P.docx"]))
    listed = [(CONTRACT, 0, f"{CONTRACT.folder}/A.docx"),
              (CONTRACT, 1, f"{CONTRACT.folder}/B.docx"),
              (AGREEMENT, 0, f"{AGREEMENT.folder}/P.docx")]
    assert list(documents) == listed and len(documents) == 3
    assert [documents[i] for i in range(-3, 3)] == listed + listed
    assert documents[1:] == listed[1:] and list(documents.paths) == [r for *_x, r in listed]
    assert documents.kinds() == {CONTRACT, AGREEMENT}
    with pytest.raises(IndexError):
        documents[3]
    outcomes = [Outcome.WRITTEN, Outcome.FAILED, Outcome.UNCHANGED]
    files = Files(documents.paths, outcomes)
    assert files == [(r, o) for (*_x, r), o in zip(listed, outcomes, strict=True)]
    assert files[-1] == (listed[-1][2], Outcome.UNCHANGED) and len(files) == 3


@given(st.lists(st.tuples(st.sampled_from(["t1", "t2", "t 1", "", "ǆ", "\udcff"]) | st.text(
    max_size=4), st.integers(0, 99)), max_size=200))
def test_a_text_table_is_a_dict_of_its_first_values(pairs: list[tuple[str, int]]) -> None:
    """Team IDs' keys are held in a TextTable (memory at 50,000 teams): it answers as the
    dict it replaces, each key's first row kept."""
    from docgen.compact import TextTable

    table, plain = TextTable(), {}
    for text, value in pairs:
        assert table.setdefault(text, value) == plain.setdefault(text, value)
    assert len(table) == len(plain) and list(table) == list(plain)
    for text in [*plain, "t3", "T1"]:
        assert (text in table) == (text in plain)
