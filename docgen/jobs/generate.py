"""`docgen generate`: one document per team and per mentoring pair."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext, suppress
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import __version__, schema, written
from docgen.atomic import atomic_file
from docgen.compact import Indexed, Names
from docgen.context import DocumentPlan, agreement_title
from docgen.documents.outputs import (
    MANIFEST,
    Manifest,
    convert_to_pdf,
    distinct_names,
    folder_lock,
    place,
    remove_stale_temporaries,
    soffice,
    unchanged,
)
from docgen.editors import lock_names
from docgen.errors import DocgenError, Problem, os_problem
from docgen.jobs.check import check
from docgen.jobs.fit import template_fit
from docgen.jobs.templates import choose_templates, load_templates
from docgen.kinds import CONTRACT, KINDS, DocumentKind, kind_named
from docgen.models import Outcome, Pair, Team
from docgen.parallel import Beside, default_jobs, run_parallel, start_beside

if TYPE_CHECKING:
    from tempfile import TemporaryDirectory

    from docgen.documents.merged import PrintFile
    from docgen.documents.packs import PacksReport
    from docgen.documents.render import CompiledTemplate
    from docgen.jobs.check import CheckReport
    from docgen.models import Cohort
    from docgen.ooxml.wordtext import Body

@dataclass
class GenerateReport:
    outdir: Path
    files: Sequence[tuple[str, Outcome]] = field(default_factory=list)  # path, outcome
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)  # documents the system refused
    pdfs: int = 0
    pdf_missing: list[Problem] = field(default_factory=list)  # each PDF asked for and not made
    rendered: int = 0  # documents made afresh; the others were unchanged, not rendered
    dry_run: bool = False
    templates: str = ""  # the folder used, and why
    layout: Layout | None = None  # made when packs or print files are asked for
    packs: PacksReport | None = None  # with coach_packs
    print_files: list[PrintFile] = field(default_factory=list)  # with print_file

    @property
    def counts(self) -> Counter[Outcome]:
        if isinstance(self.files, Files):
            return self.files.counts()
        return Counter(outcome for _rel, outcome in self.files)

    @property
    def incomplete(self) -> bool:
        """Tell whether a coach pack or a print file lacks a document (docgen exits 1)."""
        return bool((self.packs and self.packs.problems)
                    or any(not p.whole for p in self.print_files))


class Documents(Indexed[tuple[DocumentKind, int, str]]):
    """The documents of a run, in order: (kind, its row among the kind's rows, its path
    "folder/name"), each made when asked for from the names held compactly (:class:`Names`).

    As a list of tuples and strings, 50,000 took ~9 MB of the main process for the whole
    run, and the report's list of paths as much again.
    """

    def __init__(self) -> None:
        self._kinds: list[tuple[int, DocumentKind, Names]] = []  # from each kind's first
        self._count = 0
        self.paths: Sequence[str] = _Paths(self)

    def add(self, kind: DocumentKind, names: Names) -> None:
        """Add the documents of ``kind``, one for each of its rows, named ``names``."""
        self._kinds.append((self._count, kind, names))
        self._count += len(names)

    def kinds(self) -> set[DocumentKind]:
        """Return the kinds of which there is a document."""
        return {kind for _first, kind, names in self._kinds if len(names)}

    def __len__(self) -> int:
        return self._count

    def _item(self, index: int) -> tuple[DocumentKind, int, str]:
        first, kind, names = next(k for k in reversed(self._kinds) if k[0] <= index)
        return kind, index - first, f"{kind.folder}/{names[index - first]}"

    def __iter__(self) -> Iterator[tuple[DocumentKind, int, str]]:
        for _first, kind, names in self._kinds:
            for i, name in enumerate(names):
                yield kind, i, f"{kind.folder}/{name}"


class _Paths(Indexed[str]):
    """The paths of a run's :class:`Documents`, in order."""

    def __init__(self, documents: Documents) -> None:
        self._documents = documents

    def __len__(self) -> int:
        return len(self._documents)

    def _item(self, index: int) -> str:
        return self._documents[index][2]

    def __iter__(self) -> Iterator[str]:
        return (rel for _kind, _i, rel in self._documents)


class Files(Indexed[tuple[str, Outcome]]):
    """Each document's path and what became of it, as a report gives them: the paths shared
    with the run's :class:`Documents`, the outcomes one byte each."""

    _OUTCOMES = tuple(Outcome)

    def __init__(self, paths: Sequence[str], outcomes: Iterable[Outcome]) -> None:
        self._paths = paths
        self._outcomes = array("B", map(self._OUTCOMES.index, outcomes))

    def __len__(self) -> int:
        return len(self._outcomes)

    def _item(self, index: int) -> tuple[str, Outcome]:
        return self._paths[index], self._OUTCOMES[self._outcomes[index]]

    def __iter__(self) -> Iterator[tuple[str, Outcome]]:
        """Yield each path and outcome in order, the paths walked as a sequence (a report
        is walked whole several times: counted, printed, remembered)."""
        outcomes = self._OUTCOMES
        for rel, n in zip(self._paths, self._outcomes, strict=True):
            yield rel, outcomes[n]

    def counts(self) -> Counter[Outcome]:
        """Count the outcomes, without making the paths."""
        return Counter({self._OUTCOMES[n]: k for n, k in Counter(self._outcomes).items()})

    def __repr__(self) -> str:
        return repr(list(self))  # as the list it stands for



@dataclass
class Layout:
    """Where the documents go beyond their folders, made from the cohort (and remembered with
    the run, so a re-run that reads no cohort still has it)."""

    print_order: dict[str, list[tuple[str, str]]]  # kind's folder -> (path, bookmark), in order
    coaches: list[tuple[str, list[str]]]  # each coach and their teams' contracts, by path
    contracts: list[str]  # every team's contract, by path


def _source_digest(template: CompiledTemplate, plan: DocumentPlan) -> str:
    """Digest what a document is made from (see :func:`source_digest`)."""
    return source_digest(template.digest, plan)


def source_digest(template_digest: str, plan: DocumentPlan) -> str:
    """Digest what a document is made from: the template (the sha256 of its file), its values
    and properties, and docgen's version (a new docgen may make it otherwise), leaving out the
    date it was made. The manifest records it beside each document written."""
    context = dict(plan.context)  # copied in C, then one key dropped: a third of the time
    context.pop("generated", None)
    blob = _SOURCE_JSON([__version__, template_digest, context, plan.properties])
    return hashlib.sha256(blob.encode()).hexdigest()


# json.dumps(..., sort_keys=True, default=str), its encoder made once, not once a document
_SOURCE_JSON = json.JSONEncoder(sort_keys=True, default=str).encode


@dataclass
class _Settler:
    """Tell, before rendering, whether a document is unchanged: made from the same inputs as
    the file docgen recorded, and that file untouched since (an object, not a closure: it is
    pickled to worker processes that are spawned)."""

    cohort: Cohort
    templates: dict[DocumentKind, CompiledTemplate]
    manifest: Manifest
    today: dt.date

    def __call__(self, item: tuple[DocumentKind, int, str]) -> bool:
        kind, row, rel = item
        if rel not in self.manifest.files:  # new, or the manifest lost it: made, recognised
            return False
        plan = kind.plan_row(self.cohort, row, self.today)
        return unchanged(self.manifest, rel, _source_digest(self.templates[kind], plan))


def _settler(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate], *,
             manifest: Manifest, today: dt.date) -> Callable[[tuple[DocumentKind, int, str]],
                                                              bool]:
    """Return the function telling, before rendering, whether a document is unchanged."""
    return _Settler(cohort, templates, manifest, today)


def _maker(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate], *,
           manifest: Manifest, today: dt.date, stamp: str, force: bool, dry_run: bool,
           needed: set[DocumentKind]) -> Callable[[tuple[DocumentKind, int, str]],
                                                  Outcome | Problem]:
    """Return the function that renders and places one document (in any worker process).

    Only the ``needed`` kinds (those with a document to render) have their template's way of
    showing pre-filled values checked: a re-run that renders nothing renders no sample.
    """
    samples: dict[tuple[DocumentKind, int], bytes] = {}  # each rendered once for both checks
    reread = {kind for kind, template in templates.items() if kind in needed
              and not _prefill_as_merged(kind, template, cohort, today, samples)}
    rewritten = {kind for kind, template in templates.items() if kind in needed
                 and not _written_as_merged(kind, template, cohort, today, samples)}
    return _Maker(cohort, templates, manifest, today, stamp, force, dry_run, reread, rewritten)


@dataclass
class _Maker:
    """Render and place one document, in any worker process (an object, not a closure: it is
    pickled to worker processes that are spawned)."""

    cohort: Cohort
    templates: dict[DocumentKind, CompiledTemplate]
    manifest: Manifest
    today: dt.date
    stamp: str
    force: bool
    dry_run: bool
    reread: set[DocumentKind]  # kinds whose documents are read back for what they pre-fill
    rewritten: set[DocumentKind]  # kinds whose documents are read back for the lines they hold

    def __call__(self, item: tuple[DocumentKind, int, str]) -> Outcome | Problem:
        kind, row, rel = item
        plan = kind.plan_row(self.cohort, row, self.today)
        template = self.templates[kind]
        props = {**plan.properties, schema.PROP_TEMPLATE: template.name,
                 schema.PROP_GENERATED: self.stamp}
        try:
            # what it says (a contract: before its forms), so that what is typed on it is
            # known (docgen.written)
            lines = None if kind in self.rewritten else _written(kind, template,
                                                                 plan.context)
            if lines is not None:
                props[schema.PROP_WRITTEN] = lines
            data = template.render(plan.context, props)
            again = {}
            if kind in self.reread and (
                    found := _read_back(data)) != props.get(schema.PROP_PREFILLED):
                again[schema.PROP_PREFILLED] = found
            if lines is None:
                again[schema.PROP_WRITTEN] = _written_back(data, kind.has_sessions)
            if again:
                data = template.render(plan.context, {**props, **again})
        except DocgenError as exc:
            where = f"(making {rel}, from {kind.sheet.name} row {plan.row})"
            raise DocgenError([replace(p, message=f"{p.message} {where}")
                               for p in exc.problems]) from None
        # Written here, at once: a thread writing while the next document rendered gained
        # nothing (synchronous writing measured 2-8% faster).
        return _place(self.manifest, rel, data, _source_digest(template, plan),
                      force=self.force, dry_run=self.dry_run)


def _read_back(data: bytes) -> str:
    """Return what a rendered document pre-fills, read back from its forms."""
    from docgen.records import prefill

    return prefill.read_back(data)


def _written_back(data: bytes, contract: bool) -> str:
    """Return the lines a rendered document holds (``docgen.written``), read back: of a
    ``contract``, its own text before the forms."""
    from docgen.records import prefill

    return prefill.written_back(data, contract)


def _written(kind: DocumentKind, template: CompiledTemplate, context: Mapping[str, object]
             ) -> str | None:
    """Return ``docgen.written`` made from ``template``'s text: its lines (a contract's
    before its forms, and the header row of its COACHING RECORD table apart); None when they
    cannot be made so."""
    lines = template.written_lines(context)
    if lines is None or not kind.has_sessions:
        return None if lines is None else written.encode(lines)
    headers = template.picked_lines(context, _header_units)
    if headers is None:
        return None
    from docgen.records.extras import contract_text

    return written.encode(contract_text(lines), headers)


def _header_units(body: Body) -> list[int]:
    """Return the units of a body's COACHING RECORD header rows, as the log finds them."""
    from docgen.records.forms import table_rows

    rows: list[list[int]] = []
    table_rows(body, headers=rows)
    return [i for row in rows for i in row]


def _sample(kind: DocumentKind, template: CompiledTemplate, cohort: Cohort, today: dt.date,
            row: int, samples: dict[tuple[DocumentKind, int], bytes]) -> bytes:
    """Return the document of ``row`` rendered as a sample, once for every check of it."""
    if (kind, row) not in samples:
        plan = kind.plan_row(cohort, row, today)
        samples[kind, row] = template.render(plan.context, plan.properties)
    return samples[kind, row]


def _written_as_merged(kind: DocumentKind, template: CompiledTemplate, cohort: Cohort,
                       today: dt.date, samples: dict[tuple[DocumentKind, int], bytes]) -> bool:
    """Tell whether ``template``'s documents hold the lines made from its text and values.

    Checked on one document (one already rendered as a sample, else the first), read back: a
    template whose text Jinja cannot render as text, or that words its text otherwise once
    rendered, has each document read back (about three times the cost of rendering it), and
    the run's notes say so.
    """
    if not kind.count(cohort):
        return True
    row = next((r for k, r in samples if k is kind), 0)
    plan = kind.plan_row(cohort, row, today)
    lines = _written(kind, template, plan.context)
    try:
        same = lines is not None and lines == _written_back(
            _sample(kind, template, cohort, today, row, samples), kind.has_sessions)
    except DocgenError:
        return True  # the template's error is reported when the document is made
    if not same:
        template.notes.append(
            "what its documents say is read back from each, to know what is typed on them "
            "later (slower)")
    return same


def _prefill_as_merged(kind: DocumentKind, template: CompiledTemplate, cohort: Cohort,
                       today: dt.date, samples: dict[tuple[DocumentKind, int], bytes]) -> bool:
    """Tell whether ``template`` shows the pre-filled values as merged (checked on a sample).

    The record of what docgen pre-filled (``docgen.prefilled``) is made from the merged
    values: cheap, and right when the forms show them as they are. A template that words them
    otherwise ("Friday 3 April 2026") has each document read back instead (about three times
    the cost of rendering it), and the run's notes say so.
    """
    from docgen.records import prefill  # read back: a run that renders, not a re-run

    for row in range(kind.count(cohort)):
        plan = kind.plan_row(cohort, row, today)
        expected = plan.properties.get(schema.PROP_PREFILLED)
        if expected is None:
            return True  # a kind that pre-fills nothing
        if not expected:
            continue
        try:
            forms, rows = prefill.read_forms(_sample(kind, template, cohort, today, row,
                                                     samples))
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


def generate(
    data: Path,
    outdir: Path,
    *,
    templates: Path | None = None,
    only: str | None = None,
    pdf: bool = False,
    coach_packs: bool = False,
    print_file: bool = False,
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

    A re-run costs what changed: a document whose inputs (its values, template and docgen's
    version) and file are as the manifest recorded them is not rendered; when nothing at all
    changed since the last complete run (cohort files, templates, options, every document and
    the manifest), the cohort is not even read, and that run's report is given again.

    ``coach_packs`` also lays out each coach's contracts in a folder and a zip of their own
    (:mod:`docgen.documents.packs`); ``print_file`` (which implies ``pdf``) merges each kind's
    PDFs into one print file (:mod:`docgen.documents.merged`).
    """
    today = today or dt.date.today()
    pdf = pdf or print_file
    inputs = _inputs_digest(data, templates, only, skip_invalid=skip_invalid, strict=strict)
    result = _unchanged_run(outdir, inputs, jobs, dry_run) if inputs else None
    if result is not None and (coach_packs or print_file) and result.layout is None:
        result = None  # the last run laid out no pack or print file: the cohort is read
    if result is not None:  # the workbook, templates and documents are as the last run left them
        if started:
            started(len(result.files))
        if progress:
            progress(len(result.files))
        if warned is not None and result.warnings:
            warned(result.warnings)
    else:
        result = _generate(data, outdir, templates=templates, only=only, dry_run=dry_run,
                           skip_invalid=skip_invalid, strict=strict, force=force, jobs=jobs,
                           today=today, progress=progress, started=started, warned=warned,
                           inputs=inputs, layout=coach_packs or print_file)
    if pdf and not dry_run:
        result.pdfs, result.pdf_missing = _pdfs(outdir, result.files, jobs)
    elif pdf and soffice() is None:
        result.notes.append(Problem("LibreOffice is not installed: no PDF would be made"))
    _copies(outdir, result, coach_packs=coach_packs, print_file=print_file, pdf=pdf,
            dry_run=dry_run)
    return result


def _generate(data: Path, outdir: Path, *, templates: Path | None, only: str | None,
              dry_run: bool, skip_invalid: bool, strict: bool, force: bool, jobs: int | None,
              today: dt.date, progress: Callable[[int], object] | None,
              started: Callable[[int], object] | None,
              warned: Callable[[list[Problem]], object] | None,
              inputs: str | None, layout: bool = False) -> GenerateReport:
    """Read the cohort and make each document whose inputs or file changed (see generate)."""
    # The cohort is read in a second process while the templates compile in this one (about
    # 0.1 s each at 1,000 teams); the cohort's problems are still reported first.
    options = [only] if only else [k.option for k in KINDS]
    beside, rows = (_read_beside(data, options) if (jobs or default_jobs()) > 1
                    else (None, None))
    named: dict[str, Names] = {}  # each kind's documents' names, made beside
    made: tuple[list[DocumentKind], Path, str, dict[DocumentKind, CompiledTemplate]] | None
    made, refused = None, None
    if beside is None:
        report = check(data)
    else:
        try:
            try:
                made = _templates(data, templates, only)
                _prepare(made[3])
            except DocgenError as exc:
                refused = exc
            except BaseException:
                beside.stop()
                raise
            report, named = beside.result()
        finally:
            assert rows is not None
            rows.cleanup()  # the rows' files stay readable, opened as the report was loaded
    if strict and report.warnings:
        raise DocgenError(report.problems + report.warnings)
    if warned is not None and report.warnings:
        warned(report.warnings)
    if report.fatal or (report.problems and not skip_invalid):
        raise DocgenError(report.problems)
    if refused is not None:
        raise refused
    cohort = report.cohort
    kinds, folder, why, compiled = made or _templates(data, templates, only)
    lacking, template_warnings = template_fit(cohort, compiled, folder, report.warnings, today)
    if lacking:
        raise DocgenError(lacking)
    if strict and template_warnings:
        raise DocgenError(template_warnings)
    if warned is not None and template_warnings:
        warned(template_warnings)

    items = Documents()
    for kind in kinds:
        found = named.get(kind.option)
        items.add(kind, _names(kind, cohort) if found is None else found)
    if started:
        started(len(items))
    make = partial(_maker, cohort, compiled, today=today, force=force, dry_run=dry_run)
    settle = partial(_settler, cohort, compiled, today=today)
    result = GenerateReport(outdir=outdir, skipped=report.problems,
                            warnings=report.warnings + template_warnings, dry_run=dry_run,
                            templates=f"{folder} ({why})",
                            layout=_layout(cohort, kinds, items) if layout else None)

    def finish(outcomes: list[Outcome | Problem], folder_notes: list[Problem],
               left: list[str]) -> None:
        """Complete the report (and, under the folder's lock, remember the run, unless an
        earlier run's document it does not make is still there: each run names it)."""
        for n, outcome in enumerate(outcomes):
            if isinstance(outcome, Problem):
                result.failed.append(outcome)
                outcomes[n] = Outcome.FAILED
        result.files = Files(items.paths, outcomes)  # type: ignore[arg-type]
        result.notes = [Problem(n, file=str(t.path)) for t in compiled.values()
                        for n in t.notes]
        if inputs and not dry_run and not folder_notes and not left:
            _remember_run(outdir, inputs, result)
        result.notes += folder_notes
        why = ("its team or pair was removed from the cohort, renamed or given another Team "
               "ID" + (", or its row is skipped as invalid" if result.skipped else ""))
        result.notes += [Problem(
            f"made by an earlier docgen generate; the cohort ({data.name}) no longer makes it "
            f"({why}): left as it is, and still read by docgen log as a record, which names "
            "it as no longer the cohort's. If a coach is filling it in, have them move what "
            "they typed into the current document; if nobody is, move it out of the folder",
            file=rel) for rel in left]

    result.rendered = _make_all(outdir, kinds, items, make, settle, jobs, progress, dry_run,
                                finish)
    return result


def _read_beside(data: Path, options: list[str]
                 ) -> tuple[Beside[tuple[CheckReport, dict[str, Names]]] | None,
                                      TemporaryDirectory[str] | None]:
    """Start reading the cohort in a process beside this one; return it and the folder its
    rows are handed over in (see :func:`docgen.cohort.packed.hand_over`), to remove once the
    report is loaded. (None, None) where no process can be started beside."""
    from docgen.atomic import work_folder

    try:
        folder = work_folder("rows")
    except OSError:  # no temporary folder: the rows are pickled with the report
        folder = None
    beside = start_beside(_check_handing_over, data, folder.name if folder else None,
                          options)
    if beside is None and folder is not None:
        folder.cleanup()
        folder = None
    return beside, folder


def _check_handing_over(data: Path, folder: str | None, options: list[str]
                        ) -> tuple[CheckReport, dict[str, Names]]:
    """Check the cohort (in the process beside), its rows spilled into ``folder``, handed
    over by name: written once, never pickled, held by neither process (at 50,000 teams
    ~28 MB that each process held). Also name the documents of each kind of ``options``
    (``--only``'s words) that the cohort makes: ~10 ms at 1,000 documents that the main
    process, busy compiling the templates meanwhile, then need not spend before the first
    document (the names are one buffer each: :class:`docgen.compact.Names`)."""
    from docgen.cohort import packed

    packed.hand_over(folder)
    report = check(data)
    named: dict[str, Names] = {}
    if not report.fatal:
        for option in options:
            if (kind := kind_named(option)) is not None:
                named[option] = _names(kind, report.cohort)
    return report, named


def _names(kind: DocumentKind, cohort: Cohort) -> Names:
    """Return the names of the documents of ``kind`` the cohort makes, in its rows' order."""
    return distinct_names(map(kind.title, kind.rows(cohort)), ".docx")


def _prepare(compiled: Mapping[DocumentKind, CompiledTemplate]) -> None:
    """Do, while the cohort is read in the process beside, what needs no values: each
    template's text of lines and margins made, and the reader the sample checks (and any
    document read back) use imported and its patterns compiled, by reading the template
    itself as the log reads a record. About 0.05-0.1 s at any cohort size, which otherwise
    waits before the first document."""
    from docgen.records import prefill

    for template in compiled.values():
        template.prepare()
        with suppress(OSError):
            prefill.read_forms(template.path.read_bytes())


def _templates(data: Path, templates: Path | None, only: str | None
               ) -> tuple[list[DocumentKind], Path, str, dict[DocumentKind, CompiledTemplate]]:
    """Return the kinds of document to make, the templates folder, why it was chosen, and
    each kind's compiled template."""
    kinds = _kinds(only)
    folder, why = choose_templates(data, templates)
    return kinds, folder, why, load_templates(folder, kinds)


LAST_RUN = ".docgen-lastrun.json"  # what the last complete run was made from, and reported
_WHOLE = {Outcome.WRITTEN, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.REPLACED_EDITED}


def _inputs_digest(data: Path, templates: Path | None, only: str | None, *,
                   skip_invalid: bool, strict: bool) -> str | None:
    """Digest everything a run is made from: every file of the cohort (the workbook, or each
    file of its folder), each template it would use, its options and docgen's version.

    Hashing them costs milliseconds; reading the cohort costs about a second at 10,000 teams.
    None when a file cannot be read (the run then reads everything and says what is wrong).
    """
    if only and kind_named(only) is None:
        return None
    kinds = _kinds(only)
    folder, why = choose_templates(data, templates)
    digest = hashlib.sha256(json.dumps(
        [__version__, [k.option for k in kinds], skip_invalid, strict, str(folder), why]
    ).encode())
    try:
        files = sorted(p for p in data.iterdir() if p.is_file()) if data.is_dir() else [data]
        for path in [*files, *(folder / kind.template_file for kind in kinds)]:
            with open(path, "rb") as fh:  # the name as bytes: it may not be UTF-8 (Linux)
                digest.update(os.fsencode(path) + b"\0")
                digest.update(hashlib.file_digest(fh, "sha256").digest())
    except OSError:
        return None
    return digest.hexdigest()


def _unchanged_run(outdir: Path, inputs: str, jobs: int | None,
                   dry_run: bool) -> GenerateReport | None:
    """Return the report of a run that has nothing to do, without reading the cohort: the
    last run made every document from these very inputs, and each file is still the one it
    wrote (hashed, never judged by size or time) and not open, and the manifest is byte for
    byte as that run left it. None otherwise, for a full run.
    """
    if not (outdir / LAST_RUN).is_file():
        return None
    with nullcontext() if dry_run else folder_lock(outdir):
        try:
            saved = json.loads((outdir / LAST_RUN).read_bytes())
            # the manifest as that run left it: no run (of any docgen) has written here since
            if saved["inputs"] != inputs or saved["manifest"] != _manifest_hash(outdir):
                return None
            manifest = Manifest.load(outdir)
            rels = [str(rel) for rel in saved["files"]]
            if manifest.notes or not _all_as_written(manifest, rels, jobs):
                return None
            if not dry_run:  # what killed runs left goes, as on every run
                for folder in {Path(rel).parent for rel in rels}:
                    remove_stale_temporaries(outdir / folder)
            again = {key: [Problem(**p) for p in saved[key]]
                     for key in ("skipped", "warnings", "notes")}
            layout = Layout(**saved["layout"]) if saved.get("layout") else None
            return GenerateReport(outdir=outdir, files=[(r, Outcome.UNCHANGED) for r in rels],
                                  dry_run=dry_run, templates=str(saved["templates"]),
                                  layout=layout, **again)
        except (OSError, ValueError, KeyError, TypeError, DocgenError):
            return None  # unreadable or not docgen's: the full run decides


def _all_as_written(manifest: Manifest, rels: list[str], jobs: int | None) -> bool:
    """Tell whether each file at ``rels`` ("folder/name", as docgen names documents) is the
    last one docgen recorded there, and none is open in Word or LibreOffice (each folder is
    listed once to see their lock files)."""
    listed: dict[str, frozenset[str]] = {}
    for rel in rels:
        folder, _slash, name = rel.partition("/")
        if not (_plain(folder) and _plain(name)):  # never a path that leaves the folder
            return False
        names = listed.get(folder)
        if names is None:
            names = listed[folder] = frozenset(os.listdir(manifest.root / folder))
        if not names.isdisjoint(lock_names(name)):
            return False
    # hashing costs ~20 us a file: worker processes pay for their start on large folders only
    return all(run_parallel(rels, partial(_as_written, manifest, os.fspath(manifest.root)),
                            jobs if len(rels) >= 4000 else 1, item_ms=0.02))


def _plain(name: str) -> bool:
    """Tell whether ``name`` is one plain file or folder name (no separator, not . or ..)."""
    return name not in ("", ".", "..") and not any(c in name for c in "/\\\0")


def _as_written(manifest: Manifest, root: str, rel: str) -> bool:
    """Tell whether the file at ``rel`` is the last one docgen recorded there."""
    hashes = manifest.files.get(rel, ((), None))[0]
    if not hashes:
        return False
    try:
        with open(os.path.join(root, rel), "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest() == hashes[-1]
    except FileNotFoundError:
        return False


def _manifest_hash(outdir: Path) -> str | None:
    """Return the SHA-256 of the folder's manifest, read a piece at a time: ~12 MB at 50,000
    documents, otherwise held whole at the end of the run, its highest point."""
    try:
        with open(outdir / MANIFEST, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def _remember_run(outdir: Path, inputs: str, result: GenerateReport) -> None:
    """Remember, for the next run, that every document of ``result`` is made from ``inputs``
    (only when each is: a document kept because edited or open, or not written, is not)."""
    if result.failed or any(outcome not in _WHOLE for outcome in result.counts):
        return
    saved = {"inputs": inputs, "manifest": _manifest_hash(outdir),
             "templates": result.templates,
             "layout": asdict(result.layout) if result.layout else None,
             **{key: [asdict(p) for p in getattr(result, key)]
                for key in ("skipped", "warnings", "notes")}}
    # only a shortcut is lost when it cannot be written: the next run reads everything
    with suppress(OSError), atomic_file(outdir / LAST_RUN) as fh:
        # streamed, the files' paths one at a time: ~3 MB at 50,000, and the list of them
        # ~5 MB more; escaped, as a folder's name may not be UTF-8 (Linux)
        text = io.TextIOWrapper(fh, "utf-8")
        text.write('{"files": [')
        for n, (rel, _outcome) in enumerate(result.files):
            text.write(f", {json.dumps(rel)}" if n else json.dumps(rel))
        chunks = json.JSONEncoder().iterencode(saved)  # "{...}": its "{" written above
        text.write("], " + next(chunks)[1:])
        for chunk in chunks:
            text.write(chunk)
        text.detach()  # flushed; the file itself is atomic_file's to close


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


def _make_all(outdir: Path, kinds: list[DocumentKind], items: Documents,
              maker: Callable[..., Callable[[tuple[DocumentKind, int, str]],
                                            Outcome | Problem]],
              settler: Callable[..., Callable[[tuple[DocumentKind, int, str]], bool]],
              jobs: int | None, progress: Callable[[int], object] | None,
              dry_run: bool,
              finish: Callable[[list[Outcome | Problem], list[Problem], list[str]], None]
              ) -> int:
    """Make every document under the output folder's lock.

    First each document's inputs and file are checked against the manifest (cheap, before
    any rendering); only the others are rendered. ``finish`` is given, still under the lock,
    what became of each, notes on the folder's own files (a damaged manifest, a manifest
    that could not be tidied) and the documents an earlier run made that this one does not
    make and that are still there (:func:`_left_behind`). Returns how many documents were
    rendered.
    """
    lock = nullcontext() if dry_run else folder_lock(outdir)
    with lock:
        manifest = Manifest.load(outdir)
        notes = list(manifest.notes)
        if not dry_run:
            (outdir / LAST_RUN).unlink(missing_ok=True)  # remembered again if all goes well
            for kind in kinds:
                remove_stale_temporaries(outdir / kind.folder)
        stamp = dt.datetime.now().replace(microsecond=0).isoformat()
        try:
            # Only a document the manifest lists can be unchanged: a fresh folder starts no
            # workers for this step.
            known = [n for n, (_k, _i, rel) in enumerate(items) if rel in manifest.files
                     ] if manifest.files else []
            settled = [False] * len(items)
            for n, done in zip(known, run_parallel([items[n] for n in known],
                                                   settler(manifest=manifest), jobs,
                                                   item_ms=0.2), strict=True):
                settled[n] = done
            todo: Sequence[tuple[DocumentKind, int, str]] = items  # a fresh folder: all
            if any(settled):
                todo = [item for item, done in zip(items, settled, strict=True) if not done]
            if progress and len(todo) < len(items):
                progress(len(items) - len(todo))
            needed = items.kinds() if todo is items else {k for k, _i, _r in todo}
            make = maker(manifest=manifest, stamp=stamp, needed=needed)
            made = iter(run_parallel(todo, make, jobs, progress))
            outcomes = [Outcome.UNCHANGED if done else next(made) for done in settled]
        finally:
            manifest.close()
        # A folder docgen had not written into before holds a journal of one line a
        # document, all written now: compact as it stands (rewriting it took ~20 ms at
        # 1,000 documents). Else entries replaced, or of files gone, are dropped.
        fresh = not (manifest.files or manifest.notes) and all(
            not isinstance(o, Problem) for o in outcomes)
        if not dry_run and not fresh:
            try:
                manifest.compact()
            except OSError as exc:  # the journal as it stands is whole: the next run reads it
                notes.append(os_problem(exc, "could not be tidied", outdir / MANIFEST))
        left = _left_behind(outdir, manifest, kinds, items)
        if not dry_run and (left or manifest.left):
            try:  # said in the journal, for the log: it is read without the cohort
                manifest.mark_left(left)
            except OSError as exc:
                notes.append(os_problem(exc, "could not be written to", outdir / MANIFEST))
            finally:
                manifest.close()
        finish(outcomes, notes, left)
    return len(todo)


def _left_behind(outdir: Path, manifest: Manifest, kinds: list[DocumentKind],
                 items: Documents) -> list[str]:
    """Return the documents of ``kinds`` an earlier run wrote (the manifest lists them) that
    this run does not make, still in the folder: a team or pair since removed from the cohort,
    renamed, or given another Team ID. They are left as they are (a coach may be filling one
    in), and named, since `docgen log` still reads each as a record."""
    folders = {kind.folder for kind in kinds}
    earlier = [rel for rel in manifest.files
               if rel.partition("/")[0] in folders and rel.lower().endswith(".docx")]
    if not earlier:  # a fresh folder: the run's paths are not gathered
        return []
    made = {rel.casefold() for rel in items.paths}
    return sorted(rel for rel in earlier
                  if rel.casefold() not in made and (outdir / rel).is_file())


def _pdfs(outdir: Path, files: list[tuple[str, Outcome]],
          jobs: int | None) -> tuple[int, list[Problem]]:
    """Make the PDF of each document written now or still without one, in up to ``jobs``
    LibreOffice processes; return how many were made and each one that was not."""
    fresh = {Outcome.WRITTEN, Outcome.UPDATED, Outcome.REPLACED_EDITED}
    todo = [outdir / rel for rel, outcome in files
            if outcome in fresh or (outcome is Outcome.UNCHANGED
                                    and not (outdir / rel).with_suffix(".pdf").exists())]
    if not todo:
        return 0, []
    done = convert_to_pdf(todo, jobs=jobs or default_jobs())
    return done.made, done.missing


def _layout(cohort: Cohort, kinds: list[DocumentKind],
            items: Documents) -> Layout:
    """Return where the documents go beyond their folders: each kind's print order with a
    bookmark per document (contracts in Team ID order, agreements in the sheet's), and each
    coach's contracts, grouped as ``docgen mail`` groups them (every coach of a team)."""
    from docgen.jobs.mail import contract_files
    from docgen.mail.addresses import coaches_of

    order: dict[str, list[tuple[str, str]]] = {}
    for kind in kinds:
        rows = list(kind.rows(cohort))  # unpacked once
        entries = [(_id_order(rows[i]) if kind is CONTRACT else (), rel, _bookmark(rows[i]))
                   for k, i, rel in items if k is kind]
        if kind is CONTRACT:
            entries.sort(key=lambda e: e[0])
        order[kind.folder] = [(rel, title) for _key, rel, title in entries]
    contracts = {team_id: f"{CONTRACT.folder}/{path.name}"
                 for team_id, path in contract_files(cohort, Path()).items()}
    addressed, unaddressed, _warnings = coaches_of(cohort)
    groups = [(coach, teams) for coach, _address, teams in addressed]
    groups += [(u.coach, u.teams) for u in unaddressed]
    coaches = [(coach, list(dict.fromkeys(contracts[t.team_id] for t in teams)))
               for coach, teams in sorted(groups, key=lambda g: g[0].casefold())]
    return Layout(order, coaches, list(contracts.values()))


def _id_order(team: object) -> tuple[tuple[int, int | str], ...]:
    """Return a Team ID's place in Team ID order: numbers by value ("T2" before "T10")."""
    parts = re.split(r"(\d+)", getattr(team, "team_id", ""))
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts if p)


def _bookmark(row: object) -> str:
    """Return a document's bookmark in a print file: "T1 · Ward 7 Falls", or the pair's names."""
    if isinstance(row, Team):
        name = " ".join(row.team_name.split())
        return f"{row.team_id} · {name}" if name else row.team_id
    if isinstance(row, Pair):
        return agreement_title(row)
    return str(row)


def _copies(outdir: Path, result: GenerateReport, *, coach_packs: bool, print_file: bool,
            pdf: bool, dry_run: bool) -> None:
    """Write the print files and the coach packs asked for, holding the folder's lock."""
    if not (coach_packs or print_file):
        return
    if dry_run:
        result.notes.append(Problem("a dry run writes no coach pack and no print file"))
        return
    assert result.layout is not None  # made for them (see generate)
    with folder_lock(outdir):
        if print_file:
            from docgen.documents.merged import write_print_file  # pypdf: only when asked

            result.print_files = [
                write_print_file(outdir, f"{folder}.pdf", entries, what=folder)
                for folder, entries in result.layout.print_order.items()]
        if coach_packs:
            from docgen.documents.packs import write_packs  # copies and zips: only when asked

            result.packs = write_packs(outdir, result.layout.coaches,
                                       result.layout.contracts, pdf=pdf)
