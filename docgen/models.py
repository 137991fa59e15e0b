"""Frozen dataclasses shared by every step: the cohort read in, the documents' outcomes, the
sessions read back and (from :mod:`docgen.logrows`, loaded on first use) the log's rows.

Programme numbers default to the Programme sheet's defaults declared in :mod:`docgen.schema`.
"""

from __future__ import annotations

import datetime as dt
import operator
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from docgen import schema
from docgen.compact import digest64, sorted_order
from docgen.errors import Problem
from docgen.schema import Mode, Origin, Said, Status
from docgen.values import parse_duration_hours, parse_yes_no, team_key

_T = TypeVar("_T")

if TYPE_CHECKING:  # loaded on first use at run time (see __getattr__ below)
    from docgen.logrows import CoachRow as CoachRow
    from docgen.logrows import ExpectedPair as ExpectedPair
    from docgen.logrows import ExpectedTeam as ExpectedTeam
    from docgen.logrows import Frame as Frame
    from docgen.logrows import IcfRow as IcfRow
    from docgen.logrows import LogData as LogData
    from docgen.logrows import MentoringRow as MentoringRow
    from docgen.logrows import SessionRow as SessionRow
    from docgen.logrows import SignatureRow as SignatureRow
    from docgen.logrows import TeamRow as TeamRow
    from docgen.logrows import TeamStatus as TeamStatus

_DEFAULT = schema.PROGRAMME_DEFAULTS
DEFAULT_MINIMUM_HOURS = float(_DEFAULT["minimum_coaching_hours"])
DEFAULT_REVIEW_AFTER = int(_DEFAULT["review_after_sessions"])
DEFAULT_SESSION_HOURS = parse_duration_hours(_DEFAULT["session_duration"])
DEFAULT_COACHING_PAID = parse_yes_no(_DEFAULT["coaching_paid"])
DEFAULT_COURSE_MONTHS = int(_DEFAULT["course_months"])


@dataclass(frozen=True)
class Programme:
    """The Programme sheet: display values by setting key, plus the numbers docgen computes with."""

    settings: dict[str, str]
    minimum_hours: float = DEFAULT_MINIMUM_HOURS
    review_after: int = DEFAULT_REVIEW_AFTER
    session_hours: float = DEFAULT_SESSION_HOURS
    coaching_paid: bool = DEFAULT_COACHING_PAID

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
    contact_email: str = ""  # the team's contact, for the coaches' ICF logs
    lead: str = ""  # signs the contract for the team when Programme › Team signatories says so
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
    # each extra column where it was read: (sheet, the sheet's name in the file, header row,
    # key, header), so that a column no template shows can be named
    extra_columns: tuple[tuple[str, str, int, str, str], ...] = ()

    @cached_property
    def _session_index(self) -> SessionIndex:
        return SessionIndex(self.sessions)

    def sessions_of(self, team_id: str) -> list[Session]:
        """Return the team's sessions in date order (undated last, then sheet order)."""
        key = team_key(team_id)
        # the index narrows by a digest of the key; the keys themselves decide
        own = [s for s in map(self.sessions.__getitem__, self._session_index.candidates(key))
               if team_key(s.team_id) == key]
        return sorted(own, key=lambda s: (s.date is None, s.date or dt.date.min, s.row))


class SessionIndex:
    """Which sessions may be a team's: their numbers sorted by a 64-bit digest of their
    team's key, looked up by bisection.

    Two arrays of 8 bytes a session: at 100,000 sessions ~1.6 MB, where a dict of each team's
    list of numbers took ~14 MB, held by every process of a run. A digest shared by two keys
    only adds a candidate; :meth:`Cohort.sessions_of` compares the keys themselves. The
    digest is the same in every process (blake2b, not ``hash()``, which each process salts).
    """

    __slots__ = ("_digests", "_order")

    def __init__(self, sessions: Sequence[Session]) -> None:
        digests = array("q", (digest64(team_key(s.team_id)) for s in sessions))
        order = sorted_order(digests)
        self._order = order
        self._digests = array("q", map(digests.__getitem__, order))

    def candidates(self, key: str) -> list[int]:
        """Return the numbers of the sessions whose team's key may be ``key``, in order."""
        digest = digest64(key)
        lo = bisect_left(self._digests, digest)
        return self._order[lo:bisect_right(self._digests, digest, lo)].tolist()


class Outcome(StrEnum):
    """What happened to one document."""

    WRITTEN = "written"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT_EDITED = "kept because edited"
    # kept because edited, and made from other values, template or docgen than this run's:
    # what changed since (a session added, a coach changed) is not in it
    KEPT_EDITED_OUTDATED = "kept because edited, without what changed since"
    KEPT_OPEN = "kept because open"
    REPLACED_EDITED = "written, edited copy backed up"
    SKIPPED = "skipped"
    FAILED = "could not be written"  # the system refused the file: the report says why


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle (and copy) ``cls``, a slotted dataclass, as a call with its fields' values.

    Why: a slotted dataclass's own ``__getstate__``/``__setstate__`` list its fields anew for
    each object, in Python; every record read is pickled by its worker and unpickled by the
    log, with its sessions and signatures (~30 % less time for both: ~40 -> ~28 µs to pickle
    a generated contract's record). The values are the same, so is the object made again.
    """
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[object, ...]]:  # noqa: N807
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment, method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class RecordedSession:
    """One coaching contact read back from an edited record (a form or a table row)."""

    source: str  # the record's path, relative to the folder given to ``docgen log``
    team_id: str
    team_name: str = ""
    coach: str = ""
    members: str = ""  # the team members a form names (present), as typed
    date: dt.date | None = None
    start: dt.time | None = None
    finish: dt.time | None = None
    hours: float | None = None
    hours_assumed: bool = False  # True when only a table row existed: programme duration used
    mode: Mode | str = ""  # a Mode, or "" when none was given
    status: Status = Status.HELD  # held, cancelled or rescheduled
    said: Said = Said.NOTHING  # what in the record said the status (its Held field, comments …)
    topic: str = ""
    issues: str = ""
    action: str = ""
    next_meeting: dt.date | None = None
    comments: str = ""
    origin: Origin = Origin.FORM
    where: str = ""  # e.g. "Record of Coaching form 2" or "COACHING RECORD row 3"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Signature:
    """One row of a document's signature table (Name | Signature | Date), as typed."""

    role: str  # the row's first cell: "Coach", "Team member", "QI Practitioner" ...
    name: str
    signature: str  # what was typed under Signature ("" : nothing, or only a picture)
    date: dt.date | None = None
    typed_date: str = ""  # the Date as typed, when it could not be read as one day
    row: int = 0  # the row of the table, the header being row 1
    picture: bool = False  # a picture under Signature (a signature pasted or drawn as one)

    @property
    def signed(self) -> bool:
        """A signature typed or pasted as a picture, or a date beside it."""
        return bool(self.signature or self.picture or self.date or self.typed_date)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class RecordSettings:
    """The programme numbers a record was generated with (from its custom properties)."""

    minimum_hours: float = DEFAULT_MINIMUM_HOURS
    review_after: int = DEFAULT_REVIEW_AFTER
    session_hours: float = DEFAULT_SESSION_HOURS
    coaching_paid: bool = DEFAULT_COACHING_PAID
    course_months: int | None = None  # None: the record does not say (made before it was kept)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
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
    # Which document it is, whatever its path: copies and versions of one share these.
    document_id: str = ""  # docgen.document_id; "" when read by text or made before it existed
    cohort: str = ""  # docgen.cohort
    saved: dt.datetime | None = None  # when the document was last saved (UTC), if it says
    modified: dt.datetime | None = None  # the file's modification time (UTC)
    # its parts exactly as docgen wrote them: nothing typed, signed or saved since (checked
    # for a kind without sessions, a mentor agreement: such a file has not come back yet)
    as_written: bool = False
    signatures: tuple[Signature, ...] = ()  # its signature table's rows, as typed


# --- records held together ---------------------------------------------------------------------

_SESSION_VALUES = ("source", "team_id", "team_name", "coach", "members", "date", "hours",
                   "mode", "topic", "issues", "action", "next_meeting", "comments", "where")
_SIGNATURE_VALUES = ("role", "name", "signature", "date", "typed_date")
_RECORD_VALUES = ("source", "kind", "team_id", "team_name", "organisation", "coaches",
                  "members", "identified_by", "cohort")


class Shared:
    """One object for each value records (or the log's rows) repeat.

    A record read holds a copy of its own of every value: the team's name and members in
    each session, the topic in a form and in its table row, the coach, the organisation,
    "Record of Coaching form 1", each date and 1.0 hours. Each worker of ``docgen log``
    shares them before a record is pickled (its pickle then holds each once), and the log
    shares the values many teams' rows repeat as it summarises them (:meth:`share`).
    :meth:`record` makes a record's values the ones already held where equal (texts and
    tuples of texts, dates, times, numbers, the programme's numbers), in place: a generated
    record of two sessions then takes about half the memory. A value is never replaced by
    one of another type (a plain text by a :class:`~docgen.schema.Mode` of the same
    letters, 1.0 by 1).
    """

    __slots__ = ("_kinds", "_settings")

    def __init__(self) -> None:
        # a table for each type, so that only values of one type meet (1.0 == 1 == True);
        # not times and datetimes, equal across time zones yet shown apart
        self._kinds: dict[type, dict[object, object]] = {
            kind: {} for kind in (str, float, dt.date, tuple)}
        self._settings: dict[str, RecordSettings] = {}  # by repr: 5 and 5.0 stay apart

    def _one(self, value: object) -> object:
        kind = type(value)
        held = self._kinds.get(kind)
        if held is None or not value:  # None, a Mode, a datetime; "", 0.0 (or -0.0: equal,
            return value  # yet written apart)
        if kind is tuple:
            value = tuple(map(self._one, value))  # type: ignore[call-overload]
        return held.setdefault(value, value)

    def _share(self, item: object, names: tuple[str, ...]) -> None:
        """Share the plain values (texts, numbers, dates: no tuple) of ``item``'s fields
        ``names``: the loop every session and signature of every record goes through."""
        kinds, put = self._kinds, object.__setattr__
        for name in names:
            value = getattr(item, name)
            if value and (held := kinds.get(type(value))) is not None:
                put(item, name, held.setdefault(value, value))

    def share(self, item: object, names: tuple[str, ...]) -> None:
        """Make the plain values (texts, numbers, dates, tuples) of ``item``'s fields ``names``
        the ones already held where equal, in place (an object nothing else holds yet): for
        values many objects repeat (a coach, a date), not for texts each has its own, which
        would only be held here too."""
        self._share(item, names)

    def settings(self, settings: RecordSettings) -> RecordSettings:
        """Return the programme's numbers ``settings`` as one object for all that are alike."""
        return self._settings.setdefault(repr(settings), settings)

    def __len__(self) -> int:
        """Return how many texts are held."""
        return len(self._kinds[str])

    def clear(self) -> None:
        """Hold nothing: records shared afterwards share nothing with those before."""
        for held in self._kinds.values():
            held.clear()
        self._settings.clear()

    def record(self, record: Record) -> Record:
        """Return ``record`` with its values shared with the records before it (in place:
        a record just read, which nothing else holds)."""
        one, put, share = self._one, object.__setattr__, self._share
        for name in _RECORD_VALUES:
            put(record, name, one(getattr(record, name)))
        settings = record.settings
        put(record, "settings", self._settings.setdefault(repr(settings), settings))
        for session in record.sessions:
            share(session, _SESSION_VALUES)
        for signature in record.signatures:
            share(signature, _SIGNATURE_VALUES)
        return record


# The coaching log's rows live in docgen.logrows: only ``docgen log`` makes them, and their
# eleven classes took a tenth of the instructions `docgen generate` spends importing docgen
# (~45 million). They are still docgen.models' to name: loaded on first use.
_LOG_ROWS = frozenset({
    "TeamStatus", "ExpectedTeam", "ExpectedPair", "Frame", "SessionRow", "TeamRow",
    "MentoringRow", "SignatureRow", "CoachRow", "IcfRow", "LogData"
})


def __getattr__(name: str) -> object:
    """Return one of the log's row classes (:mod:`docgen.logrows`), loaded on first use."""
    if name in _LOG_ROWS:
        from docgen import logrows

        return getattr(logrows, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
