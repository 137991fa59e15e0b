"""The programme's words, declared once: sheets and columns, form fields, modes, statuses.

Header text lives only here. Headers in a workbook are matched by their *key* (lower case,
punctuation and spacing folded to ``_``, see :func:`docgen.values.header_key`), so
"Team ID", "team id" and "Team-ID" are one column. The key is also the field name a template
uses: ``{{ team_name }}``. Each column also names the attribute of the row it fills
(``Column.attr``), so the cohort reader, the documents and the log derive their mappings from
here: renaming a header or adding a column is a change in this file (and the template that
shows it).
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


class Mode(StrEnum):
    """How a coaching contact took place."""

    FACE_TO_FACE = "Face to face"
    TELEPHONE = "Telephone"
    VIDEO = "Video"
    EMAIL = "Email"


class Status(StrEnum):
    """What became of a session, as the log counts it."""

    HELD = "held"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    PLANNED = "planned"  # dated after the day the log is made: listed, not counted
    # still exactly as docgen pre-filled it from the cohort's Sessions sheet, its date passed:
    # nobody said it took place, so it is listed (and named on the Problems sheet), not counted
    UNCONFIRMED = "planned, not confirmed"


class Said(StrEnum):
    """What in a record said what became of a session: the status's source, so that a form and
    a table row of one session that say different things are named (``docgen.log.summary``)."""

    NOTHING = ""  # held as nothing says otherwise; or as docgen pre-filled it, from the cohort
    HELD_FIELD = "Held field"  # the form's Held field: Yes or No
    COMMENTS = "comments"  # "Cancelled – staff sick", "went ahead"
    TOPIC = "topic"  # a topic starting "Cancelled", "Rescheduled"


class Origin(StrEnum):
    """Where in a record a session was read: a Record of Coaching form or a table row."""

    FORM = "form"
    TABLE = "table"


# Words people type for each mode, folded to lower case with single spaces (a record's Mode
# field is also read with hyphens as spaces: "Video-call"). A Mode field may also put
# "by", "via", "over" or "on" before a word, or "call" or "meeting" after it ("by phone",
# "Zoom call"). In comments only the phrases of two words or more (and "f2f") count alone, and
# a single word after "by", "via", "over" or "on" ("on Teams"): "phone etiquette" is a topic.
# Near Me is NHS Scotland's video consulting service (formerly Attend Anywhere).
MODE_WORDS: dict[str, Mode] = {
    "face to face": Mode.FACE_TO_FACE, "face-to-face": Mode.FACE_TO_FACE,
    "f2f": Mode.FACE_TO_FACE, "ftf": Mode.FACE_TO_FACE, "in-person": Mode.FACE_TO_FACE,
    "in person": Mode.FACE_TO_FACE, "on the ward": Mode.FACE_TO_FACE,
    "on site": Mode.FACE_TO_FACE, "onsite": Mode.FACE_TO_FACE, "site visit": Mode.FACE_TO_FACE,
    "telephone": Mode.TELEPHONE, "phone": Mode.TELEPHONE, "tel": Mode.TELEPHONE,
    "phone call": Mode.TELEPHONE, "telephone call": Mode.TELEPHONE, "call": Mode.TELEPHONE,
    "by phone": Mode.TELEPHONE, "by telephone": Mode.TELEPHONE,
    "over the phone": Mode.TELEPHONE, "phoned": Mode.TELEPHONE, "telephoned": Mode.TELEPHONE,
    "video": Mode.VIDEO, "video call": Mode.VIDEO, "videocall": Mode.VIDEO,
    "teams": Mode.VIDEO, "ms teams": Mode.VIDEO, "microsoft teams": Mode.VIDEO,
    "teams call": Mode.VIDEO, "teams meeting": Mode.VIDEO, "zoom": Mode.VIDEO,
    "zoom call": Mode.VIDEO, "near me": Mode.VIDEO, "nearme": Mode.VIDEO,
    "attend anywhere": Mode.VIDEO,
    "email": Mode.EMAIL, "e-mail": Mode.EMAIL, "e mail": Mode.EMAIL, "by email": Mode.EMAIL,
    "by e mail": Mode.EMAIL, "emailed": Mode.EMAIL,
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header as ``docgen init`` writes it, its kind, and help.

    ``attr`` is the attribute of the row it fills (default: its key); ``fallback`` the
    Programme setting a blank cell takes.
    """

    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    help: str = ""
    attr: str = ""
    fallback: str = ""
    joiner: str = "; "  # how a NAMES column's names are joined in a document
    choices: tuple[str, ...] = ()  # the only values a setting takes (a drop-down), if any
    most: int | None = None  # the largest whole number a real programme gives (see MOST)

    @cached_property
    def key(self) -> str:
        from docgen.values import header_key

        return header_key(self.header)

    @property
    def field(self) -> str:
        """Return the name of the row attribute this column fills."""
        return self.attr or self.key


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


MODES = tuple(m.value for m in Mode)
YES_NO = ("Yes", "No")
# Who signs a contract for the team (Programme › Team signatories): each team member, or the
# team's lead alone (Teams › Team lead), below a row per coach either way.
EVERY_MEMBER, TEAM_LEAD = "Every member", "Team lead"

# The largest values a real programme stays far inside: past them a number is a slip (50000
# for 5) or damage, and counting with it would make every figure of a team wrong (a minimum
# never met). The cohort refuses them in its cells; the log, in the values a record carries.
MOST_MINIMUM_HOURS = 1000
MOST_REVIEW_AFTER = 100
MOST_COURSE_MONTHS = 120

# Programme settings: Setting | Value rows. Defaults apply when a setting is absent or blank.
PROGRAMME_SETTINGS: tuple[tuple[Column, str], ...] = (
    (Column("Programme", help="Name of the programme, as printed in the contract"),
     "Lothian Quality Improvement Academy"),
    (Column("Cohort", help="Name or number of this cohort"), ""),
    (Column("Training days", Kind.INT, help="Full training days of the course"), "4"),
    (Column("Course months", Kind.INT, help="Months the training days are spread over",
            most=MOST_COURSE_MONTHS), "4"),
    (Column("Minimum coaching hours", Kind.INT,
            help="Hours of individual coaching each team must have",
            most=MOST_MINIMUM_HOURS), "5"),
    (Column("Review after sessions", Kind.INT,
            help="Coaching is reviewed after this many sessions", most=MOST_REVIEW_AFTER), "4"),
    (Column("Session frequency", help="How often teams meet their coach"), "Approx monthly"),
    (Column("Session duration", help="Length of a session, e.g. 1 hour"), "1 hour"),
    (Column("Default venue", help="Venue used when a team has none"), "TBC"),
    (Column("Coaching paid", Kind.YESNO,
            help="Yes if programme coaching counts as paid hours in a coach's ICF log"), "Yes"),
    (Column("Team signatories", choices=(EVERY_MEMBER, TEAM_LEAD),
            help="Who signs the contract for the team, below each coach: every team member, "
                 "or the team lead alone (then fill in the Teams sheet's Team lead column)"),
     EVERY_MEMBER),
)

PROGRAMME_DEFAULTS: dict[str, str] = {c.key: default for c, default in PROGRAMME_SETTINGS}
PROGRAMME_SETTING: dict[str, Column] = {c.key: c for c, _default in PROGRAMME_SETTINGS}

PROGRAMME = Sheet(
    "Programme",
    "programme.csv",
    (Column("Setting", required=True), Column("Value", required=True)),
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
        Column("Team members", Kind.NAMES, help="Names separated by ; or new lines",
               attr="members", joiner="\n"),
        Column("Team lead", help="Signs the contract for the team when the Programme sheet's "
               "Team signatories is Team lead", attr="lead"),
        Column("Contact email", Kind.EMAIL, help="The team's contact, for the coaches' ICF "
               "logs (blank: the team members' names)"),
        Column("Coach", Kind.NAMES, help="One or more coaches separated by ;", attr="coaches"),
        Column("Coach email", Kind.EMAIL),
        Column("Venue", help="Blank: the programme's default venue", fallback="default_venue"),
        Column("Frequency", help="Blank: the programme's session frequency",
               fallback="session_frequency"),
        Column("Duration", help="Blank: the programme's session duration",
               fallback="session_duration"),
        Column("Review after sessions", Kind.INT, help="Blank: the programme's setting",
               attr="review_after", fallback="review_after_sessions", most=MOST_REVIEW_AFTER),
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
        Column("Start time", Kind.TIME, help="e.g. 14:00", attr="start"),
        Column("Finish time", Kind.TIME, help="e.g. 15:00", attr="finish"),
        Column("Coach", Kind.NAMES, attr="coaches"),
        Column("Mode", Kind.MODE, help="Face to face, Telephone, Video or Email"),
        Column("Topic"),
        Column("Issues arising", attr="issues"),
        Column("Action"),
        Column("Date of next meeting", Kind.DATE, help="dd/mm/yyyy", attr="next_meeting"),
        Column("Comments", help="e.g. cancelled by team, rescheduled by coach"),
    ),
    required=False,
    help="Planned or held sessions; they pre-fill the team's Record of Coaching forms.",
)

MENTORING = Sheet(
    "Mentoring",
    "mentoring.csv",
    (
        Column("QI practitioner", required=True, attr="practitioner"),
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

INSTRUCTIONS = "Instructions"  # the starter workbook's first sheet: docgen's words, not data

# The starter workbook shows one example row on each sheet; a row whose first required cell
# begins with this mark is an example, and reading leaves it out.
EXAMPLE_MARK = "e.g."
EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    "Teams": {"team_id": "e.g. T01", "team_name": "Reducing falls on Ward 7",
              "organisation": "NHS Lothian", "team_members": "Ann Smith; Raj Patel",
              "coach": "Dr Jo Bloggs", "coach_email": "jo.bloggs@nhs.scot",
              "venue": "Seminar Room 3", "frequency": "Monthly", "duration": "1 hour",
              "first_session": "03/04/2026"},
    "Sessions": {"team_id": "e.g. T01", "date": "03/04/2026", "start_time": "14:00",
                 "finish_time": "15:00", "coach": "Dr Jo Bloggs", "mode": "Face to face",
                 "topic": "Driver diagram"},
    "Mentoring": {"qi_practitioner": "e.g. Ann Smith", "practitioner_organisation": "NHS Fife",
                  "mentor": "Dr Raj Patel", "mentor_organisation": "NHS Lothian",
                  "meet_every_weeks": "4", "time": "Tuesdays 12:30", "location": "Library"},
}

@dataclass(frozen=True)
class FormField:
    """One field of the Record of Coaching form: a tagged content control and its label.

    ``label`` is printed on the form; ``pattern`` (a regular expression) finds that label as
    people type it, in a record whose controls are gone. ``session`` names the attribute of a
    cohort :class:`~docgen.models.Session` that pre-fills it, ``team`` the attribute of the
    team used when the session has none, and ``recorded`` the attribute of a
    :class:`~docgen.models.RecordedSession` it is read back into ("" when it is not a session
    value). ``mid_line`` labels may follow other text on a line ("Start: 2pm Finish: 3pm").
    """

    name: str
    label: str
    placeholder: str
    pattern: str
    kind: Kind = Kind.TEXT
    session: str = ""
    team: str = ""
    recorded: str = ""
    mid_line: bool = False

    @property
    def tag(self) -> str:
        """Return the content-control tag, e.g. ``record.date``."""
        return f"record.{self.name}"


# The end of every label: not inside a longer word ("coach's", "dated"), then a colon if
# typed. Without its colon a label is read only where it fits (docgen.records.forms).
_LABEL_END = r"(?![\w’'])(?:[^\S\n]*:)?"

# What the Held field says while it is empty: how a coach confirms a pre-filled session.
HELD_PROMPT = "Type Yes or No: a session filled in ahead counts once answered"

# In form order. The n-th occurrence of a tag belongs to the n-th form. Where a label's colon
# is optional, so is the space before it: a label never swallows the spaces that begin the
# value typed after it, nor a colon on the next line.
RECORD_FIELDS: tuple[FormField, ...] = (
    FormField("coach", "Coach/s:", "Type the coach's name",
              r"coach(?:/s|/es|es|\(s\)|\(es\))?" + _LABEL_END, Kind.NAMES,
              session="coaches", team="coaches", recorded="coach"),
    FormField("team_members", "Team members:", "Type the names of the team members present",
              r"team\s+members?(?:\s+present)?" + _LABEL_END, Kind.NAMES,
              team="members", recorded="members"),
    FormField("date", "Date:", "Type the date (day/month/year)",
              r"date(?:\s+of\s+(?:session|coaching|meeting))?(?!\s+of\s+(?:the\s+)?next\b)"
              + _LABEL_END, Kind.DATE,
              session="date", recorded="date"),
    FormField("mode", "Mode:", "Face to face, telephone, video or email",
              r"mode(?:\s+of\s+(?:contact|coaching|session))?" + _LABEL_END, Kind.MODE,
              session="mode", recorded="mode"),
    FormField("start_time", "Start time:", "hh:mm", r"start(?:\s+time)?" + _LABEL_END,
              Kind.TIME,
              session="start", recorded="start", mid_line=True),
    FormField("finish_time", "Finish time:", "hh:mm",
              r"(?:finish|end)(?:\s+time)?" + _LABEL_END,
              Kind.TIME, session="finish", recorded="finish", mid_line=True),
    FormField("topic", "Topic/subject brought to coach", "Type the topic brought to the coach",
              r"topic\s*/\s*subject\s+brought\s+to\s+(?:the\s+)?coach(?:es)?\b(?:[^\S\n]*:)?"
              r"|topic" + _LABEL_END, session="topic", recorded="topic"),
    FormField("issues", "Issues Arising:", "Type the issues arising",
              r"issues?\s+arising" + _LABEL_END, session="issues", recorded="issues"),
    FormField("action", "Action:", "Type the actions agreed",
              r"actions?(?:\s+agreed)?" + _LABEL_END,
              session="action", recorded="action"),
    FormField("next_meeting", "Date of Next Meeting:", "day/month/year",
              r"date\s+of\s+(?:the\s+)?next\s+(?:meeting|session)" + _LABEL_END,
              Kind.DATE, session="next_meeting", recorded="next_meeting"),
    # Whether a session took place: "Yes" confirms a form docgen pre-filled from the plan and
    # left as it was (untouched, it is "planned, not confirmed"), "No" makes it cancelled. Not
    # a session value itself (no ``recorded``): build_session reads it.
    FormField("held", "Held:", HELD_PROMPT, r"(?:session\s+)?held\s*:", Kind.YESNO),
)
RECORD_FIELD = {f.name: f for f in RECORD_FIELDS}

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

PLACEHOLDERS: dict[str, str] = {f.tag: f.placeholder for f in RECORD_FIELDS} | dict(
    AGREEMENT_FIELDS
)

# Prompts that docgen put in the forms' empty controls before: documents made with them are
# still out there, so reading strips them too (as it strips PLACEHOLDERS, wherever they sit
# in a value). They held examples ("e.g. 03/04/2026"), which must never become data.
FORMER_PLACEHOLDERS: tuple[str, ...] = (
    "Type the coach's name",
    "Type the names of the team members present",
    "Type the date, e.g. 03/04/2026",
    "Face to face, telephone, video or email",
    "e.g. 14:00",
    "e.g. 15:00",
    "Type the topic brought to the coach",
    "Type the issues arising",
    "Type the actions agreed",
    "Type the date of the next meeting",
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
# Who a document's signature table asks to sign, as made: "Role: Name" joined with "; "
# (a row whose name was left blank is not listed): a row deleted since is missed, not dropped.
PROP_SIGNATORIES = "docgen.signatories"
PROP_PROGRAMME = "docgen.programme"
PROP_COHORT = "docgen.cohort"
PROP_DOCUMENT_ID = "docgen.document_id"  # one document, whatever its path (copies, versions)
PROP_MINIMUM_HOURS = "docgen.minimum_hours"
PROP_REVIEW_AFTER = "docgen.review_after"
PROP_SESSION_HOURS = "docgen.session_hours"
PROP_COACHING_PAID = "docgen.coaching_paid"  # "Yes" / "No"
PROP_COURSE_MONTHS = "docgen.course_months"  # the course the log's pace is counted over
# What docgen wrote into the forms and COACHING RECORD rows it pre-filled from the Sessions
# sheet (digests, see docgen.records.prefill): a form still so is planned, not confirmed.
PROP_PREFILLED = "docgen.prefilled"
# A digest of the document's other parts as docgen wrote them: a document whose parts still
# match it is untouched, which tells docgen's own files when its manifest was lost.
PROP_CONTENT = "docgen.content"
# In the keywords of the PDFs `generate --pdf` makes (LibreOffice carries a document's keywords
# into its PDF): tells them from a PDF a coach exported from the record, which may hold typing
# never saved into it.
PDF_MARK = "docgen-pdf"
# Digests of the lines of text docgen wrote where the log reads no sessions (a mentor
# agreement; a contract's own text, before its forms; see docgen.written): a line not among
# them was typed, and is named by the log.
PROP_WRITTEN = "docgen.written"
# Digests of the lines of text docgen wrote in a document's headers, footers and notes (its
# template's footer, values merged): a line there not among them was typed, and is named.
PROP_MARGINS = "docgen.margins"
