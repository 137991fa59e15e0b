"""Odd values never drop a record: each is named (file, where, value, what instead), the rest read.

Found by fuzzing: a ``w:gridSpan`` of "²", a ``docgen.review_after`` of "inf", a
``docgen.generated`` in year 1, a zip saying it needs "version 9.9", Team IDs that differ only
by a zero-width space. The last test mutates generated records at random and holds docgen to
the rule for all of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, small_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_records import FORM_1, FORM_2, PROPS, W, contract, edit_xml, save

from docgen import schema
from docgen.cli import main
from docgen.documents.outputs import safe_name
from docgen.errors import DocgenError
from docgen.records import read_record, read_records
from docgen.records.programme import PROPERTIES
from docgen.safezip import open_package
from docgen.values import parse_number, parse_yes_no, team_key

_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
              "\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "records"
    d.mkdir()
    return d


def record_with(folder: Path, props: dict[str, str] | None = None,
                change: Callable[[etree._Element], None] | None = None,
                name: str = "a.docx") -> Path:
    """Save a contract of two forms and a table row, with ``props``, changed by ``change``."""
    path = save(contract([FORM_1, FORM_2], [("Jane Smith", "10/4/26", "Data", "")]),
                folder / name, PROPS if props is None else props)
    if change is not None:
        edit_xml(path, change)
    return path


def messages(record, column: str | None = None) -> list[str]:
    return [p.message for p in record.problems if column is None or p.column == column]


# --- programme numbers and the day of generation, from the properties -----------------------


@pytest.mark.parametrize(("prop", "value", "attr", "default"), [
    (schema.PROP_MINIMUM_HOURS, "inf", "minimum_hours", 5.0),
    (schema.PROP_MINIMUM_HOURS, "1e309", "minimum_hours", 5.0),
    (schema.PROP_MINIMUM_HOURS, "nan", "minimum_hours", 5.0),
    (schema.PROP_MINIMUM_HOURS, "-3", "minimum_hours", 5.0),
    (schema.PROP_MINIMUM_HOURS, "5000", "minimum_hours", 5.0),
    (schema.PROP_REVIEW_AFTER, "inf", "review_after", 4),
    (schema.PROP_REVIEW_AFTER, "1e309", "review_after", 4),
    (schema.PROP_REVIEW_AFTER, "9" * 400, "review_after", 4),
    (schema.PROP_REVIEW_AFTER, "0", "review_after", 4),
    (schema.PROP_REVIEW_AFTER, "4.5", "review_after", 4),
    (schema.PROP_SESSION_HOURS, "0", "session_hours", 1.0),
    (schema.PROP_SESSION_HOURS, "25", "session_hours", 1.0),
    (schema.PROP_SESSION_HOURS, "-inf", "session_hours", 1.0),
    (schema.PROP_COACHING_PAID, "maybe", "coaching_paid", True),
])
def test_an_odd_programme_number_is_named_and_the_default_used(folder: Path, prop: str,
                                                               value: str, attr: str,
                                                               default: object) -> None:
    record = read_record(record_with(folder, {**PROPS, prop: value}), folder)
    assert getattr(record.settings, attr) == default
    assert len(record.sessions) == 3  # the rest of the record is read
    (problem,) = record.problems
    assert (problem.file, problem.sheet, problem.column) == ("a.docx", PROPERTIES, prop)
    shown = value if len(value) < 60 else value[:20]
    assert f'"{shown}' in problem.message  # the value, quoted
    assert "default" in problem.message  # what was used instead
    assert "File › Info › Properties" in problem.message  # and the way out


def test_sane_programme_numbers_are_read_without_a_word(folder: Path) -> None:
    props = {**PROPS, schema.PROP_MINIMUM_HOURS: "7,5", schema.PROP_REVIEW_AFTER: "6",
             schema.PROP_SESSION_HOURS: "0.75", schema.PROP_COACHING_PAID: "No"}
    record = read_record(record_with(folder, props), folder)
    assert record.problems == ()
    s = record.settings
    assert (s.minimum_hours, s.review_after, s.session_hours, s.coaching_paid) == (
        7.5, 6, 0.75, False)


@pytest.mark.parametrize(("prop", "start"), [
    (schema.PROP_MINIMUM_HOURS, "is missing: the programme default, 5 hours, is used instead"),
    (schema.PROP_COACHING_PAID, "is missing: the hours are counted as paid"),
])
def test_a_deleted_property_is_named(folder: Path, prop: str, start: str) -> None:
    props = {k: v for k, v in PROPS.items() if k != prop}
    record = read_record(record_with(folder, props), folder)
    assert len(record.sessions) == 3
    (problem,) = record.problems
    assert (problem.sheet, problem.column) == (PROPERTIES, prop)
    assert problem.message.startswith(start)


def test_a_record_without_properties_is_not_told_it_lacks_each_one(folder: Path) -> None:
    record = read_record(save(contract([FORM_1]), folder / "typed.docx"), folder)
    assert [p.column for p in record.problems] == [None]  # "has no docgen properties" only


@pytest.mark.parametrize("generated", ["0001-01-05T00:00:00", "9999-12-31T23:59:59",
                                       "2026-02-30T09:00:00", "1999-12-31", "yesterday",
                                       "²⁰²⁶-03-01"])
def test_an_odd_day_of_generation_is_named_and_the_file_date_used(folder: Path,
                                                                   generated: str) -> None:
    path = record_with(folder, {**PROPS, schema.PROP_GENERATED: generated})
    saved = dt.date(2026, 6, 1)
    stamp = dt.datetime.combine(saved, dt.time(12)).timestamp()
    os.utime(path, (stamp, stamp))
    record = read_record(path, folder)
    assert len(record.sessions) == 3
    assert [s.date for s in record.sessions][:2] == [dt.date(2026, 4, 3), dt.date(2026, 5, 1)]
    (message,) = messages(record, schema.PROP_GENERATED)
    assert f'"{generated}" is not a day from 2000 to 2099' in message
    assert "last saved, 1 June 2026, instead" in message


def test_a_session_dated_outside_the_programme_years_is_named(folder: Path) -> None:
    forms = [{**FORM_1, "date": "0001-04-03"}, {**FORM_2, "date": "3/4/1926"}]
    record = read_record(save(contract(forms), folder / "a.docx", PROPS), folder)
    assert [s.date for s in record.sessions] == [None, None]
    assert [(p.sheet, p.column) for p in record.problems] == [
        ("Record of Coaching form 1", "Date"), ("Record of Coaching form 2", "Date")]
    assert "is not a date from 2000 to 2099: the session is listed without a date" in (
        record.problems[0].message)


# --- table layout values --------------------------------------------------------------------


def _grid(name: str, value: str, table: int = 0, row: int = 0) -> Callable[[etree._Element],
                                                                            None]:
    def change(root: etree._Element) -> None:
        tr = list(list(root.iter(f"{W}tbl"))[table].iter(f"{W}tr"))[row]
        if name == "gridBefore":
            pr = tr.find(f"{W}trPr")
            if pr is None:
                pr = etree.Element(f"{W}trPr")
                tr.insert(0, pr)
            before = pr.find(f"{W}gridBefore")
            if before is None:
                before = etree.SubElement(pr, f"{W}gridBefore")
            before.set(f"{W}val", value)
            return
        tc = tr.find(f"{W}tc")
        pr = tc.find(f"{W}tcPr")
        if pr is None:
            pr = etree.Element(f"{W}tcPr")
            tc.insert(0, pr)
        span = pr.find(f"{W}gridSpan")  # a merged cell has one already
        if span is None:
            span = etree.SubElement(pr, f"{W}gridSpan")
        span.set(f"{W}val", value)
    return change


@pytest.mark.parametrize("name", ["gridSpan", "gridBefore"])
@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "1e3", "٣", "\ue101", "99999"])
def test_an_odd_grid_value_is_named_and_the_table_read(folder: Path, name: str,
                                                       value: str) -> None:
    clean = read_record(record_with(folder, name="clean.docx"), folder)
    record = read_record(record_with(folder, change=_grid(name, value, table=1, row=2)), folder)
    assert record.sessions == tuple(dataclasses.replace(s, source="a.docx")
                                    for s in clean.sessions)
    (problem,) = record.problems
    cell = "cell 1" if name == "gridSpan" else None
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "a.docx", "table 2", 3, cell)
    assert problem.message.startswith(f"w:{name} is ")
    assert ("span one column" if name == "gridSpan" else "first column") in problem.message


@pytest.mark.parametrize("value", ["2", " 2 ", "+2", "02"])
def test_ordinary_grid_values_say_nothing(folder: Path, value: str) -> None:
    record = read_record(record_with(folder, change=_grid("gridSpan", value, 1, 2)), folder)
    assert record.problems == ()


# --- the package ---------------------------------------------------------------------------


def _central_entries(data: bytes) -> list[int]:
    """Return where each central directory entry of a zip starts."""
    end = data.rfind(b"PK\x05\x06")
    size = int.from_bytes(data[end + 12:end + 16], "little")
    at, found = end - size, []
    while at < end:
        found.append(at)
        at += 46 + sum(int.from_bytes(data[at + k:at + k + 2], "little") for k in (28, 30, 32))
    return found


def needs_version(path: Path, version: int, entry: int = 0) -> Path:
    """Make the central directory say member ``entry`` needs zip ``version`` (99 is 9.9)."""
    data = bytearray(path.read_bytes())
    at = _central_entries(bytes(data))[entry]
    data[at + 6:at + 8] = struct.pack("<H", version)
    path.write_bytes(bytes(data))
    return path


def test_a_zip_claiming_version_9_9_is_read_and_named(folder: Path) -> None:
    path = needs_version(record_with(folder), 99)
    record = read_record(path, folder)
    assert len(record.sessions) == 3 and record.team_id == "T01"
    (problem,) = record.problems
    assert problem.file == "a.docx"
    assert "zip file version 9.9" in problem.message
    assert "read as an ordinary zip instead" in problem.message


def test_a_zip_claiming_version_9_9_is_refused_with_a_message_elsewhere(folder: Path) -> None:
    path = needs_version(record_with(folder), 99)
    with pytest.raises(DocgenError, match="zip file version 9.9.*open it and save it again"):
        open_package(path)
    template = folder / "coaching_contract.docx"
    shutil.copyfile(Path(__file__).parents[1] / "templates" / "coaching_contract.docx",
                    template)
    needs_version(template, 99)
    result = CliRunner().invoke(main, ["fields", str(template)])
    assert result.exit_code != 0
    assert "zip file version 9.9" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception,
                                                                NotImplementedError)


def test_unreadable_properties_leave_the_record_read_by_its_text(folder: Path) -> None:
    path = record_with(folder)
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    parts["docProps/custom.xml"] = b"<Properties><property"
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    record = read_record(path, folder)
    assert len(record.sessions) == 3
    assert (record.team_id, record.identified_by) == ("T01", "text")
    assert any("docProps/custom.xml is not well-formed" in m and "identified from the text" in m
               for m in messages(record))


# --- invisible characters in identifiers -----------------------------------------------------


@pytest.mark.parametrize("char", _INVISIBLE)
def test_team_ids_differing_only_by_an_invisible_character_clash(make_cohort,
                                                                 char: str) -> None:
    from docgen.cohort import read_cohort

    rows = small_rows()
    rows["Teams"].append({**rows["Teams"][0], "team_id": f"T{char}1", "team_name": "Copy"})
    _cohort, problems = read_cohort(make_cohort(rows))
    clash = [p for p in problems if "already used" in p.message]
    assert len(clash) == 1 and clash[0].row == 4 and clash[0].sheet == "Teams"


@pytest.mark.parametrize("char", _INVISIBLE)
def test_records_whose_ids_differ_only_by_an_invisible_character_are_one_team(
        folder: Path, char: str) -> None:
    from docgen.log.summary import summarise

    record_with(folder, name="a.docx")
    record_with(folder, {**PROPS, schema.PROP_KEY: f"T0{char}1"}, name="b.docx")
    records, problems = read_records([folder], jobs=1)
    assert len(summarise(records, problems, TODAY).teams) == 1


@pytest.mark.parametrize("char", _INVISIBLE)
def test_file_names_hold_no_invisible_characters(char: str) -> None:
    name = safe_name(f"Ward 5 (T0{char}5)")
    assert char not in name and name.replace("-", "") == "Ward 5 (T05)"


# --- the rule, for records mutated at random -----------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Return a contract docgen generated for team T1 (two sessions), made once."""
    from docgen import jobs
    from docgen.cohort.starter import write_cohort_workbook

    tmp = tmp_path_factory.mktemp("generated")
    write_cohort_workbook(tmp / "cohort.xlsx", small_rows())
    jobs.generate(tmp / "cohort.xlsx", tmp / "out", today=TODAY, only="contracts")
    return tmp / "out" / "contracts" / "Ward 7 Falls (T1).docx"


_ODD_TEXT = ["inf", "-inf", "nan", "1e309", "9" * 400, "-1", "0", "", " ", "²", "1,5", "1,000",
             "4.5", "0001-01-05T00:00:00", "9999-12-31", "2026-02-30", "\u200b", "\ufeff5",
             "5\u00ad", "\u202e5", "٣", "\ue100", "25", "1001", "yes", "No"]
_NUMBERS = {schema.PROP_MINIMUM_HOURS: (0, 1000, False, False),
            schema.PROP_REVIEW_AFTER: (1, 100, True, False),
            schema.PROP_SESSION_HOURS: (0, 24, False, True)}
# what a document may hold: any character but the controls XML forbids
odd_text = st.sampled_from(_ODD_TEXT) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)
mutations = st.one_of(
    st.tuples(st.just("property"), st.sampled_from(
        [*_NUMBERS, schema.PROP_GENERATED, schema.PROP_COACHING_PAID]), odd_text),
    st.tuples(st.just("key"), st.sampled_from(_INVISIBLE), st.integers(0, 2)),
    st.tuples(st.just("grid"), st.sampled_from(["gridSpan", "gridBefore"]), odd_text),
    st.tuples(st.just("date"), st.integers(0, 1), odd_text),
    st.tuples(st.just("header"), st.sampled_from([4, 6, 12, 14, 36, 38]),
              st.integers(0, 0xFFFF)),
)


def _usable(prop: str, text: str) -> bool:
    """Tell whether a property's text is a value docgen can use (else it must be named)."""
    try:
        if prop in _NUMBERS:
            low, high, whole, above = _NUMBERS[prop]
            parse_number(text, low, high, whole=whole, above_low=above)
        elif prop == schema.PROP_COACHING_PAID:
            parse_yes_no(text)
        else:
            text = text.strip()
            return bool(re.match(r"\d{4}-\d{2}-\d{2}", text, re.ASCII)) and (
                2000 <= dt.date.fromisoformat(text[:10]).year <= 2099)
    except ValueError:
        return False
    return True


def _mutate(source: Path, path: Path, changes: list[tuple]) -> None:
    """Write ``source`` to ``path`` with the ``changes`` made (properties, XML, zip headers)."""
    with zipfile.ZipFile(source) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    custom = etree.fromstring(parts["docProps/custom.xml"])
    body = etree.fromstring(parts["word/document.xml"])
    for kind, a, b in changes:
        if kind in ("property", "key"):
            name = a if kind == "property" else schema.PROP_KEY
            prop = next(p for p in custom if p.get("name") == name)
            text = prop[0].text or ""
            prop[0].text = b if kind == "property" else text[:b] + a + text[b:]
        elif kind == "grid":
            table = list(body.iter(f"{W}tbl"))[-1]
            _grid(a, b, table=list(body.iter(f"{W}tbl")).index(table), row=1)(body)
        elif kind == "date":
            sdt = [s for s in body.iter(f"{W}sdt")
                   if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "record.date"][a]
            ts = list(sdt.iter(f"{W}t"))
            ts[0].text = b
            for t in ts[1:]:
                t.text = ""
    parts["docProps/custom.xml"] = etree.tostring(custom)
    parts["word/document.xml"] = etree.tostring(body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    data = bytearray(path.read_bytes())
    for kind, offset, value in changes:
        if kind == "header":
            at = _central_entries(bytes(data))[value % len(parts)]
            data[at + offset:at + offset + 2] = struct.pack("<H", value)
    path.write_bytes(bytes(data))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutations, min_size=1, max_size=4))
def test_a_mutated_record_is_read_or_each_problem_named(tmp_path_factory, generated: Path,
                                                        changes: list[tuple]) -> None:
    """Whatever is changed, the record is read (its sessions all there, but a table row moved
    past the header's columns, whose cells are each named) and each odd value is named in a
    problem of that file; never a traceback, never the whole record dropped."""
    folder = tmp_path_factory.mktemp("mutated")
    path = folder / "T1.docx"
    _mutate(generated, path, changes)
    records, dropped = read_records([folder], jobs=1)
    assert dropped == []
    (record,) = records
    last_grid: dict[str, str] = {}  # a second change of one element replaces the first
    for kind, a, b in changes:
        if kind == "grid":
            last_grid[a] = b
    before = last_grid.get("gridBefore", "")
    if _grid_ok("gridBefore", before) and int(before.strip().removeprefix("+")) >= 4:
        # the first table row starts past the header's four columns: its cells are under no
        # header, so not read, and each is named
        assert len(record.sessions) == 3
        unread = [p for p in record.problems if p.sheet == "COACHING RECORD row 1"
                  and "in a column without a header" in p.message]
        assert len(unread) == 3  # coach, date, topic (its comments are blank)
    else:
        assert len(record.sessions) == 4  # two forms, two table rows
    assert team_key(record.team_id) == "t1"
    assert all(p.file == "T1.docx" for p in record.problems)
    assert not any("please report" in p.message for p in record.problems)
    final = {}  # the last value given to each property wins
    for kind, a, b in changes:
        if kind == "property":
            final[a] = b
    for prop, text in final.items():
        named = [p for p in record.problems if p.column == prop]
        blank = not text.strip()  # a blank number or yes/no is missing: named
        expected = (not blank or prop != schema.PROP_GENERATED) and (
            blank or not _usable(prop, text))
        assert bool(named) == expected, (prop, text, named)
    odd_grids = [p for p in record.problems if (p.sheet or "").startswith("table")]
    assert len(odd_grids) == sum(1 for name, b in last_grid.items()
                                 if b and not _grid_ok(name, b))
    for kind, a, _b in changes:
        if kind == "date":
            form = f"Record of Coaching form {a + 1}"
            s = next(s for s in record.sessions if s.where == form)
            assert s.date is not None or any(
                p.sheet == form and p.column == "Date" for p in record.problems)
    with zipfile.ZipFile(generated) as zf:
        members = len(zf.namelist())
    needed: dict[int, int] = {}  # the version each member's entry ends up claiming
    for kind, offset, value in changes:
        if kind == "header" and offset == 6:
            needed[value % members] = value & 0xFF  # zipfile reads the low byte
    assert any("zip file version" in p.message for p in record.problems) == any(
        v > zipfile.MAX_EXTRACT_VERSION for v in needed.values())


def _grid_ok(name: str, text: str) -> bool:
    """Tell whether a grid count is one Word would write: digits, within a sane range."""
    digits = text.strip().removeprefix("+")
    low = 1 if name == "gridSpan" else 0
    return digits.isascii() and digits.isdigit() and low <= int(digits) <= 1000


def test_a_table_row_moved_past_the_headers_columns_is_named_cell_by_cell(
        tmp_path: Path, generated: Path) -> None:
    path = tmp_path / "T1.docx"
    _mutate(generated, path, [("grid", "gridBefore", "25")])
    (record,), _dropped = read_records([tmp_path], jobs=1)
    assert len(record.sessions) == 3  # the row's cells are under no header: not read ...
    assert [p.message for p in record.problems if p.sheet == "COACHING RECORD row 1"] == [
        f'"{text}" is not read (it is in a column without a header, which docgen does not '
        "read): move it to Topic or Comments"
        for text in ("Dr Jo Bloggs", "3 April 2026", "Driver diagram")]  # ... and named
