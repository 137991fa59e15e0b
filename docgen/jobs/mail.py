"""`docgen mail`: a draft e-mail per coach with their documents, and sending them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.documents.outputs import (
    folder_lock,
    unique_names,
)
from docgen.errors import DocgenError, Problem
from docgen.jobs.check import check
from docgen.jobs.templates import choose_templates, default_templates
from docgen.kinds import CONTRACT

if TYPE_CHECKING:
    from docgen.models import Cohort

if TYPE_CHECKING:
    from docgen.mail.drafts import CoachMail, ContractState, MailReport, Render
    from docgen.mail.smtp import SendReport, SmtpServer


def mail(data: Path, outdir: Path, *, templates: Path | None = None,
         sender: str | None = None, skip_invalid: bool = False) -> MailReport:
    """Write one e-mail draft per coach with an address into ``outdir/mail``; report the rest.

    The cohort is read as ``docgen generate`` reads it (with problems, nothing is written
    unless ``skip_invalid``), and the message template is chosen as generate chooses its
    templates (a folder without ``coach_email.txt`` falls back to docgen's own, with a
    warning). Documents are never made here: one missing is named (run generate first).
    """
    from docgen.documents.render import compile_text
    from docgen.kinds import AGREEMENT
    from docgen.mail.addresses import coaches_of
    from docgen.mail.drafts import MAIL_FOLDER, MailReport, write_drafts
    from docgen.mail.message import TEMPLATE_FILE, default_subject, hidden_fields
    from docgen.mail.sent import read_sent

    checked = check(data)
    if checked.fatal or (checked.problems and not skip_invalid):
        raise DocgenError(checked.problems)
    cohort = checked.cohort
    chosen, why = choose_templates(data, templates)
    path = chosen / TEMPLATE_FILE
    note = ""
    if not path.is_file():
        note = f"{chosen} has no {TEMPLATE_FILE}: docgen's own message is used"
        path = default_templates() / TEMPLATE_FILE
    render = compile_text(path)
    has_subject, subject = _subject_renderer(path, compile_text)
    folder = outdir / MAIL_FOLDER
    report = MailReport(outdir=outdir, folder=folder, template=f"{path} ({why})",
                        skipped=list(checked.problems), agreements=AGREEMENT.count(cohort))
    report.agreement_files = [outdir / AGREEMENT.folder / name for name in unique_names(
        [AGREEMENT.title(pair) for pair in AGREEMENT.rows(cohort)], ".docx")]
    if note:
        report.warnings.append(Problem(note, file=str(path)))
    if not has_subject:
        report.warnings.append(Problem(
            f'it has no first line "Subject: …", so each message\'s subject is '
            f'"{default_subject(cohort.programme.settings)}": add that line to choose it',
            file=str(path)))
    report.warnings += [Problem(n, file=str(path))
                        for n in hidden_fields(cohort, _template_text(path) or "")]
    addressed, report.unaddressed, warnings = coaches_of(cohort)
    report.warnings += warnings
    files = contract_files(cohort, outdir)
    if files and not any(p.is_file() for p in files.values()):
        raise DocgenError(Problem(
            f"no contract is there yet: run `docgen generate {data} -o {outdir}` first",
            file=str(outdir / CONTRACT.folder)))
    if not (chosen / CONTRACT.template_file).is_file():  # a folder of coach_email.txt alone:
        chosen = choose_templates(data, None)[0]  # generate could not have used it
    states, notes = contract_states(cohort, outdir, files, chosen,
                                    f"docgen generate {data} -o {outdir}")
    report.warnings += notes
    sent, notes = read_sent(folder)
    report.warnings += notes
    names = unique_names([coach for coach, _address, _teams in addressed], ".eml")
    with folder_lock(folder):
        write_drafts(report, cohort, addressed, names, files, render, sender=sender,
                     sent=sent, states=states, subject=subject, template=path)
    return report


def _subject_renderer(path: Path, compile_text: Callable[..., Render]
                      ) -> tuple[bool, Render | None]:
    """Tell whether the message template starts with a "Subject:" line, and return that line's
    renderer alone, to keep in the subject a value with a line break (None when the line
    cannot be compiled alone, a block it opens ending further down: its first rendered line
    is then the subject)."""
    from docgen.mail.message import template_subject

    text = _template_text(path)
    if text is None:
        return True, None  # compile_text has said so already
    line = template_subject(text)
    if line is None:
        return False, None
    try:
        return True, compile_text(path, line)
    except DocgenError:
        return True, None


def _template_text(path: Path) -> str | None:
    """Return the message template's text as compile_text reads it (None if it cannot be)."""
    try:
        return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None


def contract_states(cohort: Cohort, outdir: Path, files: dict[str, Path], templates: Path,
                    command: str) -> tuple[dict[str, ContractState], list[Problem]]:
    """Say, by Team ID, what is known of each contract on disk that is not as ``generate``
    makes it now from this cohort, told from the output folder's manifest.

    Made from other data or templates (the team's coach or name changed since generate ran,
    or a file name now another team's): held back, to be made again with ``command``. Changed
    since docgen wrote it (an admin's correction, or a coach's returned record saved there),
    or not in the manifest: attached as it is, and named. Returns those states, and a warning
    when the contract template (from ``templates``, as generate chooses it) is not there to
    check against.
    """
    from docgen.documents.outputs import Manifest, file_hash
    from docgen.jobs.generate import source_digest
    from docgen.mail.drafts import ContractState

    manifest = Manifest.load(outdir)
    template = templates / CONTRACT.template_file
    template_digest = file_hash(template) if template.is_file() else None
    notes = [Problem(
        "the contracts cannot be checked against the cohort (the contract template is not "
        "there): they are attached as they are; give the --templates that generate used",
        file=str(template))] if template_digest is None else []
    today = dt.date.today()  # the date a document was made is not part of its digest
    states: dict[str, ContractState] = {}
    for team in cohort.teams:
        path = files[team.team_id]
        current = file_hash(path)
        if current is None:
            continue  # missing: named by the drafts
        hashes, recorded = manifest.files.get(f"{CONTRACT.folder}/{path.name}", ((), None))
        if not hashes:
            states[team.team_id] = ContractState(False, (
                "docgen has no record of writing it (put there by hand, or the output "
                "folder's record was lost): attached as it is; run `" + command + "` to "
                "check it"))
        elif current not in hashes:
            if template_digest is not None and recorded != source_digest(
                    template_digest, CONTRACT.plan(cohort, team, today)):
                # edited, and made from what the cohort no longer says: its coach may be
                # another now, so it must not go out as it stands
                states[team.team_id] = ContractState(True, (
                    "it was changed since docgen wrote it (edited, or a returned record saved "
                    f"over it), and made from other data than the cohort now gives "
                    f"{team.team_id} (a cell of its row, such as its coach, or its sessions "
                    "changed since generate ran, or the templates or docgen did): not attached; "
                    "run `" + command + " --force` to make it again (the edited file is kept "
                    "beside it: copy its changes across), then docgen mail"))
                continue
            states[team.team_id] = ContractState(False, (
                "it was changed since docgen wrote it (edited, or a returned record saved "
                "over it): attached as it is now; if that is not meant, move it out and run `"
                + command + "`"))
        elif template_digest is not None and (hashes[-1] != current or recorded != (
                source_digest(template_digest, CONTRACT.plan(cohort, team, today)))):
            states[team.team_id] = ContractState(True, (
                f"it was made from other data than the cohort now gives {team.team_id} (a "
                "cell of its row, such as its coach, or its sessions changed since generate "
                "ran, or the templates or docgen did): not attached; run `" + command + "` to "
                "make it again, then docgen mail"))
    return states, notes


def contract_files(cohort: Cohort, outdir: Path) -> dict[str, Path]:
    """Return where ``docgen generate`` puts each team's contract, by Team ID.

    Named exactly as generate names them (the same titles, made unique the same way).
    """
    names = unique_names([CONTRACT.title(t) for t in cohort.teams], ".docx")
    return {t.team_id: outdir / CONTRACT.folder / name
            for t, name in zip(cohort.teams, names, strict=True)}


def mail_server(host: str, port: int | None, security: str, user: str | None,
                sender: str | None) -> tuple[SmtpServer, str]:
    """Return the SMTP server to send through (on its security's usual port when ``port`` is
    None) and the address the messages go from (``sender``, else the login if an address)."""
    from docgen.mail.smtp import PORTS, SmtpServer, envelope_sender

    server = SmtpServer(host, port or PORTS[security], security, user)
    return server, envelope_sender(server, sender)


def smtp_password() -> str | None:
    """Return the SMTP password set in the environment (``DOCGEN_SMTP_PASSWORD``), if any."""
    from docgen.mail.smtp import PASSWORD_VARIABLE

    return os.environ.get(PASSWORD_VARIABLE) or None


def send_mail(report: MailReport, server: SmtpServer, password: str | None, *,
              sender: str | None = None, progress: Callable[[CoachMail], object] | None = None,
              now: Callable[[], dt.datetime] | None = None) -> SendReport:
    """Send the drafts of :func:`mail` still to send, one message per coach, each recorded,
    holding the mail folder's lock (see :func:`docgen.mail.smtp.send`)."""
    from docgen.mail.smtp import SendReport, envelope_sender, send

    from_addr = envelope_sender(server, sender)
    if not report.to_send:
        return SendReport()
    with folder_lock(report.folder):
        return send(report, server, password, from_addr=from_addr, sender=sender,
                    progress=progress, now=now)
