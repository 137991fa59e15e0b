"""The one exception type for user-facing problems, and the located problem it carries."""

from __future__ import annotations

import errno
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


# What to do when the operating system refuses a file operation, by its error number.
_WAYS_OUT = {
    errno.ENOSPC: "the disk is full: free some space, then run docgen again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run docgen again",
    errno.EACCES: "docgen may not write there: choose another folder, or ask for write access",
    errno.EPERM: "docgen may not write there: choose another folder, or ask for write access",
    errno.EROFS: "that disk is read-only: choose a folder on another disk",
    errno.ENOTDIR: "part of that path is a file, not a folder: choose another folder",
    errno.EISDIR: "that is a folder, not a file: give a file name",
    errno.ENAMETOOLONG: "the path is too long: choose a folder with a shorter path",
    errno.ENOENT: "the folder does not exist (was it moved or disconnected?)",
    errno.EIO: "the disk reported an error: check it, then run docgen again",
}


def os_problem(exc: OSError, doing: str, path: Path | str | None = None) -> Problem:
    """Return an operating-system failure as a problem: the path, what went wrong, the way out.

    ``doing`` says what docgen was doing ("cannot be written", "cannot make the folder"). The
    problem's file is the path; the whole path is in the message too, as a name alone would
    not tell which folder.
    """
    where = path if path is not None else exc.filename
    reason = exc.strerror or type(exc).__name__
    way_out = _WAYS_OUT.get(exc.errno or 0, "")
    message = f"{doing} ({reason})"
    if where is not None and Path(where).name != str(where):
        message += f" at {where}"
    return Problem(message + (f"; {way_out}" if way_out else ""),
                   file=None if where is None else str(where))
