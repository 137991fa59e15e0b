"""E-mail each coach their own documents: a draft per coach, and sending them over SMTP.

:func:`prepare` works out, from the cohort, whom each contract goes to (every coach of the
team, at the address in the same place of the Teams sheet's Coach email cell) and writes one
standard .eml draft per coach into ``OUTDIR/mail``, with that coach's documents (the .docx,
and its .pdf when one was made) attached and a short message rendered from
``coach_email.txt`` in the same sandboxed Jinja environment as the documents. Outlook opens a
draft ready to send (``X-Unsent: 1``); Thunderbird and Apple Mail open it as a message.

Mentor agreements are not e-mailed: a mentoring pair has no coach, and the Mentoring sheet no
address; the report counts them so nobody expects them in a coach's mail.

:func:`send` sends the drafts, one message per coach, and appends each one sent to
``OUTDIR/mail/sent.jsonl`` (coach, address, a digest of the message's recipient, subject,
text and attachments, and when). A re-run sends only what was not sent: a draft sent before
unchanged is skipped; a draft whose text or documents changed since is sent again, whole. A
recipient the server refuses is reported with the server's reason and the others go on.

No click here: the CLI asks for the password and the confirmation.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import json
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import schema
from docgen.atomic import atomic_write
from docgen.context import shown
from docgen.documents.outputs import folder_lock, unique_names
from docgen.errors import DocgenError, Problem, os_problem
from docgen.kinds import AGREEMENT, CONTRACT
from docgen.models import Cohort, Team
from docgen.values.people import person_key

if TYPE_CHECKING:
    import jinja2  # loaded with the template: `docgen mail` alone needs it

MAIL_FOLDER = "mail"  # under the output folder
SENT_RECORD = "sent.jsonl"
TEMPLATE_FILE = "coach_email.txt"
PASSWORD_VARIABLE = "DOCGEN_SMTP_PASSWORD"
DRAFT_HEADER = "X-Docgen-Coach"  # marks a draft as docgen's (stale ones are removed)
_ADDRESS_SEPARATORS = re.compile(r"[;,\n]+")
_SUBJECT_LINE = re.compile(r"(?i)\A\s*subject[ \t]*:[ \t]*([^\n]*)\n?")
_DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_PDF = ("application", "pdf")
_CLOSING = 421  # the server's "service closing": nothing more goes through this connection
# .eml files are CRLF, as on the wire. Headers are not folded (they are short; RFC 5322
# allows 998 characters a line): the standard library folds some subjects ("... (Cohort 9):
# ...") with a break right after "Subject:", which its own parser then reads back with a space.
_FILE_POLICY = email.policy.default.clone(linesep="\r\n", max_line_length=998)


# --- who gets what --------------------------------------------------------------------------


@dataclass
class CoachMail:
    """One coach's message: their teams, the documents attached, and where the draft is."""

    coach: str
    address: str
    teams: list[Team] = field(default_factory=list)
    attachments: list[Path] = field(default_factory=list)  # files found, attached
    missing: list[Path] = field(default_factory=list)  # documents expected but not found
    stale_pdfs: list[Path] = field(default_factory=list)  # older than their .docx: left out
    draft: Path | None = None
    subject: str = ""
    digest: str = ""  # of recipient, subject, text and attachments (see message_digest)
    sent_before: str | None = None  # when this very message was last sent to the address
    changed_since: str | None = None  # when another version was last sent to it

    @property
    def complete(self) -> bool:
        """Tell whether every document of this coach is attached."""
        return not self.missing

    @property
    def to_send(self) -> bool:
        """Tell whether :func:`send` sends it: complete, and not sent before as it is."""
        return self.draft is not None and self.complete and self.sent_before is None


@dataclass
class Unaddressed:
    """A coach who gets no draft, with the teams they coach and why."""

    coach: str
    teams: list[Team]
    reason: str


@dataclass
class MailReport:
    outdir: Path
    folder: Path  # OUTDIR/mail
    template: str  # the message template used, and why
    mails: list[CoachMail] = field(default_factory=list)
    unaddressed: list[Unaddressed] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # e.g. an address cell unclear
    skipped: list[Problem] = field(default_factory=list)  # cohort rows left out
    agreements: int = 0  # mentor agreements, never e-mailed
    removed: list[Path] = field(default_factory=list)  # drafts of coaches no longer listed

    @property
    def to_send(self) -> list[CoachMail]:
        return [m for m in self.mails if m.to_send]

    @property
    def incomplete(self) -> list[CoachMail]:
        """Coaches some of whose documents are missing (held back from sending)."""
        return [m for m in self.mails if not m.complete]

    @property
    def already_sent(self) -> list[CoachMail]:
        return [m for m in self.mails if m.sent_before is not None]


def split_addresses(cell: str) -> list[str]:
    """Return the addresses of a Coach email cell, in order (separated by ";", "," or lines)."""
    return [a.strip() for a in _ADDRESS_SEPARATORS.split(cell or "") if a.strip()]


def _valid(address: str) -> bool:
    """Tell whether ``address`` is one plain address (ASCII: what every mail server takes)."""
    if not address.isascii():
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, TypeError, MessageError):
        return False
    return bool(parsed.username and parsed.domain) and parsed.addr_spec == address


def coaches_of(cohort: Cohort) -> tuple[list[tuple[str, str, list[Team]]],
                                        list[Unaddressed], list[Problem]]:
    """Match each coach of the Teams sheet to their teams and their address.

    A team's Coach email cell holds one address per coach, in the Coach column's order. A
    coach met on several rows takes the address given on any row where the cell is clear (as
    many addresses as coaches); two different addresses for one coach are a problem, not a
    guess. Returns (coach, address, teams) per addressed coach, in the sheet's order, the
    coaches without an address, and warnings located on the cells to correct.
    """
    names: dict[str, str] = {}  # person key -> the first spelling met
    teams: dict[str, list[Team]] = {}
    found: dict[str, dict[str, tuple[str, int]]] = {}  # key -> folded address -> (it, row)
    unclear: dict[str, str] = {}  # key -> why its row's cell could not be used
    warnings: list[Problem] = []
    source = str(cohort.source)
    for team in cohort.teams:
        addresses = split_addresses(team.coach_email)
        keys = [person_key(c) or c for c in team.coaches]
        for coach, key in zip(team.coaches, keys, strict=True):
            names.setdefault(key, coach)
            teams.setdefault(key, []).append(team)
        if not addresses:
            continue
        where = {"file": source, "sheet": schema.TEAMS.name, "row": team.row,
                 "column": "Coach email"}
        bad = [a for a in addresses if not _valid(a)]
        if bad:
            why = f'"{bad[0]}" is not an e-mail address'
            if not bad[0].isascii():
                why += " docgen can send to (it has letters beyond ASCII)"
            warnings.append(Problem(f"{why}: correct it, then run docgen mail again", **where))
        elif len(addresses) != len(keys):
            why = (f"the Coach email cell of row {team.row} has {len(addresses)} "
                   f"address{'es' if len(addresses) != 1 else ''} for {len(keys)} "
                   f"coach{'es' if len(keys) != 1 else ''}")
            warnings.append(Problem(
                f"{len(addresses)} address{'es' if len(addresses) != 1 else ''} for "
                f"{len(keys)} coach{'es' if len(keys) != 1 else ''}: give one address per "
                "coach, separated by ;, in the order of the Coach column", **where))
        else:
            for key, address in zip(keys, addresses, strict=True):
                found.setdefault(key, {}).setdefault(address.casefold(), (address, team.row))
            continue
        for key in keys:
            unclear.setdefault(key, why)
    addressed: list[tuple[str, str, list[Team]]] = []
    unaddressed: list[Unaddressed] = []
    for key, coach in names.items():
        options = list(found.get(key, {}).values())
        if len(options) == 1:
            addressed.append((coach, options[0][0], teams[key]))
            continue
        if len(options) > 1:
            listed = " and ".join(f"{a} (row {row})" for a, row in options)
            reason = f"two addresses on the Teams sheet: {listed}; make them one"
            warnings.append(Problem(f"{coach} has {reason}", file=source,
                                    sheet=schema.TEAMS.name, column="Coach email"))
        else:
            reason = unclear.get(key, "no address in the Coach email column")
        unaddressed.append(Unaddressed(coach, teams[key], reason))
    return addressed, unaddressed, warnings


def contract_files(cohort: Cohort, outdir: Path) -> dict[str, Path]:
    """Return where ``docgen generate`` puts each team's contract, by Team ID.

    Named exactly as generate names them (the same titles, made unique the same way).
    """
    names = unique_names([CONTRACT.title(t) for t in cohort.teams], ".docx")
    return {t.team_id: outdir / CONTRACT.folder / name
            for t, name in zip(cohort.teams, names, strict=True)}


# --- the message ------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """Jinja's ``finalize`` for a text message: None is no text, anything else as it is."""
    return "" if value is None else value


def load_message_template(folder: Path) -> tuple[jinja2.Template, Path, str]:
    """Compile ``coach_email.txt`` from ``folder`` (else docgen's own); return it, its path and
    a note when the folder had none.

    It is compiled by the documents' sandboxed environment (same filters, same refusal of
    Python internals, same strict fields), without the escaping XML needs: a message is text.
    """
    from docgen.documents.render import make_environment
    from docgen.jobs import default_templates

    path, note = folder / TEMPLATE_FILE, ""
    if not path.is_file():
        fallback = default_templates() / TEMPLATE_FILE
        note = f"{folder} has no {TEMPLATE_FILE}: docgen's own message is used"
        path = fallback
    env = make_environment().overlay(autoescape=False, finalize=_plain, trim_blocks=True,
                                     lstrip_blocks=True)
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        return env.from_string(text), path, note
    except UnicodeDecodeError:
        raise DocgenError(Problem("is not UTF-8 text: save it as UTF-8 (plain text) and try "
                                  "again", file=str(path))) from None
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", path)) from None
    except Exception as exc:  # a template error must be a message, never a traceback
        raise DocgenError(_template_problem(path, exc)) from None


def _template_problem(path: Path, exc: Exception) -> Problem:
    import jinja2
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        text = f"the message template reaches for Python internals ({exc}): refused"
    elif isinstance(exc, jinja2.UndefinedError):
        text = (f"the message template uses a field docgen does not give ({exc.message}); "
                "correct it (see the README for the fields)")
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        text = f"the message template cannot be read: {exc.message} (line {exc.lineno})"
    else:
        text = f"the message template failed ({type(exc).__name__}: {exc})"
    return Problem(text, file=str(path))


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


def render_message(template: jinja2.Template, path: Path, fields: Mapping[str, object]
                   ) -> tuple[str, str]:
    """Return (subject, text) of one message; the template's first line may be "Subject: ..."."""
    try:
        text = template.render(fields)
    except Exception as exc:  # a template must never end in a traceback
        raise DocgenError(_template_problem(path, exc)) from None
    subject = ""
    m = _SUBJECT_LINE.match(text)
    if m:
        subject, text = m[1], text[m.end():]
    subject = " ".join(subject.split())
    if not subject:
        programme = fields.get("programme") or "Coaching"
        subject = f"{programme}: your coaching documents"
    return subject, text.lstrip("\n").rstrip() + "\n"


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
        return email.message_from_binary_file(fh, policy=_FILE_POLICY)  # type: ignore[return-value]


# --- the sent record --------------------------------------------------------------------------


def read_sent(folder: Path) -> list[dict[str, str]]:
    """Return the messages recorded as sent, oldest first (a line cut short is passed over)."""
    path = folder / SENT_RECORD
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", path)) from None
    entries = []
    for raw in lines:
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("digest"), str):
            entries.append(entry)
    return entries


def _record_sent(folder: Path, mail: CoachMail, when: str) -> None:
    """Append one sent message to the record, on disk before the next is sent."""
    entry = {"coach": mail.coach, "address": mail.address, "digest": mail.digest,
             "sent": when, "subject": mail.subject,
             "attachments": [p.name for p in mail.attachments]}
    with open(folder / SENT_RECORD, "ab") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


# --- prepare ----------------------------------------------------------------------------------


def prepare(data: Path, outdir: Path, *, templates: Path | None = None,
            sender: str | None = None, skip_invalid: bool = False) -> MailReport:
    """Write one draft per coach with an address into ``outdir/mail``; report the rest.

    The cohort is read as ``docgen generate`` reads it (with problems, nothing is written
    unless ``skip_invalid``), and the message template is chosen as generate chooses its
    templates. Documents are never made here: one missing is named (run generate first).
    """
    from docgen.jobs import check, choose_templates

    checked = check(data)
    if checked.fatal or (checked.problems and not skip_invalid):
        raise DocgenError(checked.problems)
    cohort = checked.cohort
    chosen, why = choose_templates(data, templates)
    template, template_path, note = load_message_template(chosen)
    folder = outdir / MAIL_FOLDER
    report = MailReport(outdir=outdir, folder=folder, template=f"{template_path} ({why})",
                        skipped=list(checked.problems), agreements=AGREEMENT.count(cohort))
    if note:
        report.warnings.append(Problem(note, file=str(template_path)))
    addressed, report.unaddressed, warnings = coaches_of(cohort)
    report.warnings += warnings
    files = contract_files(cohort, outdir)
    if files and not any(path.is_file() for path in files.values()):
        raise DocgenError(Problem(
            f"no contract is there yet: run `docgen generate {data} -o {outdir}` first",
            file=str(outdir / CONTRACT.folder)))
    sent = read_sent(folder)
    drafts = unique_names([coach for coach, _a, _t in addressed], ".eml")
    with folder_lock(folder):
        written = set()
        for (coach, address, teams), name in zip(addressed, drafts, strict=True):
            mail = _found(coach, address, teams, files)
            if mail.attachments:
                mail.draft = folder / name
                _write(mail.draft, _draft_bytes(mail, cohort, files, template, template_path,
                                                sender))
                written.add(name)
                _mark_sent(mail, sent)
            report.mails.append(mail)
        report.removed = _remove_stale_drafts(folder, written)
    return report


def _found(coach: str, address: str, teams: list[Team], files: Mapping[str, Path]
           ) -> CoachMail:
    """Return one coach's mail with the documents found on disk (the draft not yet written)."""
    mail = CoachMail(coach, address, teams)
    for team in teams:
        docx = files[team.team_id]
        if not docx.is_file():
            mail.missing.append(docx)
            continue
        mail.attachments.append(docx)
        pdf = docx.with_suffix(".pdf")
        if pdf.is_file():
            if pdf.stat().st_mtime >= docx.stat().st_mtime:
                mail.attachments.append(pdf)
            else:
                mail.stale_pdfs.append(pdf)
    return mail


def _draft_bytes(mail: CoachMail, cohort: Cohort, files: Mapping[str, Path],
                 template: jinja2.Template,
                 template_path: Path, sender: str | None) -> bytes:
    documents = sum(1 for p in mail.attachments if p.suffix.lower() == ".docx")
    fields = message_fields(cohort, mail.coach, mail.address, mail.teams, files, documents)
    fields["attachments"] = [p.name for p in mail.attachments]
    mail.subject, text = render_message(template, template_path, fields)
    try:
        msg = build_message(mail.coach, mail.address, mail.subject, text, mail.attachments,
                            sender)
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", exc.filename)) from None
    mail.digest = message_digest(msg)
    return msg.as_bytes(policy=_FILE_POLICY)


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise DocgenError(os_problem(exc, "could not be written", path)) from None


def _mark_sent(mail: CoachMail, sent: list[dict[str, str]]) -> None:
    """Note whether this message is the one last sent to its address, or another was."""
    last = next((e for e in reversed(sent)
                 if str(e.get("address", "")).casefold() == mail.address.casefold()), None)
    if last is None:
        return
    if last["digest"] == mail.digest:
        mail.sent_before = str(last.get("sent", ""))
    else:
        mail.changed_since = str(last.get("sent", ""))


def _remove_stale_drafts(folder: Path, kept: set[str]) -> list[Path]:
    """Remove drafts docgen wrote for coaches no longer listed, so none is sent by mistake."""
    removed = []
    for path in sorted(folder.glob("*.eml")):
        if path.name in kept:
            continue
        try:
            with open(path, "rb") as fh:
                headers = BytesParser(policy=_FILE_POLICY).parse(fh, headersonly=True)
            if headers[DRAFT_HEADER] is None:
                continue  # not one of docgen's
            path.unlink()
        except (OSError, MessageError, ValueError):
            continue
        removed.append(path)
    return removed


# --- send -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: host and port, STARTTLS or SSL (or neither, on a trusted relay), user."""

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none"
    user: str | None = None
    timeout: float = 30.0


@dataclass
class SendReport:
    sent: list[CoachMail] = field(default_factory=list)
    refused: list[tuple[CoachMail, str]] = field(default_factory=list)  # with the reason
    not_sent: list[tuple[CoachMail, str]] = field(default_factory=list)  # the run stopped


def _reason(exc: smtplib.SMTPException) -> str:
    """Return the server's words for a refusal: "550 5.1.1 no such user"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(_reason_of(code, text) for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reason_of(exc.smtp_code, exc.smtp_error)
    return str(exc) or type(exc).__name__


def _reason_of(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def connect(server: SmtpServer, password: str | None) -> smtplib.SMTP:
    """Open and log in to the SMTP server; any failure is a :class:`DocgenError` saying what to
    check."""
    where = f"{server.host}:{server.port}"
    try:
        if server.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout,
                context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise DocgenError(Problem(
            f"cannot connect to the mail server {where} ({_describe(exc)}): check the host "
            "and port (and --ssl or --starttls), and that this computer may reach it")) from None
    step = "starttls"
    try:
        if server.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        step = "login"
        if server.user:
            _login(smtp, server.user, password or "")
    except smtplib.SMTPNotSupportedError as exc:
        _quit(smtp)
        if step == "starttls":
            raise DocgenError(Problem(
                f"the mail server {where} does not offer STARTTLS: use --ssl (often port "
                "465), or ask which security it uses")) from None
        raise DocgenError(Problem(
            f"the mail server {where} does not take a login ({exc}): leave out --smtp-user, "
            "or ask which server to use")) from None
    except smtplib.SMTPAuthenticationError as exc:
        _quit(smtp)
        raise DocgenError(Problem(
            f"the mail server {where} refused the login of {server.user} ({_reason(exc)}): "
            f"check the user and the password (in {PASSWORD_VARIABLE}, or typed when asked)"
        )) from None
    except (OSError, smtplib.SMTPException) as exc:
        _quit(smtp)
        raise DocgenError(Problem(
            f"the mail server {where} could not be used ({_describe(exc)})")) from None
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a password with characters beyond ASCII ("£", "é") is sent as UTF-8 with AUTH
    PLAIN, which smtplib's own login cannot do."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError(
            "the server does not take a password with accents or symbols (no AUTH PLAIN)")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, text = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, text)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPException):
        return _reason(exc)
    if isinstance(exc, ssl.SSLError):
        return f"secure connection failed: {exc.reason or exc}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def envelope_sender(server: SmtpServer, sender: str | None) -> str:
    """Return the address messages are sent from: ``sender`` ("QI Academy <qi@nhs.scot>" or
    the address alone), else the login if it is an address."""
    chosen = email.utils.parseaddr(sender or server.user or "")[1]
    if not _valid(chosen):
        raise DocgenError(Problem(
            "no address to send from: give --from (your e-mail address), or a --smtp-user "
            "that is an e-mail address"))
    return chosen


def send(report: MailReport, server: SmtpServer, password: str | None, *,
         sender: str | None = None, progress: Callable[[CoachMail], object] | None = None,
         now: Callable[[], dt.datetime] | None = None) -> SendReport:
    """Send each draft still to send, one message per coach, recording each one sent.

    A recipient the server refuses (at RCPT or after the message) is reported with the
    server's reason, and the others go on; a lost connection stops the run, naming what was
    not sent (a re-run sends exactly those).
    """
    from_addr = envelope_sender(server, sender)
    todo = report.to_send
    result = SendReport()
    if not todo:
        return result
    now = now or (lambda: dt.datetime.now().astimezone())
    with folder_lock(report.folder):
        smtp = connect(server, password)
        try:
            for n, mail in enumerate(todo):
                assert mail.draft is not None
                msg = _outgoing(mail.draft, sender or from_addr, from_addr)
                if message_digest(msg) != mail.digest:
                    result.not_sent.append((mail, "the draft was changed since docgen wrote "
                                                  "it: run docgen mail again"))
                    continue
                try:
                    smtp.send_message(msg, from_addr=from_addr, to_addrs=[mail.address])
                except (OSError, smtplib.SMTPException) as exc:
                    if not _closing(exc):  # the server refused this one message
                        result.refused.append((mail, _reason(exc)))
                        continue
                    why = f"the connection was lost ({_describe(exc)}): run it again"
                    result.not_sent += [(m, why) for m in todo[n:]]
                    break
                when = now().replace(microsecond=0).isoformat()
                try:
                    _record_sent(report.folder, mail, when)
                except OSError as exc:  # sent, but a re-run would not know: stop here
                    path = report.folder / SENT_RECORD
                    raise DocgenError([os_problem(exc, "could not be written", path), Problem(
                        f"the message to {mail.coach} <{mail.address}> was sent but could "
                        "not be recorded, so the run stopped; those sent before it are "
                        "recorded", file=str(path))]) from None
                mail.sent_before = when
                result.sent.append(mail)
                if progress is not None:
                    progress(mail)
        finally:
            _quit(smtp)
    return result


def _closing(exc: BaseException) -> bool:
    """Tell whether ``exc`` ends the connection (lost, or the server's 421), not one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == _CLOSING for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == _CLOSING
    return True


def _outgoing(path: Path, sender: str, from_addr: str) -> EmailMessage:
    """Return the draft as it goes out: From set, a date and message id, the draft mark off."""
    msg = read_draft(path)
    del msg["X-Unsent"]
    del msg[DRAFT_HEADER]
    if msg["From"] is None:
        msg["From"] = sender
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=from_addr.rpartition("@")[2])
    return msg
