"""`docgen init`: a starter workspace to fill in."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.jobs.templates import default_templates
from docgen.kinds import KINDS

if TYPE_CHECKING:
    pass

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
