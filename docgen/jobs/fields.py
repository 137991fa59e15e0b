"""`docgen fields`: the fields a template uses and where the cohort provides them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.jobs.check import check
from docgen.kinds import KINDS, DocumentKind

if TYPE_CHECKING:
    pass

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
