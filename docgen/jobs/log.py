"""`docgen log`: the coaching-log workbook from the records coaches return."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, Problem
from docgen.garbage import bulk
from docgen.kinds import KINDS
from docgen.models import TeamStatus
from docgen.values import escaped_name

if TYPE_CHECKING:
    from docgen.models import Cohort, Frame

# What a records folder is not: the cohort, given in its place by mistake.
SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})


@dataclass
class LogReport:
    output: Path
    files: int
    records: int
    sessions: int
    teams: int
    problems: Sequence[Problem]  # a re-run's, kept: read back from a file (docgen.log.spilled)
    unreadable: int = 0  # files found but not read at all (listed among the problems)
    notes: list[str] = field(default_factory=list)  # what the log cannot show, and why
    statuses: dict[str, int] = field(default_factory=dict)  # teams by status, in order
    no_record: list[str] = field(default_factory=list)  # teams issued whose record is missing
    unchanged: bool = False  # the log on disk was kept: written from these same inputs
    pdf: Path | None = None  # the log as a PDF, when asked for and made
    pdf_problems: list[Problem] = field(default_factory=list)  # why the PDF asked for is not


def frame_of(cohort: Cohort) -> Frame:
    """Return what the log expects from a cohort: its teams, pairs and programme numbers.

    A team's pace starts at its first session: the Teams sheet's First session, else its
    first dated session on the Sessions sheet. The programme's start is the earliest of those.
    """
    from docgen.context import team_numbers
    from docgen.models import DEFAULT_COURSE_MONTHS, ExpectedPair, ExpectedTeam, Frame

    teams = []
    for t in cohort.teams:
        planned = [s.date for s in cohort.sessions_of(t.team_id) if s.date is not None]
        own = team_numbers(t, cohort.programme)  # a team's own minimum, as its contract says
        try:
            own_months: int | None = int(str(own["course_months"]))
        except ValueError:
            own_months = None
        teams.append(ExpectedTeam(
            team_id=t.team_id, team_name=t.team_name, organisation=t.organisation,
            coaches=tuple(t.coaches), first_session=t.first_session or min(planned, default=None),
            review_after=t.review_after, contact_email=t.contact_email,
            minimum_hours=float(own["minimum_hours"]),  # type: ignore[arg-type]
            session_hours=float(own["session_hours"]),  # type: ignore[arg-type]
            course_months=own_months if own_months and own_months >= 1 else None))
    firsts = [t.first_session for t in teams if t.first_session is not None]
    programme = cohort.programme
    try:  # validated as a whole number when the cohort was read; blank: the default
        months = int(programme.get("course_months"))
    except ValueError:
        months = DEFAULT_COURSE_MONTHS
    return Frame(
        source=str(cohort.source), cohort=programme.get("cohort"), teams=tuple(teams),
        pairs=tuple(ExpectedPair(p.practitioner, p.mentor, p.practitioner_organisation,
                                 p.mentor_organisation) for p in cohort.pairs),
        start=min(firsts, default=None),
        course_months=months if months >= 1 else DEFAULT_COURSE_MONTHS,
        minimum_hours=programme.minimum_hours, review_after=programme.review_after,
        session_hours=programme.session_hours)


def read_frame(data: Path) -> tuple[Frame, list[Problem]]:
    """Read the cohort at ``data`` (as ``docgen check`` does) and return its frame.

    Its problems (rows left out as invalid) are returned, for the log's Problems sheet: a
    team on an invalid row is not expected, so the log says so rather than miss it silently;
    so are its warnings about the file as a whole (open in Excel, an edited copy beside it).
    Raises :class:`DocgenError` when the cohort cannot be read at all.
    """
    from docgen.jobs.check import check

    report = check(data)
    if report.fatal:
        raise DocgenError(report.fatal)
    left_out = [replace(p, message=f"{p.message} (the log does not expect this row's team "
                        "or pair until it is corrected)") for p in report.problems]
    # what the cohort's file as a whole is (open in Excel, a copy saved after it) says which
    # cohort the log was framed by: kept; its cells' warnings are generate's and check's
    return frame_of(report.cohort), [*left_out, *(w for w in report.warnings if w.sheet is None)]


@bulk()  # the log's rows are held until the workbook is written: see docgen.garbage
def log(
    folders: list[Path],
    output: Path,
    *,
    cohort: Path | None = None,
    today: dt.date | None = None,
    jobs: int | None = None,
    progress: Callable[[int], object] | None = None,
    started: Callable[[int], object] | None = None,
    pdf: bool = False,
    cache: bool = True,
) -> LogReport:
    """Read every record under ``folders`` and write the coaching-log workbook ``output``.

    Records are .docx and .odt files, and .doc and .rtf through LibreOffice.

    Files that cannot be read are listed on the log's Problems sheet, never stop the run, and
    are never modified. The workbook replaces a previous one only once it is complete.

    ``cohort`` (the workbook or CSV folder generate read) is the frame: every team and
    mentoring pair it has is shown, those whose record did not come back among them.
    Without it, a folder ``generate`` wrote into tells, by its manifest, which contracts were
    issued: a team whose contract is gone and whose record was not read is shown as such.

    ``cache``: keep each record's reading beside the log and read again only the files that
    changed (see :mod:`docgen.records.cache`); False reads every record afresh.

    With the cache, a log docgen wrote from exactly these inputs (records as read, problems,
    cohort, manifests, today's date, docgen) and not changed since is kept as it is, with the
    report it was written with (see :mod:`docgen.records.kept_log`); ``unchanged`` says so.

    ``pdf``: also write the workbook as a PDF beside it, through LibreOffice; when that
    cannot be done the workbook still stands and the report's ``pdf_problems`` say why.
    """
    from docgen.atomic import copy_aside
    from docgen.editors import lock_file
    from docgen.filed import heads_of
    from docgen.log.issued import issued_in
    from docgen.log.logbook import check_output, saved_since, write_log
    from docgen.log.summary import summarise
    from docgen.records import read_records
    from docgen.records.cache import RecordCache, cache_path
    from docgen.records.kept_log import (
        Kept,
        inputs_digest,
        kept_report,
        remember,
        written_digest,
    )

    check_output(output)
    wrong = [Problem("does not exist: give the folder the coaches' records are in",
                     file=str(f)) for f in folders if not f.exists()]
    wrong += [Problem("is a spreadsheet, not a folder of records: give the folder the "
                      "coaches' records are in", file=str(f))
              for f in folders if f.is_file() and f.suffix.lower() in SPREADSHEETS]
    if cohort is not None and _same(cohort, output):
        wrong.append(Problem("is the cohort given with --cohort: the log must not replace "
                             "it; give -o another name", file=str(output)))
    if output.is_file() and (lock := lock_file(output)) is not None:
        wrong.append(Problem(
            f'is open in Excel or LibreOffice (its lock file "{lock.name}" is beside it): close '
            "it, then run docgen log again; replaced now, the log would be put back as it was "
            "when the program saves it (if it is not open, delete that lock file)",
            file=str(output)))
    if wrong:
        raise DocgenError(wrong)
    frame, cohort_problems = read_frame(cohort) if cohort is not None else (None, [])
    kept = RecordCache(cache_path(output)) if cache else None
    records, problems = read_records(folders, jobs, progress, started, cache=kept)
    unreadable = len({p.file for p in problems})  # each such problem is a file not read
    issued = issued_in(folders, _manifest_of) if frame is None else None  # generate's manifest
    today = today or dt.date.today()
    source = escaped_name(str(cohort)) if cohort is not None else ""  # as the Summary shows it
    problems = [*cohort_problems, *problems]
    # With the cache, a log written from these same inputs and untouched since is kept.
    inputs = inputs_digest(records, problems, today, frame, issued, source,
                           kept.checks) if kept else ""
    if kept is not None:
        kept.checks.clear()  # counted in the inputs' digest: ~2 MiB at 10,000 records
    last = kept_report(cache_path(output), output, inputs, hold=_held) if inputs else None
    saved_notes: list[str] = []  # a log saved by someone, set aside before it is replaced
    if last is None:
        with_sessions = {k.name for k in KINDS if k.has_sessions}
        contracts = sum(1 for h in heads_of(records) if h.kind in with_sessions or h.sessions)
        data = summarise(records, problems, today, frame, issued, consume=True)
        del records  # the summary holds what the workbook needs: free the rest before writing
        aside = (copy_aside(output, dt.datetime.now()) if output.is_file() and saved_since(
            output, written_digest(cache_path(output), output)) else None)
        write_log(data, output, source=source)
        # XlsxWriter's workbook is garbage held in cycles (~30 MiB at 10,000 records), which
        # bulk() leaves for a collection that may not come before the report is made
        gc.collect()
        counts = [(str(s), sum(t.status == s for t in data.teams)) for s in TeamStatus]
        last = Kept(files=data.files, records=contracts, sessions=len(data.sessions),
                    teams=len(data.teams), problems=data.problems,  # in their file
                    unreadable=unreadable, notes=list(data.notes),
                    statuses={s: n for s, n in counts if n},
                    no_record=[t.team_id for t in data.teams
                               if t.status == TeamStatus.NO_RECORD])
        del data  # its rows are written: freed before the report is kept (its problems as JSON)
        # kept without the cache too (never matching a run's inputs): the next run tells a
        # log saved by someone since from the one written here
        remember(cache_path(output), output, inputs, last)
        if aside is not None:
            saved_notes.append(
                f'{output.name} had been saved since docgen wrote it (opened and saved in Excel '
                "or LibreOffice, perhaps with notes typed into it): it is kept as "
                f'"{aside.name}" beside the new log; copy across anything typed there (docgen '
                "writes the log whole, from the records)")
        unchanged = False
    else:
        unchanged = True
    rows = last.sessions + last.teams + len(last.problems)
    made, pdf_problems = log_pdf(output, PDF_TIMEOUT + PDF_SECONDS_A_ROW * rows) if pdf else (
        None, [])
    return LogReport(output=output, files=last.files, records=last.records,
                     sessions=last.sessions, teams=last.teams, problems=last.problems,
                     unreadable=last.unreadable,
                     notes=[*saved_notes, *(kept.notes if kept else []), *last.notes],
                     statuses=last.statuses, no_record=last.no_record, unchanged=unchanged,
                     pdf=made, pdf_problems=pdf_problems)


# Above this many problems, a kept report's go to a temporary file as they are read (20,000
# at 10,000 records took ~7 MiB); fewer are held as they are, sooner.
MANY_PROBLEMS = 5_000


def _held(problems: Iterable[Problem]) -> Sequence[Problem]:
    """Hold a kept report's problems: in a list, or beyond MANY_PROBLEMS in a temporary file
    (see :mod:`docgen.log.spilled`)."""
    from docgen.log.spilled import Spilled

    problems = iter(problems)
    first = list(itertools.islice(problems, MANY_PROBLEMS))
    if len(first) < MANY_PROBLEMS:
        return first
    return Spilled(itertools.chain(first, problems))


# LibreOffice took 119 s for a log of 1,000 records (616 pages, ~5,000 rows) on a loaded
# machine: the time allowed grows with the log, four times that pace, above a floor.
PDF_TIMEOUT = 300.0  # seconds
PDF_SECONDS_A_ROW = 0.1
NO_LIBREOFFICE = (
    "LibreOffice is not installed, so the log's PDF was not made (the workbook was written): "
    "install it (e.g. `apt-get install libreoffice-calc-nogui`, or from libreoffice.org on "
    "Windows and macOS) and run `docgen log --pdf` again, or print the workbook from Excel")


def log_pdf(workbook: Path, timeout: float = PDF_TIMEOUT) -> tuple[Path | None, list[Problem]]:
    """Write ``workbook`` as a PDF beside it through LibreOffice; return it, or why not.

    The PDF is made in a folder of its own and checked whole before it replaces a previous
    one, so a failed run never leaves half a PDF under the log's name.
    """
    from docgen import libreoffice
    from docgen.atomic import work_folder
    from docgen.documents.outputs import pdf_problem

    target = workbook.with_suffix(".pdf")
    exe = libreoffice.soffice()
    if exe is None:
        return None, [Problem(NO_LIBREOFFICE, file=str(target))]
    try:
        with work_folder("pdf", workbook.parent) as folder:
            run = libreoffice.convert(exe, [workbook], "pdf", Path(folder), timeout)
            made = Path(folder) / target.name
            why = pdf_problem(made)
            if why is None:
                made.replace(target)
                return target, []
    except OSError as exc:
        why = f"LibreOffice could not be run here ({exc.strerror or exc})"
    else:
        if run.timed_out:
            why = f"LibreOffice took longer than {timeout:.0f} s and was stopped"
        elif run.errors:
            why = f"{why}; LibreOffice said: {'; '.join(run.errors)}"
    return None, [Problem(f"no PDF of the log was made: {why} (the workbook was written; "
                          "open it in Excel or LibreOffice to print it, or run `docgen log "
                          "--pdf` again)", file=str(target))]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _manifest_of(folder: Path
                 ) -> tuple[Path, Collection[str], bool, Collection[str]] | None:
    """Return a folder's generate manifest: its path, the files it lists, whether read in
    part, and the documents its last run left behind (made by an earlier run, not by it)."""
    from docgen.documents.outputs import MANIFEST, Manifest

    if not (folder / MANIFEST).is_file():
        return None
    manifest = Manifest.load(folder)
    return folder / MANIFEST, manifest.files, bool(manifest.notes), manifest.left
