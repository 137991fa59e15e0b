"""Which templates a run uses, and compiling them."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

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
    if any((workspace / kind.template_file).is_file() for kind in KINDS):
        return workspace, "the workspace's own, beside the cohort"
    return default_templates(), "docgen's own"


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
