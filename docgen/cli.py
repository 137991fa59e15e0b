"""The command line: parse options, show progress, turn problems into messages and exit codes.

Exit codes follow click's contract: 0 done, 1 a problem with the input or the work, 2 a usage
error. Everything else lives in :mod:`docgen.jobs`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from docgen import __version__, jobs
from docgen.errors import DocgenError, Problem, os_problem
from docgen.kinds import KINDS
from docgen.models import Outcome


def _fail(problems: list[Problem]) -> None:
    count = len(problems)
    click.echo(f"Error: {count} problem{'s' if count != 1 else ''} found:" if count > 1
               else f"Error: {problems[0]}", err=True)
    if count > 1:
        for p in problems:
            click.echo(f"  {p}", err=True)
    sys.exit(1)


def _warn(warnings: list[Problem]) -> None:
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except DocgenError as exc:
        _fail(exc.problems)
    except OSError as exc:  # a file the system refused where no step expected it: still a message
        _fail([os_problem(exc, "could not be used")])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """Make QI coaching contracts and mentor agreements from a cohort workbook, and rebuild
    the coaching log from the records coaches fill in."""


DATA = click.argument("data", type=click.Path(exists=True, path_type=Path))
JOBS = click.option("-j", "--jobs", "jobs_", type=click.IntRange(min=1),
                    help="Worker processes (default: the number of cores).")
STRICT = click.option("--strict", is_flag=True,
                      help="Treat every warning as a problem (exit code 1).")


@contextmanager
def _progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """Yield ``started(total)`` and ``progress(n)`` callbacks driving a progress bar.

    The bar appears only on long runs (more than 50 items) and only on a terminal.
    """
    bar = None

    def started(total: int) -> None:
        nonlocal bar
        if total > 50 and sys.stderr.isatty():
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        yield started, progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@main.command()
@DATA
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder to write into.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help=f"Folder with your own {' / '.join(k.template_file for k in KINDS)}.")
@click.option("--only", type=click.Choice([k.option for k in KINDS]),
              help="Make only one kind of document.")
@click.option("--pdf", is_flag=True, help="Also write a PDF of each document (LibreOffice).")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Generate the valid rows and report the invalid ones.")
@STRICT
@click.option("--force", is_flag=True,
              help="Replace documents edited since docgen wrote them (edited copy kept).")
@JOBS
def generate(data: Path, outdir: Path, templates: Path | None, only: str | None, pdf: bool,
             dry_run: bool, skip_invalid: bool, strict: bool, force: bool,
             jobs_: int | None) -> None:
    """Write one contract per team and one agreement per mentoring pair.

    DATA is the cohort workbook (.xlsx, .xlsm, .xls, .ods) or a folder of CSV files.
    """
    with _errors(), _progress("Writing documents") as (started, progress):
        report = jobs.generate(
            data, outdir, templates=templates, only=only, pdf=pdf, dry_run=dry_run,
            skip_invalid=skip_invalid, strict=strict, force=force, jobs=jobs_,
            started=started, progress=progress, warned=_warn,
        )
    click.echo(f"Templates: {report.templates}")
    for problem in report.skipped:
        click.echo(f"Skipped: {problem}", err=True)
    for rel, outcome in report.files:
        if outcome in (Outcome.KEPT_EDITED, Outcome.KEPT_OPEN, Outcome.REPLACED_EDITED):
            click.echo(f"{outcome.capitalize()}: {rel}")
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    _report_failures(report.failed)
    c = report.counts
    verb = "would be" if dry_run else ""
    parts = [
        f"{c[Outcome.WRITTEN] + c[Outcome.UPDATED] + c[Outcome.REPLACED_EDITED]} {verb} written",
        f"{c[Outcome.UNCHANGED]} unchanged",
        f"{c[Outcome.KEPT_EDITED]} kept because edited",
    ]
    if c[Outcome.KEPT_OPEN]:
        parts.append(f"{c[Outcome.KEPT_OPEN]} kept because open")
    if c[Outcome.FAILED]:
        parts.append(f"{c[Outcome.FAILED]} could not be written")
    skipped = len(report.skipped)
    parts.append(f"{skipped} row{'' if skipped == 1 else 's'} skipped")
    summary = ", ".join(" ".join(p.split()) for p in parts)
    click.echo(f"{'Dry run: ' if dry_run else ''}{summary} in {outdir}")
    if report.pdfs:
        click.echo(f"{report.pdfs} PDF files written beside the documents")
    if c[Outcome.KEPT_EDITED]:
        click.echo("Edited documents were not overwritten; use --force to replace them "
                   "(the edited copy is kept as a dated backup).")
    if report.failed:
        sys.exit(1)


def _report_failures(failed: list[Problem], shown: int = 5) -> None:
    """Print the documents that could not be written: all of them, unless one cause (a full
    disk) refused many, then the first few and how many more."""
    for problem in failed[:shown]:
        click.echo(f"Could not write: {problem}", err=True)
    if len(failed) > shown:
        click.echo(f"Could not write: {len(failed) - shown} more documents (the same way "
                   "out applies; documents already written are complete)", err=True)


@main.command()
@DATA
@STRICT
def check(data: Path, strict: bool) -> None:
    """Validate the cohort workbook and report every problem and warning; write nothing."""
    with _errors():
        report = jobs.check(data, strict=strict)
    _warn(report.warnings)
    if report.problems:
        _fail(report.problems)
    c = report.cohort
    n = len(report.warnings)
    ok = f"OK, with {n} warning{'s' if n != 1 else ''}" if n else "OK"
    click.echo(f"{ok}: {len(c.teams)} teams, {len(c.sessions)} sessions, "
               f"{len(c.pairs)} mentoring pairs")


@main.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", type=click.Path(exists=True, path_type=Path),
              help="A cohort, so that its extra columns count as available fields.")
def fields(template: Path, data: Path | None) -> None:
    """List every field TEMPLATE uses and where the cohort provides it."""
    with _errors():
        report = jobs.fields(template, data)
    width = max((len(n) for n, _ in report.fields), default=5)
    for name, source in report.fields:
        click.echo(f"{name:<{width}}  {source or 'NOT PROVIDED by the cohort'}")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.missing:
        _fail([Problem(f"the template uses {', '.join(report.missing)}, which the cohort does "
                       "not provide", file=str(template))])


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Write a starter workspace: an empty cohort workbook and the templates to edit."""
    with _errors():
        report = jobs.init(folder)
    for path in report.written:
        click.echo(f"Wrote {path}")
    for path in report.kept:
        click.echo(f"Kept {path} (already there)")
    click.echo(f"Next: fill in {folder / 'cohort.xlsx'}, then "
               f"`docgen check {folder / 'cohort.xlsx'}` and "
               f"`docgen generate {folder / 'cohort.xlsx'} -o {folder / 'output'}`.")
    click.echo(f"The templates in {folder / 'templates'} are yours to reword: generate uses "
               "them for a cohort in this folder.")


@main.command()
@click.argument("folders", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("output") / "coaching_log.xlsx", show_default=True,
              help="The workbook to write.")
@JOBS
def log(folders: tuple[Path, ...], output: Path, jobs_: int | None) -> None:
    """Rebuild the coaching-log workbook from every .docx record under FOLDERS."""
    with _errors(), _progress("Reading records") as (started, progress):
        report = jobs.log(list(folders), output, jobs=jobs_, started=started,
                          progress=progress)
    unread = f", {report.unreadable} unreadable" if report.unreadable else ""
    click.echo(f"Read {report.records} coaching records ({report.files} files{unread}): "
               f"{report.sessions} sessions of {report.teams} teams, "
               f"{len(report.problems)} problems")
    if not report.files and not report.unreadable:
        click.echo(f"No .docx files were found under {', '.join(map(str, folders))}.")
    for problem in report.problems[:10]:
        click.echo(f"  {problem}")
    if len(report.problems) > 10:
        click.echo(f"  … and {len(report.problems) - 10} more on the Problems sheet")
    click.echo(f"Wrote {report.output}")
