"""Each coach's documents in their hands, and one file to print: coach packs (a folder and a
zip per coach) and print files (each kind's PDFs merged, a bookmark per document), read back."""

from __future__ import annotations

import importlib
import io
import os
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, small_rows
from pypdf import PdfReader, PdfWriter

from docgen import jobs, libreoffice
from docgen.cli import main
from docgen.copies import COPIES_RECORD
from docgen.documents import outputs
from docgen.records.find import How, find_files

generate_job = importlib.import_module("docgen.jobs.generate")  # the module, not the function
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is not installed (CI installs it)")


def rows() -> dict[str, list[dict[str, object]]]:
    """The small cohort, with Team IDs out of order (T10 before T2 on the sheet), a coach with
    two teams, a team with two coaches, and a coach whose name is no file name as it is."""
    data = small_rows()
    data["Teams"] += [
        {"team_id": "T10", "team_name": "Theatres", "organisation": "NHS Fife",
         "team_members": "Ann Other", "coach": "Dr Jo Bloggs; CON"},
        {"team_id": "T3", "team_name": "Pharmacy", "organisation": "NHS Fife",
         "team_members": "Ben Other", "coach": 'Ann: "Lee"/Smith?'},
    ]
    data["Teams"].insert(1, data["Teams"].pop(2))  # T1, T10, T2, T3 on the sheet
    return data


def page_width(stem: str) -> int:
    """The width of every page of the fake PDF of ``stem``: tells which document a page is of."""
    return 300 + zlib.crc32(stem.encode()) % 400


def page_count(stem: str) -> int:
    return 1 + len(stem) % 3


def fake_pdf(stem: str) -> bytes:
    writer = PdfWriter()
    for _ in range(page_count(stem)):
        writer.add_blank_page(page_width(stem), 800)
    writer.add_metadata({"/Author": "docgen"})  # as LibreOffice writes a docgen document's
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def fake_soffice(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Put a converter in LibreOffice's place writing fake PDFs (see :func:`fake_pdf`); the
    file names added to the set returned are refused, as LibreOffice refuses damaged files."""
    refuse: set[str] = set()

    def convert(exe: str, files: list[Path], to: str, outdir: Path,
                timeout: float) -> libreoffice.Run:
        errors = []
        for f in files:
            if f.name in refuse:
                errors.append("source file could not be loaded")
            else:
                (outdir / f"{f.stem}.pdf").write_bytes(fake_pdf(f.stem))
        return libreoffice.Run(False, tuple(errors))

    monkeypatch.setattr(outputs, "soffice", lambda: "soffice")
    monkeypatch.setattr(libreoffice, "convert", convert)
    return refuse


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def zipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


CONTRACTS = {"T1": "Ward 7 Falls (T1)", "T2": "A & B -Ltd- -quoted- 🚀 (T2)",
             "T3": "Pharmacy (T3)", "T10": "Theatres (T10)"}
EXPECTED_PACKS = {  # folder -> Team IDs
    "Dr Jo Bloggs": ["T1", "T10"],
    "CON_": ["T10"],  # a name Windows reserves
    "Sam Coach": ["T2"],
    "Alex Second": ["T2"],
    "Ann- -Lee--Smith": ["T3"],
}


def test_each_coach_pack_holds_exactly_their_contracts_and_its_zip_the_same_bytes(
        tmp_path: Path, make_cohort, fake_soffice: set[str]) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(rows()), out, pdf=True, coach_packs=True, jobs=1,
                           today=TODAY)
    assert report.packs is not None
    assert report.packs.problems == [] and report.packs.kept == []
    packs = out / "coaches"
    assert sorted(p.name for p in packs.iterdir() if p.is_dir()) == sorted(EXPECTED_PACKS)
    for folder, team_ids in EXPECTED_PACKS.items():
        expected = {}
        for team_id in team_ids:
            for suffix in (".docx", ".pdf"):
                name = CONTRACTS[team_id] + suffix
                expected[name] = (out / "contracts" / name).read_bytes()
        assert files_in(packs / folder) == expected, folder
        assert zipped(packs / f"{folder}.zip") == expected, folder
    # a team with two coaches is in both packs; the coach with two teams has both
    assert report.packs.documents == 6
    assert {c for c, _f in report.packs.packs} == {
        "Dr Jo Bloggs", "CON", "Sam Coach", "Alex Second", 'Ann: "Lee"/Smith?'}
    assert not (packs / "agreements").exists()  # agreements have no coach


def test_a_coach_name_that_cannot_name_a_folder_is_named(tmp_path: Path, make_cohort) -> None:
    data = small_rows()
    data["Teams"][0]["coach"] = "???"
    report = jobs.generate(make_cohort(data), tmp_path / "out", coach_packs=True, jobs=1,
                           today=TODAY)
    assert report.packs is not None
    folder = tmp_path / "out" / "coaches" / "Coach 1 (no usable name)"
    assert [p.name for p in folder.iterdir()] == ["Ward 7 Falls (T1).docx"]
    [note] = [n for n in report.packs.notes if "???" in n.message]
    assert '"Coach 1 (no usable name)"' in note.message and note.sheet == "Teams"


def test_a_team_without_a_coach_is_named_as_in_no_pack(tmp_path: Path, make_cohort) -> None:
    data = small_rows()
    data["Teams"][0]["coach"] = ""
    report = jobs.generate(make_cohort(data), tmp_path / "out", coach_packs=True, jobs=1,
                           today=TODAY)
    assert report.packs is not None
    assert [Path(n.file or "").name for n in report.packs.notes] == ["Ward 7 Falls (T1).docx"]
    assert "no coach" in report.packs.notes[0].message
    assert not (tmp_path / "out" / "coaches" / "Dr Jo Bloggs").exists()


def test_packs_follow_the_cohort_and_never_lose_a_changed_file(
        tmp_path: Path, make_cohort) -> None:
    out = tmp_path / "out"
    packs = out / "coaches"
    jobs.generate(make_cohort(), out, coach_packs=True, jobs=1, today=TODAY)
    # someone types into one copy, and puts a file of their own beside another
    edited = packs / "Sam Coach" / "A & B -Ltd- -quoted- 🚀 (T2).docx"
    edited.write_bytes(edited.read_bytes() + b"typed")
    own = packs / "Dr Jo Bloggs" / "notes.txt"
    own.write_text("mine")
    # Sam Coach leaves the cohort; Dr Jo Bloggs's team gets another coach
    data = small_rows()
    data["Teams"][1]["coach"] = "Alex Second"
    data["Teams"][0]["coach"] = "Pat New"
    report = jobs.generate(make_cohort(data), out, coach_packs=True, jobs=1, today=TODAY)
    assert report.packs is not None and report.packs.problems == []
    assert sorted(p.name for p in packs.iterdir()) == [
        COPIES_RECORD, "Alex Second", "Alex Second.zip", "Dr Jo Bloggs", "Pat New",
        "Pat New.zip", "Sam Coach"]
    # docgen's own copies went; what was changed or not docgen's stayed, and is named
    assert [p.name for p in (packs / "Dr Jo Bloggs").iterdir()] == ["notes.txt"]
    assert [p.name for p in (packs / "Sam Coach").iterdir()] == [edited.name]
    assert edited.read_bytes().endswith(b"typed")
    assert [Path(p.file or "") for p in report.packs.kept] == [edited]
    assert {p.name for p in report.packs.removed} == {
        "Ward 7 Falls (T1).docx", "Dr Jo Bloggs.zip", "Sam Coach.zip"}
    # a copy changed by hand where the current document goes is kept under a dated name
    copy = packs / "Pat New" / "Ward 7 Falls (T1).docx"
    copy.write_bytes(b"changed by hand")
    report = jobs.generate(make_cohort(data), out, coach_packs=True, jobs=1, today=TODAY)
    assert report.packs is not None
    [kept] = report.packs.kept
    assert kept.file == str(copy) and "kept as Ward 7 Falls (T1) (edited " in kept.message
    assert copy.read_bytes() == (out / "contracts" / copy.name).read_bytes()
    [aside] = [p for p in (packs / "Pat New").iterdir() if "(edited " in p.name]
    assert aside.read_bytes() == b"changed by hand"


def test_a_rerun_with_nothing_changed_keeps_the_packs_and_mends_a_missing_file(
        tmp_path: Path, make_cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    cohort = make_cohort(rows())
    first = jobs.generate(cohort, out, coach_packs=True, jobs=1, today=TODAY)
    assert first.packs is not None and first.packs.unchanged == 0
    zip_bytes = (out / "coaches" / "Dr Jo Bloggs.zip").read_bytes()

    def unread(_data: Path) -> None:
        raise AssertionError("the cohort was read again")

    # nothing changed: the cohort is not read, the packs are laid out as the last run said
    monkeypatch.setattr(generate_job, "check", unread)
    again = jobs.generate(cohort, out, coach_packs=True, jobs=1, today=TODAY)
    assert again.rendered == 0 and again.packs is not None
    assert (again.packs.written, again.packs.unchanged) == (0, first.packs.written)
    assert (out / "coaches" / "Dr Jo Bloggs.zip").read_bytes() == zip_bytes
    (out / "coaches" / "CON_" / "Theatres (T10).docx").unlink()
    left = out / "coaches" / "CON_" / ".Theatres (T10).docx.99999.tmp"  # by a killed run
    left.write_bytes(b"half")
    mended = jobs.generate(cohort, out, coach_packs=True, jobs=1, today=TODAY)
    assert mended.packs is not None and mended.packs.written == 1
    assert (out / "coaches" / "CON_" / "Theatres (T10).docx").is_file()
    assert not left.exists()


def test_the_log_passes_over_docgen_copies_but_reads_a_changed_one(
        tmp_path: Path, make_cohort, fake_soffice: set[str]) -> None:
    out = tmp_path / "out"
    jobs.generate(make_cohort(rows()), out, print_file=True, coach_packs=True, jobs=1,
                  today=TODAY)
    found, problems = find_files([out])
    assert problems == []
    assert [f.path.relative_to(out).as_posix() for f in found] == sorted(
        [f"contracts/{name}.docx" for name in CONTRACTS.values()]
        + ["agreements/Zofia Dąbrowska and François Béranger.docx"])
    copy = out / "coaches" / "Sam Coach" / "A & B -Ltd- -quoted- 🚀 (T2).docx"
    copy.write_bytes(copy.read_bytes() + b"\0")  # a coach saved into their pack
    found, _problems = find_files([out])
    assert [(f.path, f.how) for f in found if "coaches" in f.path.parts] == [(copy, How.DOCX)]
    found, _problems = find_files([out / "coaches"])  # given the packs folder alone
    assert [f.path for f in found] == [copy]


def test_the_print_file_has_every_page_in_team_id_order_with_a_bookmark_each(
        tmp_path: Path, make_cohort, fake_soffice: set[str]) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(rows()), out, print_file=True, jobs=1, today=TODAY)
    assert report.pdf_missing == [] and not report.incomplete
    by_name = {pf.path.name: pf for pf in report.print_files}
    assert sorted(by_name) == ["agreements.pdf", "contracts.pdf"]
    reader = PdfReader(out / "contracts.pdf")
    order = ["T1", "T2", "T3", "T10"]  # numbers by value, not as text
    stems = [CONTRACTS[t] for t in order]
    assert len({page_width(s) for s in stems}) == len(stems)  # pages tell their document
    assert len(reader.pages) == sum(page_count(s) for s in stems) == by_name[
        "contracts.pdf"].pages
    titles = [o.title for o in reader.outline]
    assert titles == ["T1 · Ward 7 Falls", 'T2 · A & B <Ltd> "quoted" 🚀', "T3 · Pharmacy",
                      "T10 · Theatres"]
    first = 0
    for item, stem in zip(reader.outline, stems, strict=True):
        page = reader.get_destination_page_number(item)
        assert page == first
        assert float(reader.pages[page].mediabox.width) == page_width(stem)
        first += page_count(stem)
    assert reader.page_mode == "/UseOutlines"
    agreements = PdfReader(out / "agreements.pdf")
    assert [o.title for o in agreements.outline] == [
        "Zofia Dąbrowska and François Béranger"]
    # nothing changed: the print file is left as it is
    again = jobs.generate(make_cohort(rows()), out, print_file=True, jobs=1, today=TODAY)
    assert [pf.written for pf in again.print_files] == [False, False]


def test_a_print_file_short_of_a_pdf_says_so_and_docgen_exits_1(
        tmp_path: Path, make_cohort, fake_soffice: set[str]) -> None:
    fake_soffice.add("Pharmacy (T3).docx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(make_cohort(rows())), "-o", str(out),
                                       "--print-file", "--coach-packs", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "contracts.pdf: 3 documents" in result.output
    assert "lacking 1 (named above)" in result.output
    assert "Print file: " in result.output and "Pharmacy (T3).pdf" in result.output
    assert "Coach pack: " in result.output and "lacks 1 file: Pharmacy (T3).pdf" in result.output
    reader = PdfReader(out / "contracts.pdf")
    # the notice page first, then the three documents made
    stems = [CONTRACTS[t] for t in ("T1", "T2", "T10")]
    assert len(reader.pages) == 1 + sum(page_count(s) for s in stems)
    notice, listed, *documents = reader.outline
    assert notice.title == "Missing from this file: 1 of 4"
    assert [o.title for o in listed] == ["T3 · Pharmacy"]
    assert reader.get_destination_page_number(notice) == 0
    assert "lacks 1 of the 4 contracts" in reader.pages[0].extract_text()
    assert "T3 · Pharmacy" in reader.pages[0].extract_text()
    assert [o.title for o in documents] == ["T1 · Ward 7 Falls",
                                            'T2 · A & B <Ltd> "quoted" 🚀', "T10 · Theatres"]
    assert "Lacks 1 of 4 contracts: T3 · Pharmacy" in reader.metadata["/Subject"]


def test_a_dry_run_writes_no_pack_and_no_print_file(tmp_path: Path, make_cohort) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(), out, coach_packs=True, print_file=True,
                           dry_run=True, today=TODAY)
    assert not out.exists()
    assert any("dry run writes no coach pack" in n.message for n in report.notes)


@needs_libreoffice
def test_real_print_file_and_packs_from_libreoffice(tmp_path: Path, make_cohort) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(make_cohort(rows())), "-o", str(out),
                                       "--only", "contracts", "--print-file", "--coach-packs"])
    assert result.exit_code == 0, result.output
    assert f"Print file {out / 'contracts.pdf'}: 4 documents, " in result.output
    assert f"Coach packs: 5 coaches in {out / 'coaches'} (a folder and a zip each" in (
        result.output)
    order = ["T1", "T2", "T3", "T10"]
    pdfs = [PdfReader(out / "contracts" / f"{CONTRACTS[t]}.pdf") for t in order]
    merged = PdfReader(out / "contracts.pdf")
    assert len(merged.pages) == sum(len(r.pages) for r in pdfs)
    first = 0
    for item, team_id, pdf in zip(merged.outline, order, pdfs, strict=True):
        assert item.title.startswith(f"{team_id} · ")
        page = merged.get_destination_page_number(item)
        assert page == first
        assert merged.pages[page].extract_text() == pdf.pages[0].extract_text()
        assert f"({team_id})" in merged.pages[page].extract_text()  # the footer names it
        first += len(pdf.pages)
    pack = out / "coaches" / "Dr Jo Bloggs"
    assert sorted(files_in(pack)) == ["Theatres (T10).docx", "Theatres (T10).pdf",
                                      "Ward 7 Falls (T1).docx", "Ward 7 Falls (T1).pdf"]
    assert zipped(out / "coaches" / "Dr Jo Bloggs.zip") == files_in(pack)


def test_a_pdf_older_than_its_edited_document_is_named(
        tmp_path: Path, make_cohort, fake_soffice: set[str]) -> None:
    out = tmp_path / "out"
    cohort = make_cohort()
    jobs.generate(cohort, out, only="contracts", print_file=True, jobs=1, today=TODAY)
    docx = out / "contracts" / "Ward 7 Falls (T1).docx"
    docx.write_bytes(docx.read_bytes() + b"\0")  # a coach's edit: kept, its PDF not remade
    pdf = docx.with_suffix(".pdf")
    os.utime(docx, (pdf.stat().st_mtime + 60,) * 2)
    report = jobs.generate(cohort, out, only="contracts", print_file=True, coach_packs=True,
                           jobs=1, today=TODAY)
    [print_file] = report.print_files
    assert [n.file for n in print_file.notes] == [str(pdf)]
    assert report.packs is not None
    assert [n.file for n in report.packs.notes] == [str(pdf)]
    assert "older than its document" in report.packs.notes[0].message


def test_packs_asked_after_a_run_without_them_are_laid_out(tmp_path: Path,
                                                          make_cohort) -> None:
    """The run that reads no cohort knows the packs only from a run that made them."""
    out = tmp_path / "out"
    cohort = make_cohort()
    jobs.generate(cohort, out, jobs=1, today=TODAY)
    report = jobs.generate(cohort, out, coach_packs=True, jobs=1, today=TODAY)
    assert report.packs is not None
    assert sorted(c for c, _folder in report.packs.packs) == [
        "Alex Second", "Dr Jo Bloggs", "Sam Coach"]
    assert (out / "coaches" / "Dr Jo Bloggs" / "Ward 7 Falls (T1).docx").is_file()
