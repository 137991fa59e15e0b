"""Every format a coach saves a record in is read, or named on the Problems sheet with the way out.

A generated contract is filled as a coach would, then saved by a real LibreOffice as .odt,
.doc, .rtf and PDF: the .odt is read natively, the .doc and .rtf through LibreOffice, and each
gives the sessions and team the .docx gives. A PDF, a file that is not a record, a .doc
without LibreOffice and a folder that cannot be opened are each named; nothing under the
folders is passed over in silence.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from coach import fill
from conftest import TODAY, custom_properties, small_rows

from docgen import jobs, libreoffice, schema
from docgen.cli import main
from docgen.cohort.starter import write_cohort_workbook
from docgen.errors import Problem
from docgen.models import Record
from docgen.records import find, read, read_record, read_records
from docgen.records.cache import RecordCache, cache_path
from docgen.records.find import How, find_files
from docgen.records.pdf import only_in_pdf, words_only_in_pdf

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice is not installed")

T1 = "contracts/Ward 7 Falls (T1).docx"
TYPED = {"record.coach": "Sam Coach", "record.date": "03/06/2026", "record.start_time": "14:00",
         "record.finish_time": "15:00", "record.topic": "Run chart",
         "record.next_meeting": "01/07/2026"}  # after the date (the pre-filled one is before)


def _soffice(fmt: str, files: list[Path], outdir: Path, profile: Path) -> None:
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding one filled contract as record.docx/.odt/.doc/.rtf/.pdf and
    the mentoring agreement as agreement.odt, each saved by LibreOffice from the .docx."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("formats")
    cohort = tmp / "cohort.xlsx"
    write_cohort_workbook(cohort, small_rows())
    jobs.generate(cohort, tmp / "out", today=TODAY)
    made = tmp / "made"
    made.mkdir()
    record = made / "record.docx"
    shutil.copyfile(tmp / "out" / T1, record)
    fill(record, TYPED)
    agreement = made / "agreement.docx"
    shutil.copyfile(next((tmp / "out" / "agreements").glob("*.docx")), agreement)
    for fmt in ("odt", "doc", "rtf", "pdf"):
        _soffice(fmt, [record, agreement] if fmt == "odt" else [record], made, tmp / "profile")
    return made


def _folder(saved: Path, dest: Path, *names: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(saved / name, dest / name)
    return dest


def _what(record: Record) -> tuple[object, ...]:
    """Return what the log takes from a record: team, how it was known, every session."""
    return (record.team_id, record.team_name, record.organisation, record.identified_by,
            record.kind, tuple((s.origin, s.date, s.start, s.finish, s.coach, s.mode, s.topic,
                                s.issues, s.action) for s in record.sessions))


def _by_file(problems: list[Problem]) -> dict[str, str]:
    return {p.file or "": p.message for p in problems}


def _nothing_silent(folder: Path, records: list[Record], problems: list[Problem]) -> None:
    """Assert each file under ``folder`` is read or named, but owner and lock files."""
    named = {r.source for r in records} | {p.file for p in problems}
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not path.name.startswith(("~$", ".~lock.", "._")):
            assert rel in named, f"{rel} was neither read nor named"


@needs_soffice
def test_odt_doc_and_rtf_give_the_sessions_and_team_of_the_docx(saved: Path,
                                                                  tmp_path: Path) -> None:
    folder = _folder(saved, tmp_path / "records", "record.docx", "record.odt", "record.doc",
                     "record.rtf")
    before = {p: p.read_bytes() for p in folder.iterdir()}
    records, problems = read_records([folder], jobs=1)
    assert problems == []
    by_file = {r.source: r for r in records}
    assert sorted(by_file) == ["record.doc", "record.docx", "record.odt", "record.rtf"]
    docx = _what(by_file["record.docx"])
    assert docx[0:4] == ("T1", "Ward 7 Falls", "NHS Lothian", "properties")
    assert "Run chart" in {s[6] for s in docx[5]}
    for name in ("record.odt", "record.doc", "record.rtf"):
        assert _what(by_file[name]) == docx, name
        assert by_file[name].problems == ()
    assert {p: p.read_bytes() for p in folder.iterdir()} == before  # originals untouched
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in before)


@needs_soffice
def test_an_odt_agreement_is_known_by_its_properties(saved: Path) -> None:
    record = read_record(saved / "agreement.odt", saved)
    assert record.kind == read_record(saved / "agreement.docx", saved).kind
    assert record.kind and record.sessions == () and record.problems == ()


@needs_soffice
def test_docm_and_dotx_word_packages_are_read_natively(saved: Path, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for suffix in (".docm", ".dotx"):
        shutil.copyfile(saved / "record.docx", folder / f"record{suffix}")
    found = find_files([folder])[0]
    assert [(f.path.name, f.how) for f in found] == [("record.docm", How.DOCX),
                                                      ("record.dotx", How.DOCX)]
    records, problems = read_records([folder], jobs=1)
    want = _what(read_record(saved / "record.docx", saved))
    assert problems == [] and [_what(r) for r in records] == [want, want]


@needs_soffice
def test_the_log_names_every_file_it_does_not_read(saved: Path, tmp_path: Path) -> None:
    folder = _folder(saved, tmp_path / "records", "record.odt")
    _folder(saved, folder / "exported", "record.pdf")  # a PDF with no record beside it
    (folder / "notes.txt").write_text("call Jo about the next session")
    (folder / "cohort.xlsx").write_bytes(b"PK")
    (folder / "~$record.docx").write_bytes(b"\0" * 162)  # Word's owner file
    (folder / ".~lock.record.odt#").write_text("lock")  # LibreOffice's lock file
    (folder / "._record.odt").write_bytes(b"\0\5\26\7")  # macOS's fork file
    (folder / "damaged.doc").write_bytes((saved / "record.doc").read_bytes()[:3000])
    log = tmp_path / "log.xlsx"
    result = CliRunner().invoke(main, ["log", str(folder), "-o", str(log)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(log)["Problems"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    problems = {r[header.index("File")]: r[header.index("Problem")] for r in rows[1:]
                if r[header.index("File")]}  # rows without a file: the log's notes
    # record.odt is read (a problem may note something in it, such as a planned session)
    assert set(problems) - {"record.odt"} == {"exported/record.pdf", "notes.txt", "cohort.xlsx",
                                              "damaged.doc"}
    assert "ask the coach for the Word file" in problems["exported/record.pdf"]
    assert "not a coaching record" in problems["notes.txt"]
    assert "not a coaching record" in problems["cohort.xlsx"]
    assert "LibreOffice could not convert it" in problems["damaged.doc"]
    sessions = list(openpyxl.load_workbook(log)["Sessions"].iter_rows(values_only=True))
    typed = [dict(zip(sessions[0], r, strict=True)) for r in sessions[1:]]
    assert [(r["Team ID"], r["Date"].date().isoformat(), r["Hours"]) for r in typed
            if r["Topic"] == "Run chart"] == [("T1", "2026-06-03", 1)]  # from the .odt

    records, found_problems = read_records([folder], jobs=1)
    _nothing_silent(folder, records, found_problems)


@needs_soffice
def test_a_mentor_agreement_sent_back_as_a_pdf_counts_as_returned(tmp_path: Path) -> None:
    """A pair signs the PDF of their agreement and sends it back: the log shows the pair's
    agreement as returned (named as read from a PDF). A contract's PDF, a PDF without text
    and a damaged one are still named, asking for the Word file."""
    cohort = tmp_path / "cohort.xlsx"
    write_cohort_workbook(cohort, small_rows())
    jobs.generate(cohort, tmp_path / "out", today=TODAY)
    agreement = next((tmp_path / "out" / "agreements").glob("*.docx"))
    folder = tmp_path / "records"
    folder.mkdir()
    _soffice("pdf", [agreement, tmp_path / "out" / T1], folder, tmp_path / "profile")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "damaged.pdf").write_bytes(b"%PDF-1.7\n" + b"\xff" * 500)
    records, problems = read_records([folder], jobs=1)
    (pdf,) = records
    assert (pdf.kind, pdf.team_id, pdf.sessions) == (
        schema.KIND_AGREEMENT, "Zofia Dąbrowska – François Béranger", ())
    assert [p.message for p in pdf.problems] == [
        "is a PDF of the mentor agreement of Zofia Dąbrowska and François Béranger (a signed "
        "copy?): counted as returned; a PDF's text is not checked against what docgen wrote, "
        "so if the pair changed anything agreed, change it on the cohort's Mentoring sheet too"]
    assert _by_file(problems) == {name: find.PDF_REASON for name in (
        "Ward 7 Falls (T1).pdf", "scan.pdf", "damaged.pdf")}
    log = tmp_path / "log.xlsx"
    jobs.log([folder], log, cohort=cohort)
    rows = list(openpyxl.load_workbook(log)["Mentoring"].iter_rows(values_only=True))
    returned = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["QI practitioner"], r["Agreement returned"], r["Source file(s)"])
            for r in returned] == [("Zofia Dąbrowska", "Yes", pdf.source)]


@pytest.mark.parametrize("text", [
    "QI Practitioner name: Zofia Dąbrowska\nOrganisation: NHS Borders\nMentor name: François "
    "Béranger\nOrganisation: NHS Lothian",  # a cell at a time (LibreOffice's export)
    "QI Practitioner name: Zofia Dąbrowska   Mentor name: François Béranger\n"
    "Organisation: NHS Borders Organisation: NHS Lothian",  # the row as one line
    "QI Practitioner name: Zofia Dąbrowska Organisation: NHS Borders\n"
    "Mentor name:  François   Béranger Organisation: NHS Lothian"])
def test_the_pair_is_read_from_an_agreements_text_however_its_row_is_laid_out(
        text: str) -> None:
    """A PDF's text may give the agreement's side-by-side cells line by line or as one line:
    each name ends at the next label, never taking the other name with it."""
    from docgen.records.pdf import _pair

    assert _pair(f"QI Practitioner and Mentor agreement\n{text}") == (
        "Zofia Dąbrowska", "François Béranger")
    assert _pair(text) is None  # without the agreement's title: not one


@pytest.mark.parametrize(("text", "pair"), [
    # LibreOffice's PDF of the sample cohort's agreement: the name wraps at its hyphen
    ("QI Practitioner name: Zofia Dąbrowska-\nKowalczyk\nOrganisation: West Lothian Health "
     "and Social\nCare Partnership\nMentor name: Dr Eilidh Mackenzie\nOrganisation: "
     "Healthcare Improvement \nScotland\nWe agree to meet up",
     ("Zofia Dąbrowska-Kowalczyk", "Dr Eilidh Mackenzie")),
    ("QI Practitioner name: Ann\nOrganisation: NHS\nMentor name: Dr Eilidh Catriona\n"
     "Mackenzie-Smith\nOrganisation: HIS\nWe agree", ("Ann", "Dr Eilidh Catriona Mackenzie-Smith")),
])
def test_a_name_wrapped_in_its_cell_is_read_whole(text: str, pair: tuple[str, str]) -> None:
    """A long name wraps in its table cell; in the PDF's text it runs on over the next line.
    Read as its first line, the pair was one the cohort does not have, and its agreement was
    shown as not returned."""
    from docgen.records.pdf import _pair

    assert _pair(f"QI Practitioner and Mentor agreement\n{text}") == pair


def test_archives_and_e_mails_of_records_are_named_with_how_to_read_them(
        out: Path, tmp_path: Path) -> None:
    """Records e-mailed back as a zip, or an e-mail dragged into the folder: named with the
    way out, and a zip already extracted beside it (Extract All) is read from there, once."""
    folder = tmp_path / "records"
    folder.mkdir()
    record = out / T1
    with zipfile.ZipFile(folder / "records.zip", "w") as zf:
        zf.write(record, "returned/Ward 7 Falls (T1).docx")
        zf.writestr("notes.txt", "see attached")
    with zipfile.ZipFile(folder / "photos.zip", "w") as zf:
        zf.writestr("ward.jpg", b"\xff\xd8")
    (folder / "reply.eml").write_text("Subject: my record\n\nattached")
    (folder / "reply.msg").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "records.7z").write_bytes(b"7z\xbc\xaf")
    records, problems = read_records([folder], jobs=1)
    assert records == []
    assert _by_file(problems) == {
        "records.zip": "is a zip archive holding 1 document (Ward 7 Falls (T1).docx), which "
                       "docgen does not open: extract it into the folder (Windows: right-click "
                       "› Extract All) and run again; its documents are then read",
        "photos.zip": "is a zip archive holding no document docgen reads (.docx, .odt, .doc, "
                      ".rtf): skipped",
        "reply.eml": find.MAIL_REASON, "reply.msg": find.MAIL_REASON,
        "records.7z": "is an archive, which docgen does not open: extract it into the folder "
                      "(Windows: right-click › Extract All) and run again; its documents are "
                      "then read"}
    _nothing_silent(folder, records, problems)
    extracted = folder / "records" / "returned"  # as Extract All leaves it
    extracted.mkdir(parents=True)
    shutil.copyfile(record, extracted / record.name)
    records, problems = read_records([folder], jobs=1)
    assert [r.team_id for r in records] == ["T1"]
    assert "records.zip" not in _by_file(problems)  # its document is read, from the folder
    (extracted / record.name).write_bytes(record.read_bytes() + b"\0")  # not the same file
    _records, problems = read_records([folder], jobs=1)
    assert "records.zip" in _by_file(problems)


@needs_soffice
def test_without_libreoffice_a_doc_is_named_with_install_libreoffice(
        saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(saved, tmp_path / "records", "record.doc", "record.rtf", "record.odt")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # soffice is not found
    assert libreoffice.soffice() is None
    records, problems = read_records([folder], jobs=1)
    assert [r.source for r in records] == ["record.odt"]  # read natively all the same
    named = _by_file(problems)
    assert set(named) == {"record.doc", "record.rtf"}
    for message in named.values():
        assert "install LibreOffice" in message and "save it as .docx" in message
    _nothing_silent(folder, records, problems)


def test_an_unreadable_folder_is_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: a folder without permissions is still readable")
    folder = tmp_path / "records"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "T1.docx").write_bytes(b"x")
    (folder / "locked").chmod(0)
    try:
        _records, problems = read_records([folder], jobs=1)
    finally:
        (folder / "locked").chmod(0o755)
    (problem,) = problems
    assert problem.file == "locked" and "permission denied" in problem.message


def test_a_folder_that_cannot_be_listed_or_vanishes_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, whoever runs the tests: listing the folder fails as the system would."""
    folder = tmp_path / "records"
    for sub in ("locked", "gone", "fine"):
        (folder / sub).mkdir(parents=True)
    (folder / "fine" / "notes.txt").write_text("x")
    scandir = os.scandir
    errors = {"locked": PermissionError(13, "Permission denied"),
              "gone": FileNotFoundError(2, "No such file or directory")}

    def failing(path: str | os.PathLike[str]) -> object:
        if (err := errors.get(Path(path).name)) is not None:
            raise err
        return scandir(path)

    monkeypatch.setattr(find.os, "scandir", failing)
    found, problems = find_files([folder])
    monkeypatch.undo()
    named = _by_file(problems)
    assert set(named) == {"locked", "gone"}
    assert "permission denied" in named["locked"] and "read access" in named["locked"]
    assert "disappeared" in named["gone"] and "run docgen log again" in named["gone"]
    assert [(f.path.name, f.how) for f in found] == [("notes.txt", How.SKIP)]


def test_links_out_of_the_folder_are_named_and_links_inside_read_once(tmp_path: Path) -> None:
    root = tmp_path / "records"
    (root / "b").mkdir(parents=True)
    (root / "z.docx").write_bytes(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.docx").write_bytes(b"x")
    (root / "link.docx").symlink_to(outside / "secret.docx")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "b" / "inside_link.docx").symlink_to(root / "z.docx")
    (root / "broken.docx").symlink_to(tmp_path / "nothing.docx")
    found, problems = find_files([root])
    assert [(f.path.relative_to(root).as_posix(), f.how) for f in found] == [
        ("broken.docx", How.SKIP), ("link.docx", How.SKIP), ("z.docx", How.DOCX)]
    assert "not there" in found[0].reason and "outside" in found[1].reason
    assert [p.file for p in problems] == ["linked_dir"]
    assert "does not follow" in problems[0].message


def test_docgens_own_files_in_an_output_folder_are_not_problems(out: Path,
                                                                 tmp_path: Path) -> None:
    """The manifest, the lock, a PDF ``--pdf`` made beside its document and the log itself."""
    contract = out / T1
    contract.with_suffix(".pdf").write_bytes(DOCGENS_PDF)
    log = out / "coaching_log.xlsx"
    for _ in range(2):  # the second run finds the first one's log in the folder
        result = CliRunner().invoke(main, ["log", str(out), "-o", str(log)])
        assert result.exit_code == 0, result.output
    assert (out / ".docgen-manifest.jsonl").exists()
    ours = {".docgen-manifest.jsonl", ".docgen.lock", ".docgen-lastrun.json",
            "contracts/Ward 7 Falls (T1).pdf",
            "contracts/.Ward 7 Falls (T1).docx.4242.tmp", "coaching_log.xlsx",
            ".coaching_log.cache.sqlite"}
    rows = list(openpyxl.load_workbook(log)["Problems"].iter_rows(values_only=True))
    assert not ours & {r[rows[0].index("File")] for r in rows[1:]}
    (out / "contracts" / ".Ward 7 Falls (T1).docx.4242.tmp").write_bytes(b"x")  # a killed run's
    records, problems = read_records([out], jobs=1)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files - {r.source for r in records} == ours
    assert not ours & {p.file for p in problems}


# The end of a PDF LibreOffice made of a docgen document (its Info names docgen the author).
DOCGENS_PDF = (b"%PDF-1.6\n% made by --pdf\n5 0 obj\n<</Title<FEFF0043>\n/Author<FEFF0064006F"
               b"006300670065006E>\n/Creator<FEFF0057>\n/Producer<FEFF004C>>>\nendobj\ntrailer"
               b"\n<</Size 6/Root 1 0 R\n/Info 5 0 R>>\nstartxref\n9\n%%EOF\n")


@pytest.mark.parametrize(("pdf", "named"), [
    (DOCGENS_PDF, False),
    (DOCGENS_PDF.replace(b"<FEFF0064006F006300670065006E>", b"(docgen)"), False),
    (b"%PDF-1.4\n% a scan of the signed print\n<</Author(Canon MF)>>\n%%EOF\n", True),
    # docgen's, then signed or annotated: saved again with a trailer pointing back
    (DOCGENS_PDF + b"6 0 obj\n<</Annots[]>>\nendobj\ntrailer\n<</Size 7/Prev 9/Root 1 0 R"
     b"/Info 5 0 R>>\nstartxref\n99\n%%EOF\n", True),
    # bookmarks point back and forth (/Prev, /Next): not a revision
    (DOCGENS_PDF.replace(b"5 0 obj", b"4 0 obj\n<</Title<FEFF0043>/Prev 3 0 R>>\nendobj\n"
                                     b"5 0 obj"), False),
])
def test_a_pdf_beside_a_record_is_passed_over_only_when_docgen_made_it(
        out: Path, pdf: bytes, named: bool) -> None:
    """A signed scan of a printed record, returned beside the record with its name, may hold
    what the record does not (handwriting, a signature): it is named, not passed over."""
    (out / T1).with_suffix(".pdf").write_bytes(pdf)
    _records, problems = read_records([out], jobs=1)
    said = [p.message for p in problems if p.file == "contracts/Ward 7 Falls (T1).pdf"]
    assert said == ([find.OTHER_PDF_REASON] if named else [])


MARKED = b"/Keywords<FEFF" + schema.PDF_MARK.encode("utf-16-be").hex().upper().encode() + b">\n"


@pytest.mark.parametrize(("pdf", "saved", "named"), [
    (DOCGENS_PDF, False, True),  # exported from the record, which was never saved: named
    (DOCGENS_PDF, True, False),  # exported from the record as saved
    (DOCGENS_PDF.replace(b"/Creator", MARKED + b"/Creator"), False, False),  # --pdf's own
    (DOCGENS_PDF.replace(b"/Creator", b"/Keywords(QI; docgen-pdf)/Creator"), False, False),
])
def test_a_pdf_exported_from_a_record_never_saved_is_named(
        out: Path, pdf: bytes, saved: bool, named: bool) -> None:
    """A coach who types into the record, exports a PDF and closes without saving leaves the
    typing only in the PDF: the record, still as docgen wrote it, says so."""
    record = out / T1
    if saved:
        fill(record, {"record.date": "03/06/2026"})
    record.with_suffix(".pdf").write_bytes(pdf)
    _records, problems = read_records([out], jobs=1)
    said = [p.message for p in problems if p.file == "contracts/Ward 7 Falls (T1).docx"]
    assert said == ([read.exported_unsaved("Ward 7 Falls (T1).pdf")] if named else [])
    assert not [p for p in problems if p.file == "contracts/Ward 7 Falls (T1).pdf"]


def exported_pdf(*lines: str) -> bytes:
    """Return a one-page PDF holding ``lines`` of text, as exported from a docgen record (its
    Info names docgen the author)."""
    text = "".join(f"({line}) Tj 0 -14 Td " for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text}ET".encode()
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
               b"/Resources<</Font<</F1 5 0 R>>>>>>",
               b"<</Length %d>>stream\n%s\nendstream" % (len(stream), stream),
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
               b"<</Author(docgen)/Producer(LibreOffice 7.4)>>"]
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R/Info 6 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize(("lines", "words"), [
    # exported after more was typed than was saved: the words only the PDF holds are named
    (("Contract for coaching", "Issues Arising: Huddle boards missing"),
     ["Huddle", "boards", "missing"]),
    (("Contract for coaching", "Topic/subject brought to coach"), []),  # as saved
    # list and page numbers are printed, not typed: never taken for typing
    (("iv. Contract for coaching", "a) Page 2 of 3"), []),
])
def test_a_pdf_exported_from_a_saved_record_is_compared_with_it(
        out: Path, lines: tuple[str, ...], words: list[str]) -> None:
    """A coach saves the record, types more, exports a PDF and closes without saving: what
    is only in the PDF is named on the record, with the words."""
    record = out / T1
    fill(record, {"record.date": "03/06/2026"})
    record.with_suffix(".pdf").write_bytes(exported_pdf(*lines))
    records, problems = read_records([out], jobs=1)
    said = [p.message for r in records if r.source == T1 for p in r.problems
            if "PDF" in p.message]
    assert said == ([only_in_pdf("Ward 7 Falls (T1).pdf", words)] if words else [])
    assert not [p for p in problems if p.file in (T1, T1.replace(".docx", ".pdf"))]


def test_the_pdfs_comparison_is_kept_while_the_pdf_is_alike(out: Path, tmp_path: Path) -> None:
    """With the reading cache, a record's comparison with its PDF is read again when the PDF
    changes (exported again), and not otherwise."""
    record = out / T1
    fill(record, {"record.date": "03/06/2026"})
    pdf = record.with_suffix(".pdf")
    pdf.write_bytes(exported_pdf("Contract for coaching"))
    old = dt.datetime.now().timestamp() - 60  # not "just saved": its reading may be kept
    for path in (record, pdf):
        os.utime(path, (old, old))
    log = tmp_path / "log.xlsx"

    def said() -> list[str]:
        records, _problems = read_records([out], jobs=1, cache=RecordCache(cache_path(log)))
        return [p.message for r in records if r.source == T1 for p in r.problems
                if "PDF" in p.message]

    assert said() == said() == []
    pdf.write_bytes(exported_pdf("Contract for coaching", "Huddle"))
    os.utime(pdf, (old + 1, old + 1))
    assert said() == [only_in_pdf("Ward 7 Falls (T1).pdf", ["Huddle"])]


@pytest.mark.parametrize(("after", "named"), [
    (dt.timedelta(minutes=2), False),  # an earlier docgen's --pdf, in the same run: its own
    (dt.timedelta(days=3), True),  # exported days later, when the coach had it
])
def test_an_unmarked_pdf_made_with_its_record_is_an_earlier_docgens(
        out: Path, after: dt.timedelta, named: bool) -> None:
    record = out / T1
    generated = dt.datetime.fromisoformat(custom_properties(record)[schema.PROP_GENERATED])
    stamp = f"/CreationDate(D:{generated + after:%Y%m%d%H%M%S}+00'00')".encode()
    record.with_suffix(".pdf").write_bytes(DOCGENS_PDF.replace(b"/Creator", stamp + b"/Creator"))
    _records, problems = read_records([out], jobs=1)
    said = [p.message for p in problems if p.file == T1]
    assert said == ([read.exported_unsaved("Ward 7 Falls (T1).pdf")] if named else [])


def test_the_pdfs_generate_makes_are_known_as_its_own(tmp_path: Path) -> None:
    """Through the real LibreOffice: the PDFs `generate --pdf` writes carry docgen's mark, so
    beside their untouched records they are passed over without a word."""
    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    write_cohort_workbook(tmp_path / "cohort.xlsx", small_rows())
    out = tmp_path / "out"
    jobs.generate(tmp_path / "cohort.xlsx", out, today=TODAY, pdf=True)
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 3
    stems = {p.stem.casefold() for p in out.rglob("*.docx")}
    assert {find._records_pdf(p, stems) for p in pdfs} == {find.OWN}
    _records, problems = read_records([out], jobs=1)
    assert not [p for p in problems if "PDF" in p.message]


def test_a_workbook_that_only_looks_like_the_log_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    with zipfile.ZipFile(folder / "my log.xlsx", "w") as zf:
        zf.writestr("docProps/core.xml", "<cp:coreProperties xmlns:cp='x' xmlns:dc="
                    "'http://purl.org/dc/elements/1.1/'><dc:title>Coaching log</dc:title>"
                    "<dc:creator>Jo</dc:creator></cp:coreProperties>")
    found, _ = find_files([folder])
    assert [(f.path.name, f.how) for f in found] == [("my log.xlsx", How.SKIP)]


# --- the .odt reader on what LibreOffice writes and on what it may write ----------------------

_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
 office:version="1.3"><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>
<dc:creator>Jo</dc:creator></office:change-info><text:p>01/01/2020</text:p></text:deletion>
</text:changed-region></text:tracked-changes>
<text:p>Team: Ward 9 <text:s text:c="2"/>Night shift<text:note><text:note-body><text:p>a note
</text:p></text:note-body></text:note></text:p>
<text:p>Team ID:<text:tab/>T9</text:p>
<text:h text:outline-level="1">Record of Coaching</text:h>
<table:table><table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Coach/s: \
<text:text-input text:description="Coach/s:">Jo Coach</text:text-input></text:p>
</table:table-cell><table:covered-table-cell/></table:table-row>
<table:table-row><table:table-cell><text:p>Date:<text:change text:change-id="ct1"/> \
<loext:content-control loext:alias="Date:">10/02/2026</loext:content-control></text:p>
</table:table-cell><table:table-cell><text:p>Mode: <loext:content-control \
loext:showing-place-holder="true" loext:alias="Mode:">Type the mode</loext:content-control>\
by phone</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><text:p>Start time: <text:text-input \
text:description="record.start_time">10:00</text:text-input></text:p></table:table-cell>
<table:table-cell><text:p>Finish time:</text:p><text:p>11:30</text:p></table:table-cell>
</table:table-row>
<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Topic/subject \
brought<text:line-break/>to coach<text:line-break/>Measures<office:annotation><text:p>a \
comment</text:p></office:annotation></text:p></table:table-cell><table:covered-table-cell/>
</table:table-row></table:table>
</office:text></office:body></office:document-content>"""


def _odt(path: Path, content: str, meta: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        if meta:
            zf.writestr("meta.xml", meta)
    return path


def test_the_odt_reader_reads_fields_breaks_and_leaves_deletions_out(tmp_path: Path) -> None:
    from docgen.records.odt import read_odt

    path = _odt(tmp_path / "typed.odt", _ODT_CONTENT)
    body, props, problems = read_odt(path, "typed.odt")
    assert body is not None and props == {} and problems == []
    texts = [u.text for u in body.units]
    assert texts[:3] == ["Team: Ward 9   Night shift", "Team ID:\tT9", "Record of Coaching"]
    controls = {c.name: u.text[c.start:c.end] for u in body.units for c in u.controls}
    assert controls == {"coach": "Jo Coach", "date": "10/02/2026", "start_time": "10:00"}
    cells = [(u.row, u.col, u.text) for u in body.units if u.table == 0]
    assert cells == [(0, 0, "Coach/s: Jo Coach"), (1, 0, "Date: 10/02/2026"),
                     (1, 1, "Mode: by phone"), (2, 0, "Start time: 10:00"),
                     (2, 1, "Finish time:\n11:30"),
                     (3, 0, "Topic/subject brought\nto coach\nMeasures")]
    assert body.tables == [[[3], [4, 5], [6, 7], [8]]]
    record = read_record(path, tmp_path)
    (session,) = record.sessions
    assert (record.team_id, session.coach, str(session.date), str(session.start),
            str(session.finish), session.topic) == (
        "T9", "Jo Coach", "2026-02-10", "10:00:00", "11:30:00", "Measures")


def test_odd_odt_files_are_named_not_read(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.odt"
    with zipfile.ZipFile(sheet, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    locked = _odt(tmp_path / "locked.odt", "\x00\x01 encrypted bytes")
    with zipfile.ZipFile(locked, "a") as zf:
        zf.writestr("META-INF/manifest.xml", "<manifest:encryption-data/>")
    bomb = _odt(tmp_path / "bomb.odt", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    (tmp_path / "text.odt").write_text("not a zip")
    records, problems = read_records([tmp_path], jobs=1)
    assert records == []
    named = _by_file(problems)
    assert "not a text document" in named["sheet.odt"]
    assert "password-protected" in named["locked.odt"]
    assert "entities" in named[bomb.name]
    assert "not an Office document" in named["text.odt"]


def test_odt_properties_are_the_docx_custom_properties(tmp_path: Path) -> None:
    meta = ("<office:document-meta xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:"
            "1.0' xmlns:meta='urn:oasis:names:tc:opendocument:xmlns:meta:1.0'><office:meta>"
            "<meta:user-defined meta:name='docgen.key'>T5</meta:user-defined>"
            "<meta:user-defined meta:name='docgen.kind' meta:value-type='string'>"
            "coaching_contract</meta:user-defined><meta:user-defined meta:name="
            "'docgen.team_name'> Ward 5 </meta:user-defined><dc:date xmlns:dc='http://purl.org"
            "/dc/elements/1.1/'>2026-04-03T10:15:00.123456789</dc:date></office:meta>"
            "</office:document-meta>")
    path = _odt(tmp_path / "r.odt", _ODT_CONTENT, meta)
    record = read_record(path, tmp_path)
    assert (record.team_id, record.team_name, record.identified_by) == (
        "T5", "Ward 5", "properties")
    assert len(record.sessions) == 1
    assert record.saved == dt.datetime(2026, 4, 3, 10, 15, tzinfo=dt.UTC)  # meta.xml's dc:date


@pytest.mark.parametrize(("printed", "words"), [
    ("Issues Arising: Type the issuesarising", []),  # a space lost in the PDF's text
    ("Iss ues Arising: Type the issues arising", []),  # a word parted in two
    ("Issues Arising: Huddle boards", ["Huddle", "boards"]),
])
def test_a_pdfs_text_laid_out_otherwise_is_not_taken_for_typing(
        tmp_path: Path, printed: str, words: list[str]) -> None:
    """A PDF's text depends on how the exporting program placed its words: two run together
    or one parted in two are the record's words, not typing."""
    out = tmp_path / "out"
    write_cohort_workbook(tmp_path / "cohort.xlsx", small_rows())
    jobs.generate(tmp_path / "cohort.xlsx", out, today=TODAY)
    pdf = tmp_path / "exported.pdf"
    pdf.write_bytes(exported_pdf(printed))
    assert words_only_in_pdf(pdf, out / T1) == words


def test_a_pdf_that_cannot_be_compared_never_costs_its_record(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever goes wrong comparing a record with its PDF, the record's sessions are read,
    and the comparison not made is named."""
    from docgen.records import pdf as pdf_module

    def broken(_pdf: Path, _record: Path) -> list[str]:
        raise RecursionError("too deep")

    monkeypatch.setattr(pdf_module, "words_only_in_pdf", broken)
    record = out / T1
    fill(record, {"record.date": "03/06/2026", "record.held": "Yes"})
    record.with_suffix(".pdf").write_bytes(exported_pdf("Contract for coaching"))
    records, _problems = read_records([out], jobs=1)
    got = next(r for r in records if r.source == T1)
    assert [s.date for s in got.sessions if s.date == dt.date(2026, 6, 3)]
    assert [p.message for p in got.problems if "was not compared" in p.message] == [
        'was not compared with the PDF exported from it ("Ward 7 Falls (T1).pdf"): '
        "RecursionError: too deep; if the coach typed more before exporting it, compare the "
        "two by eye"]
