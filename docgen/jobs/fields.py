"""`docgen fields`: the fields a template uses and where the cohort provides them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import schema
from docgen.context import value_name
from docgen.jobs.check import check
from docgen.kinds import KINDS, DocumentKind

if TYPE_CHECKING:
    pass

_FORMAT = "format it with |ukdate, |longdate, |shortdate or .strftime(...)"
# The date and time values each item of a list field carries (see docgen.context), with
# what each is: a template loops over the list and formats the item's value.
ITEM_VALUES: dict[str, list[tuple[str, str]]] = {
    "records": [(value_name(f.name, f.kind),
                 f"the form's {f.label.rstrip(':')} (from its Sessions row), as a "
                 f"{'date' if f.kind is schema.Kind.DATE else 'time'} (empty: none)")
                for f in schema.RECORD_FIELDS if f.kind in (schema.Kind.DATE, schema.Kind.TIME)],
    "sessions": [("date_of_coaching_value", "the row's Sessions › Date, as a date")],
}

@dataclass
class FieldsReport:
    template: Path
    kind: str
    fields: list[tuple[str, str | None]]  # (field, where it comes from, or None if nowhere)
    warnings: list[str] = field(default_factory=list)  # e.g. coach fields lost their tags
    notes: list[str] = field(default_factory=list)  # e.g. rendered through docxtpl, and why
    # Dates and times offered as values that the template does not use yet: the sheet's
    # (first_session_date) and each list item's (r.date_value), named as the template
    # names its items.
    offered: list[tuple[str, str]] = field(default_factory=list)
    # The cohort's extra columns of this kind's sheet that the template does not use: their
    # values would be in no document (field, "Sheet › Header").
    unshown: list[tuple[str, str]] = field(default_factory=list)

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
    unshown: list[tuple[str, str]] = []
    if data is not None:
        report = check(data)
        extra = report.cohort.extra_fields
        own = set(kind.own_fields)  # a column of that name is hidden by docgen's own field
        unshown = [(key, f"{label} › {header}" + (
                        f" (hidden by docgen's own {{{{ {key} }}}}: rename the column)"
                        if key in own else ""))
                   for sheet, label, _row, key, header in report.cohort.extra_columns
                   if sheet == kind.sheet.name and (key not in compiled.variables or key in own)]
        unshown += [(key, f'{label} › setting "{header}"')
                    for sheet, label, _row, key, header in report.cohort.extra_columns
                    if sheet == schema.PROGRAMME.name and key not in compiled.variables]
    available = kind.available_fields(extra)
    rows = [(name, available.get(name)) for name in sorted(compiled.variables)]
    return FieldsReport(template, kind.name, rows, list(compiled.warnings), list(compiled.notes),
                        offered_values(kind, compiled.variables, compiled.loops), unshown)


def offered_values(kind: DocumentKind, used: frozenset[str],
                   loops: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Return the date and time values a template of ``kind`` may use, beyond ``used``.

    The sheet's dates and times (``first_session_date``), then each list field's items'
    (``r.date_value`` where the template writes ``{%p for r in records %}``; ``records[0]``
    style where it does not loop over the list).
    """
    available = kind.available_fields()
    out = [(name, available[name]) for name in (
        value_name(c.key, c.kind) for c in kind.sheet.columns
        if c.kind in (schema.Kind.DATE, schema.Kind.TIME)) if name not in used]
    for list_field, items in ITEM_VALUES.items():
        if list_field not in kind.own_fields:
            continue
        names = sorted(loops.get(list_field, ())) or [f"{list_field}[0]"]
        for item, what in items:
            out += [(f"{var}.{item}", f"{what}; {_FORMAT}") for var in names]
    return out


def _kind_of_template(path: Path, variables: frozenset[str]) -> DocumentKind:
    """Return the kind a template makes: by its file name, else by the sheet it uses most."""
    named = next((k for k in KINDS if k.template_file == path.name), None)
    if named is not None:
        return named
    return max(KINDS, key=lambda k: len(variables & k.sheet.keys))
