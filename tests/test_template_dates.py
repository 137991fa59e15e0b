"""Dates and times reach templates as text (UK style) and as values templates can format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from conftest import TODAY
from test_template_fidelity import docgen_parts

from docgen.cohort import read_cohort
from docgen.context import available_fields, contract_plan
from docgen.documents.render import longdate, shortdate, ukdate
from docgen.schema import TEAMS


@pytest.fixture
def plan(make_cohort):
    cohort, problems = read_cohort(make_cohort())
    assert problems == []
    return contract_plan(cohort, cohort.teams[0], TODAY)


def test_a_date_field_is_text_and_a_value(plan) -> None:
    ctx = plan.context
    assert ctx["first_session"] == "3 April 2026"
    assert ctx["first_session_date"] == dt.date(2026, 4, 3)
    record = ctx["records"][0]
    assert record["date"] == "3 April 2026" and record["date_value"] == dt.date(2026, 4, 3)
    assert record["start_time_value"] == dt.time(14, 0)
    assert ctx["sessions"][0]["date_of_coaching_value"] == dt.date(2026, 4, 3)


def test_templates_format_date_values(tmp_path: Path, plan) -> None:
    d = docx.Document()
    d.add_paragraph("A {{ first_session_date.strftime('%d %b') }} "
                    "B {{ first_session_date|longdate }} C {{ first_session_date|shortdate }}")
    d.add_paragraph("{%p for r in records %}")
    d.add_paragraph("E {{ r.date_value|ukdate }} {{ r.start_time_value|ukdate }}")
    d.add_paragraph("{%p endfor %}")
    d.save(str(tmp_path / "t.docx"))
    xml = docgen_parts(tmp_path / "t.docx", plan.context)["word/document.xml"].decode()
    assert "A 03 Apr B Friday 3 April 2026 C 03/04/2026" in xml
    assert "E 3 April 2026 14:00" in xml


def test_the_filters_leave_text_and_none_alone() -> None:
    assert ukdate("3 April 2026") == "3 April 2026" and ukdate(None) == ""
    assert longdate(dt.datetime(2026, 4, 3, 9, 0)) == "Friday 3 April 2026"
    assert shortdate("") == ""


def test_docgen_fields_lists_the_date_values() -> None:
    fields = available_fields(TEAMS, {})
    assert "first_session_date" in fields
    assert "|longdate" in fields["first_session_date"]


def test_docgen_fields_offers_the_items_date_values_by_the_template_s_names(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docgen import jobs
    from docgen.cli import main

    contract = jobs.default_templates() / "coaching_contract.docx"
    offered = dict(jobs.fields(contract).offered)
    for name in ("first_session_date", "r.date_value", "r.start_time_value",
                 "r.finish_time_value", "r.next_meeting_date", "s.date_of_coaching_value"):
        assert "|longdate" in offered[name], name
    d = docx.Document()
    d.add_paragraph("{{ first_session_date|longdate }} {{ team_name }}")
    d.add_paragraph("{%p for form in records %}")
    d.add_paragraph("{{ form.date }}")
    d.add_paragraph("{%p endfor %}")
    d.save(str(tmp_path / "coaching_contract.docx"))
    offered = dict(jobs.fields(tmp_path / "coaching_contract.docx").offered)
    assert "first_session_date" not in offered  # used: listed with the template's fields
    assert "form.date_value" in offered and "r.date_value" not in offered
    assert "sessions[0].date_of_coaching_value" in offered  # a list it does not loop over
    result = CliRunner().invoke(main, ["fields", str(contract)])
    assert result.exit_code == 0, result.output
    assert "can also use as values" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("r.date_value "))
    assert "the form's Date" in line
