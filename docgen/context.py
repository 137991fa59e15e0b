"""Turn cohort records into what a template sees: one plain-text context per document.

Field names are the cohort's column keys (``team_name``, ``training_days``), so an admin who
adds a column "Ward" to the Teams sheet can write ``{{ ward }}`` in a template.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from docgen import prefill, schema
from docgen.models import Cohort, Pair, Programme, Session, Team
from docgen.schema import Kind, Mode
from docgen.values import (
    format_date,
    format_hours,
    format_time,
    parse_int,
    parse_session_hours,
    parse_yes_no,
    team_key,
)

BLANK_TABLE_ROWS = 8  # rows to write in under the pre-filled ones; never fewer than 3
# The namespace of docgen's document ids (``docgen.document_id``): fixed, so ids are stable.
_DOCUMENT_IDS = uuid.UUID("99eb136b-e599-4ad0-825e-b7fad0796ff0")


@dataclass(frozen=True)
class DocumentPlan:
    """One document to write: its kind, identity, title (for the file name) and content."""

    kind: str
    key: str
    title: str
    context: dict[str, object]
    properties: dict[str, str] = field(default_factory=dict)
    row: int = 0  # the cohort row it comes from, for messages


def value_name(key: str, kind: Kind) -> str:
    """Return the name under which a date or time field is offered as a value.

    ``first_session`` (text, "3 April 2026") is also ``first_session_date`` (a date a template
    can format: ``{{ first_session_date|longdate }}``, ``{{ first_session_date.year }}``); a
    field already named "...date", and a time, add ``_value`` instead.
    """
    if kind is Kind.DATE and not key.endswith("date"):
        return f"{key}_date"
    return f"{key}_value"


def _programme_fields(cohort: Cohort, today: dt.date) -> dict[str, object]:
    ctx: dict[str, object] = dict(cohort.programme.settings)
    ctx["generated"] = format_date(today)
    # No generated_date value yet: jobs' "unchanged" digest leaves out only "generated".
    return ctx


def _own_values(extra: dict[str, str]) -> dict[str, str]:
    """Return a row's extra columns as fields: a blank cell of a column named as a Programme
    setting takes the Programme's value, as a blank Venue does, never a blank in its place."""
    if not extra or all(extra.values()):
        return extra
    return {k: v for k, v in extra.items() if v or k not in schema.PROGRAMME_SETTING}


def _with_values(fields: dict[str, object], values: dict[str, object]) -> None:
    """Add date and time values to ``fields``, never hiding a field of the same name."""
    for key, value in values.items():
        fields.setdefault(key, value)


def shown(kind: Kind, value: object, joiner: str = "; ") -> str:
    """Return a row's value as a document shows it: UK dates, 24-hour times, joined names."""
    if type(value) is str:  # the common value, shown as it is (what str() below returns)
        return value
    if value is None:
        return ""
    if kind is Kind.NAMES and isinstance(value, tuple):
        return joiner.join(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    return str(value) if value != 0 or kind is not Kind.INT else ""


def _row_fields(sheet: schema.Sheet, row: object) -> dict[str, object]:
    """Return the fields a sheet's row gives a template, named by the columns' keys."""
    return {c.key: shown(c.kind, getattr(row, c.field), c.joiner) for c in sheet.columns}


def _row_values(sheet: schema.Sheet, row: object) -> dict[str, object]:
    """Return the date and time values of a sheet's row (None where the cell is empty)."""
    return {value_name(c.key, c.kind): getattr(row, c.field) for c in sheet.columns
            if c.kind in (Kind.DATE, Kind.TIME)}


def _form(team: Team, s: Session | None) -> dict[str, object]:
    """Return one Record of Coaching form's values: the session's, else the team's.

    A blank form (``s`` None) still carries the coaches and members the Teams sheet knows;
    its other fields stay empty, showing their prompts.
    """
    out: dict[str, object] = {}
    values: dict[str, object] = {}
    for f in schema.RECORD_FIELDS:
        value = getattr(s, f.session) if s is not None and f.session else None
        if not value and f.team:
            value = getattr(team, f.team)
        out[f.name] = shown(f.kind, value)
        if f.kind in (Kind.DATE, Kind.TIME):
            values[value_name(f.name, f.kind)] = value or None
    _with_values(out, values)
    return out


COACH_ROLE, MEMBER_ROLE, LEAD_ROLE = "Coach", "Team member", "Team lead"  # rows' labels
PRACTITIONER_ROLE, MENTOR_ROLE = "QI Practitioner", "Mentor"  # the agreement template's rows


def _signatures(team: Team, signatories: str) -> list[dict[str, str]]:
    """Return the contract's signature rows: one per coach, then one per team member, or one
    for the team's lead when the programme's ``signatories`` say the lead signs for the team.

    A team without a known coach or member still gets one row of each, its name left blank
    to write in, so the printed contract always has room for both sides to sign. (A lead the
    programme asks for is never blank here: reading the cohort refuses a team without one.)
    """
    rows = [{"role": COACH_ROLE, "name": c} for c in team.coaches or ("",)]
    if signatories == schema.TEAM_LEAD:
        return [*rows, {"role": LEAD_ROLE, "name": team.lead}]
    rows += [{"role": MEMBER_ROLE, "name": m} for m in team.members or ("",)]
    return rows


def _table_row(team: Team, s: Session) -> dict[str, object]:
    when = format_date(s.date)
    if s.mode == Mode.EMAIL:
        when = f"{when} (email)" if when else "email"
    return {
        "coach": "; ".join(s.coaches or team.coaches),
        "date_of_coaching": when,
        "topic": s.topic,
        "comments": s.comments,
        "mode": s.mode,
        "date_of_coaching_value": s.date,
    }


def contract_title(team: Team) -> str:
    """Return the title a team's contract is filed under: "<Team name> (<Team ID>)"."""
    return f"{team.display_name} ({team.team_id})"


def agreement_title(pair: Pair) -> str:
    """Return the title a pair's agreement is filed under: "<Practitioner> and <Mentor>"."""
    return f"{pair.practitioner} and {pair.mentor}"


def document_id(programme: str, cohort: str, kind: str, key: str) -> str:
    """Return the id of the document of ``key`` (a team, a pair) of one cohort.

    Derived from what the document is of, never drawn at random: every run writes the same id
    into the same document, so a re-run leaves unchanged files byte for byte, and every copy or
    version a coach saves of it carries it, wherever the file is kept and however it is named.
    """
    name = "\n".join((programme.strip(), cohort.strip(), kind, team_key(key)))
    return str(uuid.uuid5(_DOCUMENT_IDS, name))


# The Programme settings a team's row may give its own value of, in a Teams column of the
# setting's name (which the contract's text then shows), that a contract's properties carry
# for the coaching log: how each is read, as the Programme sheet's is (the cohort is read
# with these, so a value that cannot be read is a problem there, never here).
TEAM_SETTINGS: dict[str, Callable[[object], object]] = {
    "minimum_coaching_hours": lambda v: float(parse_int(v)),
    "session_duration": parse_session_hours,
    "coaching_paid": parse_yes_no,
    "course_months": parse_int,
}


def _team_setting(team: Team, key: str, programme: object) -> object:
    """Return the team's own value of the setting ``key`` (its Teams column), read as the
    Programme's is; else ``programme``'s."""
    typed = team.extra.get(key)
    if not typed:
        return programme
    try:
        return TEAM_SETTINGS[key](typed)
    except ValueError:  # reported as the cohort was read: the row is not made
        return programme


def team_numbers(team: Team, p: Programme) -> dict[str, object]:
    """Return the numbers a team's contract is judged by: the team's own where its row gives
    them (Duration, Review after sessions, a Teams column named as one of
    :data:`TEAM_SETTINGS`), as its contract's text shows them; else the Programme's."""
    duration = team.duration if team.duration != p.get("session_duration") else ""
    hours = p.session_hours
    if duration:
        with suppress(ValueError):  # reported as the cohort was read: the row is not made
            hours = parse_session_hours(duration)
    else:
        hours = _team_setting(team, "session_duration", hours)  # type: ignore[assignment]
    return {
        "minimum_hours": _team_setting(team, "minimum_coaching_hours", p.minimum_hours),
        "review_after": team.review_after or p.review_after,
        "session_hours": hours,
        "coaching_paid": _team_setting(team, "coaching_paid", p.coaching_paid),
        "course_months": str(_team_setting(team, "course_months", p.get("course_months"))),
    }


def contract_plan(cohort: Cohort, team: Team, today: dt.date) -> DocumentPlan:
    """Return the contract of ``team``: one Record of Coaching form per known session."""
    sessions = cohort.sessions_of(team.team_id)
    ctx = _programme_fields(cohort, today)
    ctx.update(_own_values(team.extra))
    ctx.update(_row_fields(schema.TEAMS, team))
    _with_values(ctx, _row_values(schema.TEAMS, team))
    signatures = _signatures(team, cohort.programme.get("team_signatories"))
    ctx.update(
        records=[_form(team, s) for s in sessions] or [_form(team, None)],
        sessions=[_table_row(team, s) for s in sessions],
        blank_rows=list(range(max(3, BLANK_TABLE_ROWS - len(sessions)))),
        signatures=signatures,
    )
    signatories = "; ".join(f"{s['role']}: {s['name']}" for s in signatures if s["name"])
    p = cohort.programme
    own = team_numbers(team, p)
    props = {
        schema.PROP_KIND: schema.KIND_CONTRACT,
        schema.PROP_KEY: team.team_id,
        schema.PROP_TEAM_NAME: team.team_name,
        schema.PROP_ORGANISATION: team.organisation,
        schema.PROP_COACHES: "; ".join(team.coaches),
        schema.PROP_SIGNATORIES: signatories,
        schema.PROP_PROGRAMME: p.get("programme"),
        schema.PROP_COHORT: p.get("cohort"),
        schema.PROP_DOCUMENT_ID: document_id(p.get("programme"), p.get("cohort"),
                                             schema.KIND_CONTRACT, team.team_id),
        schema.PROP_MINIMUM_HOURS: format_hours(own["minimum_hours"]),  # type: ignore[arg-type]
        schema.PROP_REVIEW_AFTER: str(own["review_after"]),
        schema.PROP_SESSION_HOURS: format_hours(own["session_hours"]),  # type: ignore[arg-type]
        schema.PROP_COACHING_PAID: "Yes" if own["coaching_paid"] else "No",
        schema.PROP_COURSE_MONTHS: own["course_months"],
        # what the forms and rows say as docgen fills them (re-read from the document
        # itself where the template words them otherwise: see docgen.jobs)
        schema.PROP_PREFILLED: prefill.from_context(ctx),
    }
    return DocumentPlan(schema.KIND_CONTRACT, team.team_id, contract_title(team), ctx, props,
                        team.row)


def agreement_plan(cohort: Cohort, pair: Pair, today: dt.date) -> DocumentPlan:
    """Return the mentor agreement of one QI practitioner and mentor pair."""
    ctx = _programme_fields(cohort, today)
    ctx.update(_own_values(pair.extra))
    ctx.update(_row_fields(schema.MENTORING, pair))
    _with_values(ctx, _row_values(schema.MENTORING, pair))
    props = {
        schema.PROP_KIND: schema.KIND_AGREEMENT,
        schema.PROP_KEY: pair.key,
        schema.PROP_SIGNATORIES: f"{PRACTITIONER_ROLE}: {pair.practitioner}; "
                                 f"{MENTOR_ROLE}: {pair.mentor}",
        schema.PROP_PROGRAMME: cohort.programme.get("programme"),
        schema.PROP_COHORT: cohort.programme.get("cohort"),
        schema.PROP_DOCUMENT_ID: document_id(cohort.programme.get("programme"),
                                             cohort.programme.get("cohort"),
                                             schema.KIND_AGREEMENT, pair.key),
    }
    return DocumentPlan(schema.KIND_AGREEMENT, pair.key, agreement_title(pair), ctx, props,
                        pair.row)


def available_fields(sheet: schema.Sheet, own: dict[str, str],
                     extra: frozenset[str] = frozenset()) -> dict[str, str]:
    """Return every field a template may use, with where its value comes from.

    That is the Programme's settings, ``generated``, the columns of ``sheet``, the fields
    ``own`` to the kind of document, and the cohort's ``extra`` columns.
    """
    out = {c.key: f"Programme › {c.header}" for c, _default in schema.PROGRAMME_SETTINGS}
    out["generated"] = "the date the document is generated"
    for c in sheet.columns:
        setting = schema.PROGRAMME_SETTING.get(c.fallback)
        fallback = f" (else Programme › {setting.header})" if setting else ""
        out[c.key] = f"{sheet.name} › {c.header}{fallback}"
    for c in sheet.columns:
        if c.kind in (Kind.DATE, Kind.TIME):
            what = "date" if c.kind is Kind.DATE else "time"
            out.setdefault(value_name(c.key, c.kind),
                           f"{sheet.name} › {c.header}, as a {what} (empty: none); format it "
                           "with |ukdate, |longdate, |shortdate or .strftime(...)")
    out.update(own)
    for key in sorted(extra):
        out.setdefault(key, "an extra column of the cohort")
    return out
