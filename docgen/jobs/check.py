"""`docgen check`: read and validate a cohort, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import Problem

if TYPE_CHECKING:
    from docgen.models import Cohort

@dataclass
class CheckReport:
    cohort: Cohort
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)  # read, but probably not as meant

    @property
    def fatal(self) -> list[Problem]:
        """Problems with no row: a missing sheet or column; nothing sensible can be made."""
        return [p for p in self.problems if p.row is None]


def check(data: Path, *, strict: bool = False) -> CheckReport:
    """Read and validate the cohort at ``data``; report every problem and warning found.

    ``strict`` makes every warning a problem.
    """
    from docgen.cohort import read_cohort

    warnings: list[Problem] = []
    cohort, problems = read_cohort(data, warnings)
    if strict:
        return CheckReport(cohort, problems + warnings)
    return CheckReport(cohort, problems, warnings)
