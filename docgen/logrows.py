"""The coaching log's rows: what `docgen log` summarises the records read into, and writes.

Named by :mod:`docgen.models` too (``from docgen.models import TeamRow``), which loads this
module on first use: `docgen generate` never makes a log row, and creating these dataclasses
took ~45 million instructions of its start (see :mod:`docgen.models`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from docgen.errors import Problem
from docgen.models import (
    DEFAULT_COURSE_MONTHS,
    DEFAULT_MINIMUM_HOURS,
    DEFAULT_REVIEW_AFTER,
    DEFAULT_SESSION_HOURS,
)
from docgen.schema import Mode, Status

__all__ = [
    "CoachRow", "ExpectedPair", "ExpectedTeam", "Frame", "IcfRow", "LogData", "MentoringRow",
    "SessionRow", "SignatureRow", "TeamRow", "TeamStatus"
]


class TeamStatus(StrEnum):
    """Where a team stands, as the Teams sheet's Status column says it."""

    NO_RECORD = "no record returned"
    NOT_STARTED = "not started"
    BEHIND = "behind pace"
    ON_TRACK = "on track"
    MET = "minimum met"


@dataclass(frozen=True)
class ExpectedTeam:
    """A team the cohort has, as the log expects to find its record."""

    team_id: str
    team_name: str = ""
    organisation: str = ""
    coaches: tuple[str, ...] = ()
    first_session: dt.date | None = None  # the Teams sheet's, else its first planned session
    review_after: int | None = None  # the team's own; None: the programme's
    contact_email: str = ""  # the Teams sheet's Contact email: the ICF log's contact
    # the team's own numbers, as its contract states them (a Teams column named as the
    # Programme setting); None: the programme's
    minimum_hours: float | None = None
    course_months: int | None = None
    session_hours: float | None = None  # the team's Duration, else the programme's


@dataclass(frozen=True)
class ExpectedPair:
    """A mentoring pair the cohort has: an agreement is expected for it."""

    practitioner: str
    mentor: str
    practitioner_organisation: str = ""
    mentor_organisation: str = ""

    @property
    def key(self) -> str:
        """The agreement's ``docgen.key``, as :attr:`Pair.key` makes it."""
        return f"{self.practitioner} – {self.mentor}"


@dataclass(frozen=True)
class Frame:
    """What was issued: the teams and pairs the log expects, and the programme's numbers.

    Plain data, so that the log's summary stays pure: :mod:`docgen.jobs.log` builds it from
    the cohort workbook given with ``--cohort``.
    """

    source: str  # where it was read, e.g. the cohort workbook's path
    cohort: str = ""  # the Programme sheet's Cohort ("" when it names none)
    teams: tuple[ExpectedTeam, ...] = ()
    pairs: tuple[ExpectedPair, ...] = ()
    start: dt.date | None = None  # the programme's start: the earliest first session planned
    course_months: int = DEFAULT_COURSE_MONTHS
    minimum_hours: float = DEFAULT_MINIMUM_HOURS
    review_after: int = DEFAULT_REVIEW_AFTER
    session_hours: float = DEFAULT_SESSION_HOURS


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One coaching contact as the Sessions sheet shows it."""

    team_id: str
    team_name: str
    coach: str
    date: dt.date | None
    start: dt.time | None
    finish: dt.time | None
    hours: float | None
    hours_from: str  # "start and finish times", "assumed: session duration", ...
    mode: Mode | str
    status: Status
    topic: str
    issues: str
    action: str
    next_meeting: dt.date | None
    comments: str
    source: str
    where: str
    cohort: str = ""
    members: str = ""  # the team members the form names, as typed


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One team's figures against the course minimum."""

    team_id: str
    team_name: str
    organisation: str
    coaches: str
    sessions_held: int
    email_contacts: int
    hours: float
    minimum_hours: float
    met: bool
    hours_needed: float
    sessions_cancelled: int  # cancelled or rescheduled
    first_session: dt.date | None
    last_session: dt.date | None
    next_meeting: dt.date | None
    review_after: int
    review_due: bool
    days_since_contact: int | None
    sources: str
    sessions_unconfirmed: int = 0  # past their date, still as docgen pre-filled them
    cohort: str = ""
    status: TeamStatus | str = ""
    pace_from: dt.date | None = None  # the day the pace is counted from
    expected_hours: float | None = None  # the minimum × the share of the course elapsed
    behind_by: float | None = None  # hours short of the pace (0 when on or ahead of it)
    meeting_overdue: dt.date | None = None  # a next meeting passed with no session since
    signed: str = ""  # of the contract's signatories, how many signed: "2 of 4"
    to_sign: str = ""  # those who have not


@dataclass(frozen=True, slots=True)
class MentoringRow:
    """One mentoring pair: whether its agreement came back."""

    practitioner: str
    mentor: str
    practitioner_organisation: str
    mentor_organisation: str
    agreement_returned: bool
    expected: bool  # the cohort has the pair (False: only its agreement was found)
    sources: str
    cohort: str = ""
    signed: str = ""  # of the agreement's signatories, how many signed: "1 of 2"
    to_sign: str = ""  # those who have not


@dataclass(frozen=True, slots=True)
class SignatureRow:
    """One signature table row of a document read, for the Signatures sheet."""

    team_id: str  # the team, or the mentoring pair ("practitioner – mentor")
    document: str  # "Contract" or "Mentor agreement"
    role: str
    name: str
    signature: str
    date: dt.date | None
    typed_date: str
    source: str
    cohort: str = ""


@dataclass(frozen=True, slots=True)
class CoachRow:
    """One coach's teams, sessions and hours."""

    coach: str
    teams: int
    team_names: str
    sessions_held: int
    email_contacts: int
    hours: float
    last_contact: dt.date | None


@dataclass(frozen=True, slots=True)
class IcfRow:
    """One row of an ICF client coaching log: one team coached by one coach."""

    coach: str
    client: str
    contact: str
    individual_or_group: str
    number_in_group: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    paid_hours: float
    pro_bono_hours: float
    team_id: str


@dataclass(frozen=True)
class LogData:
    """Everything the coaching log shows, ready to be written."""

    sessions: Sequence[SessionRow]  # summarise's: a team's in a file (docgen.log.summary)
    teams: tuple[TeamRow, ...]
    coaches: tuple[CoachRow, ...]
    icf: tuple[IcfRow, ...]
    problems: Sequence[Problem]  # summarise's: held in a file (docgen.log.spilled)
    today: dt.date
    files: int = 0  # records read (of any kind)
    mentoring: tuple[MentoringRow, ...] = ()
    signatures: tuple[SignatureRow, ...] = ()
    framed: bool = False  # the teams issued were known (``--cohort``): absent ones are shown
    course_months: int = DEFAULT_COURSE_MONTHS  # the pace is counted over these
    notes: tuple[str, ...] = ()  # what the reader must know of the log's reach, said plainly

    @property
    def cohorts(self) -> tuple[str, ...]:
        """Return the cohorts of the teams logged, each once, in order."""
        return tuple(dict.fromkeys(t.cohort for t in self.teams))


