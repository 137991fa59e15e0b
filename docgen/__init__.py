"""docgen: QI coaching contracts and mentor agreements from a cohort workbook, and back."""

from __future__ import annotations

__version__ = "0.1.0"
