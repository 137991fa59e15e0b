"""The cohort is the log's frame: every team issued is shown, with its pace.

A cohort of six teams half way through a four-month course (started 1 September 2026, logged
on 1 November 2026, 61 days in): the minimum is 5 hours, so 2.5 hours are expected of a team
that started on the first day. Its teams are ahead of the pace, on it, behind it, past the
minimum, not started, and one whose record never came back; a record of a team the cohort
does not have is in the folder too.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from coach import fill
from conftest import ODD_TEXT, odd_cohort
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen import jobs
from docgen.cli import main
from docgen.documents.outputs import MANIFEST
from docgen.errors import DocgenError
from docgen.kinds import CONTRACT
from docgen.log.summary import NO_FRAME, summarise
from docgen.models import ExpectedTeam, Frame, Outcome, TeamStatus
from docgen.records import read_records

START = dt.date(2026, 9, 1)
OCTOBER = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 1)
COURSE_DAYS = 4 * 365.25 / 12
COHORT = "Cohort 9"


def expected(since: dt.date) -> float:
    return round(5 * (TODAY - since).days / COURSE_DAYS, 2)


def _session(team: str, date: dt.date, start: int, finish: int,
             next_meeting: dt.date | None = None) -> dict[str, object]:
    row: dict[str, object] = {"team_id": team, "date": date, "start_time": dt.time(start),
                              "finish_time": dt.time(finish), "coach": "Dr Jo Bloggs",
                              "mode": "Face to face", "topic": "Plan"}
    if next_meeting is not None:
        row["date_of_next_meeting"] = next_meeting
    return row


def cohort_rows() -> dict[str, list[dict[str, object]]]:
    teams = [{"team_id": t, "team_name": f"Team {t}", "organisation": "NHS Lothian",
              "team_members": "Ann Member", "coach": "Dr Jo Bloggs",
              "first_session": START} for t in ("A", "B", "C", "D", "F")]
    teams.append({"team_id": "E", "team_name": "Team E", "organisation": "NHS Borders",
                  "team_members": "Eve Member", "coach": "Sam Coach",
                  "first_session": dt.date(2026, 9, 15)})
    return {
        "Programme": [{"cohort": COHORT, "course_months": 4, "minimum_coaching_hours": 5,
                       "session_duration": "1 hour"}],
        "Teams": teams,
        "Sessions": [
            _session("A", START, 14, 16), _session("A", OCTOBER, 14, 16),  # 4 h: ahead
            _session("B", START, 14, 15), _session("B", OCTOBER, 14, 16),  # 3 h: on pace
            _session("C", START, 14, 15, next_meeting=OCTOBER),  # 1 h, then nothing since
            _session("C", OCTOBER, 14, 15),  # left as docgen pre-filled it
            _session("D", START, 9, 12), _session("D", OCTOBER, 9, 12),  # 6 h: the minimum
            _session("F", START, 14, 15),
        ],
        "Mentoring": [
            {"qi_practitioner": "Zofia Dąbrowska", "mentor": "François Béranger",
             "practitioner_organisation": "NHS Borders", "mentor_organisation": "NHS Lothian"},
            {"qi_practitioner": "Pat Practitioner", "mentor": "Morag Mentor"},
        ],
    }


def contract(out: Path, team: str) -> Path:
    (path,) = (out / "contracts").glob(f"*({team}).docx")
    return path


@pytest.fixture
def issued(tmp_path: Path, make_cohort) -> tuple[Path, Path]:
    """Return the cohort and the folder of records as the coaches returned them."""
    data = make_cohort(cohort_rows())
    out = tmp_path / "out"
    jobs.generate(data, out, today=START)
    for team, forms in (("A", 2), ("B", 2), ("C", 1), ("D", 2), ("F", 1)):
        for form in range(forms):
            fill(contract(out, team), {"record.held": "Yes"}, form=form)
    contract(out, "F").unlink()  # F's record never came back
    (agreement,) = [p for p in (out / "agreements").glob("*.docx") if "Pat" in p.name]
    agreement.unlink()
    for signed in (out / "agreements").glob("*.docx"):  # saved by the pair: come back
        docx.Document(str(signed)).save(str(signed))
    # a record of a team this cohort does not have (another cohort's, in the same folder)
    stray = make_cohort({"Programme": [{"cohort": COHORT}],
                         "Teams": [{"team_id": "X9", "team_name": "Stray team",
                                    "coach": "Dr Jo Bloggs"}],
                         "Mentoring": [{"qi_practitioner": "Una Other", "mentor": "Vic Other"}]},
                        name="stray.xlsx")
    other = tmp_path / "other"
    jobs.generate(stray, other, today=START)
    shutil.copy(contract(other, "X9"), out / "contracts")
    for path in (other / "agreements").glob("*.docx"):
        docx.Document(str(path)).save(str(out / "agreements" / path.name))  # saved: come back
    return data, out


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_team_of_the_cohort_is_shown_with_its_status_and_pace(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = issued
    log = tmp_path / "log.xlsx"
    report = jobs.log([out], log, cohort=data, today=TODAY)
    teams = {t["Team ID"]: t for t in sheet(log, "Teams")}
    assert sorted(teams) == ["A", "B", "C", "D", "E", "F", "X9"]
    status = {k: t["Status"] for k, t in teams.items()}
    assert status == {"A": "on track", "B": "on track", "C": "behind pace",
                      "D": "minimum met", "E": "not started", "F": "no record returned",
                      "X9": "not started"}
    pace = expected(START)
    assert pace == pytest.approx(2.5, abs=0.02)
    for team, hours in (("A", 4.0), ("B", 3.0), ("C", 1.0), ("D", 6.0)):
        t = teams[team]
        assert (t["Hours"], t["Expected by today"]) == (hours, pace), team
        assert t["Pace from"].date() == START
        assert t["Hours still needed"] == max(0.0, 5 - hours)
    assert teams["C"]["Meeting overdue since"].date() == OCTOBER
    assert all(teams[t]["Meeting overdue since"] is None for t in ("A", "B", "D", "E"))
    # E has not started: its pace runs from the first session the cohort planned for it
    assert teams["E"]["Pace from"].date() == dt.date(2026, 9, 15)
    assert teams["E"]["Expected by today"] == expected(dt.date(2026, 9, 15))
    # F never came back: listed from the cohort, with no file and no hours
    f = teams["F"]
    assert (f["Team name"], f["Hours"], f["Source file(s)"]) == ("Team F", 0, None)
    assert f["Expected by today"] == pace and f["Days since last contact"] is None
    assert report.no_record == ["F"]
    assert report.statuses == {"no record returned": 1, "not started": 2, "behind pace": 1,
                               "on track": 2, "minimum met": 1}

    problems = [(r["File"], r["Problem"]) for r in sheet(log, "Problems") if r["File"]]
    stray = [m for f, m in problems if f.endswith("(X9).docx")]
    assert len(stray) == 1 and "does not have" in stray[0] and str(data) in stray[0]
    assert not any(NO_FRAME in str(r["Problem"]) for r in sheet(log, "Problems"))

    pairs = {(r["QI practitioner"], r["Mentor"]): r for r in sheet(log, "Mentoring")}
    assert {k: (r["Agreement returned"], r["In the cohort"]) for k, r in pairs.items()} == {
        ("Zofia Dąbrowska", "François Béranger"): ("Yes", "Yes"),
        ("Pat Practitioner", "Morag Mentor"): ("No", "Yes"),
        ("Una Other", "Vic Other"): ("Yes", "No")}
    assert any("Una Other" in m and "does not have" in m for _f, m in problems)


def test_colours_follow_the_status_not_the_end_of_course_minimum(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = issued
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=data, today=TODAY)
    ws = openpyxl.load_workbook(log)["Teams"]
    headers = [c.value for c in ws[1]]
    letter = ws.cell(1, headers.index("Status") + 1).column_letter
    rules = {rule.formula[0]: rule.dxf.fill.bgColor.rgb for rng in ws.conditional_formatting
             for rule in rng.rules if rule.dxf is not None and rule.dxf.fill is not None}
    behind = rules[f'${letter}2="behind pace"']
    on_track = rules[f'${letter}2="on track"']
    not_started = rules[f'${letter}2="not started"']
    assert len({behind, on_track, not_started, rules[f'${letter}2="no record returned"']}) == 4
    assert not any('"No"' in f for f in rules)


def test_without_the_cohort_the_log_says_absent_teams_cannot_be_shown(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    _data, out = issued
    (out / MANIFEST).unlink()  # records gathered in a folder generate did not write
    log = tmp_path / "log.xlsx"
    report = jobs.log([out], log, today=TODAY)
    assert sorted(t["Team ID"] for t in sheet(log, "Teams")) == ["A", "B", "C", "D", "E", "X9"]
    assert NO_FRAME in report.notes
    assert [r["Problem"] for r in sheet(log, "Problems") if not r["File"]] == [NO_FRAME]
    assert report.notes == [NO_FRAME]  # the records say their course months: no guess noted
    # the pace still runs, from each team's first session over the default course
    teams = {t["Team ID"]: t for t in sheet(log, "Teams")}
    c = teams["C"]
    assert (c["Status"], c["Expected by today"]) == ("behind pace", expected(START))
    assert teams["E"]["Status"] == "not started" and teams["E"]["Pace from"] is None
    pairs = sheet(log, "Mentoring")
    assert all(r["Agreement returned"] == "Yes" for r in pairs) and len(pairs) == 2


def test_cli_with_cohort_lists_the_teams_with_no_record(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = issued
    log = tmp_path / "log.xlsx"
    result = CliRunner().invoke(main, ["log", str(out), "--cohort", str(data), "-o", str(log)])
    assert result.exit_code == 0, result.output
    assert "No record returned: F" in result.output
    # the run's today is the real one, so how many teams are behind pace changes with the
    # date: the summary's count is the Teams sheet's, whatever it is
    teams = sheet(log, "Teams")
    behind = sum(t["Status"] == "behind pace" for t in teams)
    assert (f"{behind} behind pace" in result.output) if behind else (
        "behind pace" not in result.output.split("\n", 2)[1])
    assert "1 no record returned" in result.output
    assert "cannot be shown" not in result.output
    assert {t["Team ID"] for t in teams} >= {"F"}
    (out / MANIFEST).unlink()  # records gathered in a folder generate did not write
    plain = CliRunner().invoke(main, ["log", str(out), "-o", str(log)])
    assert plain.exit_code == 0 and "cannot be shown" in plain.output


def test_a_cohort_open_in_excel_as_the_log_reads_it_is_on_the_problems_sheet(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    """The frame is read from the cohort's last save: the log says so, as check does."""
    data, out = issued
    data.with_name(f"~${data.name}").write_bytes(b"\x05admin")
    log = tmp_path / "log.xlsx"
    result = CliRunner().invoke(main, ["log", str(out), "--cohort", str(data), "-o", str(log)])
    assert result.exit_code == 0, result.output
    assert [(p["File"], p["Problem"]) for p in sheet(log, "Problems")
            if "is open in" in (p["Problem"] or "")] == [(str(data), (
                f'is open in Excel or LibreOffice (its lock file "~${data.name}" is beside it): '
                "it was read as last saved, so changes not saved yet are not read; save it, "
                "then run again (if it is not open, delete that lock file)"))]


def test_the_log_refuses_to_write_over_the_cohort(issued: tuple[Path, Path]) -> None:
    data, out = issued
    result = CliRunner().invoke(main, ["log", str(out), "--cohort", str(data), "-o",
                                       str(data.with_suffix(".xlsx"))])
    assert result.exit_code != 0 and "replace" in result.output
    assert data.exists()


def test_two_cohorts_sharing_a_team_id_keep_apart_with_a_cohort_column(
        tmp_path: Path, make_cohort) -> None:
    for name in ("One", "Two"):
        rows = {"Programme": [{"cohort": name}],
                "Teams": [{"team_id": "T1", "team_name": f"Team of {name}",
                           "coach": "Dr Jo Bloggs", "first_session": START}],
                "Sessions": [_session("T1", START, 14, 15)]}
        jobs.generate(make_cohort(rows, name=f"{name}.xlsx"), tmp_path / name, today=START)
        fill(contract(tmp_path / name, "T1"), {"record.held": "Yes"})
    log = tmp_path / "log.xlsx"
    jobs.log([tmp_path / "One", tmp_path / "Two"], log, today=TODAY)
    teams = sheet(log, "Teams")
    assert [(t["Cohort"], t["Team ID"], t["Hours"]) for t in teams] == [
        ("One", "T1", 1.0), ("Two", "T1", 1.0)]
    assert {s["Cohort"] for s in sheet(log, "Sessions")} == {"One", "Two"}


def test_summarise_is_pure_with_a_frame_of_plain_data() -> None:
    frame = Frame(source="cohort.xlsx", cohort="C", start=START, course_months=4,
                  teams=(ExpectedTeam("T1", "One"),
                         ExpectedTeam("T2", "Two", first_session=OCTOBER)))
    data = summarise([], [], TODAY, frame)
    assert [(t.team_id, t.status, t.expected_hours, t.behind_by) for t in data.teams] == [
        ("T1", TeamStatus.NO_RECORD, expected(START), expected(START)),
        ("T2", TeamStatus.NO_RECORD, expected(OCTOBER), expected(OCTOBER))]
    assert data.framed and data.notes == ()
    assert summarise([], [], TODAY).notes[0] == NO_FRAME


def test_the_records_read_carry_the_cohort(issued: tuple[Path, Path]) -> None:
    _data, out = issued
    records, _problems = read_records([out], jobs=1)
    assert {r.cohort for r in records if r.kind == "coaching_contract"} == {COHORT}


@given(start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
       today=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
       months=st.integers(1, 36), minimum=st.floats(0, 100))
def test_the_pace_runs_from_nothing_to_the_minimum(start: dt.date, today: dt.date,
                                                   months: int, minimum: float) -> None:
    frame = Frame(source="c.xlsx", start=start, course_months=months, minimum_hours=minimum,
                  teams=(ExpectedTeam("T1"),))
    (row,) = summarise([], [], today, frame).teams
    assert row.expected_hours is not None and 0 <= row.expected_hours <= round(minimum, 2)
    assert row.expected_hours == (0 if today <= start else row.expected_hours)
    later = summarise([], [], today + dt.timedelta(days=1), frame).teams[0]
    assert later.expected_hours >= row.expected_hours  # never falls as the days pass


def test_a_cohort_row_left_out_as_invalid_is_named_on_the_problems_sheet(
        tmp_path: Path, make_cohort) -> None:
    rows = cohort_rows()
    rows["Teams"].append({"team_id": "G", "team_name": "Team G", "coach": "Dr Jo Bloggs",
                          "first_session": "31/02/2026"})
    data = make_cohort(rows, name="invalid.xlsx")
    (tmp_path / "empty").mkdir()
    log = tmp_path / "log.xlsx"
    jobs.log([tmp_path / "empty"], log, cohort=data, today=TODAY)
    said = [r for r in sheet(log, "Problems") if r["File"] == str(data)]
    assert said and all("does not expect" in r["Problem"] for r in said)
    assert "F" in {t["Team ID"] for t in sheet(log, "Teams")}


def test_without_the_cohort_the_pace_runs_over_the_course_the_record_was_made_for(
        tmp_path: Path, make_cohort) -> None:
    rows = {"Programme": [{"cohort": COHORT, "course_months": 8}],
            "Teams": [{"team_id": "T1", "coach": "Dr Jo Bloggs", "first_session": START}],
            "Sessions": [_session("T1", START, 14, 15)]}
    jobs.generate(make_cohort(rows), tmp_path / "out", today=START)
    fill(contract(tmp_path / "out", "T1"), {"record.held": "Yes"})
    records, problems = read_records([tmp_path / "out"], jobs=1)
    assert [r.settings.course_months for r in records] == [8]
    (team,) = summarise(records, problems, TODAY).teams
    assert team.expected_hours == round(5 * (TODAY - START).days / (8 * 365.25 / 12), 2)
    assert team.status == TeamStatus.ON_TRACK  # 1 hour of 1.25 expected: within a session
    older = [replace(r, settings=replace(r.settings, course_months=None)) for r in records]
    data = summarise(older, problems, TODAY)
    assert data.teams[0].expected_hours == expected(START)  # the default: four months
    assert "team T1 do not say how many months" in data.notes[1]


def test_the_icf_contact_is_the_cohorts_contact_email_where_it_has_one(
        tmp_path: Path, make_cohort) -> None:
    rows = {"Programme": [{"cohort": COHORT}],
            "Teams": [{"team_id": t, "team_name": f"Team {t}", "team_members": "Ann Member",
                       "coach": "Dr Jo Bloggs", "first_session": START, **extra}
                      for t, extra in (("T1", {"contact_email": "ward7@nhs.scot"}),
                                       ("T2", {}))],
            "Sessions": [_session("T1", START, 14, 15), _session("T2", START, 14, 15)]}
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=START)
    for team in ("T1", "T2"):
        fill(contract(tmp_path / "out", team), {"record.held": "Yes"})
    log = tmp_path / "log.xlsx"
    jobs.log([tmp_path / "out"], log, cohort=data, today=TODAY)
    contacts = {r["Client name"]: r["Contact information"] for r in sheet(log, "ICF log")}
    assert contacts == {"Team T1": "ward7@nhs.scot", "Team T2": "Ann Member"}
    jobs.log([tmp_path / "out"], log, today=TODAY)  # without the cohort: the members
    contacts = {r["Client name"]: r["Contact information"] for r in sheet(log, "ICF log")}
    assert contacts == {"Team T1": "Ann Member", "Team T2": "Ann Member"}


def test_the_team_members_a_form_names_are_on_the_sessions_sheet(tmp_path: Path,
                                                                  make_cohort) -> None:
    """Who was present, typed in each form, reaches the log even when the ICF contact is the
    cohort's Contact email (the members named in the forms then show nowhere else)."""
    rows = {"Programme": [{"cohort": COHORT}],
            "Teams": [{"team_id": "T1", "team_name": "Team T1", "team_members": "Ann Member",
                       "coach": "Dr Jo Bloggs", "first_session": START,
                       "contact_email": "ward7@nhs.scot"}],
            "Sessions": [_session("T1", START, 14, 15)]}
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=START)
    fill(contract(tmp_path / "out", "T1"),
         {"record.held": "Yes", "record.team_members": "Ann Member; Bob Visitor (pharmacy)"})
    log = tmp_path / "log.xlsx"
    jobs.log([tmp_path / "out"], log, cohort=data, today=TODAY)
    (session,) = sheet(log, "Sessions")
    assert session["Team members"] == "Ann Member; Bob Visitor (pharmacy)"
    assert [r["Contact information"] for r in sheet(log, "ICF log")] == ["ward7@nhs.scot"]


def test_without_the_cohort_generates_manifest_names_the_teams_with_no_record(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    _data, out = issued  # F's contract was removed: its record never came back
    log = tmp_path / "log.xlsx"
    report = jobs.log([out], log, today=TODAY)
    teams = {t["Team ID"]: t for t in sheet(log, "Teams")}
    assert sorted(teams) == ["A", "B", "C", "D", "E", "F", "X9"]
    f = teams["F"]
    assert (f["Team name"], f["Status"], f["Hours"], f["Minimum hours"]) == (
        "Team F", "no record returned", 0, 5)
    assert f["Expected by today"] is None and f["Organisation"] is None  # the cohort has them
    assert report.no_record == ["F"]
    (note,) = report.notes
    assert NO_FRAME not in report.notes
    assert "as its file name shows" in note and "--cohort" in note and "pace" in note
    assert "6 contracts" in note  # the manifest lists A to F; X9 was copied in by hand
    # F's record read from another folder (renamed there) is F's: not missing
    data, _out = issued
    jobs.generate(data, tmp_path / "again", today=START)
    elsewhere = tmp_path / "returned"
    elsewhere.mkdir()
    shutil.copy(contract(tmp_path / "again", "F"), elsewhere / "record of F.docx")
    report = jobs.log([out, elsewhere], log, today=TODAY)
    assert report.no_record == []
    assert {t["Team ID"]: t["Status"] for t in sheet(log, "Teams")}["F"] == "not started"


def test_a_missing_contract_whose_name_does_not_show_its_team_is_named(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    from docgen.jobs.log import _manifest_of
    from docgen.log.issued import issued_in

    _data, out = issued
    manifest = out / ".docgen-manifest.jsonl"
    manifest.write_text(manifest.read_text() + '{"path": "contracts/renamed.docx", '
                        '"sha256": "00", "source": null}\n')
    found = issued_in([out], _manifest_of)
    assert found is not None and [t.team_id for t in found.missing] == ["F"]
    assert found.unnamed == (str(out / "contracts" / "renamed.docx"),)
    report = jobs.log([out], tmp_path / "log.xlsx", today=TODAY)
    assert any("renamed.docx" in n and "do not show the team" in n for n in report.notes)
    assert issued_in([tmp_path], _manifest_of) is None  # no manifest: nothing known


def test_the_log_given_where_the_cohort_belongs_is_refused_in_one_message(
        issued: tuple[Path, Path], tmp_path: Path) -> None:
    """The log has Teams and Sessions sheets too: given to generate, check or --cohort, it
    was read as a cohort, with a warning for each of its cells and contracts made from it.
    Now one problem says what it is and what to give; so for a copy LibreOffice saved."""
    from conftest import saved_by_libreoffice

    data, out = issued
    log = tmp_path / "coaching_log.xlsx"
    jobs.log([out], log, cohort=data, today=TODAY)
    for workbook in (log, saved_by_libreoffice(log, "ods")):
        report = jobs.check(workbook)
        assert [p.message.split(" (")[0] for p in report.problems] == [
            "is the coaching log `docgen log` writes"]
        assert not report.warnings
        result = CliRunner().invoke(main, ["generate", str(workbook), "-o", str(tmp_path / "o")])
        assert result.exit_code == 1 and "not a cohort: give the cohort workbook" in (
            result.output)
        assert not (tmp_path / "o").exists()
        again = CliRunner().invoke(main, ["log", str(out), "--cohort", str(workbook), "-o",
                                          str(tmp_path / "other.xlsx")])
        assert again.exit_code == 1 and "is the coaching log" in again.output


# --- any cohort generate accepts: its documents logged, never a traceback ---------------------


_PLAIN = st.sampled_from(["Ward 7", "Jo Bloggs", "Ann Bee; Bob Cee", "10/10/2026", "10:00",
                         "11:30", "Yes", "Face to face", "4"])


@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_any_cohort_is_generated_and_logged_or_named_never_a_traceback(
        tmp_path_factory, data: st.DataObject) -> None:
    """The whole journey on a cohort whose every cell is odd: generate writes what it can
    (the rest named), and the log reads it back, with the cohort as its frame and without.
    Each step gives a report or problems, nothing else."""
    folder = tmp_path_factory.mktemp("cohort")
    odd_cohort(folder, data, st.one_of(_PLAIN, ODD_TEXT))  # half plain: rows that are made
    out = folder.parent / f"{folder.name}-out"
    try:
        made = jobs.generate(folder, out, jobs=1, skip_invalid=True, today=TODAY)
    except DocgenError as exc:
        assert exc.problems
        return
    for frame in (folder, None):
        try:
            report = jobs.log([out], out / "log.xlsx", cohort=frame, jobs=1, today=TODAY)
        except DocgenError as exc:
            assert exc.problems
            continue
        # every contract written comes back as a record, its team on the Teams sheet
        contracts = sum(1 for rel, _outcome in made.files
                        if rel.startswith(f"{CONTRACT.folder}/"))
        assert report.records == contracts
        assert report.teams >= contracts


def test_a_teams_own_minimum_frames_its_row_whether_its_record_came_back_or_not(
        tmp_path: Path, make_cohort) -> None:  # type: ignore[no-untyped-def]
    """A Teams column "Minimum coaching hours" gives a team its own minimum (its contract says
    so): the log judges the team by it, with its record (the contract's properties) and
    without (the cohort's row)."""
    rows = cohort_rows()
    for team in rows["Teams"]:
        team["minimum_coaching_hours"] = 10 if team["team_id"] in ("B", "F") else None
    data = make_cohort(rows)
    out = tmp_path / "out"
    jobs.generate(data, out, today=START)
    for form in range(2):
        fill(contract(out, "B"), {"record.held": "Yes"}, form=form)
    contract(out, "F").unlink()  # F's record never came back
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=data, today=TODAY)
    teams = {t["Team ID"]: t for t in sheet(log, "Teams")}
    ten = round(10 * (TODAY - START).days / COURSE_DAYS, 2)
    assert (teams["B"]["Minimum hours"], teams["B"]["Hours still needed"],
            teams["B"]["Expected by today"]) == (10, 7, ten)
    assert (teams["F"]["Minimum hours"], teams["F"]["Hours still needed"],
            teams["F"]["Expected by today"]) == (10, 10, ten)
    assert (teams["A"]["Minimum hours"], teams["A"]["Expected by today"]) == (5, expected(START))


def test_a_team_the_cohort_changed_since_its_record_was_made_is_shown_as_the_cohort_says(
        tmp_path: Path, make_cohort) -> None:
    """Month 1 the contract is made and filled in; month 2 the admin hands the team to
    another coach and corrects its organisation, and the edited contract is kept as it was
    (generate never overwrites an edited one): the log shows the team with the cohort's
    coach and organisation, keeps each session with the coach its form names, and names
    what the record still says."""
    rows = {"Programme": [{"cohort": COHORT}],
            "Teams": [{"team_id": "T1", "team_name": "Team T1", "organisation": "NHS Lothian",
                       "team_members": "Ann Member", "coach": "Dr Jo Bloggs",
                       "first_session": START}],
            "Sessions": [_session("T1", START, 14, 15)]}
    data = make_cohort(rows)
    out = tmp_path / "out"
    jobs.generate(data, out, today=START)
    fill(contract(out, "T1"), {"record.held": "Yes"})
    rows["Teams"][0].update(coach="Sam Coach", organisation="NHS Borders")
    later = make_cohort(rows, name="month2.xlsx")
    report = jobs.generate(later, out, today=OCTOBER)
    assert report.counts[Outcome.KEPT_EDITED_OUTDATED] == 1
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=later, today=TODAY)
    (team,) = sheet(log, "Teams")
    assert team["Organisation"] == "NHS Borders"
    assert team["Coach(es)"] == "Sam Coach; Dr Jo Bloggs"
    (session,) = sheet(log, "Sessions")
    assert (session["Coach"], session["Hours"]) == ("Dr Jo Bloggs", 1)
    coaches = {r["Coach"]: r for r in sheet(log, "Coaches")}
    assert coaches["Sam Coach"]["Teams"] == 1 and coaches["Sam Coach"]["Hours"] == 0
    assert coaches["Dr Jo Bloggs"]["Hours"] == 1
    named = [r["Problem"] for r in sheet(log, "Problems")
             if r["File"] and r["File"].endswith("(T1).docx")]
    assert any("NHS Lothian" in m and "NHS Borders" in m for m in named), named
    assert any("Dr Jo Bloggs" in m and "Sam Coach" in m for m in named), named
    # the same cohort as the record: nothing to name
    jobs.log([out], log, cohort=data, today=TODAY)
    assert not any("Teams sheet" in str(r["Problem"]) for r in sheet(log, "Problems")
                   if r["File"] and r["File"].endswith("(T1).docx"))


def test_a_programme_number_the_cohort_changed_since_the_contract_was_made_is_named(
        tmp_path: Path, make_cohort) -> None:
    """Month 2 the admin lowers the minimum to 3 hours, reviews after 2 sessions and makes
    sessions 2 hours long, after the coach has filled in the month-1 contract (kept as it
    was): the log judges the team by its contract, as the team signed it, and names each
    number the cohort now gives otherwise."""
    rows = {"Programme": [{"cohort": COHORT, "minimum_coaching_hours": 5,
                           "review_after_sessions": 4, "session_duration": "1 hour"}],
            "Teams": [{"team_id": "T1", "team_name": "Team T1", "team_members": "Ann Member",
                       "coach": "Dr Jo Bloggs", "first_session": START}],
            "Sessions": [_session("T1", START, 14, 15)]}
    data = make_cohort(rows)
    out = tmp_path / "out"
    jobs.generate(data, out, today=START)
    fill(contract(out, "T1"), {"record.held": "Yes"})
    rows["Programme"][0].update(minimum_coaching_hours=3, review_after_sessions=2,
                                session_duration="2 hours")
    later = make_cohort(rows, name="month2.xlsx")
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=later, today=TODAY)
    (team,) = sheet(log, "Teams")
    assert (team["Minimum hours"], team["Review after (sessions)"]) == (5, 4)
    (named,) = [r["Problem"] for r in sheet(log, "Problems")
                if r["File"] and r["File"].endswith("(T1).docx") and "cohort" in r["Problem"]]
    for said in ("minimum", "review", "session", "3", "2 hours"):
        assert said in named.lower(), named
    jobs.log([out], log, cohort=data, today=TODAY)  # the cohort it was made from: nothing
    assert not [r for r in sheet(log, "Problems")
                if r["File"] and r["File"].endswith("(T1).docx") and "cohort" in r["Problem"]]


def test_a_cohort_renamed_since_its_contracts_were_made_is_said_once_with_the_way_out(
        tmp_path: Path, make_cohort) -> None:
    """Month 2 the admin renames the cohort on the Programme sheet ("Cohort 9" to "Cohort 9
    (2026)") after the coaches filled in their contracts: teams of two cohorts are never
    merged, so the coaches' sessions are counted apart from the cohort's teams, which show
    as not returned. The log says why, once, and how to put it right."""
    rows = {"Programme": [{"cohort": COHORT}],
            "Teams": [{"team_id": t, "team_name": f"Team {t}", "team_members": "Ann Member",
                       "coach": "Dr Jo Bloggs", "first_session": START} for t in ("T1", "T2")],
            "Sessions": [_session("T1", START, 14, 15), _session("T2", START, 14, 15)]}
    out = tmp_path / "out"
    jobs.generate(make_cohort(rows), out, today=START)
    for team in ("T1", "T2"):
        fill(contract(out, team), {"record.held": "Yes"})
    rows["Programme"][0]["cohort"] = f"{COHORT} (2026)"
    renamed = make_cohort(rows, name="month2.xlsx")
    log = tmp_path / "log.xlsx"
    report = jobs.log([out], log, cohort=renamed, today=TODAY)
    said = [n for n in report.notes if "renamed" in n]
    assert len(said) == 1, report.notes
    assert f'"{COHORT}"' in said[0] and f'"{COHORT} (2026)"' in said[0]
    assert "T1" in said[0] and "T2" in said[0] and "Programme sheet" in said[0]
    assert any(said[0] in str(r["Problem"]) for r in sheet(log, "Problems"))
    # another cohort's teams, with other names, logged beside: no such note
    rows["Programme"][0]["cohort"] = COHORT
    for team in rows["Teams"]:
        team["team_name"] = f"Other {team['team_id']}"
    other = make_cohort({**rows, "Programme": [{"cohort": "Cohort 10"}]}, name="next.xlsx")
    report = jobs.log([out], log, cohort=other, today=TODAY)
    assert not [n for n in report.notes if "renamed" in n]


def test_without_the_cohort_a_document_the_last_run_left_behind_is_named(
        tmp_path: Path, make_cohort) -> None:
    """Team C is removed from the cohort and generate run again: its contract stays (a coach
    may be filling it in), generate names it, and its journal says the run left it behind.
    The log, without --cohort, reads it and names it on the Problems sheet, where it was
    shown as any team's; deleted, it is not listed as "no record returned"."""
    rows = cohort_rows()
    data = make_cohort(rows)
    out = tmp_path / "out"
    jobs.generate(data, out, today=START)
    fill(contract(out, "C"), {"record.held": "Yes"})
    rows["Teams"] = [t for t in rows["Teams"] if t["team_id"] != "C"]
    rows["Sessions"] = [s for s in rows["Sessions"] if s["team_id"] != "C"]
    data = make_cohort(rows)
    report = jobs.generate(data, out, today=START)
    left = contract(out, "C")
    assert any("no longer makes it" in n.message and n.file == f"contracts/{left.name}"
               for n in report.notes)
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, today=TODAY)
    named = [p for p in sheet(log, "Problems") if "the last run into its folder no longer "
             "makes it" in str(p["Problem"])]
    assert [p["File"] for p in named] == [f"contracts/{left.name}"]
    assert "C" in {t["Team ID"] for t in sheet(log, "Teams")}  # read, and shown

    jobs.generate(data, out, today=START)  # run again: still left behind, still said
    jobs.log([out], log, today=TODAY)
    said = [p for p in sheet(log, "Problems") if "no longer makes it" in str(p["Problem"])]
    assert len(said) == 1

    left.unlink()  # moved out: not a team with no record returned
    report = jobs.log([out], log, today=TODAY)
    assert "C" not in report.no_record
    assert "C" not in {t["Team ID"] for t in sheet(log, "Teams")}

    rows["Teams"] = cohort_rows()["Teams"]  # C back: made again, issued again
    jobs.generate(make_cohort(rows), out, today=START)
    jobs.log([out], log, today=TODAY)
    assert not [p for p in sheet(log, "Problems") if "no longer makes it" in str(p["Problem"])]
    assert {t["Team ID"]: t["Status"] for t in sheet(log, "Teams")}["C"] != "no record returned"
