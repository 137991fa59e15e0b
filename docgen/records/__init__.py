"""The records journey back: edited documents found, identified and read into sessions.

The reader and the finder are imported when first used: `docgen generate` needs only
:mod:`docgen.records.prefill` from here, not the ~30 ms of modules that read whole records.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.records.find import find_records
    from docgen.records.read import read_record, read_records

__all__ = ["find_records", "read_record", "read_records"]

_HOMES = {"find_records": "docgen.records.find", "read_record": "docgen.records.read",
          "read_records": "docgen.records.read"}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:  # a submodule not yet imported, or a name that is not here
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
