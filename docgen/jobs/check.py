"""`docgen check`: read and validate a cohort, writing nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, Problem

if TYPE_CHECKING:
    from docgen.models import Cohort


@dataclass
class CheckReport:
    cohort: Cohort
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)  # read, but probably not as meant
    templates: str = ""  # the templates checked against, and why they (with templates=True)

    @property
    def fatal(self) -> list[Problem]:
        """Problems with no row: a missing sheet or column; nothing sensible can be made."""
        return [p for p in self.problems if p.row is None]


def check(data: Path, *, strict: bool = False, templates: bool | Path = False,
          only: str | None = None, today: dt.date | None = None) -> CheckReport:
    """Read and validate the cohort at ``data``; report every problem and warning found.

    ``templates`` True (or a templates folder, as ``generate --templates`` takes) also checks
    the cohort against the templates ``generate`` would use: a field they use that the cohort
    lacks is a problem, a column or setting whose values would reach no document a warning,
    as ``generate`` reports them (``only``: the one kind of document ``generate --only`` names).
    ``strict`` makes every warning a problem.
    """
    from docgen.cohort import read_cohort

    warnings: list[Problem] = []
    cohort, problems = read_cohort(data, warnings)
    report = CheckReport(cohort, problems, warnings)
    if templates is not False and not report.fatal:
        _fit(report, data, None if templates is True else templates, only,
             today or dt.date.today())
    if strict:
        return CheckReport(cohort, report.problems + report.warnings, [], report.templates)
    return report


def _fit(report: CheckReport, data: Path, given: Path | None, only: str | None,
         today: dt.date) -> None:
    """Add what the templates ``generate`` would use say of the cohort to ``report``."""
    from docgen.jobs.fit import template_fit
    from docgen.jobs.templates import choose_templates, load_templates
    from docgen.kinds import KINDS, kind_named

    folder, why = choose_templates(data, given)
    report.templates = f"{folder} ({why})"
    chosen = kind_named(only) if only else None
    try:
        compiled = load_templates(folder, [chosen] if chosen else KINDS)
    except DocgenError as exc:
        report.problems += exc.problems
        return
    lacking, warnings = template_fit(report.cohort, compiled, folder, report.warnings, today)
    report.problems += lacking
    report.warnings += warnings
