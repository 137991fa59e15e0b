"""Coach packs: each coach's contracts (and their PDFs) in a folder of their own, and a zip.

``OUTDIR/coaches/<coach>/`` holds a copy of the contract of each of the coach's teams (a team
with two coaches is in both packs) and, when PDFs are asked for, each one's PDF;
``OUTDIR/coaches/<coach>.zip`` holds the same files, byte for byte. Copies, not links: a zip
reader, a memory stick, a mail attachment and Windows all see plain files, and copying costs
little beside making the documents. Folder names are made as document names are (valid on
Windows, macOS and Linux, distinct ignoring case); a coach whose name leaves nothing usable is
named, with the folder given instead.

A re-run makes each pack what the documents are now: a copy whose document changed is
replaced, and the packs of coaches no longer listed are removed. Only files docgen recorded
writing (:mod:`docgen.copies`), still as it wrote them, are replaced or removed: a file in
the way that docgen did not write, or that was changed since, is kept under a dated name
and named; one open in Word or LibreOffice is left as it is and named. The same record lets
``docgen log`` pass over the copies quietly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import time
import zipfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from docgen import schema
from docgen.atomic import atomic_write
from docgen.copies import Copies, file_digest, is_own_copy, read_copies, record_copy, write_copies
from docgen.documents.outputs import (
    remove_stale_temporaries,
    safe_name,
    unique_names,
)
from docgen.editors import lock_file
from docgen.errors import Problem, os_problem

PACKS_FOLDER = "coaches"  # under the output folder

# (coach as the Teams sheet names them, the contracts of their teams: "contracts/<name>.docx")
CoachContracts = tuple[str, Sequence[str]]


@dataclass
class PacksReport:
    """What became of the packs: where they are, what was copied, and what is wrong."""

    folder: Path  # OUTDIR/coaches
    packs: list[tuple[str, Path]] = field(default_factory=list)  # coach, their folder
    documents: int = 0  # contracts in the packs (a team with two coaches counts twice)
    written: int = 0  # files (and zips) written now
    unchanged: int = 0  # files (and zips) already as they should be
    removed: list[Path] = field(default_factory=list)  # docgen's copies no longer wanted
    kept: list[Problem] = field(default_factory=list)  # files in the way, kept under a new name
    notes: list[Problem] = field(default_factory=list)  # teams in no pack, names changed
    problems: list[Problem] = field(default_factory=list)  # what a pack lacks (exit 1)


@dataclass
class _Run:
    root: Path
    old: Copies
    stamp: str
    report: PacksReport
    new: Copies = field(default_factory=dict)


def write_packs(outdir: Path, coaches: Sequence[CoachContracts], contracts: Sequence[str], *,
                pdf: bool, now: dt.datetime | None = None) -> PacksReport:
    """Lay out one pack per coach under ``outdir/coaches`` (see the module's docstring).

    ``coaches`` gives each coach's contracts as paths under ``outdir``; ``contracts`` every
    contract of the cohort (one in no coach's pack is named). With ``pdf``, each contract's
    PDF goes in too. Call it holding the output folder's lock.
    """
    root = outdir / PACKS_FOLDER
    report = PacksReport(root)
    _clear_killed_runs(root)
    run = _Run(root, read_copies(root), (now or dt.datetime.now()).strftime("%Y-%m-%d %H%M"),
               report)
    packed = {rel for _coach, rels in coaches for rel in rels}
    for rel in contracts:
        if rel not in packed:
            report.notes.append(Problem(
                "is the contract of a team with no coach on the Teams sheet, so it is in no "
                "coach's pack: add the coach to the team's row to have it packed",
                file=str(outdir / rel)))
    names = unique_names(_folder_titles([c for c, _rels in coaches], report.notes), "")
    for (coach, rels), name in zip(coaches, names, strict=True):
        report.packs.append((coach, root / name))
        _pack(run, outdir, coach, name, list(dict.fromkeys(rels)), pdf)
    _remove_stale(run)
    try:
        write_copies(root, run.new)
    except OSError as exc:
        report.problems.append(os_problem(exc, "could not be written (the next run makes "
                                          "the packs again)", root))
    return report


def _clear_killed_runs(root: Path) -> None:
    """Remove the temporary files a killed run left in the packs (docgen's folder alone)."""
    with suppress(OSError):
        for folder in [root, *(p for p in root.iterdir() if p.is_dir())]:
            remove_stale_temporaries(folder)


def _folder_titles(coaches: list[str], notes: list[Problem]) -> list[str]:
    """Return the title each coach's folder is named from: their name, or, when nothing of
    it can name a folder, "Coach n (no usable name)", named in ``notes``."""
    titles = []
    unusable = 0
    for coach in coaches:
        if safe_name(coach, fallback=""):
            titles.append(coach)
            continue
        unusable += 1
        title = f"Coach {unusable} (no usable name)"
        titles.append(title)
        notes.append(Problem(
            f'the coach "{coach}" has no letters a folder can be named with, so their pack is '
            f'"{title}": write the name in letters on the Teams sheet',
            sheet=schema.TEAMS.name, column="Coach"))
    return titles


def _pack(run: _Run, outdir: Path, coach: str, name: str, rels: list[str], pdf: bool) -> None:
    """Copy one coach's documents into their folder and write their zip."""
    report = run.report
    members: list[tuple[str, bytes, float]] = []
    lacks: list[str] = []
    for rel in rels:
        docx = outdir / rel
        report.documents += 1
        if pdf and (older := older_pdf(docx)) is not None and older not in report.notes:
            report.notes.append(older)
        for source in [docx, docx.with_suffix(".pdf")] if pdf else [docx]:
            try:
                data = source.read_bytes()
                mtime = source.stat().st_mtime
            except FileNotFoundError:
                lacks.append(f"{source.name} (not made)")
                continue
            except OSError as exc:
                lacks.append(f"{source.name} ({exc.strerror or 'cannot be read'})")
                continue
            if _put(run, f"{name}/{source.name}", data):
                members.append((source.name, data, mtime))
            else:
                lacks.append(f"{source.name} (not copied, see above)")
    if lacks:
        report.problems.append(Problem(
            f"the pack of {coach} lacks {len(lacks)} file{'' if len(lacks) == 1 else 's'}: "
            f"{'; '.join(lacks)} (run docgen generate again once they are there)",
            file=str(run.root / name)))
    if members:
        _put_zip(run, f"{name}.zip", members)


def _put_zip(run: _Run, rel: str, members: list[tuple[str, bytes, float]]) -> None:
    """Put a coach's zip, built only when its members changed since docgen last wrote it
    (building is most of a pack's cost: deflating every file again)."""
    source = hashlib.sha256(json.dumps(
        [(name, hashlib.sha256(data).hexdigest(), mtime) for name, data, mtime in members]
    ).encode()).hexdigest()
    hashes, recorded = run.old.get(rel, ((), ""))
    if recorded == source and hashes and file_digest(run.root / rel) == hashes[-1]:
        run.new[rel] = ((hashes[-1],), source)
        run.report.unchanged += 1
        return
    _put(run, rel, _zip(members), source)


def older_pdf(docx: Path) -> Problem | None:
    """Name the PDF beside ``docx`` when it is older than the document (the document was
    changed since the PDF was made, e.g. edited by a coach and so kept as it is)."""
    pdf = docx.with_suffix(".pdf")
    try:
        if pdf.stat().st_mtime >= docx.stat().st_mtime:
            return None
    except OSError:
        return None
    return Problem("is older than its document, which was changed since (an edited document "
                   "is kept as it is, and its PDF not made again): it is used as it is; "
                   "delete it and run docgen generate --pdf again to make it from the "
                   "document as it is now", file=str(pdf))


def _zip(members: list[tuple[str, bytes, float]]) -> bytes:
    """Return a zip of ``members`` (name, bytes, modified time) at its top level.

    The same files give the same bytes (each member dated by its file), so an unchanged pack
    is never rewritten.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, mtime in members:
            stamp = max(time.localtime(mtime)[:6], (1980, 1, 1, 0, 0, 0))
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def put_copy(root: Path, rel: str, data: bytes, old: Copies, new: Copies, *, stamp: str,
             kept: list[Problem], source: str = "") -> tuple[bool | None, Problem | None]:
    """Write ``data`` at ``rel`` under ``root`` as docgen's copy, guarding what is there.

    Returns (True: written; False: already those bytes; None: not written, with the problem).
    A file there that docgen did not record writing (or changed since) is first kept under a
    dated name (said in ``kept``); one open in Word or LibreOffice is not touched. ``new``
    gets the entry of what is now there.
    """
    digest = hashlib.sha256(data).hexdigest()
    dest = root / rel
    try:
        current = file_digest(dest)
        if current == digest:
            new[rel] = ((digest,), source)
            return False, None
        if current is not None:
            ours = current in old.get(rel, ((), ""))[0]
            if lock_file(dest) is not None:
                if ours:
                    new[rel] = ((current,), old[rel][1])
                return None, Problem("is open in Word or LibreOffice, so it was not updated: "
                                     "close it and run docgen generate again", file=str(dest))
            if not ours:
                aside = _aside(dest, stamp)
                os.replace(dest, aside)
                kept.append(Problem(
                    f"was changed since docgen put it there (or is not docgen's): kept as "
                    f"{aside.name}, and the current document put in its place", file=str(dest)))
        record_copy(root, rel, digest, source)
        atomic_write(dest, data)
    except OSError as exc:
        return None, os_problem(exc, "could not be written", dest)
    new[rel] = ((digest,), source)
    return True, None


def _put(run: _Run, rel: str, data: bytes, source: str = "") -> bool:
    """Put one file of a pack; False when it is not there as it should be (named)."""
    report = run.report
    written, problem = put_copy(run.root, rel, data, run.old, run.new, stamp=run.stamp,
                                kept=report.kept, source=source)
    if problem is not None:
        report.problems.append(problem)
        return False
    if written:
        report.written += 1
    else:
        report.unchanged += 1
    return True


def _aside(path: Path, stamp: str) -> Path:
    """Return a free name beside ``path`` to keep a file in the way: "x (edited <stamp>).docx"."""
    aside = path.with_name(f"{path.stem} (edited {stamp}){path.suffix}")
    n = 2
    while aside.exists():
        aside = path.with_name(f"{path.stem} (edited {stamp} {n}){path.suffix}")
        n += 1
    return aside


def _remove_stale(run: _Run) -> None:
    """Remove docgen's copies no longer in any pack (a coach no longer listed, a team gone),
    each only if it still holds what docgen wrote, then the folders left empty."""
    folders = set()
    for rel, (hashes, source) in run.old.items():
        if rel in run.new:
            continue
        path = run.root / rel
        if is_own_copy(path, hashes):
            try:
                if lock_file(path) is not None:
                    run.new[rel] = (hashes, source)
                    run.report.problems.append(Problem(
                        "is open in Word or LibreOffice, so this old copy was not removed: "
                        "close it and run docgen generate again", file=str(path)))
                    continue
                path.unlink()
            except OSError as exc:
                run.new[rel] = (hashes, source)
                run.report.problems.append(os_problem(exc, "could not be removed", path))
                continue
            run.report.removed.append(path)
        elif path.exists():
            run.report.kept.append(Problem(
                "was changed since docgen put it in a pack no longer made: kept as it is",
                file=str(path)))
        folders.add(path.parent)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder != run.root:
            with suppress(OSError):
                folder.rmdir()  # only when empty: anything else put there stays
