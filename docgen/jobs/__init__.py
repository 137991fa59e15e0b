"""One function per command (generate, check, fields, init, log, mail), each returning a report.

No click here: the CLI calls these and prints their reports; tests and scripts call them too.
Each command has its module; the heavy modules of each are imported by that command, so
`docgen log` does not load Jinja, docxtpl and the cohort reader, nor `docgen generate` the
record reader and XlsxWriter (~60 ms of start-up each).
"""

from __future__ import annotations

from docgen.jobs.check import CheckReport, check
from docgen.jobs.fields import FieldsReport, fields
from docgen.jobs.generate import GenerateReport, generate
from docgen.jobs.log import SPREADSHEETS, LogReport, log
from docgen.jobs.mail import contract_files, mail, mail_server, send_mail, smtp_password
from docgen.jobs.templates import (
    WORKSPACE_TEMPLATES,
    choose_templates,
    default_templates,
    load_templates,
)
from docgen.jobs.workspace import InitReport, init

__all__ = [
    "SPREADSHEETS", "WORKSPACE_TEMPLATES", "CheckReport", "FieldsReport", "GenerateReport",
    "InitReport", "LogReport", "check", "choose_templates", "contract_files", "default_templates",
    "fields", "generate", "init", "load_templates", "log", "mail", "mail_server", "send_mail",
    "smtp_password",
]
