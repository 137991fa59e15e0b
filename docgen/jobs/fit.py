"""What a cohort and the templates say of each other, checked before any document is made.

A template may use a field the cohort does not provide (`generate` refuses it: the documents
would show nothing there); the cohort may have a column or a Programme setting no template
shows, or a value docgen's own template shows and an admin's reworded one left out (its
values would reach no document: warned of). `generate` and `check` both ask, so that `check`
says "OK" only when `generate` would make every document without a word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import schema
from docgen.context import shown
from docgen.errors import Problem
from docgen.jobs.templates import default_templates, load_templates
from docgen.kinds import DocumentKind

if TYPE_CHECKING:
    from docgen.documents.render import CompiledTemplate
    from docgen.models import Cohort

__all__ = ["template_fit"]


def template_fit(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate], folder: Path,
                 warned: list[Problem], today: dt.date) -> tuple[list[Problem], list[Problem]]:
    """Return the problems (fields the templates use that the cohort lacks: `generate`
    refuses them) and the warnings (each template's own, the cohort's columns and settings
    no template shows, the values an admin's template leaves out) of a cohort read with the
    ``warned`` warnings and the templates compiled from ``folder``."""
    lacking = _check_fields(templates, cohort, today)
    warnings = [Problem(w, file=str(t.path)) for t in templates.values() for w in t.warnings]
    warnings += _unshown_columns(cohort, templates, warned)
    warnings += _left_out_fields(cohort, templates, folder, today)
    return lacking, warnings


def _check_fields(templates: dict[DocumentKind, CompiledTemplate], cohort: Cohort,
                  today: dt.date) -> list[Problem]:
    """Name each field a template uses that the cohort lacks: refused before anything is
    written."""
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
    return problems


def _unshown_columns(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate],
                     warned: list[Problem]) -> list[Problem]:
    """Warn of each extra column of the cohort that no template made from its sheet shows
    (its values would reach no document), and of each Programme setting docgen does not know
    that no template shows, unless already ``warned`` of (a misspelt header or setting)."""
    used: dict[str, tuple[set[str], list[str]]] = {}
    for kind in templates:  # docgen's own fields hide a column of the same name
        used.setdefault(kind.sheet.name, (set(), []))
    for kind, template in templates.items():
        names, files = used[kind.sheet.name]
        names.update(template.variables - kind.sheet.keys - set(kind.own_fields))
        files.append(template.path.name)
    # a setting is shown where a template uses it and no field of the row hides it
    settings = {v for kind, template in templates.items()
                for v in template.variables - kind.sheet.keys - set(kind.own_fields)}
    *others, last = [t.path.name for t in templates.values()] or [""]
    files = f"neither {', '.join(others)} nor {last} uses" if others else f"{last} does not use"
    said = {(p.sheet, p.row, p.column) for p in warned}
    found: list[Problem] = []
    for sheet, label, row, key, header in cohort.extra_columns:
        if sheet == schema.PROGRAMME.name:
            column = schema.PROGRAMME.columns[0].header
            if templates and key not in settings and (label, row, column) not in said:
                found.append(Problem(
                    f'the setting "{header}" is in no document: docgen does not know it, and '
                    f"{files} the field {{{{ {key} }}}}; if it is one of "
                    "docgen's settings, rename it (`docgen fields` lists them; until then "
                    "docgen uses its default), else add {{ " + key + " }} to the template",
                    file=str(cohort.source), sheet=label, row=row, column=column))
        elif sheet in used and key not in used[sheet][0] and (label, row, header) not in said:
            found.append(Problem(
                f'the column is in no document: {" or ".join(used[sheet][1])} does not use '
                f"the field {{{{ {key} }}}}; if the column is one of docgen's, rename it "
                f"(`docgen fields` lists them), else add {{{{ {key} }}}} to the template",
                file=str(cohort.source), sheet=label, row=row, column=header))
    return found


# Fields of docgen's own templates that hold no value from the cohort, or one another field
# of the same template also shows: leaving them out loses nothing.
_NO_VALUE = frozenset({"generated", "blank_rows"})
_SHOWN_EITHER = {"records": "sessions", "sessions": "records"}  # forms and table: the sessions


def _left_out_fields(cohort: Cohort, templates: dict[DocumentKind, CompiledTemplate],
                     folder: Path, today: dt.date) -> list[Problem]:
    """Warn of each field docgen's own template of a kind shows that the template used does
    not, where the cohort has a value for it: that value would reach no document.

    An admin who deletes a paragraph holding ``{{ venue }}`` while rewording a template gets
    documents without the venue and no other sign. Only run with an admin's own templates.
    """
    own = default_templates()
    if folder.resolve() == own.resolve():
        return []
    shipped = load_templates(own, templates)
    found: list[Problem] = []
    for kind, template in templates.items():
        used = template.variables
        left_out = [v for v in sorted(shipped[kind].variables - used)
                    if v not in _NO_VALUE and _SHOWN_EITHER.get(v) not in used
                    and not used & {f"{v}_date", f"{v}_value"}]
        for name in left_out:
            if (where := _value_of(cohort, kind, name, today)) is not None:
                found.append(Problem(
                    f"does not show {{{{ {name} }}}}, which docgen's own {kind.template_file} "
                    f"shows: {where} reach no document; add {{{{ {name} }}}} to the template "
                    "(`docgen fields` lists every field), or ignore this if it is left out on "
                    "purpose", file=str(template.path)))
        found += _left_out_item_fields(cohort, kind, template, shipped[kind], today)
    return found


def _left_out_item_fields(cohort: Cohort, kind: DocumentKind, template: CompiledTemplate,
                          shipped: CompiledTemplate, today: dt.date) -> list[Problem]:
    """Warn of each field of a list's items (a form's Action, a table row's Comments) that
    docgen's own template shows in its loop and the template used does not, where a document
    would hold a value for it: deleted from a Record of Coaching form while rewording it,
    the Sessions sheet's values of it reached no document without a word."""
    lost: dict[tuple[str, str], str] = {}  # (list, field) -> the name the loop gives an item
    for listed, fields in sorted(shipped.items.items()):
        if listed not in template.variables:
            continue  # the list itself is left out: warned of as a field
        used = template.items.get(listed, set())
        item = min(template.loops.get(listed, ()) or shipped.loops.get(listed, ()) or {"x"})
        lost.update(((listed, name), item) for name in sorted(fields - used)
                    if not used & {f"{name}_date", f"{name}_value"})
    found: list[Problem] = []
    for (listed, name), where in _first_values(cohort, kind, set(lost), today).items():
        item = lost[listed, name]
        found.append(Problem(
            f"does not show {{{{ {item}.{name} }}}} in its {{% for {item} in {listed} %}} "
            f"loop, which docgen's own {kind.template_file} shows: its values ({where}) reach "
            f"no document; add {{{{ {item}.{name} }}}} inside the loop (`docgen fields` lists "
            "every field), or ignore this if it is left out on purpose",
            file=str(template.path)))
    return found


def _first_values(cohort: Cohort, kind: DocumentKind, wanted: set[tuple[str, str]],
                  today: dt.date) -> dict[tuple[str, str], str]:
    """Say, for each (list, field) of ``wanted`` some document's list holds a value of, where
    the first is; each document planned once, until all are found."""
    found: dict[tuple[str, str], str] = {}
    if not wanted:
        return found
    for i, row in enumerate(kind.rows(cohort)):
        context = kind.plan_row(cohort, i, today).context
        for listed, name in wanted - found.keys():
            for it in context.get(listed) or ():  # type: ignore[attr-defined]
                value = it.get(name) if isinstance(it, Mapping) else None
                if value not in (None, "") and str(value).strip():
                    found[listed, name] = f'the first in "{kind.title(row)}"'
                    break
        if len(found) == len(wanted):
            break
    return {key: found[key] for key in sorted(found)}


def _value_of(cohort: Cohort, kind: DocumentKind, name: str, today: dt.date) -> str | None:
    """Say which of the cohort's values a template field ``name`` would show (the first row
    holding one), or None when the cohort has none for it."""
    rows = kind.rows(cohort)
    if name in kind.sheet.keys:
        column = kind.sheet.column(name)
        for row in rows:
            if shown(column.kind, getattr(row, column.field), column.joiner).strip():
                blank = (f"; a blank cell takes the {schema.PROGRAMME.name} sheet's "
                         f"{schema.PROGRAMME_SETTING[column.fallback].header}"
                         if column.fallback in schema.PROGRAMME_SETTING else "")
                return (f"the {kind.sheet.name} sheet's {column.header} values (the first on "
                        f"row {row.row}{blank})")  # type: ignore[attr-defined]
        return None
    if name in _SHOWN_EITHER:
        return (f"the {schema.SESSIONS.name} sheet's {len(cohort.sessions)} sessions"
                if cohort.sessions else None)
    if not rows:
        return None
    value = kind.plan_row(cohort, 0, today).context.get(name)
    if not value or (isinstance(value, str) and not value.strip()):
        return None
    if name in schema.PROGRAMME_SETTING:
        return f"the {schema.PROGRAMME.name} sheet's {schema.PROGRAMME_SETTING[name].header}"
    return f"its values (\"{value}\" in the first document)" if isinstance(value, str) else (
        "its values")
