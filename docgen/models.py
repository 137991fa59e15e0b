"""Frozen dataclasses shared by every step: the cohort read in, the sessions read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from docgen.errors import Problem


@dataclass(frozen=True)
class Programme:
    """The Programme sheet: display values by setting key, plus the numbers docgen computes with."""

    settings: dict[str, str]
    minimum_hours: float = 5.0
    review_after: int = 4
    session_hours: float = 1.0
    coaching_paid: bool = True

    def get(self, key: str) -> str:
        return self.settings.get(key, "")


@dataclass(frozen=True, slots=True)
class Team:
    """One row of the Teams sheet, with blanks already filled from the programme."""

    team_id: str
    team_name: str
    organisation: str = ""
    members: tuple[str, ...] = ()
    coaches: tuple[str, ...] = ()
    coach_email: str = ""
    venue: str = ""
    frequency: str = ""
    duration: str = ""
    review_after: int | None = None
    first_session: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    row: int = 0

    @property
    def display_name(self) -> str:
        return self.team_name or self.team_id


@dataclass(frozen=True, slots=True)
class Session:
    """One row of the Sessions sheet: a planned or held session of a team."""

    team_id: str
    date: dt.date | None = None
    start: dt.time | None = None
    finish: dt.time | None = None
    coaches: tuple[str, ...] = ()
    mode: str = ""
    topic: str = ""
    issues: str = ""
    action: str = ""
    next_meeting: dt.date | None = None
    comments: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    row: int = 0


@dataclass(frozen=True, slots=True)
class Pair:
    """One row of the Mentoring sheet: a QI practitioner and their mentor."""

    practitioner: str
    mentor: str
    practitioner_organisation: str = ""
    mentor_organisation: str = ""
    meet_every_weeks: int | None = None
    time: str = ""
    location: str = ""
    adequate_notice: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    row: int = 0

    @property
    def key(self) -> str:
        return f"{self.practitioner} – {self.mentor}"


@dataclass(frozen=True)
class Cohort:
    """Everything read from one cohort workbook (or CSV folder), validated.

    The rows are sequences: tuples, or :class:`docgen.cohort.packed.Packed` when read from a file,
    which keeps thousands of rows in a fraction of the memory.
    """

    source: Path
    programme: Programme
    teams: Sequence[Team] = ()
    sessions: Sequence[Session] = ()
    pairs: Sequence[Pair] = ()
    extra_fields: frozenset[str] = frozenset()

    @cached_property
    def _sessions_by_team(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, s in enumerate(self.sessions):
            index.setdefault(s.team_id.casefold(), []).append(i)
        return index

    def sessions_of(self, team_id: str) -> list[Session]:
        """Return the team's sessions in date order (undated last, then sheet order)."""
        own = [self.sessions[i] for i in self._sessions_by_team.get(team_id.casefold(), [])]
        return sorted(own, key=lambda s: (s.date is None, s.date or dt.date.min, s.row))


@dataclass(frozen=True, slots=True)
class RecordedSession:
    """One coaching contact read back from an edited record (a form or a table row)."""

    source: str  # the record's path, relative to the folder given to ``docgen log``
    team_id: str
    team_name: str = ""
    coach: str = ""
    date: dt.date | None = None
    start: dt.time | None = None
    finish: dt.time | None = None
    hours: float | None = None
    hours_assumed: bool = False  # True when only a table row existed: programme duration used
    mode: str = ""  # "Email" for e-mail contacts, else as typed or ""
    status: str = "held"  # "held", "cancelled" or "rescheduled"
    topic: str = ""
    issues: str = ""
    action: str = ""
    next_meeting: dt.date | None = None
    comments: str = ""
    origin: str = "form"  # "form" or "table"
    where: str = ""  # e.g. "Record of Coaching form 2" or "COACHING RECORD row 3"


@dataclass(frozen=True)
class RecordSettings:
    """The programme numbers a record was generated with (from its custom properties)."""

    minimum_hours: float = 5.0
    review_after: int = 4
    session_hours: float = 1.0
    coaching_paid: bool = True


@dataclass(frozen=True)
class Record:
    """Everything read from one .docx under the log folders."""

    source: str
    kind: str  # schema.KIND_CONTRACT, schema.KIND_AGREEMENT, or "" if not recognised
    team_id: str = ""
    team_name: str = ""
    organisation: str = ""
    coaches: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # team members named in the record (for the ICF log)
    identified_by: str = "properties"  # "properties", or "text" (labels and file name)
    settings: RecordSettings = field(default_factory=RecordSettings)
    sessions: tuple[RecordedSession, ...] = ()
    problems: tuple[Problem, ...] = ()
