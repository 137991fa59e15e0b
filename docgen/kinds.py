"""The kinds of document docgen makes, described once: a registry every step iterates over.

A :class:`DocumentKind` says what a kind of document is made from (a sheet of the cohort and
its rows), how it is planned, titled and filed, which template makes it, and how a returned
copy is recognised. The CLI's choices, the jobs, ``docgen fields`` and the record reader all
read this registry, so a third kind is one more entry here, not another ``if`` in each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

from docgen import context, schema
from docgen.models import Cohort

__all__ = ["AGREEMENT", "CONTRACT", "KINDS", "DocumentKind", "kind_named"]


@dataclass(frozen=True, eq=False)  # one object per kind: compared and hashed by identity
class DocumentKind:
    """One kind of document: where its rows come from and how each becomes a file."""

    name: str  # the ``docgen.kind`` property, e.g. "coaching_contract"
    option: str  # the value of ``--only``, and the output folder: "contracts"
    template_file: str  # the template's file name in a templates folder
    sheet: schema.Sheet  # the cohort sheet with one row per document
    cohort_rows: str  # the attribute of a Cohort holding those rows, e.g. "teams"
    plan: Callable[[Cohort, object, dt.date], context.DocumentPlan]
    title: Callable[[object], str]  # the title a document is filed under
    own_fields: dict[str, str] = field(default_factory=dict)  # fields beyond the sheet's
    has_sessions: bool = False  # returned copies carry coaching sessions for the log
    # Words that, all together near the top of a document without docgen's properties,
    # say it is of this kind (only kinds without sessions are recognised this way).
    words: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """Return the output folder, under the output directory, of documents of this kind."""
        return self.option

    def rows(self, cohort: Cohort) -> Sequence[object]:
        """Return the cohort's rows of this kind, one per document."""
        return getattr(cohort, self.cohort_rows)

    def count(self, cohort: Cohort) -> int:
        """Return how many documents of this kind ``cohort`` makes."""
        return len(self.rows(cohort))

    def plan_row(self, cohort: Cohort, index: int, today: dt.date) -> context.DocumentPlan:
        """Return the plan of the document made from row ``index`` of this kind's rows."""
        return self.plan(cohort, self.rows(cohort)[index], today)

    def available_fields(self, extra: frozenset[str] = frozenset()) -> dict[str, str]:
        """Return every field a template of this kind may use, with where it comes from."""
        return context.available_fields(self.sheet, self.own_fields, extra)

    def recognised_in(self, text: str) -> bool:
        """Tell whether ``text`` (a document's opening) names this kind by its words."""
        folded = text.casefold()
        return bool(self.words) and all(w in folded for w in self.words)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle a registered kind as its name, so a worker process gets the very object
        of its own registry (kinds are compared by identity, and key dictionaries)."""
        if kind_named(self.name) is self:
            return kind_named, (self.name,)
        return DocumentKind, tuple(getattr(self, f.name) for f in fields(self))


# "<Team name> (<Team ID>)": the contract's title, and how a record's heading names its team.
_NAME_AND_ID = re.compile(r"(?P<name>.*\S)\s*\((?P<id>[^()\s]{1,24})\)\s*")


def parse_contract_title(text: str) -> tuple[str, str] | None:
    """Return (team name, Team ID) from a title made by :func:`context.contract_title`."""
    m = _NAME_AND_ID.fullmatch(text)
    return (m["name"], m["id"]) if m else None


CONTRACT = DocumentKind(
    name=schema.KIND_CONTRACT,
    option="contracts",
    template_file="coaching_contract.docx",
    sheet=schema.TEAMS,
    cohort_rows="teams",
    plan=context.contract_plan,  # type: ignore[arg-type]
    title=context.contract_title,  # type: ignore[arg-type]
    own_fields={
        "records": "Sessions: one Record of Coaching form each (if none, a blank one with "
                   "the team's coaches and members)",
        "sessions": "Sessions: one COACHING RECORD row each",
        "blank_rows": "empty COACHING RECORD rows to write in",
        "signatures": "Teams: one signature row per coach, then per team member, or one "
                      "for the team lead (Programme › Team signatories); each with role and "
                      "name",
    },
    has_sessions=True,
)

AGREEMENT = DocumentKind(
    name=schema.KIND_AGREEMENT,
    option="agreements",
    template_file="mentor_agreement.docx",
    sheet=schema.MENTORING,
    cohort_rows="pairs",
    plan=context.agreement_plan,  # type: ignore[arg-type]
    title=context.agreement_title,  # type: ignore[arg-type]
    words=("mentor", "practitioner"),
)

KINDS: tuple[DocumentKind, ...] = (CONTRACT, AGREEMENT)


def kind_named(name: str) -> DocumentKind | None:
    """Return the kind whose ``docgen.kind`` name or ``--only`` option is ``name``."""
    return next((k for k in KINDS if name in (k.name, k.option)), None)
