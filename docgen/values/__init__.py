"""Parse spreadsheet cells into typed values and format typed values for documents.

Pure functions, no I/O. Each parser takes whatever a workbook or CSV cell holds (text, numbers,
``datetime`` objects, ``None``) and returns a typed value or raises ``ValueError`` with a short
message fit to show a user, quoting the value as typed. UK conventions: dates are day first.
One module per kind of value: text, dates, times, numbers, people, and the free text coaches
type in records.
"""

from docgen.values.dates import (
    day_month,
    format_date,
    format_date_short,
    next_meeting_doubt,
    parse_date,
    time_in_date,
)
from docgen.values.numbers import (
    EXCEL_DIGITS,
    format_hours,
    general_number,
    lost_digits,
    parse_duration_hours,
    parse_int,
    parse_number,
    parse_session_hours,
    parse_yes_no,
    typed_number,
)
from docgen.values.people import (
    initials_of,
    may_be_person,
    names_read_as,
    one_name_or_how,
    parse_names,
    person_key,
    team_key,
)
from docgen.values.text import (
    clean_text,
    dropped_characters,
    escaped_name,
    header_key,
    is_blank,
)
from docgen.values.times import (
    TypedTime,
    format_time,
    guessed_note,
    hours_between,
    parse_time,
    parse_typed_times,
    read_typed_times,
)
from docgen.values.typed import mentions_email, parse_typed_date, parse_typed_dates

__all__ = [
    "EXCEL_DIGITS",
    "TypedTime",
    "clean_text",
    "day_month",
    "dropped_characters",
    "escaped_name",
    "format_date",
    "format_date_short",
    "format_hours",
    "format_time",
    "general_number",
    "guessed_note",
    "header_key",
    "hours_between",
    "is_blank",
    "lost_digits",
    "mentions_email",
    "parse_date",
    "parse_duration_hours",
    "parse_session_hours",
    "parse_int",
    "names_read_as",
    "may_be_person",
    "initials_of",
    "one_name_or_how",
    "next_meeting_doubt",
    "parse_names",
    "parse_number",
    "parse_time",
    "parse_typed_date",
    "parse_typed_dates",
    "parse_typed_times",
    "parse_yes_no",
    "person_key",
    "read_typed_times",
    "team_key",
    "time_in_date",
    "typed_number",
]
