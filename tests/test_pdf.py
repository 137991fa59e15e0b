"""PDFs for any number, never silently short: LibreOffice runs in batches, each PDF checked,
a failure retried once and then named; contracts convert with their text intact."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import jobs, libreoffice
from docgen.cli import main
from docgen.documents import outputs
from docgen.documents.outputs import (
    PDF_BATCH,
    convert_to_pdf,
    pdf_batches,
    pdf_pages,
    pdf_problem,
)

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is not installed (CI installs it)")

GOOD_PDF = (b"%PDF-1.6\n1 0 obj\n<</Type/Pages\n/Kids[ 2 0 R ]\n/Count 1>>\nendobj\n"
            b"2 0 obj\n<</Type/Page/Parent 1 0 R>>\nendobj\ntrailer\n<</Root 1 0 R>>\n"
            b"startxref\n0\n%%EOF\n")

Convert = Callable[[str, list[Path], str, Path, float], libreoffice.Run]


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def fake_libreoffice(monkeypatch: pytest.MonkeyPatch, convert: Convert) -> list[list[Path]]:
    """Put ``convert`` in LibreOffice's place; return the list of runs it is given."""
    runs: list[list[Path]] = []
    lock = threading.Lock()

    def recorded(exe: str, files: list[Path], to: str, outdir: Path,
                 timeout: float) -> libreoffice.Run:
        with lock:
            runs.append(list(files))
        return convert(exe, files, to, outdir, timeout)

    monkeypatch.setattr(outputs, "soffice", lambda: "soffice")
    monkeypatch.setattr(libreoffice, "convert", recorded)
    return runs


def like_libreoffice(limit: int = 247, refuse: frozenset[str] = frozenset()) -> Convert:
    """Return a converter that, like LibreOffice 7.4, stops without a word after ``limit``
    files in one run, and cannot load the files named in ``refuse``."""

    def convert(exe: str, files: list[Path], to: str, outdir: Path,
                timeout: float) -> libreoffice.Run:
        errors = []
        for f in files[:limit]:
            if f.name in refuse:
                errors.append("source file could not be loaded")
            else:
                (outdir / f"{f.stem}.pdf").write_bytes(GOOD_PDF)
        return libreoffice.Run(False, tuple(dict.fromkeys(errors)))

    return convert


def documents(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"Team {i:03d} (T{i}).docx" for i in range(count)]
    for f in files:
        f.write_bytes(b"PK docx")
    return files


def test_runs_are_split_small_enough_and_evenly_across_processes(tmp_path: Path) -> None:
    files = documents(tmp_path / "contracts", 300)
    one = pdf_batches(files, jobs=1)
    assert [len(b) for b in one] == [100, 100, 100]
    two = pdf_batches(files, jobs=2)
    assert [len(b) for b in two] == [75, 75, 75, 75]
    assert [f for b in two for f in b] == files
    assert [len(b) for b in pdf_batches(files[:3], jobs=4)] == [1, 1, 1]
    mixed = files[:5] + documents(tmp_path / "agreements", 2)
    assert all(len({f.parent for f in b}) == 1 for b in pdf_batches(mixed, jobs=1))
    assert sorted(map(len, pdf_batches(mixed, jobs=1))) == [2, 5]
    assert pdf_batches([], jobs=2) == []


def test_more_documents_than_one_libreoffice_run_converts_are_all_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = fake_libreoffice(monkeypatch, like_libreoffice(limit=247))
    files = documents(tmp_path / "contracts", 300)
    done = convert_to_pdf(files, jobs=1)
    assert done.missing == []
    assert done.made == 300
    assert all(f.with_suffix(".pdf").read_bytes() == GOOD_PDF for f in files)
    assert max(map(len, runs)) <= PDF_BATCH
    assert not list((tmp_path / "contracts").glob("docgen-*"))  # work folders removed


def test_files_a_run_left_out_are_tried_again_in_a_fresh_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = fake_libreoffice(monkeypatch, like_libreoffice(limit=80))
    files = documents(tmp_path / "contracts", 100)
    done = convert_to_pdf(files, jobs=1, batch=100)
    assert (done.made, done.missing) == (100, [])
    assert runs == [files] + [[f] for f in files[80:]]  # the 20 left out, each alone
    runs.clear()
    many = documents(tmp_path / "agreements", 100)
    runs = fake_libreoffice(monkeypatch, like_libreoffice(limit=50))
    done = convert_to_pdf(many, jobs=1, batch=100)
    assert (done.made, done.missing) == (100, [])
    assert runs == [many, many[50:75], many[75:]]  # many left out: in shorter runs


def test_a_document_libreoffice_cannot_convert_is_named_with_its_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = documents(tmp_path / "contracts", 5)
    bad = files[2]
    runs = fake_libreoffice(monkeypatch, like_libreoffice(refuse=frozenset({bad.name})))
    done = convert_to_pdf(files, jobs=1)
    assert done.made == 4
    assert len(done.missing) == 1
    problem = done.missing[0]
    assert problem.file == str(bad)
    assert "LibreOffice said: source file could not be loaded" in problem.message
    assert "tried twice" in problem.message
    assert runs == [files, [bad]]  # retried once, in a run of its own, and no more
    assert not bad.with_suffix(".pdf").exists()


def test_a_damaged_or_empty_pdf_counts_as_missing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def damaged(exe: str, files: list[Path], to: str, outdir: Path,
                timeout: float) -> libreoffice.Run:
        for f in files:
            data = {"cut": GOOD_PDF[:60], "empty": b"", "html": b"<html>"}.get(f.stem, GOOD_PDF)
            (outdir / f"{f.stem}.pdf").write_bytes(data)
        return libreoffice.Run(False, ())

    fake_libreoffice(monkeypatch, damaged)
    folder = tmp_path / "contracts"
    folder.mkdir()
    files = [folder / f"{name}.docx" for name in ("cut", "empty", "html", "whole")]
    done = convert_to_pdf(files, jobs=1)
    assert done.made == 1
    reasons = {Path(p.file or "").stem: p.message for p in done.missing}
    assert "cut short" in reasons["cut"]
    assert "empty PDF" in reasons["empty"]
    assert "not a PDF" in reasons["html"]
    assert not (folder / "cut.pdf").exists()


def test_a_run_that_hangs_is_stopped_and_named(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake_libreoffice(monkeypatch, lambda *_: libreoffice.Run(True, ()))
    files = documents(tmp_path / "contracts", 2)
    done = convert_to_pdf(files, jobs=1, timeout=5)
    assert done.made == 0
    assert [p.file for p in done.missing] == [str(f) for f in files]
    assert all("took longer than 5 s and was stopped" in p.message for p in done.missing)


def test_jobs_2_runs_two_libreoffice_processes_at_once(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    both = threading.Barrier(2, timeout=20)  # broken (an error) unless two runs meet
    convert = like_libreoffice()
    seen: set[int] = set()

    def meeting(exe: str, files: list[Path], to: str, outdir: Path,
                timeout: float) -> libreoffice.Run:
        seen.add(threading.get_ident())
        both.wait()
        return convert(exe, files, to, outdir, timeout)

    runs = fake_libreoffice(monkeypatch, meeting)
    files = documents(tmp_path / "contracts", 150)
    done = convert_to_pdf(files, jobs=2)
    assert (done.made, done.missing) == (150, [])
    assert len(runs) == 2 and len(seen) == 2
    assert not both.broken


def test_generate_exits_1_and_names_each_pdf_not_made(tmp_path: Path, make_cohort,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fake_libreoffice(monkeypatch,
                     like_libreoffice(refuse=frozenset({"Ward 7 Falls (T1).docx"})))
    result = CliRunner().invoke(main, ["generate", str(make_cohort()), "-o",
                                       str(tmp_path / "out"), "--pdf", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "2 PDF files written beside the documents; 1 not made" in result.output
    assert "PDF missing:" in result.output
    assert "Ward 7 Falls (T1).docx" in result.output
    assert "source file could not be loaded" in result.output
    report = jobs.generate(make_cohort(), tmp_path / "out", pdf=True, jobs=1)
    assert report.pdfs == 0  # the two made are there; only the missing one is tried again
    assert [Path(p.file or "").name for p in report.pdf_missing] == ["Ward 7 Falls (T1).docx"]


def test_pdf_checks_read_the_page_tree() -> None:
    assert pdf_pages(GOOD_PDF) == 1
    assert pdf_pages(b"%PDF-1.4 <</Count 12 /Type /Pages /Kids[]>> <</Type/Pages/Count 3>>") == 12
    assert pdf_pages(b"%PDF-1.7 compressed /ObjStm") is None
    assert pdf_pages(GOOD_PDF.replace(b"/Count 1", b"/Count 0")) == 0


def test_a_pdf_without_pages_is_not_whole(tmp_path: Path) -> None:
    empty = tmp_path / "none.pdf"
    empty.write_bytes(GOOD_PDF.replace(b"/Count 1", b"/Count 0"))
    assert pdf_problem(empty) == "LibreOffice's PDF has no pages"
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(GOOD_PDF)
    assert pdf_problem(whole) is None
    assert "no PDF" in (pdf_problem(tmp_path / "absent.pdf") or "")


def no_path(monkeypatch: pytest.MonkeyPatch, platform: str, present: set[str]) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(Path, "is_file", lambda self: str(self) in present)


def test_libreoffice_is_found_in_program_files_on_windows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ProgramFiles", "D:\\Apps")
    monkeypatch.delenv("ProgramW6432", raising=False)
    monkeypatch.setenv("ProgramFiles(x86)", "D:\\Apps86")
    expected = str(Path("D:\\Apps86") / "LibreOffice" / "program" / "soffice.exe")
    no_path(monkeypatch, "win32", {expected})
    assert libreoffice.soffice() == expected
    no_path(monkeypatch, "win32", set())
    assert libreoffice.soffice() is None


def test_libreoffice_is_found_in_applications_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
    no_path(monkeypatch, "darwin", {bundle})
    assert libreoffice.soffice() == bundle
    no_path(monkeypatch, "linux", {bundle})
    assert libreoffice.soffice() is None


def test_libreoffice_on_the_path_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which",
                        lambda name: "/usr/local/bin/soffice" if name == "soffice" else None)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert libreoffice.soffice() == "/usr/local/bin/soffice"


@needs_libreoffice
def test_generate_pdf_writes_a_pdf_beside_each_contract(tmp_path: Path, make_cohort) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(), out, only="contracts", pdf=True)
    assert report.notes == [] and report.pdf_missing == []
    assert report.pdfs == 2
    pdf = out / "contracts" / "Ward 7 Falls (T1).pdf"
    assert pdf_problem(pdf) is None
    text = pdf_text(pdf)
    assert "Contract for coaching" in text
    assert "Record of Coaching (to be retained by team)" in text
    assert "Áine Ní Bhriain" in text
    assert "COACHING RECORD" in text
    hostile = out / "contracts" / "A & B -Ltd- -quoted- 🚀 (T2).pdf"
    assert 'A & B <Ltd> "quoted"' in pdf_text(hostile)
    # the log knows these PDFs for docgen's own: read beside their records, never named
    from docgen.records import read_records

    records, problems = read_records([out], jobs=1)
    assert len(records) == 2 and problems == []


@needs_libreoffice
def test_real_libreoffice_names_a_damaged_document(tmp_path: Path, out: Path) -> None:
    folder = out / "contracts"
    good = sorted(folder.glob("*.docx"))
    bad = folder / "Damaged (T9).docx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("word/document.xml", "<not-word")
    done = convert_to_pdf([*good, bad], jobs=1)
    assert done.made == len(good) == 2
    assert [p.file for p in done.missing] == [str(bad)]
    assert "LibreOffice" in done.missing[0].message
    assert all(pdf_problem(f.with_suffix(".pdf")) is None for f in good)



@needs_libreoffice
@pytest.mark.parametrize("folder", ["Cohort%207", "Lothian; Borders", "A|B"])
def test_pdfs_in_a_folder_whose_name_libreoffice_reads_as_url_syntax(
        out: Path, tmp_path: Path, folder: str) -> None:
    """LibreOffice 7.4 writes nothing into an output folder whose path holds ";", "|" or
    "%" and two hex digits ("no export filter"): docgen's PDFs and the log's are still made
    (LibreOffice writes into a folder of docgen's, and each PDF is moved beside its
    document)."""
    odd = tmp_path / folder
    shutil.copytree(out, odd)
    documents = sorted((odd / "contracts").glob("*.docx"))
    done = convert_to_pdf(documents, jobs=1)
    assert done.missing == [] and done.made == len(documents) == 2
    assert all(pdf_problem(f.with_suffix(".pdf")) is None for f in documents)
    report = jobs.log([odd], odd / "log.xlsx", jobs=1, pdf=True)
    assert report.pdf_problems == [] and report.pdf == odd / "log.pdf"
    assert pdf_problem(odd / "log.pdf") is None

@needs_libreoffice
def test_300_documents_all_become_pdfs(tmp_path: Path, make_cohort) -> None:
    """More than one LibreOffice 7.4 run converts (247): every PDF there, whole."""
    teams = [{"team_id": f"T{i}", "team_name": f"Team {i}", "organisation": "NHS Fife",
              "team_members": "A Person", "coach": "Dr Jo Bloggs"} for i in range(300)]
    out = tmp_path / "out"
    report = jobs.generate(make_cohort({"Teams": teams, "Sessions": [], "Mentoring": []}),
                           out, only="contracts", pdf=True, jobs=2)
    assert report.pdf_missing == []
    assert report.pdfs == 300
    pdfs = sorted((out / "contracts").glob("*.pdf"))
    assert len(pdfs) == 300
    assert all(pdf_problem(p) is None for p in pdfs)


def test_libreoffice_is_given_the_print_copy_of_a_form_with_prompts(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF step converts a copy without the prompts (docgen.documents.printcopy), named as
    the document so its PDF still lands beside it; the document itself is not touched."""
    given: dict[str, bytes] = {}

    def convert(exe: str, files: list[Path], to: str, outdir: Path,
                timeout: float) -> libreoffice.Run:
        for f in files:
            given[f.name] = f.read_bytes()
            (outdir / f"{f.stem}.pdf").write_bytes(GOOD_PDF)
        return libreoffice.Run(False, ())

    runs = fake_libreoffice(monkeypatch, convert)
    files = sorted((out / "contracts").glob("*.docx"))
    before = {f: f.read_bytes() for f in files}
    done = convert_to_pdf(files, jobs=1)
    assert (done.made, done.missing) == (2, [])
    assert [p.name for p in runs[0]] == [f.name for f in files]
    assert not any(p.is_relative_to(out) for p in runs[0])  # copies, outside the folder
    assert all(f.read_bytes() == data for f, data in before.items())
    for f in files:
        assert f.with_suffix(".pdf").read_bytes() == GOOD_PDF
        with zipfile.ZipFile(f) as zf:
            assert b"<w:showingPlcHdr/>" in zf.read("word/document.xml")
        with zipfile.ZipFile(io.BytesIO(given[f.name])) as zf:
            assert b"<w:showingPlcHdr/>" not in zf.read("word/document.xml")
