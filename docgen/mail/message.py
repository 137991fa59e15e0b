"""One coach's message: what its template sees, its subject and text, the .eml, its digest.

The message template (``coach_email.txt``) is rendered by the documents' sandboxed Jinja
environment, which the caller passes in as a function: this module only gives it its fields
and reads a "Subject:" first line out of the text.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import re
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from docgen import schema
from docgen.context import shown
from docgen.models import Cohort, Team

TEMPLATE_FILE = "coach_email.txt"
DRAFT_HEADER = "X-Docgen-Coach"  # marks a draft as docgen's (stale ones are removed)
_SUBJECT_LINE = re.compile(r"(?i)\A\s*subject[ \t]*:[ \t]*([^\n]*)\n?")
_SUBJECT_WHOLE = re.compile(r"(?is)\A\s*subject[ \t]*:(.*)\Z")  # its lines, all of them
_DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_PDF = ("application", "pdf")
# .eml files are CRLF, as on the wire. Headers are not folded (they are short; RFC 5322
# allows 998 characters a line): the standard library folds some subjects ("... (Cohort 9):
# ...") with a break right after "Subject:", which its own parser then reads back with a space.
FILE_POLICY = email.policy.default.clone(linesep="\r\n", max_line_length=998)


def message_fields(cohort: Cohort, coach: str, address: str, teams: list[Team],
                   files: Mapping[str, Path], documents: int) -> dict[str, object]:
    """Return what the message template sees: the programme's settings (``programme``,
    ``cohort``...), ``coach``, ``coach_email``, ``teams`` (each with the Teams sheet's fields,
    ``name`` and ``file``), ``documents`` (how many are attached) and ``attachments``."""
    fields: dict[str, object] = dict(cohort.programme.settings)
    rows = []
    for team in teams:
        row: dict[str, object] = dict(team.extra)
        row.update({c.key: shown(c.kind, getattr(team, c.field), c.joiner)
                    for c in schema.TEAMS.columns})
        row.update(name=team.display_name, file=files[team.team_id].name)
        rows.append(row)
    fields.update(coach=coach, coach_email=address, teams=rows, documents=documents)
    return fields


# The fields docgen gives the message of its own, which a Programme setting or a Teams column
# of the same name cannot take the place of.
_OWN = {"coach": "the coach's name", "coach_email": "the coach's address",
        "teams": "the coach's teams", "documents": "how many contracts are attached",
        "attachments": "their file names"}
_OWN_TEAM = {"name": "the team's name", "file": "its contract's file name"}
_TAGS = re.compile(r"(?s)\{\{.*?\}\}|\{%.*?%\}")


def hidden_fields(cohort: Cohort, source: str) -> list[str]:
    """Say which Programme settings and Teams columns the message template ``source`` names
    but cannot see, docgen's own field of that name being shown in their place."""
    tags = " ".join(_TAGS.findall(source))
    notes = []
    for key, what in _OWN.items():
        if key in cohort.programme.settings and re.search(rf"\b{key}\b", tags):
            notes.append(f"the Programme sheet's setting \"{key}\" is not what "
                         f"{{{{ {key} }}}} shows in the message: that is docgen's own ({what}); "
                         "rename the setting to use it")
    extra = {k for team in cohort.teams for k in team.extra}
    for key, what in _OWN_TEAM.items():
        if key in extra and re.search(rf"\b{key}\b", tags):
            notes.append(f"the Teams sheet's column \"{key}\" is not what team.{key} shows "
                         f"in the message: that is docgen's own ({what}); rename the column to "
                         "use it")
    return notes


def subject_and_text(rendered: str, fields: Mapping[str, object],
                     first: str | None = None) -> tuple[str, str]:
    """Return (subject, text) of a rendered message; its first line may be "Subject: ...".

    ``first`` is that line rendered alone, when the template has one: a value with a line
    break in it ("Cohort 9" on a line of its own) then stays in the subject, on one line,
    instead of running into the text.
    """
    text, subject = rendered, ""
    whole = _SUBJECT_WHOLE.match(first) if first is not None else None
    if first is not None and whole and rendered.startswith(first):
        subject, text = whole[1], rendered[len(first):]
    elif m := _SUBJECT_LINE.match(text):
        subject, text = m[1], text[m.end():]
    subject = " ".join(subject.split())
    if not subject:
        subject = default_subject(fields)
    return subject, text.lstrip("\n").rstrip() + "\n"


def default_subject(fields: Mapping[str, object]) -> str:
    """Return the subject of a message whose template gives none."""
    return f"{fields.get('programme') or 'Coaching'}: your coaching documents"


def subject_lines(first: str) -> int:
    """Return how many lines with text the rendered Subject line ``first`` spans."""
    return sum(1 for line in first.splitlines() if line.strip())


def template_subject(source: str) -> str | None:
    """Return the template's own first line when it is a "Subject: ..." line, else None."""
    m = _SUBJECT_LINE.match(source)
    return m[0].rstrip("\n") if m else None


def build_message(coach: str, address: str, subject: str, text: str,
                  attachments: list[Path], sender: str | None = None) -> EmailMessage:
    """Return the draft: To, Subject, the text, each file attached as it is on disk."""
    msg = EmailMessage(policy=email.policy.default)
    if sender:
        msg["From"] = sender
    msg["To"] = Address(display_name=coach, addr_spec=address)
    msg["Subject"] = subject
    msg["X-Unsent"] = "1"  # Outlook opens the .eml as a message ready to send
    msg[DRAFT_HEADER] = coach
    msg.set_content(text)
    for path in attachments:
        maintype, subtype = _PDF if path.suffix.lower() == ".pdf" else _DOCX
        # the name also as Content-Type's "name", which older Outlook versions go by
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                           filename=path.name, params={"name": path.name})
    # A boundary made from the content, not drawn at random: the same draft, byte for byte.
    if msg.is_multipart():
        msg.set_boundary(f"docgen-{message_digest(msg)[:32]}")
    return msg


def message_digest(msg: EmailMessage) -> str:
    """Digest what a coach receives: the address, subject, text and each attachment's bytes.

    Sender, date and message id are left out, so re-writing a draft unchanged, or sending it
    from another account, is the same message.
    """
    to = msg["To"]
    addresses = sorted(a.addr_spec.casefold() for a in to.addresses) if to else []
    parts: list[object] = [addresses, " ".join(str(msg["Subject"] or "").split())]
    body = msg.get_body(("plain",))
    parts.append(body.get_content() if body is not None else "")
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        parts.append([part.get_filename(), hashlib.sha256(payload).hexdigest()])
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_draft(path: Path) -> EmailMessage:
    """Read a draft back as the standard library parses it (written out again unfolded)."""
    with open(path, "rb") as fh:
        return email.message_from_binary_file(fh, policy=FILE_POLICY)  # type: ignore[return-value]
