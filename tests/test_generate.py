"""docgen generate: the documents' text, tables, content controls and properties, read back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import (
    ROOT,
    SEEDS,
    TODAY,
    controls,
    custom_properties,
    full_text,
    paragraph_texts,
    small_rows,
)

from docgen import jobs, schema
from docgen.errors import DocgenError


def contract(out: Path, team_id: str) -> Path:
    (path,) = [p for p in (out / "contracts").glob("*.docx") if f"({team_id})" in p.name]
    return path


def _normalise(text: str) -> str:
    text = text.replace("Encourage the you", "Encourage you")
    return " ".join(text.split())


def _seed_lines(name: str) -> list[str]:
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    return [_normalise(line.strip().removeprefix("·")) for line in lines if line.strip()]


@pytest.mark.parametrize(("seed", "kind"), [("seed_contract_for_coaching.txt", "contracts"),
                                            ("seed_mentor_agreement.txt", "agreements")])
def test_every_line_of_the_original_form_appears(out: Path, seed: str, kind: str) -> None:
    path = contract(out, "T1") if kind == "contracts" else next((out / kind).glob("*.docx"))
    text = _normalise(full_text(path))
    missing = []
    for line in _seed_lines(seed):
        pattern = r"\s*".join(
            "_+" if part.startswith("_") else re.escape(part)
            for part in re.split(r"(_+|\s+)", line) if part and not part.isspace()
        ).replace("_+", r"\S*")
        if not re.search(pattern, text):
            missing.append(line)
    assert missing == []


def test_one_contract_per_team_and_one_agreement_per_pair(out: Path) -> None:
    assert sorted(p.name for p in (out / "contracts").iterdir()) == [
        "A & B -Ltd- -quoted- 🚀 (T2).docx", "Ward 7 Falls (T1).docx"]
    assert [p.name for p in (out / "agreements").iterdir()] == [
        "Zofia Dąbrowska and François Béranger.docx"]


def test_contract_opens_in_python_docx_with_its_tables(out: Path) -> None:
    d = docx.Document(str(contract(out, "T1")))
    headers = [[c.text.split("\n")[0] for c in t.rows[0].cells] for t in d.tables]
    assert list(schema.COACHING_RECORD_HEADER) in headers
    record = next(t for t in d.tables
                  if [c.text.split("\n")[0] for c in t.rows[0].cells]
                  == list(schema.COACHING_RECORD_HEADER))
    rows = [[c.text for c in r.cells] for r in record.rows[1:]]
    assert rows[0] == ["Dr Jo Bloggs", "3 April 2026", "Driver diagram", ""]
    assert rows[1] == ["Dr Jo Bloggs", "1 May 2026 (email)", "PDSA plan", ""]
    assert all(not any(r) for r in rows[2:]) and len(rows[2:]) >= 3


def test_one_record_form_per_session_with_tagged_controls(out: Path) -> None:
    found = controls(contract(out, "T1"))
    record = [(tag, text) for tag, text, _ in found if tag.startswith("record.")]
    for f in schema.RECORD_FIELDS:
        assert [t for t, _ in record].count(f.tag) == 2, f.tag
    values = {f.tag: [text for t, text in record if t == f.tag] for f in schema.RECORD_FIELDS}
    assert values["record.date"] == ["3 April 2026", "1 May 2026"]
    assert values["record.start_time"][0] == "14:00"
    assert values["record.finish_time"][0] == "15:30"
    assert values["record.next_meeting"][0] == "1 May 2026"
    assert values["record.issues"][0] == "Data gaps"  # the pasted \x07 is dropped
    assert values["record.team_members"][0] == "Áine Ní Bhriain; Łukasz Wójcik"


def test_team_without_sessions_gets_one_blank_form_with_its_coaches_and_members(
        out: Path) -> None:
    found = [c for c in controls(contract(out, "T2")) if c[0].startswith("record.")]
    assert len(found) == len(schema.RECORD_FIELDS)
    known = {"record.coach": "Sam Coach; Alex Second",
             "record.team_members": "Élodie Lefèvre; Zoë Smith"}
    for tag, text, showing in found:
        if tag in known:  # the Teams sheet's names, typed in: no prompt
            assert (text, showing) == (known[tag], False), tag
        else:  # the rest of the form is blank, showing its prompts
            assert showing, tag
            assert text == schema.PLACEHOLDERS[tag]
    # names alone are no session: nothing of the blank form is recorded as pre-filled
    assert custom_properties(contract(out, "T2")).get(schema.PROP_PREFILLED, "") == ""


def test_custom_properties_identify_the_document(out: Path) -> None:
    props = custom_properties(contract(out, "T1"))
    assert props[schema.PROP_KIND] == schema.KIND_CONTRACT
    assert props[schema.PROP_KEY] == "T1"
    assert props[schema.PROP_TEMPLATE] == "coaching_contract.docx"
    assert dt.datetime.fromisoformat(props[schema.PROP_GENERATED])
    assert props[schema.PROP_MINIMUM_HOURS] == "5"
    agreement = custom_properties(next((out / "agreements").glob("*.docx")))
    assert agreement[schema.PROP_KIND] == schema.KIND_AGREEMENT
    assert agreement[schema.PROP_KEY] == "Zofia Dąbrowska – François Béranger"


def test_hostile_characters_come_out_exactly_and_nothing_after_them_is_lost(out: Path) -> None:
    path = contract(out, "T2")
    text = full_text(path)
    assert 'A & B <Ltd> "quoted" 🚀' in text
    assert "Health & Social Care" in text
    assert "Room 1" in text and "\x0c" not in text
    # a value with '&' used to cut the rest of the body: the last table must still be there
    assert "COACHING RECORD" in text
    assert "Élodie Lefèvre\nZoë Smith" in paragraph_texts(path)  # line break kept as <w:br/>
    d = docx.Document(str(path))  # and the document is still valid for a second reader
    assert d.tables


def test_agreement_fills_the_pair_and_programme(out: Path) -> None:
    path = next((out / "agreements").glob("*.docx"))
    values = {tag: text for tag, text, _ in controls(path)}
    assert values["agreement.practitioner"] == "Zofia Dąbrowska"
    assert values["agreement.mentor"] == "François Béranger"
    assert values["agreement.weeks"] == "2"
    assert values["agreement.time"] == "Tuesdays 12:30"
    assert values["agreement.notice"] == "48 hours"


def test_sample_cohort_generates_every_document(tmp_path: Path, sample: Path) -> None:
    report = jobs.generate(sample, tmp_path / "out", today=TODAY)
    written = [rel for rel, outcome in report.files if outcome == "written"]
    assert len([r for r in written if r.startswith("contracts/")]) >= 8
    assert len([r for r in written if r.startswith("agreements/")]) >= 6
    for rel in written:
        assert docx.Document(str(tmp_path / "out" / rel)).paragraphs is not None


def test_dry_run_writes_nothing(tmp_path: Path, make_cohort) -> None:
    report = jobs.generate(make_cohort(), tmp_path / "out", dry_run=True, today=TODAY)
    assert len(report.files) == 3
    assert not (tmp_path / "out").exists()


def test_only_agreements(tmp_path: Path, make_cohort) -> None:
    jobs.generate(make_cohort(), tmp_path / "out", only="agreements", today=TODAY)
    assert not (tmp_path / "out" / "contracts").exists()
    assert len(list((tmp_path / "out" / "agreements").glob("*.docx"))) == 1


def test_jobs_2_writes_the_same_files_as_jobs_1(tmp_path: Path, make_cohort) -> None:
    rows = small_rows()
    rows["Teams"] += [{"team_id": f"X{i}", "team_name": f"Team {i}", "coach": "Jo"}
                      for i in range(30)]
    data = make_cohort(rows)
    one, two = tmp_path / "one", tmp_path / "two"
    jobs.generate(data, one, jobs=1, today=TODAY)
    jobs.generate(data, two, jobs=2, today=TODAY)
    files = sorted(p.relative_to(one) for p in one.rglob("*.docx"))
    assert files == sorted(p.relative_to(two) for p in two.rglob("*.docx"))
    assert len(files) == 33
    for rel in files:
        with zipfile.ZipFile(one / rel) as a, zipfile.ZipFile(two / rel) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                if name != "docProps/custom.xml":  # holds the time of generation
                    assert a.read(name) == b.read(name), (rel, name)
        props_one, props_two = custom_properties(one / rel), custom_properties(two / rel)
        props_one.pop(schema.PROP_GENERATED), props_two.pop(schema.PROP_GENERATED)
        assert props_one == props_two


def test_an_error_in_a_worker_is_reported_with_its_template(tmp_path: Path,
                                                            make_cohort) -> None:
    rows = small_rows()
    rows["Teams"] += [{"team_id": f"X{i}", "team_name": f"Team {i}"} for i in range(30)]
    folder = tmp_path / "tpl"
    folder.mkdir()
    d = docx.Document()
    d.add_paragraph("{{ team_name * 3 if team_id != 'X17' else team_name / 2 }}")
    d.save(str(folder / "coaching_contract.docx"))
    with pytest.raises(DocgenError) as err:
        jobs.generate(make_cohort(rows), tmp_path / "out", templates=folder,
                      only="contracts", jobs=2, today=TODAY)
    assert err.value.problems[0].file == str(folder / "coaching_contract.docx")
    assert "failed on a value" in str(err.value)
    assert "from Teams row 21" in str(err.value)  # X17 is the 20th team, below the header


def _broken_template(tmp_path: Path) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir()
    d = docx.Document()
    d.add_paragraph("Hello {{ team_name ")
    d.save(str(folder / "coaching_contract.docx"))
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_the_cohort_s_problems_come_before_a_broken_template_s(
        tmp_path: Path, make_cohort, workers: int) -> None:
    # With two workers the cohort is read in a second process while the template compiles:
    # what is reported must not depend on which finished first.
    rows = small_rows()
    rows["Teams"][0]["team_id"] = ""
    with pytest.raises(DocgenError) as err:
        jobs.generate(make_cohort(rows), tmp_path / "out", templates=_broken_template(tmp_path),
                      only="contracts", jobs=workers, today=TODAY)
    message = str(err.value)
    assert "Team ID" in message and "coaching_contract.docx" not in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_template_is_reported_when_the_cohort_is_sound(
        tmp_path: Path, make_cohort, workers: int) -> None:
    with pytest.raises(DocgenError) as err:
        jobs.generate(make_cohort(), tmp_path / "out", templates=_broken_template(tmp_path),
                      only="contracts", jobs=workers, today=TODAY)
    assert "coaching_contract.docx" in str(err.value)
    assert not (tmp_path / "out").exists()


def _contract_without(tmp_path: Path, tag: str) -> Path:
    """Return a templates folder holding docgen's contract with the cell showing ``tag``
    emptied, as an admin rewording the contract might leave it."""
    folder = tmp_path / "mine"
    folder.mkdir()
    d = docx.Document(str(ROOT / "templates" / "coaching_contract.docx"))
    cells = [c for t in d.tables for r in t.rows for c in r.cells if c.text == tag]
    assert cells
    for c in cells:
        c.paragraphs[0].runs[0].text = ""
        for r in c.paragraphs[0].runs[1:]:
            r.text = ""
    d.save(str(folder / "coaching_contract.docx"))
    return folder


def test_a_field_an_admin_s_template_left_out_is_named_where_the_cohort_has_values(
        tmp_path: Path, make_cohort) -> None:
    folder = _contract_without(tmp_path, "{{ venue }}")
    report = jobs.generate(make_cohort(small_rows()), tmp_path / "out", templates=folder,
                           only="contracts", today=TODAY)
    (warning,) = [w for w in report.warnings if "does not show" in w.message]
    assert warning.file == str(folder / "coaching_contract.docx")
    assert warning.message.startswith(
        "does not show {{ venue }}, which docgen's own coaching_contract.docx shows: the Teams "
        "sheet's Venue values (the first on row ")
    assert "reach no document; add {{ venue }} to the template" in warning.message
    texts = [full_text(p) for p in (tmp_path / "out" / "contracts").glob("*.docx")]
    assert texts and not any("Room 1" in t for t in texts)  # what the warning is about


def _contract_xml_without(tmp_path: Path, *tags: str) -> Path:
    """Return a templates folder holding docgen's contract with each of ``tags`` deleted
    from its XML (a field of a form or of a table row, inside its loop)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    with zipfile.ZipFile(ROOT / "templates" / "coaching_contract.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    for tag in tags:
        assert tag in xml
        xml = xml.replace(tag, "")
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(folder / "coaching_contract.docx", "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return folder


def test_a_field_left_out_of_a_form_or_a_table_row_is_named(tmp_path: Path, make_cohort) -> None:
    # deleted from the Record of Coaching form and the COACHING RECORD row while rewording:
    # the Sessions sheet's Action and Comments reached no document without a word
    rows = small_rows()
    rows["Sessions"][0]["comments"] = "Room changed"
    folder = _contract_xml_without(tmp_path, "{{ r.action }}", "{{ s.comments }}",
                                   "{{ r.issues }}")
    report = jobs.generate(make_cohort(rows), tmp_path / "out", templates=folder,
                           only="contracts", today=TODAY)
    said = sorted(w.message for w in report.warnings if "does not show" in w.message)
    assert [m.split(" in its ")[0] for m in said] == [
        "does not show {{ r.action }}", "does not show {{ r.issues }}",
        "does not show {{ s.comments }}"]
    assert said[0] == (
        "does not show {{ r.action }} in its {% for r in records %} loop, which docgen's own "
        'coaching_contract.docx shows: its values (the first in "Ward 7 Falls (T1)") reach no '
        "document; add {{ r.action }} inside the loop (`docgen fields` lists every field), or "
        "ignore this if it is left out on purpose")
    rows["Sessions"][0].pop("issues_arising")  # no value left for it: nothing to say
    report = jobs.generate(make_cohort(rows, name="fewer.xlsx"), tmp_path / "out2",
                           templates=folder, only="contracts", today=TODAY)
    assert "{{ r.issues }}" not in " ".join(w.message for w in report.warnings)


def test_no_field_is_named_when_the_cohort_has_no_value_for_it_or_the_template_shows_it(
        tmp_path: Path, make_cohort) -> None:
    rows = small_rows()
    for team in rows["Teams"]:
        team.pop("coach_email", None)
    folder = _contract_without(tmp_path, "{{ coach_email }}")
    report = jobs.generate(make_cohort(rows), tmp_path / "out", templates=folder,
                           only="contracts", today=TODAY)
    assert not [w for w in report.warnings if "does not show" in w.message]
    same = tmp_path / "same"
    same.mkdir()
    shutil.copy(ROOT / "templates" / "coaching_contract.docx", same)
    shutil.copy(ROOT / "templates" / "mentor_agreement.docx", same)
    report = jobs.generate(make_cohort(small_rows()), tmp_path / "out2", templates=same,
                           today=TODAY)
    assert not [w for w in report.warnings if "does not show" in w.message]
