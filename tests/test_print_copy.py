"""Forms that print as blank forms: the PDF is made from a print copy in which each field still
showing its prompt is writing space, while the .docx the coach fills keeps its controls."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import TODAY, W, controls, small_rows
from lxml import etree

from docgen import jobs, schema
from docgen.cohort.starter import write_cohort_workbook
from docgen.documents.printcopy import print_copies, print_copy
from docgen.ooxml.controls import showing_prompt
from docgen.ooxml.printing import RULE_COLOR, print_part
from docgen.ooxml.properties import CORE_PART, CP_NS
from docgen.records import read_record
from docgen.records.find import How, find_files
from docgen.schema import PDF_MARK

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is not installed (CI installs it)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None
                                   or shutil.which("pdfinfo") is None,
                                   reason="pdftotext (poppler-utils) is not installed")

# Every prompt a form can show, from the schema (the rules are underscores, so a prompt made
# of underscores only, "__", is told apart by where it sits instead).
PROMPTS = sorted({p for p in [*schema.PLACEHOLDERS.values(), *schema.FORMER_PLACEHOLDERS]
                  if p.strip("_")})
BLANK_PAIR = {"qi_practitioner": "Mairi Blank", "mentor": "Ruaridh Empty"}


def rows() -> dict[str, list[dict[str, object]]]:
    """The small cohort, and a pair whose agreement has every field left to fill in."""
    cohort = small_rows()
    cohort["Mentoring"].append(dict(BLANK_PAIR))
    return cohort


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the output folder of `docgen generate` on :func:`rows` (documents only)."""
    folder = tmp_path_factory.mktemp("made")
    write_cohort_workbook(folder / "cohort.xlsx", rows())
    jobs.generate(folder / "cohort.xlsx", folder / "out", today=TODAY)
    return folder / "out"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the output folder of `docgen generate --pdf` on :func:`rows`."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (CI installs it)")
    folder = tmp_path_factory.mktemp("printed")
    write_cohort_workbook(folder / "cohort.xlsx", rows())
    report = jobs.generate(folder / "cohort.xlsx", folder / "out", today=TODAY, pdf=True,
                           jobs=1)
    assert report.pdf_missing == []
    return folder / "out"


def blank_contract(folder: Path) -> Path:
    return next((folder / "contracts").glob("*(T2).docx"))


def filled_contract(folder: Path) -> Path:
    return folder / "contracts" / "Ward 7 Falls (T1).docx"


def blank_agreement(folder: Path) -> Path:
    return next((folder / "agreements").glob(f"{BLANK_PAIR['qi_practitioner']}*.docx"))


def copy_root(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def paragraphs(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines()
                    if line.startswith("Pages:")))


# --- the print copy, without LibreOffice --------------------------------------------------------


def test_a_blank_forms_copy_has_no_prompt_and_the_document_is_untouched(made: Path) -> None:
    path = blank_contract(made)
    before = path.read_bytes()
    data = print_copy(path)
    assert data is not None
    root = copy_root(data)
    text = "\n".join(paragraphs(root))
    assert [p for p in PROMPTS if p in text] == []
    assert [s for s in root.iter(f"{W}sdt") if showing_prompt(s)] == []
    assert path.read_bytes() == before  # the coach's .docx is never changed
    shown = [tag for tag, _text, showing in controls(path) if showing]
    assert {"record.topic", "record.issues", "record.action"} <= set(shown)


def test_a_field_alone_on_its_line_in_a_cell_is_blank_and_an_inline_one_a_light_rule(
        made: Path) -> None:
    root = copy_root(print_copy(blank_contract(made)) or b"")
    texts = paragraphs(root)
    action = next(t for t in texts if t.startswith("Action:"))
    assert action == "Action:"  # the tall cell below the label is the writing space
    start = next(t for t in texts if t.startswith("Start time:"))
    assert start.startswith("Start time: ____") and set(start[len("Start time: "):]) == {"_"}
    rules = [r for r in root.iter(f"{W}r")
             if set("".join(t.text or "" for t in r.iter(f"{W}t"))) == {"_"}]
    assert rules and all(r.find(f"{W}rPr/{W}color").get(f"{W}val") == RULE_COLOR
                         for r in rules)
    # a rule stays on the rest of its line: the cell is 8.5 cm, the label about 2 cm
    assert 10 <= len(start) - len("Start time: ") <= 40


def test_an_agreement_prints_its_rules_where_the_paper_form_has_them(made: Path) -> None:
    texts = paragraphs(copy_root(print_copy(blank_agreement(made)) or b""))
    assert "Every ____ week/s" in texts
    time = next(t for t in texts if t.startswith("Time"))
    assert time.startswith("Time____") and len(time) > 30  # to about the end of the line
    assert not [p for p in PROMPTS if p in "\n".join(texts)]


def test_a_field_after_a_long_label_gets_a_whole_line_below_it(made: Path) -> None:
    root = copy_root(print_copy(blank_agreement(made)) or b"")
    notice = next(p for p in root.iter(f"{W}p")
                  if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith("What "))
    rule = notice.findall(f"{W}r")[-1]
    assert rule.find(f"{W}br") is not None  # the label leaves little room on its line
    assert len(rule.find(f"{W}t").text) > 60 and set(rule.find(f"{W}t").text) == {"_"}


def test_entries_are_printed_as_they_are(made: Path) -> None:
    path = filled_contract(made)
    data = print_copy(path)
    assert data is not None  # the second form has fields still to fill in
    root = copy_root(data)
    text = "\n".join(paragraphs(root))
    for value in ("Driver diagram", "Collect baseline", "PDSA plan", "Dr Jo Bloggs"):
        assert value in text
    kept = {(tag, t) for tag, t, showing in controls(path) if not showing}
    tags = {(s.find(f"{W}sdtPr/{W}tag").get(f"{W}val"),
             "".join(t.text or "" for t in s.iter(f"{W}t"))) for s in root.iter(f"{W}sdt")}
    assert kept == tags  # every filled control is still there, with its text


def test_a_document_without_prompts_prints_as_it_is_with_docgens_mark(made: Path) -> None:
    filled = next(p for p in (made / "agreements").glob("*.docx")
                  if p.name.startswith("Zofia"))
    copy = zipfile.ZipFile(io.BytesIO(print_copy(filled)))
    with zipfile.ZipFile(filled) as original:
        for info in original.infolist():
            if info.filename != CORE_PART:
                assert copy.read(info.filename) == original.read(info.filename)
    keywords = etree.fromstring(copy.read(CORE_PART)).find(f"{{{CP_NS}}}keywords")
    assert keywords is not None and PDF_MARK in keywords.text


@pytest.mark.parametrize("prompt", [*schema.FORMER_PLACEHOLDERS[:3],
                                    schema.PLACEHOLDERS["record.issues"]])
def test_a_prompt_without_its_flag_is_still_a_prompt(prompt: str) -> None:
    tag = "record.issues"
    body = (f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:p><w:r><w:t>Issues:</w:t></w:r>'
            f'<w:sdt><w:sdtPr><w:tag w:val="{tag}"/></w:sdtPr><w:sdtContent><w:r>'
            f'<w:t>{prompt}</w:t></w:r></w:sdtContent></w:sdt></w:p></w:body></w:document>')
    out = print_part(body.encode())
    assert prompt not in out.decode()
    entry = body.replace(prompt, "Waiting lists")
    assert print_part(entry.encode()) == entry.encode()


def test_text_after_a_control_is_kept_and_a_control_around_paragraphs_loses_only_its_prompt(
        ) -> None:
    body = (f'<w:document xmlns:w="{W[1:-1]}"><w:body>'
            '<w:sdt><w:sdtPr><w:tag w:val="record.action"/><w:showingPlcHdr/></w:sdtPr>'
            '<w:sdtContent><w:p><w:r><w:t>Type the actions agreed</w:t></w:r></w:p>'
            '</w:sdtContent></w:sdt>'
            '<w:p><w:r><w:t xml:space="preserve">Every </w:t></w:r><w:sdt><w:sdtPr>'
            '<w:tag w:val="agreement.weeks"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r>'
            '<w:t>__</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> week/s'
            '</w:t></w:r></w:p></w:body></w:document>')
    root = etree.fromstring(print_part(body.encode()))
    assert paragraphs(root) == ["", "Every ____ week/s"]
    assert root.find(f".//{W}sdt") is None


def test_print_copies_are_named_as_the_documents_and_kept_out_of_the_output_folder(
        made: Path, tmp_path: Path) -> None:
    blank, filled = blank_contract(made), filled_contract(made)
    pair = next(p for p in (made / "agreements").glob("*.docx") if p.name.startswith("Zofia"))
    broken = tmp_path / "Broken (T9).docx"
    broken.write_bytes(b"PK not a zip")
    with print_copies([blank, filled, pair, broken]) as printed:
        assert [p.name for p in printed] == [blank.name, filled.name, pair.name, broken.name]
        assert printed[3] == broken  # not readable: given as it is
        copies = printed[:3]  # each marked as docgen's, the agreement with nothing to leave out
        assert all(not p.is_relative_to(made) and p.is_file() for p in copies)
        assert len({p.parent for p in copies}) == 3
    assert not any(p.exists() for p in copies)  # removed afterwards
    assert sorted(p.name for p in made.rglob("*.docx")) == sorted(
        p.name for p in (*made.glob("contracts/*.docx"), *made.glob("agreements/*.docx")))


# --- the PDFs LibreOffice makes -------------------------------------------------------------


@needs_libreoffice
@needs_poppler
def test_a_printed_blank_form_has_no_prompt_and_a_filled_one_its_values(printed: Path) -> None:
    blank = pdf_text(blank_contract(printed).with_suffix(".pdf"))
    assert "Record of Coaching" in blank and "Issues Arising" in blank
    assert [p for p in PROMPTS if p in blank] == []
    agreement = pdf_text(blank_agreement(printed).with_suffix(".pdf"))
    assert "Every ____ week/s" in agreement
    assert [p for p in PROMPTS if p in agreement] == []
    filled = pdf_text(filled_contract(printed).with_suffix(".pdf"))
    for value in ("Driver diagram", "Collect baseline", "PDSA plan", "14:00", "Email"):
        assert value in filled
    assert [p for p in PROMPTS if p in filled] == []  # its second form's empty fields


@needs_libreoffice
@needs_poppler
def test_every_printed_page_names_its_team_or_pair(printed: Path) -> None:
    pdfs = sorted(printed.rglob("*.pdf"))
    assert len(pdfs) == len(list(printed.rglob("*.docx"))) == 4
    for pdf in pdfs:
        if pdf.parent.name == "contracts":
            team = "Ward 7 Falls (T1)" if "(T1)" in pdf.name else '(T2)'
            names = [team, "A & B"] if team == "(T2)" else [team]
        else:
            names = pdf.stem.split(" and ")
        count = pdf_page_count(pdf)
        assert count >= 2
        for page in range(1, count + 1):
            text = " ".join(pdf_text(pdf, page).split())
            missing = [n for n in names if n not in text]
            assert missing == [], f"{pdf.name} page {page} lacks {missing}"


@needs_libreoffice
def test_the_documents_keep_their_prompts_and_the_log_reads_only_them(printed: Path) -> None:
    blank = blank_contract(printed)
    shown = {tag for tag, _text, showing in controls(blank) if showing}
    assert {f.tag for f in schema.RECORD_FIELDS} - {"record.coach", "record.team_members"} \
        <= shown
    assert {tag for tag, _t, showing in controls(blank_agreement(printed)) if showing} == {
        tag for tag in schema.PLACEHOLDERS if tag.startswith("agreement.")
        and tag not in ("agreement.practitioner", "agreement.mentor")}
    found, problems = find_files([printed])
    assert problems == []
    assert {f.how for f in found} == {How.DOCX}  # the PDFs beside them pass quietly
    assert sorted(f.path for f in found) == sorted(printed.rglob("*.docx"))
    record = read_record(filled_contract(printed), printed)
    forms = [s for s in record.sessions if s.origin == "form"]
    assert [(s.topic, s.action) for s in forms] == [("Driver diagram", "Collect baseline"),
                                                    ("PDSA plan", "")]
    assert not [p for p in printed.rglob("*") if p.name.startswith("docgen-")]
