"""The records journey back: edited documents found, identified and read into sessions."""

from docgen.records.read import find_records, read_record, read_records

__all__ = ["find_records", "read_record", "read_records"]
