"""A record is a document, not a path: copies and versions of one record count once.

Coaches e-mail records back and forth, co-coaches keep their own copies, and a manager may
give ``docgen log`` two folders holding files of the same name. Each session must be counted
once, from the newest version, and every value the versions differ in named.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
from coach import copy_form, fill
from conftest import TODAY, custom_properties, small_rows

from docgen import jobs, schema
from docgen.log.summary import summarise
from docgen.models import Record, RecordedSession
from docgen.records import read_record
from docgen.schema import Status

T1 = "contracts/Ward 7 Falls (T1).docx"
T2 = "contracts/A & B -Ltd- -quoted- 🚀 (T2).docx"
UTC = dt.UTC
JUNE_3 = dt.date(2026, 6, 3)


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def saved_at(path: Path, when: dt.datetime) -> None:
    """Set when the document says it was last saved (docProps/core.xml), as Word does."""
    d = docx.Document(str(path))
    d.core_properties.modified = when.replace(tzinfo=None)  # python-docx writes it as UTC
    d.save(str(path))


def touched_at(path: Path, when: dt.datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def first_session(path: Path, finish: str) -> None:
    """Record the T2 session of 3 June 2026, 14:00 to ``finish``."""
    fill(path, {"record.coach": "Sam Coach", "record.date": "03/06/2026",
                "record.start_time": "14:00", "record.finish_time": finish,
                "record.topic": "Measures"})


def log_of(folders: list[Path], tmp_path: Path) -> Path:
    output = tmp_path / "log.xlsx"
    jobs.log(folders, output, today=TODAY)
    return output


def team_rows(log: Path, team_id: str) -> list[dict[str, object]]:
    return [r for r in sheet(log, "Teams") if r["Team ID"] == team_id]


def session_rows(log: Path, team_id: str) -> list[dict[str, object]]:
    return [r for r in sheet(log, "Sessions") if r["Team ID"] == team_id]


def problems(log: Path) -> list[tuple[str, str]]:
    return [(str(r["File"] or ""), str(r["Problem"])) for r in sheet(log, "Problems")]


# --- the document id --------------------------------------------------------------------------


def test_each_document_carries_an_id_that_a_rerun_writes_again(tmp_path: Path, make_cohort
                                                                ) -> None:
    data = make_cohort()
    jobs.generate(data, tmp_path / "a", today=TODAY)
    jobs.generate(data, tmp_path / "b", today=TODAY + dt.timedelta(days=1))
    ids = {}
    for rel in (T1, T2):
        first = custom_properties(tmp_path / "a" / rel)[schema.PROP_DOCUMENT_ID]
        assert custom_properties(tmp_path / "b" / rel)[schema.PROP_DOCUMENT_ID] == first
        ids[rel] = first
    assert len(set(ids.values())) == 2  # one per team
    agreement = next((tmp_path / "a").glob("agreements/*.docx"))
    assert custom_properties(agreement)[schema.PROP_DOCUMENT_ID] not in ids.values()


def test_a_record_knows_its_document_cohort_and_when_it_was_saved(out: Path) -> None:
    path = out / T2
    saved_at(path, dt.datetime(2026, 6, 2, 9, 30))
    touched_at(path, dt.datetime(2026, 6, 5, 12, 0, tzinfo=UTC))
    record = read_record(path, out)
    assert record.document_id == custom_properties(path)[schema.PROP_DOCUMENT_ID]
    assert record.saved == dt.datetime(2026, 6, 2, 9, 30, tzinfo=UTC)
    assert record.modified == dt.datetime(2026, 6, 5, 12, 0, tzinfo=UTC)


# --- versions and copies, end to end ----------------------------------------------------------


def two_versions(out: Path, older: Path, newer: Path) -> None:
    """Make two versions of T2's record: the newer corrects the finish from 17:00 to 17:30.

    The newer says it was saved a day later; its file is the older one on disk (copied
    back), so the document's own time must decide.
    """
    first_session(out / T2, "17:00")
    older.parent.mkdir(parents=True, exist_ok=True)
    newer.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / T2, older)
    shutil.copyfile(out / T2, newer)
    saved_at(older, dt.datetime(2026, 6, 3, 18, 0))
    fill(newer, {"record.finish_time": "17:30"})
    saved_at(newer, dt.datetime(2026, 6, 4, 9, 0))
    touched_at(newer, dt.datetime(2026, 6, 4, 9, 0, tzinfo=UTC))
    touched_at(older, dt.datetime(2026, 6, 9, 9, 0, tzinfo=UTC))


def assert_counted_once_with_the_newer_finish(log: Path, older: str, newer: str) -> None:
    (row,) = session_rows(log, "T2")
    assert (row["Date"].date(), row["Finish"], row["Hours"]) == (JUNE_3, dt.time(17, 30), 3.5)
    assert row["Source file"] == f"{newer}; {older}"
    (team,) = team_rows(log, "T2")
    # counted twice, 7 hours would pass the 5-hour minimum
    assert (team["Sessions held"], team["Hours"], team["Met minimum"]) == (1, 3.5, "No")
    assert team["Hours still needed"] == 1.5
    said = problems(log)
    assert (older, f"is an older version of a session of team T2 on 03/06/2026: Finish time: "
            f"17:00 in {older}, 17:30 in {newer}; {newer}, the newer, kept") in said
    assert not any("counted once" in m for _f, m in said)


def test_two_versions_in_one_folder_count_the_session_once_from_the_newer(
        out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    two_versions(out, folder / "T2 from Sam.docx", folder / "T2 from Sam (corrected).docx")
    log = log_of([folder], tmp_path)
    assert_counted_once_with_the_newer_finish(log, "T2 from Sam.docx",
                                              "T2 from Sam (corrected).docx")


def test_two_folders_with_a_file_of_the_same_name_do_not_double_the_team(
        out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "A", tmp_path / "B"
    two_versions(out, a / "T2.docx", b / "T2.docx")
    log = log_of([a, b], tmp_path)
    assert_counted_once_with_the_newer_finish(log, "A/T2.docx", "B/T2.docx")


def test_without_a_saved_time_the_file_time_decides(out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "A", tmp_path / "B"
    first_session(out / T2, "17:00")
    shutil.copyfile(out / T2, b / "T2.docx") if b.mkdir() is None else None
    a.mkdir()
    shutil.copyfile(out / T2, a / "T2.docx")
    fill(a / "T2.docx", {"record.finish_time": "17:30"})  # python-docx leaves core.xml as is
    touched_at(a / "T2.docx", dt.datetime(2026, 6, 4, 9, 0, tzinfo=UTC))
    touched_at(b / "T2.docx", dt.datetime(2026, 6, 3, 18, 0, tzinfo=UTC))
    log = log_of([a, b], tmp_path)
    assert_counted_once_with_the_newer_finish(log, "B/T2.docx", "A/T2.docx")


def test_co_coaches_copies_each_with_their_own_session_give_the_union(
        out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "Sam", tmp_path / "Alex"
    first_session(out / T2, "15:00")
    for folder in (a, b):
        folder.mkdir()
        shutil.copyfile(out / T2, folder / "T2.docx")
    copy_form(a / "T2.docx", "10/06/2026", "10:00", "11:00")
    saved_at(a / "T2.docx", dt.datetime(2026, 6, 10, 12, 0))
    copy_form(b / "T2.docx", "17/06/2026", "10:00", "12:00")
    saved_at(b / "T2.docx", dt.datetime(2026, 6, 17, 12, 0))
    log = log_of([a, b], tmp_path)

    rows = session_rows(log, "T2")
    assert [(r["Date"].date(), r["Hours"]) for r in rows] == [
        (JUNE_3, 1), (dt.date(2026, 6, 10), 1), (dt.date(2026, 6, 17), 2)]
    assert [r["Source file"] for r in rows] == [
        "Alex/T2.docx; Sam/T2.docx", "Sam/T2.docx", "Alex/T2.docx"]
    (team,) = team_rows(log, "T2")
    assert (team["Sessions held"], team["Hours"]) == (3, 4)
    said = problems(log)
    assert any(f == "Sam/T2.docx" and "session of team T2 on 10/06/2026 that the newer "
               "Alex/T2.docx does not: kept and counted" in m for f, m in said)
    assert ("Sam/T2.docx", "repeats a session of team T2 on 03/06/2026 already read from "
            "Alex/T2.docx: counted once") in said


def test_copies_identical_but_for_their_path_count_once_and_say_it_once(
        out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    first_session(out / T2, "15:30")
    for name in ("T2.docx", "T2 - Copy.docx"):
        shutil.copyfile(out / T2, folder / name)
    touched_at(folder / "T2.docx", dt.datetime(2026, 6, 4, tzinfo=UTC))
    touched_at(folder / "T2 - Copy.docx", dt.datetime(2026, 6, 3, tzinfo=UTC))
    log = log_of([folder], tmp_path)
    (row,) = session_rows(log, "T2")
    assert (row["Hours"], row["Source file"]) == (1.5, "T2.docx; T2 - Copy.docx")
    said = [m for _f, m in problems(log)]
    assert sum("counted once" in m for m in said) == 1
    assert not any("older version" in m or "does not: kept" in m for m in said)
    assert team_rows(log, "T2")[0]["Hours"] == 1.5


def test_the_same_file_reached_through_overlapping_folders_is_read_once(
        out: Path, tmp_path: Path) -> None:
    first_session(out / T2, "15:30")
    log = log_of([out, out / "contracts", out / T2], tmp_path)
    (row,) = session_rows(log, "T2")
    assert row["Hours"] == 1.5
    assert not any("another record" in m for _f, m in problems(log))


def test_two_teams_with_files_of_the_same_name_are_not_merged(out: Path, tmp_path: Path
                                                             ) -> None:
    a, b = tmp_path / "A", tmp_path / "B"
    first_session(out / T2, "15:30")
    a.mkdir()
    b.mkdir()
    shutil.copyfile(out / T1, a / "record.docx")
    shutil.copyfile(out / T2, b / "record.docx")
    log = log_of([a, b], tmp_path)
    assert [t["Team ID"] for t in sheet(log, "Teams")] == ["T1", "T2"]
    assert [r["Source file"] for r in session_rows(log, "T2")] == ["B/record.docx"]
    assert {r["Source file"] for r in session_rows(log, "T1")} == {"A/record.docx"}
    assert not any("another record" in m for _f, m in problems(log))


def test_two_cohorts_each_with_a_t01_are_not_merged(tmp_path: Path, make_cohort) -> None:
    folders = []
    for cohort, finish in (("Cohort 1", "15:00"), ("Cohort 2", "16:00")):
        rows = small_rows()
        rows["Programme"] = [{"cohort": cohort}]
        rows["Teams"] = [dict(rows["Teams"][0], team_id="T01")]
        rows["Sessions"] = []
        rows["Mentoring"] = []
        folder = tmp_path / cohort
        jobs.generate(make_cohort(rows, f"{cohort}.xlsx"), folder, today=TODAY)
        (contract,) = folder.glob("contracts/*.docx")
        fill(contract, {"record.date": "03/06/2026", "record.start_time": "14:00",
                        "record.finish_time": finish})
        shutil.copyfile(contract, contract.with_name("T01.docx"))  # alike in name too
        contract.unlink()
        folders.append(folder)
    ids = {custom_properties(p)[schema.PROP_DOCUMENT_ID]
           for f in folders for p in f.glob("contracts/*.docx")}
    assert len(ids) == 2
    log = log_of(folders, tmp_path)
    assert sorted(t["Hours"] for t in team_rows(log, "T01")) == [1, 2]
    assert sorted((r["Finish"], r["Source file"]) for r in session_rows(log, "T01")) == [
        (dt.time(15, 0), "Cohort 1/contracts/T01.docx"),
        (dt.time(16, 0), "Cohort 2/contracts/T01.docx")]
    assert not any("another record" in m for _f, m in problems(log))


# --- the rules, on records made by hand ---------------------------------------------------------


def form(source: str, day: dt.date | None, start: tuple[int, int], finish: tuple[int, int],
         n: int = 1, **kw) -> RecordedSession:
    s, f = dt.time(*start), dt.time(*finish)
    return RecordedSession(
        source=source, team_id=kw.pop("team_id", "T01"), date=day, start=s, finish=f,
        hours=(f.hour * 60 + f.minute - s.hour * 60 - s.minute) / 60, origin="form",
        where=f"Record of Coaching form {n}", **kw)


def record(source: str, *sessions: RecordedSession, saved: dt.datetime | None = None,
           modified: dt.datetime | None = None, **kw) -> Record:
    return Record(source=source, kind=schema.KIND_CONTRACT, team_id=kw.pop("team_id", "T01"),
                  team_name="Ward 5", sessions=sessions, saved=saved, modified=modified,
                  **kw)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, tzinfo=UTC)


D1, D2 = dt.date(2026, 4, 1), dt.date(2026, 4, 8)


def messages(data) -> list[str]:
    return [p.message for p in data.problems]


def test_the_newest_by_saved_time_wins_whatever_the_path_order() -> None:
    old = record("a.docx", form("a.docx", D1, (10, 0), (11, 0), topic="Charts"),
                 document_id="doc-1", saved=at(1), modified=at(9))
    new = record("b.docx", form("b.docx", D1, (10, 0), (11, 30), topic="Run charts"),
                 document_id="doc-1", saved=at(2), modified=at(2))
    for order in ([old, new], [new, old]):
        data = summarise(order, [], TODAY)
        (s,) = data.sessions
        assert (s.finish, s.topic, s.hours, s.source) == (
            dt.time(11, 30), "Run charts", 1.5, "b.docx; a.docx")
        (note,) = [m for m in messages(data) if "older version" in m]
        assert note == ('is an older version of a session of team T01 on 01/04/2026: '
                        'Finish time: 11:00 in a.docx, 11:30 in b.docx; Topic/subject brought '
                        'to coach: "Charts" in a.docx, "Run charts" in b.docx; b.docx, the '
                        'newer, kept')


def test_sessions_are_matched_by_date_and_start_not_by_form_order() -> None:
    # the newer version's forms are in another order, and one start was corrected
    old = record("a.docx", form("a.docx", D1, (9, 0), (10, 0), n=1),
                 form("a.docx", D1, (14, 0), (15, 0), n=2),
                 form("a.docx", D2, (9, 0), (10, 0), n=3), saved=at(1))
    new = record("b.docx", form("b.docx", D2, (9, 0), (10, 0), n=1),
                 form("b.docx", D1, (14, 0), (16, 0), n=2),
                 form("b.docx", D1, (9, 15), (10, 0), n=3), saved=at(2))
    data = summarise([old, new], [], TODAY)
    got = [(s.date, s.start, s.finish) for s in data.sessions]
    assert got == [(D1, dt.time(9, 15), dt.time(10, 0)), (D1, dt.time(14, 0), dt.time(16, 0)),
                   (D2, dt.time(9, 0), dt.time(10, 0))]
    assert data.teams[0].hours == 3.75
    said = messages(data)
    assert sum("older version" in m for m in said) == 2
    assert sum("counted once" in m for m in said) == 1


def test_records_without_an_id_are_versions_of_their_teams_document() -> None:
    by_text = record("typed.docx", form("typed.docx", D1, (10, 0), (11, 0)),
                     identified_by="text", modified=at(1))
    generated = record("T01.docx", form("T01.docx", D1, (10, 0), (12, 0)),
                       document_id="doc-1", cohort="C1", modified=at(2))
    data = summarise([by_text, generated], [], TODAY)
    (team,) = data.teams
    assert (team.sessions_held, team.hours) == (1, 2.0)


def test_different_documents_of_one_team_keep_their_different_sessions() -> None:
    a = record("a.docx", form("a.docx", D1, (10, 0), (11, 0)), document_id="doc-1")
    b = record("b.docx", form("b.docx", D1, (14, 0), (15, 0)), document_id="doc-2")
    data = summarise([a, b], [], TODAY)
    assert [s.start for s in data.sessions] == [dt.time(10, 0), dt.time(14, 0)]
    assert any("not the same document" in m for m in messages(data))


def test_teams_of_two_cohorts_are_apart_and_a_record_without_a_cohort_joins_its_own() -> None:
    c1 = record("c1/T01.docx", form("c1/T01.docx", D1, (10, 0), (11, 0)), cohort="C1",
                document_id="doc-1")
    c2 = record("c2/T01.docx", form("c2/T01.docx", D1, (10, 0), (12, 0)), cohort="C2",
                document_id="doc-2")
    assert sorted(t.hours for t in summarise([c1, c2], [], TODAY).teams) == [1.0, 2.0]
    # a copy that lost its properties, of the one cohort that has a T01
    lost = record("lost.docx", form("lost.docx", D2, (10, 0), (11, 0)),
                  identified_by="text")
    (team,) = summarise([c1, lost], [], TODAY).teams
    assert (team.sessions_held, team.hours) == (2, 2.0)


@pytest.mark.parametrize("older_first", [True, False])
def test_an_older_only_session_is_kept_and_named_once(older_first: bool) -> None:
    old = record("a.docx", form("a.docx", D1, (10, 0), (11, 0)),
                 form("a.docx", D2, (10, 0), (11, 0), n=2), saved=at(1))
    new = record("b.docx", form("b.docx", D1, (10, 0), (11, 0)), saved=at(2))
    data = summarise([old, new] if older_first else [new, old], [], TODAY)
    assert [(s.date, s.source) for s in data.sessions] == [(D1, "b.docx; a.docx"),
                                                           (D2, "a.docx")]
    kept = [p for p in data.problems if "does not: kept" in p.message]
    assert [(p.file, p.sheet) for p in kept] == [("a.docx", "Record of Coaching form 2")]


def test_a_newer_copy_still_as_pre_filled_does_not_undo_an_older_confirmation() -> None:
    confirmed = record("sam.docx", form("sam.docx", D1, (10, 0), (11, 30), topic="Charts"),
                       saved=at(1))
    untouched = record("alex.docx", form("alex.docx", D1, (10, 0), (11, 0), topic="Charts",
                                         status=Status.UNCONFIRMED),
                       form("alex.docx", D2, (10, 0), (11, 0), n=2), saved=at(2))
    data = summarise([confirmed, untouched], [], TODAY)
    assert [(s.date, s.status, s.finish, s.source) for s in data.sessions] == [
        (D1, Status.HELD, dt.time(11, 30), "sam.docx; alex.docx"),
        (D2, Status.HELD, dt.time(11, 0), "alex.docx")]
    assert data.teams[0].hours == 2.5
    (note,) = [p for p in data.problems if "pre-filled" in p.message]
    assert note.file == "alex.docx" and "sam.docx's values kept" in note.message


@pytest.mark.parametrize("same_document", [True, False])
def test_a_team_id_given_again_to_another_team_is_named_with_both_names(
        same_document: bool) -> None:
    """Month 1 team T01 "Ward 5" is coached; month 2 it leaves and the admin gives T01 to a
    new team, "Sepsis in ED". Its contract is the same document (same programme, cohort and
    Team ID) or, the programme renamed, another one. The old team's sessions would be counted
    as the new team's: the record says the two name the team differently."""
    old = record("Ward 5 (T01).docx", form("Ward 5 (T01).docx", D1, (10, 0), (11, 0)),
                 document_id="doc-1", saved=at(1), organisation="NHS Lothian")
    new = record("Sepsis in ED (T01).docx", form("Sepsis in ED (T01).docx", D2, (9, 0),
                                                 (10, 0)),
                 document_id="doc-1" if same_document else "doc-2", saved=at(2),
                 organisation="NHS Fife")
    new = replace(new, team_name="Sepsis in ED")
    data = summarise([old, new], [], TODAY)
    (named,) = [p for p in data.problems if "another record" in p.message]
    assert named.file == "Ward 5 (T01).docx"
    assert '"Ward 5"' in named.message and '"Sepsis in ED"' in named.message
    assert "Team ID of its own" in named.message
    # a copy naming the team as the newer does: nothing more said
    same = record("copy.docx", form("copy.docx", D1, (10, 0), (11, 0)), document_id="doc-1",
                  saved=at(1))
    data = summarise([same, record("T01.docx", form("T01.docx", D1, (10, 0), (11, 0)),
                                   document_id="doc-1", saved=at(2))], [], TODAY)
    assert not any("Team ID of its own" in p.message for p in data.problems)
