"""The cohort journey in: a workbook or CSV folder read, checked and kept as typed rows.

``read_cohort`` is imported on first use (PEP 562): a process that only loads a cohort read
elsewhere (generate's main process, unpickling the rows of :mod:`docgen.cohort.packed` that
the process beside it read) imports the package but none of the readers (~10 ms and their
patterns, on the path to the first document).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.cohort.read import read_cohort

__all__ = ["read_cohort"]


def __getattr__(name: str) -> object:
    """Import ``read_cohort`` on first use, and keep it here."""
    if name != "read_cohort":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from docgen.cohort.read import read_cohort

    globals()[name] = read_cohort
    return read_cohort
