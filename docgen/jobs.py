"""One function per command (generate, check, fields, init, log), each returning a report.

No click here: the CLI calls these and prints their reports; tests and scripts call them too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import schema
from docgen.context import DocumentPlan
from docgen.documents.outputs import (
    MANIFEST,
    Manifest,
    convert_to_pdf,
    folder_lock,
    place,
    remove_stale_temporaries,
    soffice,
    unique_names,
)
from docgen.errors import DocgenError, Problem, os_problem
from docgen.kinds import CONTRACT, KINDS, DocumentKind, kind_named
from docgen.models import Outcome
from docgen.parallel import run_parallel
from docgen.records import prefill

if TYPE_CHECKING:
    from docgen.documents.render import CompiledTemplate
    from docgen.models import Cohort

# The heavy modules of each command are imported by that command, so `docgen log` does not
# load Jinja, docxtpl and the cohort reader, nor `docgen generate` the record reader and
# XlsxWriter (~60 ms of start-up each).

def default_templates() -> Path:
    """Return the folder of the templates that ship with docgen (``templates/`` in the repo)."""
    repo = Path(__file__).resolve().parent.parent / "templates"
    if (repo / CONTRACT.template_file).is_file():
        return repo
    return Path(str(resources.files("docgen") / "templates"))  # installed as package data


WORKSPACE_TEMPLATES = "templates"  # the folder `docgen init` puts beside the cohort workbook


def choose_templates(data: Path, given: Path | None) -> tuple[Path, str]:
    """Return the templates folder a run uses, and why (for its summary).

    The folder given wins; else the workspace's own templates, when DATA sits in a workspace
    that `docgen init` made (a ``templates`` folder beside the workbook, or inside a folder of
    CSV files, holding a template); else the templates that ship with docgen. An admin who
    edits the workspace's templates never has them silently passed over.
    """
    if given is not None:
        return given, "given with --templates"
    home = data if data.is_dir() else data.parent
    workspace = home / WORKSPACE_TEMPLATES
    if any((workspace / kind.template_file).is_file() for kind in KINDS):
        return workspace, "the workspace's own, beside the cohort"
    return default_templates(), "docgen's own"


# --- check ----------------------------------------------------------------------------------


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


# --- generate -------------------------------------------------------------------------------


@dataclass
class GenerateReport:
    outdir: Path
    files: list[tuple[str, Outcome]] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)  # documents the system refused
    pdfs: int = 0
    dry_run: bool = False
    templates: str = ""  # the folder used, and why

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(outcome for _rel, outcome in self.files)


def _source_digest(template: CompiledTemplate, plan: DocumentPlan) -> str:
    """Digest what a document is made from, leaving out the date it was made."""
    context = {k: v for k, v in plan.context.items() if k != "generated"}
    blob = json.dumps([template.digest, context, plan.properties], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def load_templates(folder: Path, kinds: Iterable[DocumentKind]
                   ) -> dict[DocumentKind, CompiledTemplate]:
    """Compile the template of each kind from ``folder``, reporting every broken one at once."""
    from docgen.documents.render import compile_template

    compiled: dict[DocumentKind, CompiledTemplate] = {}
    problems: list[Problem] = []
    for kind in kinds:
        path = folder / kind.template_file
        if not path.is_file():
            others = " or ".join(f"--only {k.option}" for k in KINDS if k is not kind)
            problems.append(Problem(
                f"template not found (expected {kind.template_file} in {folder}); to make "
                f"only the other kind of document, add {others}", file=str(path)))
            continue
        try:
            compiled[kind] = compile_template(path)
        except DocgenError as exc:
            problems += exc.problems
    if problems:
        raise DocgenError(problems)
    return compiled


def _check_fields(templates: dict[DocumentKind, CompiledTemplate], cohort: Cohort,
                 today: dt.date) -> None:
    """Refuse a template that uses a field the cohort lacks, before anything is written."""
    problems = []
    for kind, template in templates.items():
        if not kind.count(cohort):
            continue
        sample = kind.plan_row(cohort, 0, today)
        for name in template.missing(sample.context):
            problems.append(Problem(
                f"the template uses the field {{{{ {name} }}}}, which the cohort does not "
                f"provide: add a column for it or correct the template (`docgen fields "
                f"{template.path}` lists what is available)", file=str(template.path)))
    if problems:
        raise DocgenError(problems)


def _maker(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate], *,
           manifest: Manifest, today: dt.date, stamp: str, force: bool, dry_run: bool
           ) -> Callable[[tuple[DocumentKind, int, str]], Future[Outcome | Problem]]:
    """Return the function that renders and places one document (in any worker process)."""
    reread = {kind for kind, template in templates.items()
              if not _prefill_as_merged(kind, template, cohort, today)}

    def make(item: tuple[DocumentKind, int, str]) -> Future[Outcome | Problem]:
        kind, row, rel = item
        plan = kind.plan_row(cohort, row, today)
        template = templates[kind]
        props = {**plan.properties, schema.PROP_TEMPLATE: template.name,
                 schema.PROP_GENERATED: stamp}
        try:
            data = template.render(plan.context, props)
            if kind in reread and (
                    found := prefill.read_back(data)) != props.get(schema.PROP_PREFILLED):
                data = template.render(plan.context, {**props, schema.PROP_PREFILLED: found})
        except DocgenError as exc:
            where = f"(making {rel}, from {kind.sheet.name} row {plan.row})"
            raise DocgenError([replace(p, message=f"{p.message} {where}")
                               for p in exc.problems]) from None
        # Creating the file blocks in the kernel (the GIL is free): a thread of this process
        # does it while the next document renders.
        return _writer().submit(_place, manifest, rel, data, _source_digest(template, plan),
                                force=force, dry_run=dry_run)

    return make


def _prefill_as_merged(kind: DocumentKind, template: CompiledTemplate, cohort: Cohort,
                       today: dt.date) -> bool:
    """Tell whether ``template`` shows the pre-filled values as merged (checked on a sample).

    The record of what docgen pre-filled (``docgen.prefilled``) is made from the merged
    values: cheap, and right when the forms show them as they are. A template that words them
    otherwise ("Friday 3 April 2026") has each document read back instead (about three times
    the cost of rendering it), and the run's notes say so.
    """
    for row in range(kind.count(cohort)):
        plan = kind.plan_row(cohort, row, today)
        expected = plan.properties.get(schema.PROP_PREFILLED)
        if expected is None:
            return True  # a kind that pre-fills nothing
        if not expected:
            continue
        try:
            forms, rows = prefill.read_forms(template.render(plan.context, plan.properties))
        except DocgenError:
            return True  # the template's error is reported when the document is made
        same = prefill.encode(forms, rows) == expected
        if not same:
            template.notes.append(
                "its Record of Coaching forms show the planned sessions' values in other "
                "words than the Sessions sheet's, so each document is read back to record "
                "what it pre-filled (slower)")
        if forms and not any(prefill.HELD_FIELD in f for f in forms):
            template.notes.append(
                "its Record of Coaching forms have no Held field: a coach can confirm a "
                "session docgen pre-filled only by changing one of its values (the template "
                "`docgen init` writes has one, \"Held:\" beside the Date of Next Meeting)")
        return same
    return True


def _place(manifest: Manifest, rel: str, data: bytes, source: str, *, force: bool,
           dry_run: bool) -> Outcome | Problem:
    """Place one document; a file the system refuses to write is a problem, not a crash.

    The other documents go on (each is written whole or not at all), so the report says what
    was written and names what was not, with the way out.
    """
    try:
        return place(manifest, rel, data, source, force=force, dry_run=dry_run)
    except OSError as exc:
        return os_problem(exc, "could not be written", manifest.root / rel)


_WRITERS: dict[int, ThreadPoolExecutor] = {}


def _writer() -> ThreadPoolExecutor:
    """Return this process's file-writing thread (a forked worker makes its own)."""
    pid = os.getpid()
    if pid not in _WRITERS:
        _WRITERS[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-write")
    return _WRITERS[pid]


def generate(
    data: Path,
    outdir: Path,
    *,
    templates: Path | None = None,
    only: str | None = None,
    pdf: bool = False,
    dry_run: bool = False,
    skip_invalid: bool = False,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], object] | None = None,
    started: Callable[[int], object] | None = None,
    warned: Callable[[list[Problem]], object] | None = None,
) -> GenerateReport:
    """Write one contract per team and one agreement per mentoring pair into ``outdir``.

    The whole cohort is validated first: with problems, nothing is written (unless
    ``skip_invalid``, which writes the valid rows and reports the rest). Warnings are given to
    ``warned`` as soon as they are known; ``strict`` makes any warning stop the run, whatever
    ``skip_invalid`` says (the rows warned of are not left out). Documents are made one at a
    time (never all held in memory), in ``jobs`` processes (default: all cores).
    """
    today = today or dt.date.today()
    report = check(data)
    if strict and report.warnings:
        raise DocgenError(report.problems + report.warnings)
    if warned is not None and report.warnings:
        warned(report.warnings)
    if report.fatal or (report.problems and not skip_invalid):
        raise DocgenError(report.problems)
    cohort = report.cohort
    kinds = _kinds(only)
    folder, why = choose_templates(data, templates)
    compiled = load_templates(folder, kinds)
    _check_fields(compiled, cohort, today)
    template_warnings = [Problem(w, file=str(t.path)) for t in compiled.values()
                         for w in t.warnings]
    if strict and template_warnings:
        raise DocgenError(template_warnings)
    if warned is not None and template_warnings:
        warned(template_warnings)

    items: list[tuple[DocumentKind, int, str]] = []
    for kind in kinds:
        names = unique_names([kind.title(row) for row in kind.rows(cohort)], ".docx")
        items += [(kind, i, f"{kind.folder}/{name}") for i, name in enumerate(names)]
    if started:
        started(len(items))
    make = partial(_maker, cohort, compiled, today=today, force=force, dry_run=dry_run)
    outcomes, folder_notes = _make_all(outdir, kinds, items, make, jobs, progress, dry_run)
    result = GenerateReport(outdir=outdir, skipped=report.problems,
                            warnings=report.warnings + template_warnings, dry_run=dry_run,
                            templates=f"{folder} ({why})")
    for (_k, _i, rel), outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, Problem):
            result.failed.append(outcome)
            outcome = Outcome.FAILED
        result.files.append((rel, outcome))
    result.notes = [Problem(n, file=str(t.path)) for t in compiled.values() for n in t.notes]
    result.notes += folder_notes
    if pdf and not dry_run:
        result.pdfs, pdf_notes = _pdfs(outdir, result.files)
        result.notes += pdf_notes
    elif pdf and soffice() is None:
        result.notes.append(Problem("LibreOffice is not installed: no PDF would be made"))
    return result


def _kinds(only: str | None) -> list[DocumentKind]:
    """Return the kinds of document to make: all, or the one ``--only`` names."""
    if not only:
        return list(KINDS)
    chosen = kind_named(only)
    if chosen is None:
        raise DocgenError(Problem(
            f"--only {only}: there is no such kind of document (use one of: "
            f"{', '.join(k.option for k in KINDS)})"))
    return [chosen]


def _make_all(outdir: Path, kinds: list[DocumentKind],
              items: list[tuple[DocumentKind, int, str]],
              maker: Callable[..., Callable[[tuple[DocumentKind, int, str]],
                                            Future[Outcome | Problem]]],
              jobs: int | None, progress: Callable[[int], object] | None,
              dry_run: bool) -> tuple[list[Outcome | Problem], list[Problem]]:
    """Make every document under the output folder's lock.

    Returns what became of each, and notes on the folder's own files (a damaged manifest, a
    manifest that could not be tidied).
    """
    lock = nullcontext() if dry_run else folder_lock(outdir)
    with lock:
        manifest = Manifest.load(outdir)
        notes = list(manifest.notes)
        if not dry_run:
            for kind in kinds:
                remove_stale_temporaries(outdir / kind.folder)
        stamp = dt.datetime.now().replace(microsecond=0).isoformat()
        try:
            outcomes = run_parallel(items, maker(manifest=manifest, stamp=stamp), jobs,
                                    progress)
        finally:
            writer = _WRITERS.pop(os.getpid(), None)
            if writer is not None:  # no idle thread left behind to be copied by a later fork
                writer.shutdown()
            manifest.close()
        if not dry_run:
            try:
                manifest.compact()
            except OSError as exc:  # the journal as it stands is whole: the next run reads it
                notes.append(os_problem(exc, "could not be tidied", outdir / MANIFEST))
    return outcomes, notes


def _pdfs(outdir: Path, files: list[tuple[str, Outcome]]) -> tuple[int, list[Problem]]:
    fresh = {Outcome.WRITTEN, Outcome.UPDATED, Outcome.REPLACED_EDITED}
    todo = [outdir / rel for rel, outcome in files
            if outcome in fresh or (outcome is Outcome.UNCHANGED
                                    and not (outdir / rel).with_suffix(".pdf").exists())]
    if not todo:
        return 0, []
    problems = convert_to_pdf(todo)
    made = sum(1 for f in todo if f.with_suffix(".pdf").exists())
    return made, problems


# --- fields ---------------------------------------------------------------------------------


@dataclass
class FieldsReport:
    template: Path
    kind: str
    fields: list[tuple[str, str | None]]  # (field, where it comes from, or None if nowhere)
    warnings: list[str] = field(default_factory=list)  # e.g. coach fields lost their tags
    notes: list[str] = field(default_factory=list)  # e.g. rendered through docxtpl, and why

    @property
    def missing(self) -> list[str]:
        return [name for name, source in self.fields if source is None]


def fields(template: Path, data: Path | None = None) -> FieldsReport:
    """List every field ``template`` uses and where the cohort provides it (or that it does not).
    """
    from docgen.documents.render import compile_template

    compiled = compile_template(template)
    kind = _kind_of_template(template, compiled.variables)
    extra: frozenset[str] = frozenset()
    if data is not None:
        report = check(data)
        extra = report.cohort.extra_fields
    available = kind.available_fields(extra)
    rows = [(name, available.get(name)) for name in sorted(compiled.variables)]
    return FieldsReport(template, kind.name, rows, list(compiled.warnings), list(compiled.notes))


def _kind_of_template(path: Path, variables: frozenset[str]) -> DocumentKind:
    """Return the kind a template makes: by its file name, else by the sheet it uses most."""
    named = next((k for k in KINDS if k.template_file == path.name), None)
    if named is not None:
        return named
    return max(KINDS, key=lambda k: len(variables & k.sheet.keys))


# --- init -----------------------------------------------------------------------------------


@dataclass
class InitReport:
    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init(folder: Path) -> InitReport:
    """Write a starter workspace: an empty cohort workbook and copies of the templates.

    Existing files are never overwritten; they are reported as kept.
    """
    from docgen.cohort.starter import write_cohort_workbook

    report = InitReport(folder)
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / "cohort.xlsx"
    if workbook.exists():
        report.kept.append(workbook)
    else:
        write_cohort_workbook(workbook)
        report.written.append(workbook)
    source = default_templates()
    # the documents' templates, and the message `docgen mail` sends
    # (docgen.mail.message.TEMPLATE_FILE)
    for name in (*(kind.template_file for kind in KINDS), "coach_email.txt"):
        dest = folder / "templates" / name
        if dest.exists():
            report.kept.append(dest)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, dest)
        report.written.append(dest)
    (folder / "output").mkdir(exist_ok=True)
    return report


# --- log ------------------------------------------------------------------------------------

_SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})


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
              for f in folders if f.is_file() and f.suffix.lower() in _SPREADSHEETS]
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


# --- mail -----------------------------------------------------------------------------------

if TYPE_CHECKING:
    from docgen.mail.drafts import CoachMail, MailReport
    from docgen.mail.smtp import SendReport, SmtpServer


def mail(data: Path, outdir: Path, *, templates: Path | None = None,
         sender: str | None = None, skip_invalid: bool = False) -> MailReport:
    """Write one e-mail draft per coach with an address into ``outdir/mail``; report the rest.

    The cohort is read as ``docgen generate`` reads it (with problems, nothing is written
    unless ``skip_invalid``), and the message template is chosen as generate chooses its
    templates (a folder without ``coach_email.txt`` falls back to docgen's own, with a
    warning). Documents are never made here: one missing is named (run generate first).
    """
    from docgen.documents.render import compile_text
    from docgen.kinds import AGREEMENT
    from docgen.mail.addresses import coaches_of
    from docgen.mail.drafts import MAIL_FOLDER, MailReport, write_drafts
    from docgen.mail.message import TEMPLATE_FILE
    from docgen.mail.sent import read_sent

    checked = check(data)
    if checked.fatal or (checked.problems and not skip_invalid):
        raise DocgenError(checked.problems)
    cohort = checked.cohort
    chosen, why = choose_templates(data, templates)
    path = chosen / TEMPLATE_FILE
    note = ""
    if not path.is_file():
        note = f"{chosen} has no {TEMPLATE_FILE}: docgen's own message is used"
        path = default_templates() / TEMPLATE_FILE
    render = compile_text(path)
    folder = outdir / MAIL_FOLDER
    report = MailReport(outdir=outdir, folder=folder, template=f"{path} ({why})",
                        skipped=list(checked.problems), agreements=AGREEMENT.count(cohort))
    if note:
        report.warnings.append(Problem(note, file=str(path)))
    addressed, report.unaddressed, warnings = coaches_of(cohort)
    report.warnings += warnings
    files = contract_files(cohort, outdir)
    if files and not any(p.is_file() for p in files.values()):
        raise DocgenError(Problem(
            f"no contract is there yet: run `docgen generate {data} -o {outdir}` first",
            file=str(outdir / CONTRACT.folder)))
    sent = read_sent(folder)
    names = unique_names([coach for coach, _address, _teams in addressed], ".eml")
    with folder_lock(folder):
        write_drafts(report, cohort, addressed, names, files, render, sender=sender,
                     sent=sent)
    return report


def contract_files(cohort: Cohort, outdir: Path) -> dict[str, Path]:
    """Return where ``docgen generate`` puts each team's contract, by Team ID.

    Named exactly as generate names them (the same titles, made unique the same way).
    """
    names = unique_names([CONTRACT.title(t) for t in cohort.teams], ".docx")
    return {t.team_id: outdir / CONTRACT.folder / name
            for t, name in zip(cohort.teams, names, strict=True)}


def mail_server(host: str, port: int | None, security: str, user: str | None,
                sender: str | None) -> tuple[SmtpServer, str]:
    """Return the SMTP server to send through (on its security's usual port when ``port`` is
    None) and the address the messages go from (``sender``, else the login if an address)."""
    from docgen.mail.smtp import PORTS, SmtpServer, envelope_sender

    server = SmtpServer(host, port or PORTS[security], security, user)
    return server, envelope_sender(server, sender)


def smtp_password() -> str | None:
    """Return the SMTP password set in the environment (``DOCGEN_SMTP_PASSWORD``), if any."""
    from docgen.mail.smtp import PASSWORD_VARIABLE

    return os.environ.get(PASSWORD_VARIABLE) or None


def send_mail(report: MailReport, server: SmtpServer, password: str | None, *,
              sender: str | None = None, progress: Callable[[CoachMail], object] | None = None,
              now: Callable[[], dt.datetime] | None = None) -> SendReport:
    """Send the drafts of :func:`mail` still to send, one message per coach, each recorded,
    holding the mail folder's lock (see :func:`docgen.mail.smtp.send`)."""
    from docgen.mail.smtp import SendReport, envelope_sender, send

    from_addr = envelope_sender(server, sender)
    if not report.to_send:
        return SendReport()
    with folder_lock(report.folder):
        return send(report, server, password, from_addr=from_addr, sender=sender,
                    progress=progress, now=now)
