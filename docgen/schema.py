"""The cohort workbook's sheets and columns, declared once.

Header text lives only here. Headers in a workbook are matched by their *key* (lower case,
punctuation and spacing folded to ``_``, see :func:`docgen.values.header_key`), so
"Team ID", "team id" and "Team-ID" are one column. The key is also the field name a template
uses: ``{{ team_name }}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """What a column holds; decides how a cell is parsed and how it is shown."""

    TEXT = "text"
    NAMES = "names"  # several names separated by ';' or new lines
    DATE = "date"
    TIME = "time"
    INT = "int"
    EMAIL = "email"
    MODE = "mode"  # one of MODES
    YESNO = "yesno"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header as ``docgen init`` writes it, its kind, and help."""

    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    help: str = ""

    @cached_property
    def key(self) -> str:
        from docgen.values import header_key

        return header_key(self.header)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the cohort workbook (or one CSV file of a cohort folder)."""

    name: str
    csv_name: str
    columns: tuple[Column, ...]
    required: bool = True
    help: str = ""

    @cached_property
    def keys(self) -> frozenset[str]:
        """Return the keys of the declared columns."""
        return frozenset(c.key for c in self.columns)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


MODES = ("Face to face", "Telephone", "Video", "Email")
YES_NO = ("Yes", "No")

# Programme settings: Setting | Value rows. Defaults apply when a setting is absent or blank.
PROGRAMME_SETTINGS: tuple[tuple[Column, str], ...] = (
    (Column("Programme", help="Name of the programme, as printed in the contract"),
     "Lothian Quality Improvement Academy"),
    (Column("Cohort", help="Name or number of this cohort"), ""),
    (Column("Training days", Kind.INT, help="Full training days of the course"), "4"),
    (Column("Course months", Kind.INT, help="Months the training days are spread over"), "4"),
    (Column("Minimum coaching hours", Kind.INT,
            help="Hours of individual coaching each team must have"), "5"),
    (Column("Review after sessions", Kind.INT,
            help="Coaching is reviewed after this many sessions"), "4"),
    (Column("Session frequency", help="How often teams meet their coach"), "Approx monthly"),
    (Column("Session duration", help="Length of a session, e.g. 1 hour"), "1 hour"),
    (Column("Default venue", help="Venue used when a team has none"), "TBC"),
    (Column("Coaching paid", Kind.YESNO,
            help="Yes if programme coaching counts as paid hours in a coach's ICF log"), "Yes"),
)

PROGRAMME = Sheet(
    "Programme",
    "programme.csv",
    (Column("Setting", required=True), Column("Value")),
    required=False,
    help="Two columns, Setting | Value. Blank settings take the defaults shown.",
)

TEAMS = Sheet(
    "Teams",
    "teams.csv",
    (
        Column("Team ID", required=True, help="Short unique code, e.g. T01"),
        Column("Team name", help="Name used in the documents and in file names"),
        Column("Organisation"),
        Column("Team members", Kind.NAMES, help="Names separated by ; or new lines"),
        Column("Coach", Kind.NAMES, help="One or more coaches separated by ;"),
        Column("Coach email", Kind.EMAIL),
        Column("Venue", help="Blank: the programme's default venue"),
        Column("Frequency", help="Blank: the programme's session frequency"),
        Column("Duration", help="Blank: the programme's session duration"),
        Column("Review after sessions", Kind.INT, help="Blank: the programme's setting"),
        Column("First session", Kind.DATE, help="dd/mm/yyyy"),
    ),
    help="One row per coached team; each gets one contract.",
)

SESSIONS = Sheet(
    "Sessions",
    "sessions.csv",
    (
        Column("Team ID", required=True, help="Must be a Team ID of the Teams sheet"),
        Column("Date", Kind.DATE, help="dd/mm/yyyy"),
        Column("Start time", Kind.TIME, help="e.g. 14:00"),
        Column("Finish time", Kind.TIME, help="e.g. 15:00"),
        Column("Coach", Kind.NAMES),
        Column("Mode", Kind.MODE, help="Face to face, Telephone, Video or Email"),
        Column("Topic"),
        Column("Issues arising"),
        Column("Action"),
        Column("Date of next meeting", Kind.DATE, help="dd/mm/yyyy"),
        Column("Comments", help="e.g. cancelled by team, rescheduled by coach"),
    ),
    required=False,
    help="Planned or held sessions; they pre-fill the team's Record of Coaching forms.",
)

MENTORING = Sheet(
    "Mentoring",
    "mentoring.csv",
    (
        Column("QI practitioner", required=True),
        Column("Practitioner organisation"),
        Column("Mentor", required=True),
        Column("Mentor organisation"),
        Column("Meet every (weeks)", Kind.INT),
        Column("Time", help="e.g. Tuesdays 14:00"),
        Column("Location"),
        Column("Adequate notice", help="e.g. 48 hours"),
    ),
    required=False,
    help="One row per QI practitioner and mentor pair; each gets one agreement.",
)

SHEETS: tuple[Sheet, ...] = (PROGRAMME, TEAMS, SESSIONS, MENTORING)

# The Word content-control tags of a Record of Coaching form, in form order, with the text a
# coach sees in an empty control. The n-th occurrence of a tag belongs to the n-th form.
RECORD_FIELDS: tuple[tuple[str, str, str], ...] = (
    # (tag, label on the form, placeholder)
    ("record.coach", "Coach/s:", "Type the coach's name"),
    ("record.team_members", "Team members:", "Type the names of the team members present"),
    ("record.date", "Date:", "Type the date, e.g. 03/04/2026"),
    ("record.start_time", "Start time:", "e.g. 14:00"),
    ("record.finish_time", "Finish time:", "e.g. 15:00"),
    ("record.topic", "Topic/subject brought to coach", "Type the topic brought to the coach"),
    ("record.issues", "Issues Arising:", "Type the issues arising"),
    ("record.action", "Action:", "Type the actions agreed"),
    ("record.next_meeting", "Date of Next Meeting:", "Type the date of the next meeting"),
)

# Fields of a mentor agreement a pair fills in when the cohort left them blank.
AGREEMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("agreement.practitioner", "Type the QI practitioner's name"),
    ("agreement.practitioner_organisation", "Type the organisation"),
    ("agreement.mentor", "Type the mentor's name"),
    ("agreement.mentor_organisation", "Type the organisation"),
    ("agreement.weeks", "__"),
    ("agreement.time", "Type the day and time"),
    ("agreement.location", "Type the place, as specific as possible"),
    ("agreement.notice", "Type what adequate notice means to you both"),
)

PLACEHOLDERS: dict[str, str] = {tag: text for tag, _label, text in RECORD_FIELDS} | dict(
    AGREEMENT_FIELDS
)

# The header of the COACHING RECORD table, as on the original form.
COACHING_RECORD_HEADER = (
    "Coach",
    "Date of coaching, includes email coaching",
    "Topic",
    "Comments",
)

# Custom document properties that identify a generated document.
PROP_KIND = "docgen.kind"
PROP_KEY = "docgen.key"
PROP_TEMPLATE = "docgen.template"
PROP_GENERATED = "docgen.generated"
KIND_CONTRACT = "coaching_contract"
KIND_AGREEMENT = "mentor_agreement"

# Further properties that make a record self-describing for ``docgen log``.
PROP_TEAM_NAME = "docgen.team_name"
PROP_ORGANISATION = "docgen.organisation"
PROP_COACHES = "docgen.coaches"  # joined with "; "
PROP_PROGRAMME = "docgen.programme"
PROP_COHORT = "docgen.cohort"
PROP_MINIMUM_HOURS = "docgen.minimum_hours"
PROP_REVIEW_AFTER = "docgen.review_after"
PROP_SESSION_HOURS = "docgen.session_hours"
PROP_COACHING_PAID = "docgen.coaching_paid"  # "Yes" / "No"
