"""The one exception type for user-facing problems, and the located problem it carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as it can be.

    ``file`` is the file (workbook, CSV, template or record); ``sheet``, ``row`` (1-based, as
    the spreadsheet shows it) and ``column`` (the header text) narrow it down where they apply.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        """Return the location as ``cohort.xlsx › Teams › row 7 › First session``."""
        parts = []
        if self.file:
            parts.append(Path(self.file).name)
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return " › ".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


class DocgenError(Exception):
    """A problem the user can fix: bad input, a missing file, a template that cannot render.

    Carries every problem found, so that all of them are reported at once.
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[DocgenError], tuple[list[Problem]]]:
        # keep the located problems when the error crosses from a worker process
        return (DocgenError, (self.problems,))
