"""Which templates a run uses, and compiling them."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.editors import lock_file
from docgen.errors import DocgenError, Problem
from docgen.kinds import CONTRACT, KINDS, DocumentKind

if TYPE_CHECKING:
    from docgen.documents.render import CompiledTemplate

def default_templates() -> Path:
    """Return the folder of the templates that ship with docgen (``templates/`` in the repo)."""
    repo = Path(__file__).resolve().parents[2] / "templates"
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
    if any((workspace / kind.template_file).is_file() or other_formats(workspace, kind)
           for kind in KINDS):
        return workspace, "the workspace's own, beside the cohort"
    return default_templates(), "docgen's own"


# What a template edited in Word or LibreOffice may have been saved as instead of .docx
# (LibreOffice asks "Use Word 2007-365!" or "Use ODF Format!" on saving).
OTHER_FORMATS = (".odt", ".ott", ".doc", ".rtf", ".dotx", ".docm", ".dotm")


def other_formats(folder: Path, kind: DocumentKind) -> list[Path]:
    """Return the files in ``folder`` named as ``kind``'s template in another format."""
    stem = Path(kind.template_file).stem.casefold()
    try:
        return sorted(p for p in folder.iterdir() if p.stem.casefold() == stem
                      and p.suffix.lower() in OTHER_FORMATS and p.is_file())
    except OSError:
        return []


def _save_as(kind: DocumentKind) -> str:
    return (f"open it and save it as {kind.template_file} (in Word: File › Save As, Word "
            "Document; in LibreOffice: File › Save As, Word 2007–365, then Use Word 2007–365!)")


def _newer_elsewhere(path: Path, kind: DocumentKind) -> str | None:
    """Say so when a template saved in another format is newer than the .docx used."""
    try:
        used = path.stat().st_mtime
        newer = [p for p in other_formats(path.parent, kind) if p.stat().st_mtime > used]
    except OSError:
        return None
    if not newer:
        return None
    names = " and ".join(p.name for p in newer)
    return (f"{names} beside it {'was' if len(newer) == 1 else 'were'} saved after it, but "
            f"docgen makes documents only from {kind.template_file}, so what was changed "
            f"there is not in them: if {'it is' if len(newer) == 1 else 'one is'} the "
            f"template's new version, {_save_as(kind)}, and run again")


def load_templates(folder: Path, kinds: Iterable[DocumentKind]
                   ) -> dict[DocumentKind, CompiledTemplate]:
    """Compile the template of each kind from ``folder``, reporting every broken one at once."""
    from docgen.documents.render import compile_template

    compiled: dict[DocumentKind, CompiledTemplate] = {}
    problems: list[Problem] = []
    for kind in kinds:
        path = folder / kind.template_file
        if not path.is_file():
            if found := other_formats(folder, kind):
                names = " and ".join(p.name for p in found)
                problems.append(Problem(
                    f"template not found: {folder} holds {names}, but a template must be a "
                    f"Word document (.docx): {_save_as(kind)}", file=str(path)))
                continue
            others = " or ".join(f"--only {k.option}" for k in KINDS if k is not kind)
            problems.append(Problem(
                f"template not found (expected {kind.template_file} in {folder}); to make "
                f"only the other kind of document, add {others}", file=str(path)))
            continue
        try:
            compiled[kind] = compile_template(path)
        except DocgenError as exc:
            problems += exc.problems
            continue
        if (newer := _newer_elsewhere(path, kind)) is not None:
            compiled[kind].warnings.append(newer)
        if (lock := lock_file(path)) is not None:  # being edited: its last save is used
            compiled[kind].warnings.append(
                f'is open in Word or LibreOffice (its lock file "{lock.name}" is beside it): '
                "the documents are made from it as last saved, so changes not saved yet are "
                "not in them; save it, then run again (if it is not open, delete that lock "
                "file)")
    if problems:
        raise DocgenError(problems)
    return compiled
