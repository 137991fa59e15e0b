"""Nothing silent: values an admin typed that docgen would otherwise drop or replace unseen.

Rows above the header row, Programme settings docgen does not know, extra columns named as
docgen's own fields, a team's own settings, times typed as text before 8:00: each is read as
meant or named with its sheet, row and column and the way out.
"""

from __future__ import annotations

from pathlib import Path

import docx
from conftest import ROOT, TODAY, csv_cohort, custom_properties, full_text
from test_cohort_warnings import TEAM_HEADER, notes, workbook

from docgen import jobs
from docgen.schema import SESSIONS, TEAMS

# Rows above the header row

def test_a_team_typed_above_the_header_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["T9", "Typed above", "Coach Q", "Ann One"], TEAM_HEADER,
                  ["T1", "Ward 7 Falls", "Jo", "Ann"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams › row 1: the row is above the header row (row 2), so it is not "
        "read, though it holds values under Team ID, Team name, Coach and 1 more: move it "
        "below the header row; if the sheet was sorted, sort it again with the header row "
        'left out (Data › Sort, "My data has headers")']


def test_rows_a_sort_put_above_the_header_are_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]],
        "Mentoring": [["Ann Able", "Mo Mentor"], ["Bea Best", "Mo Mentor"],
                      ["QI practitioner", "Mentor"], ["Zoe Zed", "Mo Mentor"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(":")[0] for w in warnings] == [
        "cohort.xlsx › Mentoring › row 1", "cohort.xlsx › Mentoring › row 2"]
    assert all("above the header row (row 3), so it is not read, though it holds values "
               "under QI practitioner, Mentor" in w for w in warnings)


def test_a_title_row_above_the_header_is_fine(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["Cohort 7: teams"], [None, "Spring 2026"], [], TEAM_HEADER,
                  ["T1", "Ward 7 Falls", "Jo", "Ann"]],
    })
    assert notes(path) == ([], [])


# Programme settings docgen does not know

def test_a_setting_said_otherwise_names_the_setting_and_default_used(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Min. coaching hours (total)", 10],
                      ["Length of session", "2 hours"]],
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Programme › row 2 › Setting: unknown setting, kept as the field "
        '{{ min_coaching_hours_total }}; did you mean "Minimum coaching hours"? The sheet has '
        "none, so docgen uses its default, 5, instead of this value; if so, rename it",
        "cohort.xlsx › Programme › row 3 › Setting: unknown setting, kept as the field "
        '{{ length_of_session }}; did you mean "Session duration"? The sheet has none, so '
        "docgen uses its default, 1 hour, instead of this value; if so, rename it"]


def test_a_setting_no_template_uses_is_named_by_generate(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Poster deadline", "At the Summer Event"],
                      ["Minimum coaching hours", 6]],
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"]],
    })
    assert notes(path) == ([], [])  # check cannot know which templates will be used
    report = jobs.generate(path, tmp_path / "out", today=TODAY)
    assert [str(w) for w in report.warnings] == [
        'cohort.xlsx › Programme › row 2 › Setting: the setting "Poster deadline" is in no '
        "document: docgen does not know it, and neither coaching_contract.docx nor "
        "mentor_agreement.docx uses the field {{ poster_deadline }}; if it is one of docgen's "
        "settings, rename it (`docgen fields` lists them; until then docgen uses its default), "
        "else add {{ poster_deadline }} to the template"]
    listed = jobs.fields(ROOT / "templates" / "coaching_contract.docx", path).unshown
    assert ("poster_deadline", 'Programme › setting "Poster deadline"') in listed


def test_a_setting_a_template_uses_is_not_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Poster deadline", "At the Summer Event"]],
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"]],
    })
    templates = tmp_path / "templates"
    templates.mkdir()
    doc = docx.Document(ROOT / "templates" / "coaching_contract.docx")
    doc.add_paragraph("Poster: {{ poster_deadline }}")
    doc.save(templates / "coaching_contract.docx")
    report = jobs.generate(path, tmp_path / "out", templates=templates, only="contracts",
                           today=TODAY)
    assert not [w for w in report.warnings if "poster" in str(w).lower()]
    (contract,) = (tmp_path / "out" / "contracts").glob("*.docx")
    assert "Poster: At the Summer Event" in full_text(contract)


# Extra columns named as docgen's own fields

def test_an_extra_column_named_as_docgens_own_field_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "Sessions", "Ward"], ["T1", "Ward 7", "Jo", "Ann",
                                                       "6 sessions agreed", "7B"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams › row 1 › Sessions: the column is in no document: {{ sessions }} "
        "is docgen's own field in coaching_contract.docx (Sessions: one COACHING RECORD row "
        "each), shown there instead of this column; to show the column's values, rename its "
        "header to a name docgen does not use (`docgen fields` lists them) and use that field "
        "in the template"]
    report = jobs.generate(path, tmp_path / "out", only="contracts", today=TODAY)
    said = [str(w) for w in report.warnings]
    assert said[0] == warnings[0] and len(said) == 2  # once, and Ward as before
    assert said[1].startswith("cohort.xlsx › Teams › row 1 › Ward: the column is in no document")
    (contract,) = (tmp_path / "out" / "contracts").glob("*.docx")
    assert "6 sessions agreed" not in full_text(contract)
    listed = dict(jobs.fields(ROOT / "templates" / "coaching_contract.docx", path).unshown)
    assert listed["sessions"] == (
        "Teams › Sessions (hidden by docgen's own {{ sessions }}: rename the column)")


# A team's own settings: what its contract says is what its properties tell the log

def test_a_teams_own_minimum_and_duration_reach_the_properties(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Minimum coaching hours", 5],
                      ["Session duration", "1 hour"]],
        "Teams": [[*TEAM_HEADER, "Duration", "Minimum coaching hours"],
                  ["T1", "Falls", "Jo", "Ann", "2 hours", 10],
                  ["T2", "Flow", "Jo", "Bea", None, None]],
    })
    assert notes(path) == ([], [])
    jobs.generate(path, tmp_path / "out", only="contracts", today=TODAY)
    folder = tmp_path / "out" / "contracts"
    one, two = folder / "Falls (T1).docx", folder / "Flow (T2).docx"
    assert "minimum of 10 hours" in full_text(one)
    assert "minimum of 5 hours" in full_text(two)
    assert [(custom_properties(d)["docgen.minimum_hours"],
             custom_properties(d)["docgen.session_hours"]) for d in (one, two)] == [
        ("10", "2"), ("5", "1")]


def test_a_teams_own_settings_are_read_as_the_programmes(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "Duration", "Minimum coaching hours"],
                  ["T1", "Falls", "Jo", "Ann", 90, None],
                  ["T2", "Flow", "Jo", "Bea", None, 50000],
                  ["T3", "Fine", "Jo", "Cy", "90 minutes", 8]],
    })
    problems, _warnings = notes(path)
    assert problems == [
        'cohort.xlsx › Teams › row 2 › Duration: "90" has no unit, so it reads as 90 hours a '
        'session: if it is minutes, type "90 minutes"; else type the hours with "hours" '
        "(e.g. 1.5 hours)",
        "cohort.xlsx › Teams › row 3 › Minimum coaching hours: 50,000 is more than a "
        "programme has for Minimum coaching hours (at most 1,000): a slip? correct it, or "
        "leave the value blank for the default"]
    programme = workbook(tmp_path / "programme.xlsx", {
        "Programme": [["Setting", "Value"], ["Session duration", 90]],
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]]})
    (same,) = notes(programme)[0]
    assert same.split(": ", 1)[1] == problems[0].split(": ", 1)[1]


# Times typed as text before 8:00

def test_a_time_typed_as_text_before_8_without_am_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    csv_cohort(folder, TEAMS, TEAM_HEADER, [["T1", "Falls", "Jo", "Ann"]])
    csv_cohort(folder, SESSIONS, ["Team ID", "Date", "Start time", "Finish time"], [
        ["T1", "03/03/2026", "2.30", "3:30"],
        ["T1", "10/03/2026", "07:30", "08:30"],  # a leading zero: the 24-hour time meant
        ["T1", "17/03/2026", "2.30am", "3.30 a.m."],
        ["T1", "24/03/2026", "14:30", "15:30"]])
    problems, warnings = notes(folder)
    assert problems == []
    where = "sessions.csv"
    assert warnings == [
        f'{where} › Sessions › row 2 › Start time: "2.30" is read as 02:30: if the afternoon '
        "was meant, type the time as 14:30; if the morning was, type 02:30 (or add am)",
        f'{where} › Sessions › row 2 › Finish time: "3:30" is read as 03:30: if the afternoon '
        "was meant, type the time as 15:30; if the morning was, type 03:30 (or add am)"]


def test_a_time_typed_in_a_text_cell_is_named_as_the_number_is(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]],
        "Sessions": [["Team ID", "Date", "Start time"], ["T1", "03/03/2026", 2.3],
                     ["T1", "10/03/2026", "2.30"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(": ", 1)[0] for w in warnings] == [
        "cohort.xlsx › Sessions › row 2 › Start time",
        "cohort.xlsx › Sessions › row 3 › Start time"]
    assert "if the afternoon was meant" in warnings[1]


# A letter Excel's Windows-1252 CSV lost at the end of a name

def test_a_letter_lost_at_the_end_of_a_name_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "teams.csv").write_bytes(
        "Team ID,Team name,Team members,Coach\r\n"
        "T01,Falls,Paweł Nowak; Ana Nowak,Jo Bloggs\r\n"
        "T02,Ready?,Ann One,Michał Nowak\r\n"
        "T03,Flow,Zoë Smith,Jo Bloggs\r\n".encode("cp1252", errors="replace"))
    problems, warnings = notes(folder)
    assert problems == []
    lost = [w for w in warnings if "in a word" in w]
    assert [w.split(": ", 1)[0] for w in lost] == ["teams.csv › Teams › row 2",
                                                   "teams.csv › Teams › row 3"]
    assert lost[0].split(": ", 1)[1].startswith('"Pawe? Nowak; Ana Nowak" holds "?" in a word')
    assert lost[1].split(": ", 1)[1].startswith('"Micha? Nowak" holds "?"')  # not "Ready?"
