"""Reading and validating the cohort: every problem located, all reported, nothing written."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import small_rows

from docgen import jobs, schema
from docgen.cli import main
from docgen.cohort import read_cohort, rows
from docgen.models import (
    DEFAULT_COACHING_PAID,
    DEFAULT_MINIMUM_HOURS,
    DEFAULT_REVIEW_AFTER,
    DEFAULT_SESSION_HOURS,
    Pair,
    Session,
    Team,
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def broken(make_cohort, mutate) -> Path:
    rows = small_rows()
    mutate(rows)
    return make_cohort(rows)


def assert_refused(path: Path, out: Path, *messages: str) -> str:
    code, output = run("generate", str(path), "-o", str(out))
    assert code == 1, output
    for message in messages:
        assert message in output
    assert not out.exists() or not any(out.rglob("*.docx"))
    assert "Traceback" not in output
    return output


def test_duplicate_team_id(tmp_path: Path, make_cohort) -> None:
    path = broken(make_cohort, lambda r: r["Teams"].append({"team_id": " t1 ", "team_name": "X"}))
    assert_refused(path, tmp_path / "out",
                   'cohort.xlsx › Teams › row 4 › Team ID: Team ID "t1" is already used on row 2')


def test_session_for_unknown_team(tmp_path: Path, make_cohort) -> None:
    path = broken(make_cohort, lambda r: r["Sessions"].append({"team_id": "T9", "topic": "x"}))
    assert_refused(path, tmp_path / "out",
                   'Sessions › row 4 › Team ID: Team ID "T9" is not on the Teams sheet')


def test_impossible_date(tmp_path: Path, make_cohort) -> None:
    def mutate(rows):
        rows["Teams"][0]["first_session"] = "31/02/2026"
    assert_refused(broken(make_cohort, mutate), tmp_path / "out",
                   'Teams › row 2 › First session: "31/02/2026" is not a date')


def test_a_weekday_the_date_does_not_fall_on_is_refused(tmp_path: Path, make_cohort) -> None:
    """"Monday 10 February 2026" was read as 10 February, a Tuesday, without a word: the admin
    may have meant Monday 9th. Only the admin knows which is wrong."""
    def mutate(rows):
        rows["Teams"][0]["first_session"] = "Monday 10 February 2026"
        rows["Teams"][1]["first_session"] = "Tue 10/02/2026"  # right, with the numbers
    path = broken(make_cohort, mutate)
    assert_refused(path, tmp_path / "out",
                   'Teams › row 2 › First session: "Monday 10 February 2026" says Monday, but '
                   "10 February 2026 is a Tuesday: correct the weekday or the date")
    assert [t.first_session for t in jobs.check(path).cohort.teams] == [dt.date(2026, 2, 10)]


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team name", "Organisation"])
    ws.append(["Ward 7", "NHS Lothian"])
    wb.save(path)
    assert_refused(path, tmp_path / "out",
                   "Teams › row 1 › Team ID: the required column 'Team ID' is missing")


def test_empty_teams_sheet(tmp_path: Path, make_cohort) -> None:
    path = make_cohort({"Teams": []})
    assert_refused(path, tmp_path / "out", "Teams: the sheet has no teams below its header")


def test_every_problem_is_reported_at_once(tmp_path: Path, make_cohort) -> None:
    def mutate(rows):
        rows["Teams"].append({"team_id": "T1"})
        rows["Teams"][1]["coach_email"] = "not-an-address"
        rows["Sessions"][0]["start_time"] = "25:00"
        rows["Sessions"].append({"team_id": "T7"})
        rows["Mentoring"].append({"qi_practitioner": "Someone"})
    output = assert_refused(broken(make_cohort, mutate), tmp_path / "out",
                            "5 problems found", "already used", "not an email address",
                            '"25:00" is not a time', "not on the Teams sheet",
                            "Mentoring › row 3 › Mentor: Mentor is required")
    assert output.count("cohort.xlsx ›") == 5


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(tmp_path: Path,
                                                                 make_cohort) -> None:
    def mutate(rows):
        rows["Teams"][1]["first_session"] = "yesterday-ish"
    path = broken(make_cohort, mutate)
    code, output = run("generate", str(path), "-o", str(tmp_path / "out"), "--skip-invalid")
    assert code == 0, output
    assert 'Skipped: cohort.xlsx › Teams › row 3 › First session: "yesterday-ish"' in output
    written = [p.name for p in (tmp_path / "out" / "contracts").iterdir()]
    assert written == ["Ward 7 Falls (T1).docx"]
    assert "1 row skipped" in output


def test_check_reports_ok(make_cohort) -> None:
    code, output = run("check", str(make_cohort()))
    assert code == 0
    assert output.strip().splitlines()[-1] == "OK: 2 teams, 2 sessions, 1 mentoring pair"


def test_header_matching_ignores_case_spacing_and_punctuation(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "teams"
    ws.append(["Cohort 7: teams"])  # a title row above the header
    ws.append(["TEAM-ID", "team  name", "First Session", "Ward"])
    ws.append(["T1", "Ward 7", dt.datetime(2026, 4, 3), "7"])
    ws.append([None, None, None, None])
    wb.save(path)
    cohort, problems = read_cohort(path)
    assert problems == []
    (team,) = cohort.teams
    assert (team.team_id, team.team_name, team.first_session) == ("T1", "Ward 7",
                                                                  dt.date(2026, 4, 3))
    assert team.extra == {"ward": "7"}
    assert team.venue == "TBC"  # blank venue falls back to the programme default


def test_csv_folder_is_read_like_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    with open(folder / "teams.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["Team ID", "Team name", "First session"],
                                  ["T1", "Áine's team", "2026-04-03"]])
    with open(folder / "sessions.csv", "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([["Team ID", "Date", "Start time", "Topic"],
                                                 ["T1", "03/04/2026", "2pm", "Café"]])
    cohort, problems = read_cohort(folder)
    assert problems == []
    assert cohort.teams[0].team_name == "Áine's team"
    assert cohort.teams[0].first_session == dt.date(2026, 4, 3)
    assert cohort.sessions[0].start == dt.time(14)
    assert cohort.sessions[0].topic == "Café"


def test_programme_settings_override_defaults(make_cohort) -> None:
    rows = small_rows()
    rows["Programme"] = [{"training_days": 6, "minimum_coaching_hours": 8,
                          "session_duration": "90 minutes", "coaching_paid": "No"}]
    cohort, problems = read_cohort(make_cohort(rows))
    assert problems == []
    p = cohort.programme
    assert (p.get("training_days"), p.minimum_hours, p.session_hours, p.coaching_paid) == (
        "6", 8.0, 1.5, False)


@pytest.mark.parametrize("name", ["notes.txt", "cohort.csv"])
def test_wrong_kind_of_input_is_a_clear_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("x")
    code, output = run("check", str(path))
    assert code == 1
    assert output.startswith("Error: ")


# --- how cells are read -----------------------------------------------------------------------


def _with_error_cells(path: Path, sheet_part: str, cells: dict[str, str]) -> None:
    """Rewrite cells of a saved workbook as Excel stores a failed formula: ``t="e"``."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts[sheet_part].decode()
    for ref, error in cells.items():
        xml, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)',
                         f'<c r="{ref}" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f><v>{error}</v></c>', xml)
        assert n == 1, ref
    parts[sheet_part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_cell_showing_a_formula_error_is_reported_once_with_its_place(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Review after sessions", "Coach email"])
    ws.append(["T1", "Ward 7", 4, "placeholder"])
    ws.append(["T2", "Ward 8", "placeholder", "jo@nhs.scot"])
    ws.append(["T3", "Ward 9", 2, "jo@nhs.scot"])
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    _with_error_cells(path, "xl/worksheets/sheet1.xml", {"D2": "#N/A", "C3": "#DIV/0!"})

    cohort, problems = read_cohort(path)
    assert [(p.row, p.column, p.message) for p in problems] == [
        (2, "Coach email", "the cell shows the error #N/A (its formula failed): correct the "
                           "formula or type the value"),
        (3, "Review after sessions", "the cell shows the error #DIV/0! (its formula failed): "
                                     "correct the formula or type the value"),
    ]
    assert [t.team_id for t in cohort.teams] == ["T3"]


def test_rows_and_columns_before_the_table_keep_row_numbers_right(tmp_path: Path) -> None:
    """calamine starts a sheet at its first used cell; reported rows are the sheet's own."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    for col, header in enumerate(["Team ID", "Team name", "First session"], start=3):
        ws.cell(row=5, column=col, value=header)
    for col, value in enumerate(["T1", "Ward 7", "31/02/2026"], start=3):
        ws.cell(row=6, column=col, value=value)
    for col, value in enumerate(["T2", "Ward 8", dt.datetime(2026, 3, 4)], start=3):
        ws.cell(row=8, column=col, value=value)
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    cohort, problems = read_cohort(path)
    assert [(p.row, p.column) for p in problems] == [(6, "First session")]
    (team,) = cohort.teams
    assert (team.team_id, team.row, team.first_session) == ("T2", 8, dt.date(2026, 3, 4))


def test_whole_numbers_and_text_that_looks_like_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Review after sessions", "Ward code"])
    ws.append([7, "007", 4.0, "0042"])
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    cohort, problems = read_cohort(path)
    assert problems == []
    (team,) = cohort.teams
    assert (team.team_id, team.team_name, team.review_after) == ("7", "007", 4)
    assert team.extra == {"ward_code": "0042"}


def test_a_damaged_sheet_is_one_problem_naming_it(tmp_path: Path, make_cohort) -> None:
    import zipfile

    good = make_cohort()
    bad = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        # the Teams sheet: the part listing team T1's name (Instructions names the columns)
        teams_part = next(n for n in src.namelist() if n.startswith("xl/worksheets/")
                          and b">Team name<" in src.read(n) and b">T1<" in src.read(n))
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[: len(data) // 2] if name == teams_part else data)
    cohort, problems = read_cohort(bad)
    assert [(p.sheet, p.row, p.message.split(" (")[0]) for p in problems] == [
        ("Teams", None, "the sheet cannot be read")]
    output = assert_refused(bad, tmp_path / "out", "Teams", "the sheet cannot be read")
    assert "not on the Teams sheet" not in output


def test_a_formula_never_calculated_is_reported_not_read_as_blank(tmp_path: Path) -> None:
    """A workbook written by a script holds formulas but no values until a program saves it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Review after sessions"])
    ws.append(["T1", '="Ward "&7', 4])
    ws.append(["T2", 'Ward 8 <f> t="e"', 3])  # text that looks like the XML searched for
    ws.append(["T3", "Ward 9", "=2+2"])  # the last row: past the last cell with a value
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    cohort, problems = read_cohort(path)
    assert [(p.row, p.column, p.message) for p in problems] == [
        (2, "Team name", 'the cell holds a formula (="Ward "&7) that was never calculated, so '
                         "it has no value yet: open the workbook in Excel or LibreOffice, save "
                         "it, and run again"),
        (4, "Review after sessions", "the cell holds a formula (=2+2) that was never "
                                     "calculated, so it has no value yet: open the workbook in "
                                     "Excel or LibreOffice, save it, and run again"),
    ]
    assert [(t.team_id, t.team_name) for t in cohort.teams] == [("T2", 'Ward 8 <f> t="e"')]


# --- the rows derive from the schema ----------------------------------------------------------

MODELS = [(schema.TEAMS, Team), (schema.SESSIONS, Session), (schema.MENTORING, Pair)]


@pytest.mark.parametrize(("sheet", "model"), MODELS, ids=lambda x: getattr(x, "name", ""))
def test_every_column_fills_an_attribute_and_every_attribute_is_filled(sheet, model) -> None:
    attributes = {f.name for f in dataclasses.fields(model)} - {"extra", "row"}
    filled = [c.field for c in sheet.columns]
    assert sorted(filled) == sorted(attributes)  # each attribute once: no column lost or doubled
    assert {c.fallback for c in sheet.columns if c.fallback} <= set(schema.PROGRAMME_DEFAULTS)


def test_shared_values_are_attributes_columns_fill() -> None:
    filled = {c.field for sheet, _model in MODELS for c in sheet.columns}
    assert filled >= rows.REPEATING


def _renamed(sheet: schema.Sheet, key: str, header: str) -> schema.Sheet:
    columns = tuple(dataclasses.replace(c, header=header, attr=c.field) if c.key == key else c
                    for c in sheet.columns)
    return dataclasses.replace(sheet, columns=columns)


def test_renaming_a_header_is_a_change_in_the_schema_alone(monkeypatch, make_cohort) -> None:
    teams = _renamed(schema.TEAMS, "coach_email", "Coach e-mail")
    monkeypatch.setattr(schema, "TEAMS", teams)
    monkeypatch.setattr(schema, "SHEETS", tuple(teams if s.name == "Teams" else s
                                                for s in schema.SHEETS))
    (column,) = [c for c in teams.columns if c.header == "Coach e-mail"]
    data = small_rows()
    for row in data["Teams"]:
        if "coach_email" in row:
            row[column.key] = row.pop("coach_email")
    data["Teams"][1][column.key] = "not-an-address"
    path = make_cohort(data)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "Coach e-mail" in next(wb["Teams"].values)  # the workbook has the new header
    wb.close()

    cohort, problems = read_cohort(path)
    assert [(p.row, p.column, p.message) for p in problems] == [
        (3, "Coach e-mail", '"not-an-address" is not an email address')]
    (team,) = cohort.teams
    assert (team.coach_email, team.extra) == ("jo.bloggs@nhs.scot", {})
    assert cohort.extra_fields == frozenset()


def test_a_column_that_fills_no_attribute_stops_the_reader(monkeypatch, make_cohort) -> None:
    path = make_cohort()
    pairs = dataclasses.replace(schema.MENTORING, columns=(
        *schema.MENTORING.columns, schema.Column("Phone", attr="phone")))
    monkeypatch.setattr(schema, "SHEETS", tuple(pairs if s.name == "Mentoring" else s
                                                for s in schema.SHEETS))
    with pytest.raises(ValueError, match=r"Mentoring columns and Pair are out of step: \['phone"):
        read_cohort(path)


def test_unreadable_programme_numbers_take_the_declared_defaults(make_cohort) -> None:
    data = small_rows()
    data["Programme"] = [{"session_duration": "a while", "default_venue": "The Hub"}]
    cohort, problems = read_cohort(make_cohort(data))
    assert [(p.sheet, p.column, p.message) for p in problems] == [
        ("Programme", "Value", '"a while" is not a length of time (e.g. 1 hour or 90 minutes)')]
    p = cohort.programme
    assert (p.minimum_hours, p.review_after, p.session_hours, p.coaching_paid) == (
        DEFAULT_MINIMUM_HOURS, DEFAULT_REVIEW_AFTER, DEFAULT_SESSION_HOURS,
        DEFAULT_COACHING_PAID)
    assert [t.venue for t in cohort.teams] == ["The Hub", "Room 1"]  # a blank venue falls back
    assert [t.review_after for t in cohort.teams] == [DEFAULT_REVIEW_AFTER] * 2



@pytest.mark.parametrize(("sheet", "key", "most"), [
    ("Programme", "minimum_coaching_hours", schema.MOST_MINIMUM_HOURS),
    ("Programme", "course_months", schema.MOST_COURSE_MONTHS),
    ("Programme", "review_after_sessions", schema.MOST_REVIEW_AFTER),
    ("Teams", "review_after_sessions", schema.MOST_REVIEW_AFTER),
])
def test_a_number_past_what_a_programme_has_is_refused_naming_the_cell(
        make_cohort, sheet: str, key: str, most: int) -> None:
    """50000 typed for 5: the log would refuse it in every record made with it (and count
    with the default), so the cohort refuses it first, naming the cell and the bound; the
    bound itself is taken."""
    for value, refused in ((most, False), (most + 1, True)):
        data = small_rows()
        if sheet == "Programme":
            data["Programme"] = [{key: value}]
        else:
            data["Teams"][0][key] = value
        _cohort, problems = read_cohort(make_cohort(data))
        said = [(p.sheet, p.message) for p in problems]
        if refused:
            assert len(said) == 1 and said[0][0] == sheet, said
            assert f"{most + 1:,} is more than a programme has" in said[0][1]
            assert f"at most {most:,}" in said[0][1] and "leave" in said[0][1]
        else:
            assert said == []


def test_the_largest_numbers_a_cohort_takes_are_read_back_from_a_record(
        make_cohort, tmp_path: Path) -> None:
    """What the cohort takes, the log takes from the contract made with it: no record of a
    cohort that passed its check has its programme numbers refused."""
    data = small_rows()
    data["Programme"] = [{"minimum_coaching_hours": schema.MOST_MINIMUM_HOURS,
                          "course_months": schema.MOST_COURSE_MONTHS,
                          "review_after_sessions": schema.MOST_REVIEW_AFTER}]
    cohort = make_cohort(data)
    assert read_cohort(cohort)[1] == []
    jobs.generate(cohort, tmp_path / "out", only="contracts", jobs=1)
    report = jobs.log([tmp_path / "out"], tmp_path / "log.xlsx", cohort=cohort, jobs=1)
    assert not [p for p in report.problems if p.sheet == "document properties"], [
        str(p) for p in report.problems]

def test_a_time_or_datetime_cell_in_a_text_column_reads_as_shown(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID"])
    ws.append(["T1"])
    ws = wb.create_sheet("Mentoring")
    ws.append(["QI practitioner", "Mentor", "Time"])
    ws.append(["Zofia", "François", dt.time(12, 30)])
    ws.append(["Kate", "Seonag", dt.datetime(2026, 3, 3, 9, 0)])
    wb.save(path)
    cohort, problems = read_cohort(path)
    assert problems == []
    assert [p.time for p in cohort.pairs] == ["12:30", "3 March 2026 09:00"]
