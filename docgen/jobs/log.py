"""`docgen log`: the coaching-log workbook from the records coaches return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, Problem
from docgen.kinds import KINDS

if TYPE_CHECKING:
    pass

# What a records folder is not: the cohort, given in its place by mistake.
SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})


@dataclass
class LogReport:
    output: Path
    files: int
    records: int
    sessions: int
    teams: int
    problems: list[Problem]
    unreadable: int = 0  # files found but not read at all (listed among the problems)


def log(
    folders: list[Path],
    output: Path,
    *,
    today: dt.date | None = None,
    jobs: int | None = None,
    progress: Callable[[int], object] | None = None,
    started: Callable[[int], object] | None = None,
) -> LogReport:
    """Read every record under ``folders`` and write the coaching-log workbook ``output``.

    Records are .docx and .odt files, and .doc and .rtf through LibreOffice.

    Files that cannot be read are listed on the log's Problems sheet, never stop the run, and
    are never modified. The workbook replaces a previous one only once it is complete.
    """
    from docgen.log.logbook import check_output, write_log
    from docgen.log.summary import summarise
    from docgen.records import read_records

    check_output(output)
    wrong = [Problem("does not exist: give the folder the coaches' records are in",
                     file=str(f)) for f in folders if not f.exists()]
    wrong += [Problem("is a spreadsheet, not a folder of records: give the folder the "
                      "coaches' records are in", file=str(f))
              for f in folders if f.is_file() and f.suffix.lower() in SPREADSHEETS]
    if wrong:
        raise DocgenError(wrong)
    records, problems = read_records(folders, jobs, progress, started)
    unreadable = len({p.file for p in problems})  # each such problem is a file not read
    data = summarise(records, problems, today or dt.date.today())
    with_sessions = {k.name for k in KINDS if k.has_sessions}
    contracts = sum(1 for r in records if r.kind in with_sessions or r.sessions)
    del records  # the summary holds what the workbook needs: free the rest before writing
    write_log(data, output)
    return LogReport(output=output, files=data.files, records=contracts,
                     sessions=len(data.sessions), teams=len(data.teams),
                     problems=list(data.problems), unreadable=unreadable)
