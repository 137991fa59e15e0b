"""The cohort journey in: a workbook or CSV folder read, checked and kept as typed rows."""

from docgen.cohort.read import read_cohort

__all__ = ["read_cohort"]
