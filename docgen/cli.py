"""The command line: parse options, show progress, turn problems into messages and exit codes.

Exit codes follow click's contract: 0 done, 1 a problem with the input or the work, 2 a usage
error. Everything else lives in :mod:`docgen.jobs`.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import click

from docgen import __version__, jobs
from docgen.errors import DocgenError, Problem, os_problem
from docgen.kinds import KINDS
from docgen.models import Outcome
from docgen.values import escaped_name


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


def _count(n: int, word: str) -> str:
    """Return "1 team", "2 teams": a count and its noun, in the plural unless one."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Program(click.Group):
    """docgen's group of commands, which ends the process at once after a command that asked
    for it (:func:`_exit_when_done`), when run as the program itself."""

    def main(self, args: Sequence[str] | None = None, *more: Any, **options: Any) -> Any:
        try:
            return super().main(args, *more, **options)
        except SystemExit as exc:
            if _EXIT_WHEN_DONE and args is None and isinstance(exc.code, int | None) and (
                    getattr(sys.modules.get("__main__"), "main", None) is self):
                _exit_now(exc.code or 0)
            raise


_EXIT_WHEN_DONE = False


def _exit_when_done() -> None:
    """Let the program end at once when this command returns (see :func:`_exit_now`)."""
    global _EXIT_WHEN_DONE
    _EXIT_WHEN_DONE = True


def _exit_now(code: int) -> None:
    """End the process with ``code``, its output flushed, without tearing the interpreter
    down: freeing every module, template and cohort row one by one took ~30-45 ms of
    processor time after `docgen generate` had written and said everything (its files are
    closed and its temporary folders removed by then; the system frees the rest at once).
    Only for docgen run as a program (``docgen``, ``python -m docgen``), never a caller's
    process: a test's or a script's that calls the command line with its own arguments."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a closed or broken pipe: the code still stands
            stream.flush()
    os._exit(code)


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """Make QI coaching contracts and mentor agreements from a cohort workbook, and rebuild
    the coaching log from the records coaches fill in."""
    for stream in (sys.stdout, sys.stderr):
        _print_any_name(stream)


def _print_any_name(stream: object) -> None:
    """Let ``stream`` print any text: a character its encoding cannot hold is escaped.

    A file named on an older system (on Linux, bytes that are not UTF-8) is text Python
    cannot encode, and so is "Łukasz" written to a file on Windows (its code page): printing
    the report would stop the command at its very end. Such a byte is shown as ``\\xe9``,
    any other such character as ``\\u0141``.
    """
    if getattr(stream, "errors", None) != "strict":
        return  # a terminal or setting that already copes
    with suppress(AttributeError, ValueError, OSError):
        stream.reconfigure(errors=_ESCAPED)  # type: ignore[attr-defined]


def _escaped(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = escaped_name(exc.object[exc.start:exc.end])  # a name's odd byte: \\xe9
    return text.encode("ascii", "backslashreplace").decode("ascii"), exc.end


_ESCAPED = "docgen-escaped"
codecs.register_error(_ESCAPED, _escaped)


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
@click.option("--coach-packs", is_flag=True,
              help="Also put each coach's contracts (and PDFs, with --pdf) in a folder and a "
              "zip of their own, under OUTDIR/coaches.")
@click.option("--print-file", is_flag=True,
              help="Also merge each kind's PDFs into one file to print (OUTDIR/contracts.pdf, "
              "OUTDIR/agreements.pdf), in Team ID order, a bookmark each; implies --pdf.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Generate the valid rows and report the invalid ones.")
@STRICT
@click.option("--force", is_flag=True,
              help="Replace documents edited since docgen wrote them (edited copy kept).")
@JOBS
def generate(data: Path, outdir: Path, templates: Path | None, only: str | None, pdf: bool,
             coach_packs: bool, print_file: bool, dry_run: bool, skip_invalid: bool,
             strict: bool, force: bool, jobs_: int | None) -> None:
    """Write one contract per team and one agreement per mentoring pair.

    DATA is the cohort workbook (.xlsx, .xlsm, .xls, .ods) or a folder of CSV files.
    """
    with _errors(), _progress("Writing documents") as (started, progress):
        report = jobs.generate(
            data, outdir, templates=templates, only=only, pdf=pdf, coach_packs=coach_packs,
            print_file=print_file, dry_run=dry_run,
            skip_invalid=skip_invalid, strict=strict, force=force, jobs=jobs_,
            started=started, progress=progress, warned=_warn,
        )
    click.echo(f"Templates: {report.templates}")
    for problem in report.skipped:
        click.echo(f"Skipped: {problem}", err=True)
    for rel, outcome in report.files:
        if outcome in (Outcome.KEPT_EDITED, Outcome.KEPT_EDITED_OUTDATED, Outcome.KEPT_OPEN,
                       Outcome.REPLACED_EDITED):
            click.echo(f"{outcome.capitalize()}: {rel}")
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    _report_failures(report.failed)
    c = report.counts
    verb = "would be" if dry_run else ""
    parts = [
        f"{c[Outcome.WRITTEN] + c[Outcome.UPDATED] + c[Outcome.REPLACED_EDITED]} {verb} written",
        f"{c[Outcome.UNCHANGED]} unchanged",
        f"{c[Outcome.KEPT_EDITED] + c[Outcome.KEPT_EDITED_OUTDATED]} kept because edited"
        + (f" ({c[Outcome.KEPT_EDITED_OUTDATED]} without what changed since)"
           if c[Outcome.KEPT_EDITED_OUTDATED] else ""),
    ]
    if c[Outcome.KEPT_OPEN]:
        parts.append(f"{c[Outcome.KEPT_OPEN]} kept because open")
    if c[Outcome.FAILED]:
        parts.append(f"{c[Outcome.FAILED]} could not be written")
    skipped = len(report.skipped)
    parts.append(f"{skipped} row{'' if skipped == 1 else 's'} skipped")
    summary = ", ".join(" ".join(p.split()) for p in parts)
    click.echo(f"{'Dry run: ' if dry_run else ''}{summary} in {outdir}")
    if report.pdfs or report.pdf_missing:
        _report_pdfs(report.pdfs, report.pdf_missing)
    _report_copies(report)
    if c[Outcome.KEPT_EDITED] or c[Outcome.KEPT_EDITED_OUTDATED]:
        click.echo("Edited documents were not overwritten; use --force to replace them "
                   "(the edited copy is kept as a dated backup).")
    if c[Outcome.KEPT_EDITED_OUTDATED]:
        click.echo("A document kept \"without what changed since\" was made from other values "
                   "(or another template or docgen) than the cohort's now: a session, coach, "
                   "name or number changed since is not in it. --force writes them in, keeping "
                   "the edited copy beside it (docgen log reads both).")
    _exit_when_done()
    if report.failed or report.pdf_missing or report.incomplete:
        sys.exit(1)


def _report_copies(report: jobs.GenerateReport) -> None:
    """Say where the print files and coach packs are, and name what any of them lacks."""
    for pf in report.print_files:
        for problem in [*pf.notes, *pf.kept, *pf.missing, *pf.problems]:
            click.echo(f"Print file: {problem}", err=True)
        if pf.documents or pf.missing:
            lacks = f", lacking {len(pf.missing)} (named above)" if pf.missing else ""
            docs = f"{pf.documents} document{'' if pf.documents == 1 else 's'}"
            click.echo(f"Print file {pf.path}: {docs}, {pf.pages} pages, a bookmark "
                       f"each{lacks}{'' if pf.written else ' (unchanged)'}")
    packs = report.packs
    if packs is None:
        return
    for problem in [*packs.notes, *packs.kept, *packs.problems]:
        click.echo(f"Coach pack: {problem}", err=True)
    n = len(packs.packs)
    line = (f"Coach packs: {n} coach{'' if n == 1 else 'es'} in {packs.folder} (a folder and "
            f"a zip each; {packs.written} files written, {packs.unchanged} unchanged")
    if packs.removed:
        line += f", {len(packs.removed)} removed"
    click.echo(line + ")")


def _report_pdfs(made: int, missing: list[Problem]) -> None:
    """Say how many PDFs were made and name each one that was not (then docgen exits 1)."""
    files = [p for p in missing if p.file]
    line = f"{made} PDF file{'' if made == 1 else 's'} written beside the documents"
    click.echo(f"{line}; {len(files)} not made" if files else line)
    for problem in missing:
        click.echo(f"PDF missing: {problem}", err=True)


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
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check against your own templates, as generate --templates uses them.")
@click.option("--only", type=click.Choice([k.option for k in KINDS]),
              help="Check against one kind of document's template only.")
@STRICT
def check(data: Path, templates: Path | None, only: str | None, strict: bool) -> None:
    """Validate the cohort workbook, and it against the templates generate would use; report
    every problem and warning; write nothing."""
    with _errors():
        report = jobs.check(data, strict=strict, templates=templates or True, only=only)
    if report.templates:
        click.echo(f"Templates: {report.templates}")
    _warn(report.warnings)
    if report.problems:
        _fail(report.problems)
    c = report.cohort
    n = len(report.warnings)
    ok = f"OK, with {n} warning{'s' if n != 1 else ''}" if n else "OK"
    click.echo(f"{ok}: {_count(len(c.teams), 'team')}, {_count(len(c.sessions), 'session')}, "
               f"{_count(len(c.pairs), 'mentoring pair')}")


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
    if report.offered:
        click.echo("Dates and times a template can also use as values, to format them:")
        wide = max(len(n) for n, _ in report.offered)
        for name, source in report.offered:
            click.echo(f"{name:<{wide}}  {source}")
    if report.unshown:
        click.echo("Columns of the cohort this template does not use (their values are in no "
                   "document):")
        wide = max(len(n) for n, _ in report.unshown)
        for name, source in report.unshown:
            click.echo(f"{name:<{wide}}  {source}")
    for warning in report.warnings:
        click.echo(f"Warning: {report.template.name}: {warning}", err=True)
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


def _records_folders(_ctx: click.Context, _param: click.Parameter,
                     value: tuple[Path, ...]) -> tuple[Path, ...]:
    """Refuse a spreadsheet given where a folder of records belongs (a usage error)."""
    for path in value:
        if path.is_file() and path.suffix.lower() in jobs.SPREADSHEETS:
            raise click.BadParameter(
                f"{path} is a spreadsheet, not a folder of records: give the folder the "
                "coaches' records are in")
    return value


@main.command()
@click.argument("folders", nargs=-1, required=True, callback=_records_folders,
                type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("output") / "coaching_log.xlsx", show_default=True,
              help="The workbook to write.")
@click.option("--cohort", "cohort", type=click.Path(exists=True, path_type=Path),
              metavar="DATA", help="The cohort workbook (or CSV folder) the documents were "
              "generated from: every team and mentoring pair is then listed, those with no "
              "record returned among them.")
@click.option("--no-cache", is_flag=True, help="Read every record afresh, not only those "
              "changed since the last run (their readings are kept beside the log).")
@click.option("--pdf", is_flag=True, help="Also write the log as a PDF beside it "
              "(LibreOffice): the Summary on one A4 page, every sheet readable.")
@JOBS
def log(folders: tuple[Path, ...], output: Path, cohort: Path | None, no_cache: bool,
        pdf: bool, jobs_: int | None) -> None:
    """Rebuild the coaching-log workbook from every record under FOLDERS.

    Records are .docx and .odt files, and .doc and .rtf through LibreOffice."""
    with _errors(), _progress("Reading records") as (started, progress):
        report = jobs.log(list(folders), output, cohort=cohort, jobs=jobs_, started=started,
                          progress=progress, cache=not no_cache, pdf=pdf)
    unread = f", {report.unreadable} unreadable" if report.unreadable else ""
    click.echo(f"Read {_count(report.records, 'coaching record')} "
               f"({_count(report.files, 'file')}{unread}): "
               f"{_count(report.sessions, 'session')} of {_count(report.teams, 'team')}, "
               f"{_count(len(report.problems), 'problem')}")
    if not report.files and not report.unreadable:
        click.echo(f"No records were found under {', '.join(map(str, folders))}.")
    if report.statuses:
        click.echo("Teams: " + ", ".join(f"{n} {s}" for s, n in report.statuses.items()))
    if report.no_record:
        click.echo(f"No record returned: {', '.join(report.no_record)}")
    for note in report.notes:
        click.echo(f"Note: {note}")
    for problem in report.problems[:10]:
        click.echo(f"  {problem}")
    if len(report.problems) > 10:
        click.echo(f"  … and {len(report.problems) - 10} more on the Problems sheet")
    if report.unchanged:
        click.echo(f"Kept {report.output}: docgen wrote it from these same records and day, "
                   "and it has not been changed since (--no-cache writes it again)")
    else:
        click.echo(f"Wrote {report.output}")
    if report.pdf:
        click.echo(f"Wrote {report.pdf}")
    if report.pdf_problems:
        _fail(report.pdf_problems)


# --- mail -----------------------------------------------------------------------------------

@main.command()
@DATA
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True,
              help="The folder generate wrote into; drafts go to its mail folder.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with your own coach_email.txt.")
@click.option("--from", "sender", metavar="ADDRESS",
              help="Your address, as the messages' sender (default: the SMTP user).")
@click.option("--skip-invalid", is_flag=True,
              help="Mail the coaches of the valid rows and report the invalid ones.")
@click.option("--smtp-host", metavar="HOST", help="Send the drafts through this mail server.")
@click.option("--smtp-port", type=click.IntRange(1, 65535),
              help="Its port (default: 587 with STARTTLS, 465 with SSL, 25 with --no-tls).")
@click.option("--starttls", "security", flag_value="starttls", default=True,
              help="Secure the connection with STARTTLS (the default).")
@click.option("--ssl", "security", flag_value="ssl", help="Connect over SSL/TLS from the start.")
@click.option("--no-tls", "security", flag_value="none",
              help="No encryption (only for a relay on this computer or a trusted network).")
@click.option("--smtp-user", metavar="USER",
              help="Log in as USER; the password comes from DOCGEN_SMTP_PASSWORD or is asked.")
@click.option("-y", "--yes", is_flag=True, help="Send without asking for confirmation.")
def mail(data: Path, outdir: Path, templates: Path | None, sender: str | None,
         skip_invalid: bool, smtp_host: str | None, smtp_port: int | None, security: str,
         smtp_user: str | None, yes: bool) -> None:
    """Write an e-mail draft for each coach with their documents; with --smtp-host, send them.

    Run `docgen generate` first: the drafts attach the documents found in OUTDIR.
    """
    with _errors():
        report = jobs.mail(data, outdir, templates=templates, sender=sender,
                           skip_invalid=skip_invalid)
    _warn(report.warnings)
    for problem in report.skipped:
        click.echo(f"Skipped: {problem}", err=True)
    _mail_summary(report)
    if smtp_host is None:
        if report.mails:
            click.echo("Open a draft in Outlook to send it as it is, or give --smtp-host to "
                       "send them all.")
        return
    todo = report.to_send
    if report.already_sent:
        n = len(report.already_sent)
        click.echo(f"{n} already sent as they are now: not sent again.")
    if report.incomplete:
        n = len(report.incomplete)
        click.echo(f"{n} held back: some of their documents are missing or out of date.")
    if not todo:
        click.echo("Nothing to send.")
        sys.exit(1 if report.incomplete else 0)
    with _errors():
        server, from_addr = jobs.mail_server(smtp_host, smtp_port, security, smtp_user, sender)
    via = f"{server.host}:{server.port}" + (f" as {smtp_user}" if smtp_user else "")
    click.echo(f"To send: {len(todo)} message{'s' if len(todo) != 1 else ''} from {from_addr} "
               f"through {via}.")
    if security == "none" and smtp_user:
        click.echo("Warning: with --no-tls the password and the messages cross the network "
                   "unencrypted.", err=True)
    if not yes:
        click.confirm("Send them now?", abort=True)
    password = None
    if smtp_user:
        password = jobs.smtp_password() or click.prompt(
            f"Password for {smtp_user} on {smtp_host}", hide_input=True, err=True)

    def sent(m: jobs.CoachMail) -> None:
        click.echo(f"Sent to {m.coach} <{m.address}>")

    with _errors():
        result = jobs.send_mail(report, server, password, sender=sender, progress=sent)
    for m, reason in result.refused:
        click.echo(f"Refused: {m.coach} <{m.address}>: {reason}", err=True)
    for m, reason in result.not_sent:
        click.echo(f"Not sent: {m.coach} <{m.address}>: {reason}", err=True)
    click.echo(f"{len(result.sent)} sent, {len(result.refused)} refused, "
               f"{len(result.not_sent)} not sent; recorded in "
               f"{report.sent_record}")
    if result.refused or result.not_sent:
        click.echo("Correct what was refused and run the same command again: only the "
                   "messages not yet sent go.")
        sys.exit(1)


def _mail_summary(report: jobs.MailReport) -> None:
    """Print who gets which documents, who gets none and why, and what is missing."""
    click.echo(f"Message: {report.template}")
    drafts = [m for m in report.mails if m.draft is not None]
    click.echo(f"{len(drafts)} draft{'s' if len(drafts) != 1 else ''} in {report.folder}:")
    for m in drafts:
        files = ", ".join(p.name for p in m.attachments)
        state = ""
        if not m.complete:
            state = " [incomplete: held back from sending]"
        elif m.sent_before:
            state = f" [sent {m.sent_before}: not sent again]"
        elif m.changed_since:
            state = f" [changed since sent {m.changed_since}: sent again]"
        click.echo(f"  {m.coach} <{m.address}>: {files}{state}")
    bare = [m for m in report.mails if m.draft is None]
    if bare:
        n = len(bare)
        click.echo(f"{n} coach{'es' if n != 1 else ''} with an address but no draft (none of "
                   "their contracts can be attached, see why below):")
        for m in bare:
            click.echo(f"  {m.coach} <{m.address}> ({', '.join(t.team_id for t in m.teams)})")
    for m in report.mails:
        for path in m.missing:
            click.echo(f"Missing: {path} (for {m.coach}): run `docgen generate` first",
                       err=True)
        for path in m.stale_pdfs:
            click.echo(f"Not attached: {path} is older than its document: run `docgen "
                       "generate --pdf` to remake it", err=True)
        for path, why in m.held:
            click.echo(f"Not attached: {path} (for {m.coach}): {why}", err=True)
        for path, why in m.noted:
            click.echo(f"Attached as it is: {path} (for {m.coach}): {why}", err=True)
    if report.unaddressed:
        n = len(report.unaddressed)
        click.echo(f"{n} coach{'es' if n != 1 else ''} without an e-mail address (no draft):")
        for u in report.unaddressed:
            teams = ", ".join(t.team_id for t in u.teams)
            click.echo(f"  {u.coach} ({teams}): {u.reason}")
    if report.agreements:
        n = report.agreements
        click.echo(f"{n} mentor agreement{'s are' if n != 1 else ' is'} not e-mailed "
                   "(mentoring pairs have no coach and no address): give "
                   f"{'them' if n != 1 else 'it'} to the pairs yourself:")
        for path in report.agreement_files:
            click.echo(f"  {path}")
    for path in report.removed:
        click.echo(f"Removed {path} (an earlier draft; its coach gets none now)")
