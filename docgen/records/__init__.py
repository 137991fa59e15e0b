"""The records journey back: edited documents found, identified and read into sessions."""

from docgen.records.find import find_records
from docgen.records.read import read_record, read_records

__all__ = ["find_records", "read_record", "read_records"]
