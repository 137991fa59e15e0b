"""One function per command (generate, check, fields, init, log, mail), each returning a report.

No click here: the CLI calls these and prints their reports; tests and scripts call them too.
Each command has its module, imported only when one of its names is first used, so that
`docgen log` loads neither the generate, mail and fields modules nor what they import, and
`docgen generate` not the log's (~10-20 ms of start-up each); the heavy libraries of each
(Jinja, docxtpl, the record reader, XlsxWriter) are imported by the command that uses them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Each public name, and the module of this package it lives in.
_HOMES = {
    "CheckReport": "check", "check": "check",
    "FieldsReport": "fields", "fields": "fields",
    "GenerateReport": "generate", "generate": "generate",
    "SPREADSHEETS": "log", "LogReport": "log", "log": "log",
    "contract_files": "mail", "mail": "mail", "mail_server": "mail", "send_mail": "mail",
    "smtp_password": "mail",
    "WORKSPACE_TEMPLATES": "templates", "choose_templates": "templates",
    "default_templates": "templates", "load_templates": "templates",
    "InitReport": "workspace", "init": "workspace",
}

__all__ = [  # the names of _HOMES (a test holds them equal)
    "SPREADSHEETS", "WORKSPACE_TEMPLATES", "CheckReport", "FieldsReport", "GenerateReport",
    "InitReport", "LogReport", "check", "choose_templates", "contract_files", "default_templates",
    "fields", "generate", "init", "load_templates", "log", "mail", "mail_server", "send_mail",
    "smtp_password",
]


def __getattr__(name: str) -> object:
    """Import a public name's module on first use (PEP 562), and keep the name here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


class _Jobs(types.ModuleType):
    """This package, whose job functions keep their names over their modules' names.

    Importing ``docgen.jobs.log`` would make ``jobs.log`` that module (Python sets a
    submodule as an attribute of its package); ``jobs.log`` is the command's function, as it
    was when this package imported every module at once.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _HOMES:
            return  # the module stays reachable as sys.modules["docgen.jobs.<name>"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Jobs
