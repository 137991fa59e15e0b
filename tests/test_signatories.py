"""Who signs a contract for the team: every member (the default), or the team's lead.

The Programme sheet's "Team signatories" says which; the Teams sheet's "Team lead" column
names each lead. The contracts are read back with python-docx, as Word shows them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import TODAY, small_rows

from docgen import jobs, schema
from docgen.cohort.starter import write_cohort_workbook
from docgen.context import available_fields
from docgen.errors import DocgenError
from docgen.jobs.check import check

LEADS = {"T1": "Łukasz Wójcik", "T2": "Zoë Smith"}


def rows_with(signatories: str | None, leads: dict[str, str] | None = None,
              lead_column: bool = True) -> dict[str, list[dict[str, object]]]:
    """Return the small cohort, its Team signatories set (None: not on the sheet), with leads."""
    rows = copy.deepcopy(small_rows())
    if signatories is not None:
        rows["Programme"] = [{"team_signatories": signatories}]
    for team in rows["Teams"]:
        if lead_column:
            team["team_lead"] = (LEADS if leads is None else leads).get(team["team_id"], "")
    return rows


def signature_rows(path: Path) -> list[tuple[str, str]]:
    """Return the (role, name) of each row of the contract's signature table."""
    document = docx.Document(str(path))
    for table in document.tables:
        cells = [[c.text.strip() for c in row.cells] for row in table.rows]
        if cells and cells[0][1:3] == ["Name", "Signature"]:
            return [(row[0], row[1]) for row in cells[1:]]
    raise AssertionError(f"{path.name} has no signature table")


def contracts(out: Path) -> dict[str, Path]:
    """Return the generated contracts by Team ID."""
    return {p.stem.rsplit("(", 1)[1].rstrip(")"): p for p in (out / "contracts").glob("*.docx")}


def test_by_default_every_coach_and_every_member_signs(tmp_path: Path) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with(None))  # the starter's default: Every member
    jobs.generate(data, tmp_path / "out", today=TODAY)
    made = contracts(tmp_path / "out")
    assert signature_rows(made["T1"]) == [
        ("Coach", "Dr Jo Bloggs"), ("Team member", "Áine Ní Bhriain"),
        ("Team member", "Łukasz Wójcik")]
    assert signature_rows(made["T2"]) == [
        ("Coach", "Sam Coach"), ("Coach", "Alex Second"),
        ("Team member", "Élodie Lefèvre"), ("Team member", "Zoë Smith")]


@pytest.mark.parametrize("typed", ["Team lead", "team lead", " TEAM-LEAD "])
def test_with_team_lead_each_coach_and_the_lead_sign(tmp_path: Path, typed: str) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with(typed))
    report = jobs.generate(data, tmp_path / "out", today=TODAY)
    assert not report.skipped and not report.failed
    made = contracts(tmp_path / "out")
    assert signature_rows(made["T1"]) == [("Coach", "Dr Jo Bloggs"),
                                          ("Team lead", "Łukasz Wójcik")]
    assert signature_rows(made["T2"]) == [("Coach", "Sam Coach"), ("Coach", "Alex Second"),
                                          ("Team lead", "Zoë Smith")]
    # the members are still named where the contract lists them, only not as signatories
    text = "\n".join(p.text for p in docx.Document(str(made["T1"])).paragraphs)
    tables = "\n".join(c.text for t in docx.Document(str(made["T1"])).tables
                       for row in t.rows for c in row.cells)
    assert "Áine Ní Bhriain" in text + tables


def test_a_lead_given_while_every_member_signs_is_not_a_signatory(tmp_path: Path) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with("Every member"))
    jobs.generate(data, tmp_path / "out", today=TODAY)
    assert ("Team lead", "Łukasz Wójcik") not in signature_rows(
        contracts(tmp_path / "out")["T1"])


def test_a_team_without_its_lead_is_a_named_problem_and_nothing_is_written(
        tmp_path: Path) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with("Team lead", {"T1": "Łukasz Wójcik"}))
    report = check(data)
    [problem] = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("Teams", 3, "Team lead")
    assert "team T2 has no Team lead" in problem.message
    assert 'Team signatories to "Every member"' in problem.message  # the other way out
    with pytest.raises(DocgenError) as caught:
        jobs.generate(data, tmp_path / "out", today=TODAY)
    assert caught.value.problems == [problem]
    assert not (tmp_path / "out" / "contracts").exists()

    # --skip-invalid: the other team's contract, and the team left out named
    report = jobs.generate(data, tmp_path / "out", today=TODAY, skip_invalid=True)
    assert report.skipped == [problem]
    assert set(contracts(tmp_path / "out")) == {"T1"}
    assert signature_rows(contracts(tmp_path / "out")["T1"])[-1] == ("Team lead",
                                                                     "Łukasz Wójcik")


def test_team_lead_without_the_column_stops_the_run_with_the_way_out(tmp_path: Path) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with("Team lead", lead_column=False))
    wb = openpyxl.load_workbook(data)  # a workbook made before the column existed
    teams = wb["Teams"]
    teams.delete_cols([c.value for c in teams[1]].index("Team lead") + 1)
    wb.save(data)
    report = check(data)
    assert report.fatal == report.problems and len(report.problems) == 1
    message = report.problems[0].message
    assert '"Team lead" column' in message and "add it with each team's lead" in message
    assert report.problems[0].sheet == "Teams"
    with pytest.raises(DocgenError):
        jobs.generate(data, tmp_path / "out", today=TODAY, skip_invalid=True)
    assert not (tmp_path / "out" / "contracts").exists()


def test_an_unknown_choice_of_signatories_is_named_with_the_choices(tmp_path: Path) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, rows_with("the ward manager"))
    [problem] = check(data).problems
    row = 2 + [c.header for c, _d in schema.PROGRAMME_SETTINGS].index("Team signatories")
    assert (problem.sheet, problem.row, problem.column) == ("Programme", row, "Value")
    assert problem.message == ('"the ward manager" is not one of the choices: choose Every '
                               "member or Team lead from the drop-down")


def test_the_starter_workbook_offers_the_setting_and_the_column(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path)
    wb = openpyxl.load_workbook(path)
    programme = wb["Programme"]
    row = next(r for r in range(2, programme.max_row + 1)
               if programme.cell(r, 1).value == "Team signatories")
    assert programme.cell(row, 2).value == schema.EVERY_MEMBER
    lists = {rng.coord: dv.formula1 for dv in programme.data_validations.dataValidation
             for rng in dv.sqref.ranges if dv.type == "list"}
    assert lists[f"B{row}"] == '"Every member,Team lead"'
    assert "Team lead" in [c.value for c in wb["Teams"][1]]


def test_templates_can_show_the_lead_and_the_setting() -> None:
    fields = available_fields(schema.TEAMS, {})
    assert fields["team_lead"].startswith("Teams › Team lead")
    assert fields["team_signatories"] == "Programme › Team signatories"
