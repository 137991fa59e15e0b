"""The coaching log's sheets as managers see them: each column's header, the row attribute
it shows, its kind (how it is formatted) and its note.

Code names a column by its attribute, never by its header, so a header can be reworded here
alone. :mod:`docgen.log.logbook` writes these sheets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from docgen.errors import Problem

__all__ = ["COACHES", "COHORT", "ICF", "MAX_CELL_TEXT", "MENTORING", "PROBLEMS", "ROW_LINES",
           "SESSIONS", "SHEETS", "SIGNATURES", "TEAMS", "WRAP_WIDTH", "Col", "excel_length",
           "row_height", "wrapped_lines"]

MAX_CELL_TEXT = 32_767  # Excel's limit on a cell's text, in UTF-16 units
WRAP_WIDTH = 36  # characters: the width a wrapped column wraps at, unless its own says
_LINE_POINTS, _TALLEST_ROW = 15, 409  # a line of 11-point Calibri; Excel's tallest row
ROW_LINES = (_TALLEST_ROW - 2) // _LINE_POINTS  # the most lines a row shows (27): the rest is cut


def wrapped_lines(text: str, per_line: float) -> int:
    """Return how many lines ``text`` takes wrapped at ``per_line`` characters."""
    per_line = max(per_line, 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def wrapped_line(length: int, per_line: float) -> int:
    """Return how many lines a text of ``length`` characters and no line break takes
    wrapped at ``per_line`` characters: :func:`wrapped_lines` from its length alone."""
    return max(1, math.ceil(length / max(per_line, 1)))


def row_height(lines: int) -> float:
    """Return the height in points of a row of ``lines`` lines, within Excel's tallest."""
    return min(_LINE_POINTS * lines + 2, _TALLEST_ROW)


def excel_length(text: str) -> int:
    """Return the length of ``text`` as Excel counts it: UTF-16 units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Col:
    """One column of a log sheet: its header, the row attribute it shows, and its kind."""

    header: str
    attr: str  # the attribute of the row shown; ``compute`` when no one attribute holds it
    kind: str = "text"  # text, wrap, date, time, hours, int, yesno
    note: str = ""
    wrap_at: int = 0  # for "wrap" columns: the width to wrap at, else the default
    compute: Callable[[Any], object] | None = None

    @property
    def get(self) -> Callable[[object], object]:
        """Return the function that reads this column's value from a row."""
        # attrgetter: as getattr(row, name), sooner; it runs once a cell
        return self.compute or attrgetter(self.attr)


def _where(p: Problem) -> str:
    """Return where in a file a problem is, e.g. "Record of Coaching form 2 › Date"."""
    return " › ".join(
        x for x in (p.sheet, f"row {p.row}" if p.row is not None else None, p.column) if x)


COHORT = Col("Cohort", "cohort", note="Shown when teams of more than one cohort are logged")
SESSIONS = (
    COHORT,
    Col("Team ID", "team_id"),
    Col("Team name", "team_name", "wrap", wrap_at=34),
    Col("Coach", "coach"),
    Col("Team members", "members", "wrap", note="The team members a Record of Coaching form "
        "names, as typed (a COACHING RECORD row names none)"),
    Col("Date", "date", "date"),
    Col("Start", "start", "time"),
    Col("Finish", "finish", "time"),
    Col("Hours", "hours", "hours"),
    Col("Hours from", "hours_from", note="Where the hours come from: the start and finish "
        "times, or the programme's session length when no times were written."),
    Col("Mode", "mode"),
    Col("Status", "status", note="held, cancelled, rescheduled, planned (dated after the "
        "day the log was made), or planned, not confirmed (still as docgen pre-filled it: "
        "not counted)"),
    Col("Topic", "topic", "wrap"),
    Col("Issues arising", "issues", "wrap"),
    Col("Action", "action", "wrap"),
    Col("Next meeting", "next_meeting", "date"),
    Col("Comments", "comments", "wrap"),
    Col("Source file", "source"),
    Col("Where in the file", "where"),
)
# The Teams sheet printed: what a manager reads first (status, pace) is on the first page,
# and the team (ID and name, the name wrapped to leave room) is on every page across.
TEAMS = (
    COHORT,
    Col("Team ID", "team_id"),
    Col("Team name", "team_name", "wrap", wrap_at=34),
    Col("Coach(es)", "coaches"),
    Col("Status", "status", note="no record returned (the cohort has the team, no record of "
        "it was read), not started (no session held), behind pace (a whole session or more "
        "short of the hours expected by today), on track, or minimum met"),
    Col("Hours", "hours", "hours"),
    Col("Expected by today", "expected_hours", "hours", note="The minimum × the share of "
        "the course elapsed since the pace's start (Pace from), over the course months"),
    Col("Hours still needed", "hours_needed", "hours"),
    Col("Minimum hours", "minimum_hours", "hours"),
    Col("Met minimum", "met", "yesno"),
    Col("Sessions held", "sessions_held", "int"),
    Col("Not confirmed", "sessions_unconfirmed", "int",
        note="Sessions past their date still exactly as docgen pre-filled them from the "
        "plan: not counted until a coach answers Held on the form (Problems sheet)"),
    Col("Sessions cancelled", "sessions_cancelled", "int",
        note="Sessions cancelled or rescheduled"),
    Col("Email contacts", "email_contacts", "int"),
    Col("Last session", "last_session", "date"),
    Col("Days since last contact", "days_since_contact", "int"),
    Col("Next meeting", "next_meeting", "date"),
    Col("Meeting overdue since", "meeting_overdue", "date", note="The next meeting the "
        "latest session named has passed, and no session is recorded on or after it"),
    Col("Review due", "review_due", "yesno",
        note="Yes once the sessions held reach the review number"),
    Col("Review after (sessions)", "review_after", "int"),
    Col("Organisation", "organisation", "wrap", wrap_at=34),
    Col("Pace from", "pace_from", "date", note="The team's first session held; else its "
        "first session planned in the cohort; else the programme's start (the earliest "
        "first session planned)"),
    Col("First session", "first_session", "date"),
    Col("Contract signed", "signed", note="Of the people the contract's signature table names, "
        "how many signed (a signature or a date typed beside their name): see the Signatures "
        "sheet"),
    Col("Still to sign", "to_sign", "wrap"),
    Col("Source file(s)", "sources"),
)
COACHES = (
    Col("Coach", "coach"),
    Col("Teams", "teams", "int"),
    Col("Team names", "team_names", "wrap"),
    Col("Sessions held", "sessions_held", "int"),
    Col("Email contacts", "email_contacts", "int"),
    Col("Hours", "hours", "hours"),
    Col("Last contact", "last_contact", "date"),
)
ICF = (
    Col("Coach", "coach", note="Filter on your name, then copy the columns to its right "
        "into your ICF client coaching log."),
    Col("Client name", "client"),
    Col("Contact information", "contact", "wrap",
        note="The team's Contact email on the cohort's Teams sheet (with --cohort); "
        "else the team members named in the Record of Coaching forms"),
    Col("Individual/Group", "individual_or_group"),
    Col("Number in group", "number_in_group", "int"),
    Col("Start date", "start_date", "date"),
    Col("End date", "end_date", "date"),
    Col("Paid hours", "paid_hours", "hours"),
    Col("Pro bono hours", "pro_bono_hours", "hours"),
)
MENTORING = (
    COHORT,
    Col("QI practitioner", "practitioner"),
    Col("Practitioner organisation", "practitioner_organisation"),
    Col("Mentor", "mentor"),
    Col("Mentor organisation", "mentor_organisation"),
    Col("Agreement returned", "agreement_returned", "yesno",
        note="Yes when the pair's mentor agreement was among the files read"),
    Col("In the cohort", "expected", "yesno",
        note="No: only its agreement names the pair (see the Problems sheet)"),
    Col("Agreement signed", "signed", note="Of the two who sign the agreement, how many "
        "signed (a signature or a date typed beside their name): see the Signatures sheet"),
    Col("Still to sign", "to_sign", "wrap"),
    Col("Source file(s)", "sources"),
)
SIGNATURES = (
    COHORT,
    Col("Team or pair", "team_id"),
    Col("Document", "document"),
    Col("Role", "role"),
    Col("Name", "name"),
    Col("Signature", "signature", "wrap", note="As typed under Signature (a signature pasted "
        "as a picture, with nothing typed: \"(a picture)\")"),
    Col("Date", "date", "date"),
    Col("Date as typed", "typed_date", note="The date typed beside the signature, when it "
        "could not be read as one day (see the Problems sheet)"),
    Col("Source file", "source", note="The file it was read from: a signature found alike in "
        "several copies of the document (saved as .docx and .odt, sent back twice) is one row, "
        "each copy listed"),
)
PROBLEMS = (
    Col("File", "file"),
    Col("Where", "where", compute=_where),
    Col("Problem", "message", "wrap", wrap_at=90),
)

# Sheet name, table name, columns, and the LogData attribute holding the rows.
SHEETS: tuple[tuple[str, str, tuple[Col, ...], str], ...] = (
    ("Sessions", "Sessions", SESSIONS, "sessions"),
    ("Teams", "Teams", TEAMS, "teams"),
    ("Coaches", "Coaches", COACHES, "coaches"),
    ("ICF log", "ICF_log", ICF, "icf"),
    ("Mentoring", "Mentoring", MENTORING, "mentoring"),
    ("Signatures", "Signatures", SIGNATURES, "signatures"),
    ("Problems", "Problems", PROBLEMS, "problems"),
)
