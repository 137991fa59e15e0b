"""COACHING RECORD rows whose cells a coach merged or split: read by column, or named.

Each cell is read under the header of the grid columns it covers, not by its place in its
row: cells split under one header are that column's lines; a cell merged across columns is
read as the first of them, the others empty, and named; a cell merged down is read on each
row it spans that has typing of its own, and named there; a cell under no header docgen reads
is named with what it holds. Edited as Word does (python-docx); LibreOffice's merges and
splits are typed over UNO in tests/test_typing_in_libreoffice.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import coach
import pytest

from docgen.models import Record
from docgen.records.read import read_record

D = dt.date
DATE = "Date of coaching, includes email coaching"


@pytest.fixture
def blank(out: Path, tmp_path: Path) -> Path:
    """Return a copy of team T2's contract (its COACHING RECORD rows all blank)."""
    src = next((out / "contracts").glob("*(T2).docx"))
    dest = tmp_path / "record" / "T2.docx"
    dest.parent.mkdir()
    shutil.copyfile(src, dest)
    return dest


def rows(record: Record) -> list[tuple[str, dt.date | None, str, str]]:
    return [(s.coach, s.date, s.topic, s.comments) for s in record.sessions]


def named(record: Record) -> list[tuple[str | None, str | None, str]]:
    assert all(p.file == "T2.docx" for p in record.problems)
    return [(p.sheet, p.column, p.message) for p in record.problems]


def test_topic_and_comments_merged_are_read_as_topic_and_named(blank: Path) -> None:
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", "went well")])
    coach.merge_table_cells(blank, (1, 2), (1, 3))
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "PDSA review\nwent well", "")]
    assert named(record) == [("COACHING RECORD row 1", "Topic", (
        'Topic and Comments are one merged cell: "PDSA review went well" is read as Topic '
        "only, and Comments as empty; if that is not what is meant, split the cell (Table › "
        "Split Cells) and type each value in its own column"))]


def test_date_and_topic_merged_keep_the_comments_in_comments(blank: Path) -> None:
    # before: the comments were read as the topic, and the topic named as words by the date
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", "went well")])
    coach.merge_table_cells(blank, (1, 1), (1, 2))
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "", "went well")]
    assert named(record) == [
        ("COACHING RECORD row 1", DATE, (
            'Date of coaching and Topic are one merged cell: "12/03/2026 PDSA review" is read '
            'as Date of coaching only (12/03/2026, and not "PDSA review"), and Topic as empty; '
            "if that is not what is meant, split the cell (Table › Split Cells) and type each "
            "value in its own column")),
    ]  # named once, saying what was read


def test_a_coach_merged_down_is_read_on_each_row_typed_in(blank: Path) -> None:
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", ""),
                                  ("", "19/03/2026", "Run charts", "")])
    coach.merge_table_cells(blank, (1, 0), (3, 0))  # row 3 has nothing else: no session
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "PDSA review", ""),
                            ("Sam Coach", D(2026, 3, 19), "Run charts", "")]
    assert named(record) == [("COACHING RECORD row 2", "Coach", (
        'Coach is one cell merged down from the row above: its value "Sam Coach" is read on '
        "this row too; if that is not what is meant, split the cell (Table › Split Cells) and "
        "type each row's value"))]


def test_a_cell_split_in_two_is_read_whole_under_its_header(blank: Path) -> None:
    # before: the right half was a fifth cell of the row, never read and never named
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", "went well")])
    coach.split_table_cell(blank, 1, 3, "team keen")
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "PDSA review",
                             "went well\nteam keen")]
    assert record.problems == ()


def test_a_column_added_to_the_table_is_named_with_what_it_holds(blank: Path) -> None:
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", "")])
    coach.add_table_column(blank, "Mode", ["phone"])
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "PDSA review", "")]
    assert named(record) == [("COACHING RECORD row 1", "Mode", (
        '"phone" is not read (it is in a column headed "Mode", which docgen does not read): '
        "move it to Topic or Comments"))]


def test_generated_tables_name_nothing(out: Path) -> None:
    for path in sorted((out / "contracts").glob("*.docx")):
        record = read_record(path, out)
        assert not [p for p in record.problems if p.sheet and "COACHING RECORD" in p.sheet
                    and ("merged" in p.message or "column headed" in p.message)], path.name


def test_header_cells_merged_are_named_on_each_row_they_join(blank: Path) -> None:
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "PDSA review", "went well")])
    coach.merge_table_cells(blank, (0, 2), (0, 3))  # "Topic" and "Comments" in the header
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "PDSA review\nwent well", "")]
    assert named(record) == [("COACHING RECORD row 1", "Topic", (
        '"PDSA review went well" is read as Topic: the table\'s header has no Comments column '
        "(its header cells are merged); split the header cell (Table › Split Cells) so that "
        "each column has its own"))]


# --- rows that hold nothing a coach typed ---------------------------------------------------------


def test_a_row_holding_only_invisible_characters_is_no_session(blank: Path) -> None:
    # LibreOffice fills each cell of a row added with Track Changes on with U+200D (a
    # zero-width joiner): the row was read as a held session of an hour, with no date
    coach.type_table_rows(blank, [("\u200d", "\u200d", "\u200d\u200b", "\ufeff\u200d")])
    record = read_record(blank, blank.parent)
    assert rows(record) == [] and named(record) == []


def test_invisible_characters_around_typing_are_dropped(blank: Path) -> None:
    coach.type_table_rows(blank, [("\u200dSam Coach", "12/03/2026\u200d", "Charts\u200b", "")])
    record = read_record(blank, blank.parent)
    assert rows(record) == [("Sam Coach", D(2026, 3, 12), "Charts", "")]


def test_a_form_pasted_into_the_last_cell_is_one_session_not_two(blank: Path) -> None:
    # LibreOffice's Ctrl+End lands in the table's last cell: a form copied and pasted there is
    # read as a form; its heading, left in the cell, made the row a second session
    coach.paste_form_in_last_cell(blank, "24/03/2026", "14:00", "15:30")
    record = read_record(blank, blank.parent)
    (session,) = [s for s in record.sessions if s.date == D(2026, 3, 24)]
    assert (session.where, session.hours) == ("Record of Coaching form 2", 1.5)
    assert [s for s in record.sessions if s.where.startswith("COACHING RECORD")] == []


def test_a_comment_beside_a_pasted_form_is_still_read(blank: Path) -> None:
    coach.paste_form_in_last_cell(blank, "24/03/2026", "14:00", "15:30")
    coach.type_table_rows(blank, [("Sam Coach", "12/03/2026", "Charts", "Record of coaching "
                                   "sent by e-mail")])
    record = read_record(blank, blank.parent)
    table = [s for s in record.sessions if s.where.startswith("COACHING RECORD")]
    assert [(s.date, s.comments) for s in table] == [
        (D(2026, 3, 12), "Record of coaching sent by e-mail")]
