"""Nothing silent: what docgen reads but probably not as meant is a warning, located.

An admin's usual slips (a misspelt header, a renamed sheet, a totals row, a team without a
coach) passed `docgen check` as OK and came out wrong in the documents. Each is now named with
its place and the way out; a formula error is one problem, not a cascade.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest import small_rows

from docgen import jobs
from docgen.cohort import read_cohort


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


TEAM_HEADER = ["Team ID", "Team name", "Coach", "Team members"]


def notes(path: Path) -> tuple[list[str], list[str]]:
    report = jobs.check(path)
    return [str(p) for p in report.problems], [str(w) for w in report.warnings]


def test_misspelt_headers_are_named_with_the_header_meant(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["Team ID", "Teamname", "Coaches", "Organization", "Team members", "Ward"],
                  ["T1", "Ward 7 Falls", "Jo", "NHS Lothian", "Ann", "7"]],
        "Sessions": [["Team ID", "Session date", "Start"], ["T1", "03/04/2026", "14:00"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        'cohort.xlsx › Teams › row 1 › Teamname: unknown column, kept as the extra field '
        '{{ teamname }}; did you mean "Team name"? If so, rename the header',
        'cohort.xlsx › Teams › row 1 › Coaches: unknown column, kept as the extra field '
        '{{ coaches }}; did you mean "Coach"? If so, rename the header',
        'cohort.xlsx › Teams › row 1 › Organization: unknown column, kept as the extra field '
        '{{ organization }}; did you mean "Organisation"? If so, rename the header',
        "cohort.xlsx › Teams › row 1: there is no \"Coach\" column, so every team has no coach: "
        "the contract's coach and signature lines will be empty; add the column",
        "cohort.xlsx › Sessions › row 1 › Session date: unknown column, not read: a session's "
        "values go into its form from the Sessions sheet's own columns only; did you mean "
        '"Date"? If so, rename the header',
        "cohort.xlsx › Sessions › row 1 › Start: unknown column, not read: a session's values "
        "go into its form from the Sessions sheet's own columns only; did you mean "
        '"Start time"? If so, rename the header',
    ]
    cohort, _problems = read_cohort(path)
    assert cohort.teams[0].extra == {"teamname": "Ward 7 Falls", "coaches": "Jo",
                                     "organization": "NHS Lothian", "ward": "7"}


def test_a_renamed_optional_sheet_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"]],
        "Sessions 2026": [["Team ID", "Date"], ["T1", "03/04/2026"]],
        "Notes": [["anything"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == ['cohort.xlsx › Sessions 2026: is not read: docgen reads the sheet named '
                        '"Sessions"; if this sheet holds the sessions, rename it Sessions']


def test_rows_that_look_like_totals_are_skipped_and_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER + ["Review after sessions"], ["T1", "Ward 7", "Jo", "Ann", 4],
                  ["T2", "Ward 8", "Jo", "Ann", 3], [None, None, None, None, 7],
                  ["Grand Total", None, None, None, 7]],
    })
    report = jobs.check(path)
    assert report.problems == []
    assert [str(w) for w in report.warnings] == [
        "cohort.xlsx › Teams › row 4: looks like a totals row (only numbers: Review after "
        "sessions 7), not data: skipped; if it is data, give it its own values",
        'cohort.xlsx › Teams › row 5: looks like a totals row (Team ID "Grand Total"), not '
        "data: skipped; if it is data, give it its own values"]
    assert [t.team_id for t in report.cohort.teams] == ["T1", "T2"]


def test_a_team_without_a_coach_or_members_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", None, "Ann"], ["T2", "Ward 8", "Jo", None],
                  ["T1", "Duplicate", None, None]],
    })
    problems, warnings = notes(path)
    assert problems == ['cohort.xlsx › Teams › row 4 › Team ID: Team ID "T1" is already used on '
                        "row 2"]  # and no warnings about a row left out anyway
    assert warnings == [
        "cohort.xlsx › Teams › row 2 › Coach: the team has no coach: the contract's coach and "
        "signature lines will be empty; fill in Coach",
        "cohort.xlsx › Teams › row 3 › Team members: the team has no team members: the "
        "contract's team members line will be empty; fill in Team members"]
    path = workbook(tmp_path / "nocoach.xlsx", {"Teams": [["Team ID", "Team members"],
                                                         ["T1", "Ann"], ["T2", "Bob"]]})
    assert notes(path)[1] == [
        'nocoach.xlsx › Teams › row 1: there is no "Coach" column, so every team has no coach: '
        "the contract's coach and signature lines will be empty; add the column"]


def test_a_failed_team_id_is_one_problem_not_one_per_session(tmp_path: Path) -> None:
    from test_cohort_formats import with_error_cells

    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"], ["T2", "Ward 8", "Jo", "Ann"],
                  ["T3", "Ward 9", "Jo", "Ann"]],
        "Sessions": [["Team ID", "Topic"]] + [["T2", f"Topic {i}"] for i in range(4)]
        + [["T1", "Driver diagram"]],
    })
    with_error_cells(path, "xl/worksheets/sheet1.xml", {"A3": "#N/A"})
    problems, warnings = notes(path)
    assert problems == ["cohort.xlsx › Teams › row 3 › Team ID: the cell shows the error #N/A "
                        "(its formula failed): correct the formula or type the value"]
    assert warnings == [
        "cohort.xlsx › Sessions: 4 sessions (rows 2, 3, 4, 5) name Team IDs not found on the "
        "Teams sheet (T2), which could not be checked: the Team ID on Teams row 3 shows an "
        "error; correct it and check again"]


def test_sessions_of_a_team_with_a_problem_are_not_said_to_be_of_no_team(make_cohort) -> None:
    rows = small_rows()
    rows["Teams"][0]["first_session"] = "31/02/2026"
    report = jobs.check(make_cohort(rows))
    assert [p.message.split(" (")[0] for p in report.problems] == [
        '"31/02/2026" is not a date']  # and not "T1 is not on the Teams sheet" twice


def test_a_second_column_of_one_name_and_values_under_no_header(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER + ["Coach", None], ["T1", "Ward 7", "Jo", "Ann", "Sam", "note"],
                  ["T2", "Ward 8", "Jo", "Ann", None, None]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams: column F has no header but holds values (rows 2): they are not "
        "read; give the column a header to keep them",
        'cohort.xlsx › Teams › row 1 › Coach: a second "Coach" column (column E): only the '
        "first (column C) is read; merge them or rename one"]


def test_programme_settings_misspelt_or_given_twice(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Training days", 4], ["Minimum hours", 8],
                      ["Training days", 6]],
        "Teams": [TEAM_HEADER, ["T1", "Ward 7", "Jo", "Ann"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Programme › row 3 › Setting: unknown setting, kept as the field "
        '{{ minimum_hours }}; did you mean "Minimum coaching hours"? The sheet has none, so '
        "docgen uses its default, 5, instead of this value; if so, rename it",
        "cohort.xlsx › Programme › row 4 › Setting: the setting is also on row 2: the last "
        "filled-in value is used; delete the other row"]
    assert jobs.check(path).cohort.programme.get("training_days") == "6"


def test_a_misspelt_required_header_is_suggested(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {"Teams": [["Team-Id number", "Team name",
                                                          "Coach"], ["T1", "Ward 7", "Jo"]]})
    problems, _warnings = notes(path)
    assert problems == ["cohort.xlsx › Teams › row 1 › Team ID: the required column 'Team ID' "
                        'is missing (did you mean "Team-Id number"? rename it)']


def test_characters_that_reorder_text_are_named_where_they_are_left_out(
        tmp_path: Path) -> None:
    """A right-to-left override pasted into a cell makes the spreadsheet show "Ward 7 sllaF";
    docgen leaves such characters out (a document showing text out of order misleads), so
    the documents say "Ward 7 Falls": named, in a known column and an extra one alike, from a
    workbook and from a CSV file. Text without them (accents, new lines) is not named."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "Ward"],
                  ["T1", "Ward 7 \u202eFalls", "Jo", "Zoë Smith\nÉlodie", "\u2066East\u2069"],
                  ["T2", "Ward 8", "Jo", "Ann", "West"]]})
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams › row 2 › Team name: holds invisible characters that change the "
        'order its text is shown in (U+202E), which docgen leaves out: the documents show '
        '"Ward 7 Falls", perhaps in another order than the spreadsheet shows it; retype the '
        "cell if that is not what is meant",
        "cohort.xlsx › Teams › row 2 › Ward: holds invisible characters that change the order "
        'its text is shown in (U+2066, U+2069), which docgen leaves out: the documents show '
        '"East", perhaps in another order than the spreadsheet shows it; retype the cell if '
        "that is not what is meant"]
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "teams.csv").write_text("Team ID,Team name,Coach,Team members\n"
                                      "T1,Ward 7 \u202eFalls,Jo,Ann\n", encoding="utf-8")
    _problems, warnings = notes(folder)
    assert [w.split(": holds")[0] for w in warnings if "U+202E" in w] == [
        "teams.csv › Teams › row 2 › Team name"]


def test_a_workbook_open_in_excel_as_it_is_read_is_named(tmp_path: Path, make_cohort) -> None:
    """The admin edits the cohort in Excel and runs docgen before saving: the file holds the
    last save. Excel's owner file (LibreOffice's lock file for a CSV file) beside it tells."""
    path = make_cohort()
    assert [w.message for w in jobs.check(path).warnings] == []
    owner = path.with_name(f"~${path.name}")
    owner.write_bytes(b"\x05admin")
    assert [(w.file, w.message) for w in jobs.check(path).warnings] == [(
        str(path), f'is open in Excel or LibreOffice (its lock file "{owner.name}" is beside '
                   "it): it was read as last saved, so changes not saved yet are not read; save "
                   "it, then run again (if it is not open, delete that lock file)")]
    owner.unlink()
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "teams.csv").write_text("Team ID,Team name,Coach,Team members\nT1,Ward 7,Jo,Ann\n")
    (folder / ".~lock.teams.csv#").write_text("admin,host,/tmp,07.12.2026 09:00,file:///tmp;")
    assert [w.file for w in jobs.check(folder).warnings] == [str(folder / "teams.csv")]


def test_a_date_years_away_from_the_cohorts_others_is_named(tmp_path: Path) -> None:
    """A mistyped year (2062 for 2026) is a real date: the contract would show it and the log
    plan a session decades away. Dates of an older cohort, all alike, say nothing."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "teams.csv").write_text(
        "Team ID,Team name,Coach,Team members,First session\n"
        "T1,Ward 7,Jo,Ann,10/02/2026\nT2,Ward 8,Jo,Bob,17/02/2016\n")
    (folder / "sessions.csv").write_text(
        "Team ID,Date,Start time,Finish time\n"
        "T1,10/03/2026,14:00,15:00\nT1,17/03/2062,14:00,15:00\nT2,17/03/2026,14:00,15:00\n")
    assert [(w.sheet, w.row, w.column, w.message) for w in jobs.check(folder).warnings] == [
        ("Teams", 3, "First session", "17 February 2016 is years away from the cohort's other "
                                      "dates (most around 2026): check its year"),
        ("Sessions", 3, "Date", "17 March 2062 is years away from the cohort's other dates "
                                "(most around 2026): check its year")]
    for name in ("teams.csv", "sessions.csv"):  # the same cohort, ten years ago: all alike
        path = folder / name
        path.write_text(path.read_text().replace("/2026", "/2016").replace("/2062", "/2016"))
    assert jobs.check(folder).warnings == []


def test_an_address_no_mail_can_be_sent_to_is_named_where_the_documents_show_it(
        tmp_path: Path) -> None:
    """"jo@nhs" has an @, so it passed, and every contract of the team printed it as the
    coach's address; `docgen mail` alone said it could not be sent to."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "teams.csv").write_text(
        "Team ID,Team name,Coach,Team members,Coach email,Contact email\n"
        "T1,Ward 7,Jo,Ann,jo@nhs,ann@nhs.scot\n"
        'T2,Ward 8,Jo; Sam,Bob,"Jo Bloggs <jo@nhs.scot>; mailto:sam@nhs.scot",bob@nhs..scot\n')
    assert [(w.row, w.column, w.message) for w in jobs.check(folder).warnings] == [
        (2, "Coach email", '"jo@nhs" is not an e-mail address (no dot after the @): the '
                           "documents show it as typed, and no e-mail can be sent to it; "
                           "correct it"),
        (3, "Contact email", '"bob@nhs..scot" is not an e-mail address: the documents show it '
                             "as typed, and no e-mail can be sent to it; correct it")]


def test_an_address_the_email_parser_fails_on_is_a_warning_not_a_traceback(
        tmp_path: Path) -> None:
    """Python's e-mail parser raises AttributeError on "jo@[" (a slip of the finger on the
    key beside P): the cohort could not be read at all."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "teams.csv").write_text(
        "Team ID,Team name,Coach,Team members,Coach email\nT1,Ward 7,Jo,Ann,jo@[\n")
    assert [(w.row, w.column, w.message) for w in jobs.check(folder).warnings] == [
        (2, "Coach email", '"jo@[" is not an e-mail address (no dot after the @): the '
                           "documents show it as typed, and no e-mail can be sent to it; "
                           "correct it")]


def test_a_session_s_coach_written_otherwise_than_on_the_teams_sheet_is_named(
        tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Fiona MacLeod", "Ann"],
                  ["T2", "Flow", "Graham Robertson; Dr Jo Bloggs", "Bo"]],
        "Sessions": [["Team ID", "Date", "Coach"],
                     ["T1", "03/04/2026", "Fiona"],        # her first name only
                     ["T1", "03/05/2026", "Fiona McLeod"],  # misspelt
                     ["T1", "03/06/2026", "fiona"],
                     ["T2", "04/04/2026", "Fiona MacLeod"],  # another team's coach, covering
                     ["T2", "04/05/2026", "Dr Sam Guest"],  # a guest: like no coach
                     ["T2", "04/06/2026", "Jo Bloggs; Graham Robertson"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        'cohort.xlsx › Sessions › row 2 › Coach: "Fiona" is not a coach on the Teams sheet, but '
        "may be Fiona MacLeod written otherwise (rows 2, 4): the form of those sessions shows "
        '"Fiona", and the log would credit their hours to "Fiona", apart from Fiona MacLeod\'s;'
        " if it is Fiona MacLeod, type the name as the Teams sheet has it; if it is another "
        "coach, nothing is wrong",
        'cohort.xlsx › Sessions › row 3 › Coach: "Fiona McLeod" is not a coach on the Teams '
        "sheet, but may be Fiona MacLeod written otherwise: the form of that session shows "
        '"Fiona McLeod", and the log would credit its hours to "Fiona McLeod", apart from '
        "Fiona MacLeod's; if it is Fiona MacLeod, type the name as the Teams sheet has it; if "
        "it is another coach, nothing is wrong"]


def test_a_next_meeting_not_after_its_session_or_a_year_on_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Fiona MacLeod", "Ann"]],
        "Sessions": [["Team ID", "Date", "Date of next meeting"],
                     ["T1", "10/03/2026", "10/02/2026"],   # a month mistyped
                     ["T1", "10/04/2026", "10/04/2026"],   # the session's date copied
                     ["T1", "10/05/2026", "10/06/2062"],   # a year mistyped
                     ["T1", "10/06/2026", "08/07/2026"]],  # as meant
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(" › ", 3)[2:] for w in warnings] == [
        ["row 2", "Date of next meeting: the next meeting (10/02/2026) is before the session's "
         "own date (10/03/2026): the form shows it as typed; is the day, month or year right?"],
        ["row 3", "Date of next meeting: the next meeting (10/04/2026) is the same day as the "
         "session's own date (10/04/2026): the form shows it as typed; is the day, month or "
         "year right?"],
        ["row 4", "Date of next meeting: 10 June 2062 is years away from the cohort's other "
         "dates (most around 2026): check its year"]]


def test_two_coaches_of_the_teams_sheet_that_may_be_one_person_are_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Fiona MacLeod", "Ann"],
                  ["T2", "Flow", "Graham Robertson; fiona macleod", "Bo"],  # one spelling
                  ["T3", "Sepsis", "Fiona McLeod", "Cy"],   # misspelt
                  ["T4", "Insulin", "G. Robertson", "Di"],  # an initial
                  ["T5", "Asthma", "Helen Carruthers", "Ed"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(" › ", 3)[2:] for w in warnings] == [
        ["row 4", 'Coach: "Fiona McLeod" may be Fiona MacLeod (row 2) written otherwise: '
         "contracts, coach packs, e-mail drafts and the log's Coaches sheet would count them as "
         "two coaches; if they are one person, write the name one way; if two, nothing is "
         "wrong"],
        ["row 5", 'Coach: "G. Robertson" may be Graham Robertson (row 3) written otherwise: '
         "contracts, coach packs, e-mail drafts and the log's Coaches sheet would count them as "
         "two coaches; if they are one person, write the name one way; if two, nothing is "
         "wrong"]]


def test_a_pair_given_again_the_other_way_round_is_named(tmp_path: Path) -> None:
    header = ["QI practitioner", "Mentor"]
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Fiona MacLeod", "Ann"]],
        "Mentoring": [header, ["Ann Lee", "Dr Bo Ray"], ["Cy Dee", "Dr Bo Ray"],
                      ["Dr Bo Ray", "Ann Lee"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Mentoring › row 4 › Mentor: Ann Lee is the QI practitioner and Dr Bo Ray "
        "the mentor on row 2, the other way round here: two agreements for the same two "
        "people; if they are one pair, delete the wrong row"]


def test_a_team_typed_again_under_another_team_id_is_named(tmp_path: Path) -> None:
    """The same team (name and organisation, in any case and spacing) on two rows would get
    two contracts and its sessions split in the log: named on the later row. The same name in
    another organisation, and teams named only by their Team ID, are not."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["Team ID", "Team name", "Organisation", "Coach", "Team members"],
                  ["T1", "Ward 7 Falls", "NHS Lothian", "Jo", "Ann"],
                  ["T2", "ward 7  falls", " NHS lothian", "Jo", "Ann"],
                  ["T3", "Ward 7 Falls", "NHS Borders", "Jo", "Ann"],
                  ["T4", None, "NHS Lothian", "Jo", "Ann"],
                  ["T5", None, "NHS Lothian", "Jo", "Ann"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w for w in warnings if "also on row" in w] == [
        'cohort.xlsx › Teams › row 3 › Team name: team "ward 7  falls" of NHS lothian is also '
        "on row 2, under another Team ID: T2 would get a second contract, and the log would "
        "split the team's sessions between two teams; if it is one team, delete one of the "
        "rows (and give its sessions the other's Team ID); if two, give them names that tell "
        "them apart in Team name"]


def test_a_session_typed_twice_is_named(tmp_path: Path) -> None:
    """A session row copied or pasted again (the same team, date and start, or the same day
    without a time) would be two forms in the contract: named on the later row. Two sessions
    of one day at different times, and the same day of two teams, are not."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"], ["T2", "Flow", "Jo", "Bob"]],
        "Sessions": [["Team ID", "Date", "Start time", "Finish time"],
                     ["T1", "03/04/2026", "10:00", "11:00"],
                     ["T1", "03/04/2026", "14:00", "15:00"],
                     ["T2", "03/04/2026", "10:00", "11:00"],
                     ["T1", "10/04/2026", None, None],
                     [" t1", "03/04/2026", "10:00", "11:30"],
                     ["T1", "10/04/2026", None, None]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w for w in warnings if "already has a session" in w] == [
        "cohort.xlsx › Sessions › row 6 › Date: team t1 already has a session on 03/04/2026 at "
        "10:00, on row 2: the contract would have two forms for it; if the row was copied, "
        "delete one; if there were two sessions, give each its own start time",
        "cohort.xlsx › Sessions › row 7 › Date: team T1 already has a session on 10/04/2026, on "
        "row 5: the contract would have two forms for it; if the row was copied, delete one; "
        "if there were two sessions, give each its own start and finish times"]


def test_a_header_row_written_otherwise_is_found_and_what_to_rename_named(
        tmp_path: Path) -> None:
    """A Sessions sheet headed "TeamID", "Session date", "From", "To" has no header docgen
    knows: the problem says which row it may be and what to rename, not only what it expected.
    """
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]],
        "Sessions": [["Sessions, spring 2026"], ["TeamID", "Session date", "From", "To"],
                     ["T1", "03/04/2026", "14:00", "15:00"]],
    })
    (problem,) = notes(path)[0]
    assert problem.endswith(
        '; row 2 may be it, its headers written otherwise: rename "TeamID" to "Team ID", '
        '"Session date" to "Date", "From" to "Start time", "To" to "Finish time", as docgen '
        "names the columns")
    plain = workbook(tmp_path / "plain.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]],
        "Sessions": [["Sessions, spring 2026"], ["T1", "03/04/2026", "14:00", "15:00"]]})
    (problem,) = notes(plain)[0]
    assert problem.endswith("Date of next meeting, Comments)")  # no row is like a header


def test_a_sessions_coach_as_initials_or_with_a_note_is_named(tmp_path: Path) -> None:
    """The form shows the Sessions sheet's Coach as typed, and the log credits the hours to
    it: "JB" for Jo Bloggs, or "Jo Bloggs (cover)", would be a coach apart from Jo Bloggs."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo Bloggs", "Ann"]],
        "Sessions": [["Team ID", "Date", "Coach"], ["T1", "03/04/2026", "JB"],
                     ["T1", "10/04/2026", "Jo Bloggs (cover)"],
                     ["T1", "17/04/2026", "Jo Bloggs"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(": ", 1)[0] for w in warnings] == [
        "cohort.xlsx › Sessions › row 2 › Coach", "cohort.xlsx › Sessions › row 3 › Coach"]
    assert '"JB" is not a coach on the Teams sheet, but may be Jo Bloggs' in warnings[0]
    assert '"Jo Bloggs (cover)" is a name with a note' in warnings[1]
