"""`docgen mail`: a draft per coach with their documents, read back with the standard library's
parser; sending through a real SMTP server on the loopback address (aiosmtpd), refusals
included; the command line through click's CliRunner."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, Rows, csv_cohort, small_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen import jobs
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.mail.addresses import split_addresses, valid_address
from docgen.mail.drafts import CoachMail, MailReport
from docgen.mail.message import DRAFT_HEADER, TEMPLATE_FILE
from docgen.mail.sent import SENT_RECORD
from docgen.mail.smtp import PASSWORD_VARIABLE, SmtpServer
from docgen.schema import TEAMS
from docgen.values.addresses import parsed_valid

SEAN = "Seán Ó Súilleabháin"
ULLA = "Ülla Nó-Mail"


def mail_rows() -> Rows:
    """The small cohort, its second team with two addressed coaches (one with accents), and a
    third team coached by Jo (addressed on T1 only) and a coach without an address."""
    rows = small_rows()
    rows["Teams"][1].update(coach=f"{SEAN}; Alex Second",
                            coach_email="sean@example.org; alex@example.org")
    rows["Teams"].append({"team_id": "T3", "team_name": "Théâtre Unit", "coach":
                          f"Dr Jo Bloggs; {ULLA}", "team_members": "Zoë Smith"})
    rows["Programme"] = [{"cohort": "Cohort 9"}]
    return rows


@pytest.fixture
def cohort(make_cohort: Callable[..., Path]) -> Path:
    return make_cohort(mail_rows())


@pytest.fixture
def outdir(cohort: Path, tmp_path: Path) -> Path:
    outdir = tmp_path / "out"
    jobs.generate(cohort, outdir, today=TODAY)
    return outdir


def parse(path: Path) -> EmailMessage:
    with open(path, "rb") as fh:
        return email.message_from_binary_file(fh, policy=email.policy.default)  # type: ignore[return-value]


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True) for part in msg.iter_attachments()}


def body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return part.get_content()


def by_coach(report: MailReport) -> dict[str, CoachMail]:
    return {m.coach: m for m in report.mails}


# --- drafts -----------------------------------------------------------------------------------


def test_one_draft_per_coach_parsed_back(cohort: Path, outdir: Path) -> None:
    report = jobs.mail(cohort, outdir)
    mails = by_coach(report)
    assert set(mails) == {"Dr Jo Bloggs", SEAN, "Alex Second"}
    contracts = outdir / "contracts"
    expected = {
        "Dr Jo Bloggs": ("jo.bloggs@nhs.scot",
                         ["Ward 7 Falls (T1).docx", "Théâtre Unit (T3).docx"]),
        SEAN: ("sean@example.org", ["A & B -Ltd- -quoted- 🚀 (T2).docx"]),
        "Alex Second": ("alex@example.org", ["A & B -Ltd- -quoted- 🚀 (T2).docx"]),
    }
    for coach, (address, files) in expected.items():
        draft = mails[coach].draft
        assert draft is not None and draft.parent == outdir / "mail"
        msg = parse(draft)
        [to] = msg["To"].addresses
        assert (to.display_name, to.addr_spec) == (coach, address)
        assert msg["X-Unsent"] == "1"
        assert msg["Subject"] == (
            "Lothian Quality Improvement Academy (Cohort 9): your coaching "
            + ("contracts" if len(files) > 1 else "contract"))
        text = body(msg)
        assert text.startswith(f"Dear {coach},\n")
        assert "Cohort 9" in text
        got = attachments(msg)
        assert list(got) == files
        for name, data in got.items():
            assert data == (contracts / name).read_bytes()  # byte for byte
    sean = body(parse(mails[SEAN].draft))  # type: ignore[arg-type]
    assert 'A & B <Ltd> "quoted" 🚀 (T2), Health & Social Care' in sean  # text, not escaped
    assert "&amp;" not in sean
    jo = body(parse(mails["Dr Jo Bloggs"].draft))  # type: ignore[arg-type]
    assert "Ward 7 Falls (T1), NHS Lothian" in jo and "Théâtre Unit (T3)" in jo
    assert "the teams you coach" in jo


def test_coach_without_address_listed_and_agreements_not_mailed(cohort: Path,
                                                                 outdir: Path) -> None:
    report = jobs.mail(cohort, outdir)
    [ulla] = report.unaddressed
    assert ulla.coach == ULLA
    assert [t.team_id for t in ulla.teams] == ["T3"]
    assert "no address" in ulla.reason
    assert report.agreements == 1
    assert sorted(p.name for p in (outdir / "mail").glob("*.eml")) == [
        "Alex Second.eml", "Dr Jo Bloggs.eml", f"{SEAN}.eml"]


def test_drafts_are_the_same_bytes_when_nothing_changed(cohort: Path, outdir: Path) -> None:
    first = {m.coach: m.draft.read_bytes() for m in jobs.mail(cohort, outdir).mails}  # type: ignore[union-attr]
    second = {m.coach: m.draft.read_bytes() for m in jobs.mail(cohort, outdir).mails}  # type: ignore[union-attr]
    assert first == second


def test_addresses_that_do_not_match_the_coaches_are_named_not_guessed(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Teams"][1]["coach_email"] = "shared@example.org"  # one address, two coaches
    rows["Teams"][2]["coach_email"] = "jo.other@example.org; ulla@example.org"
    rows["Teams"].append({"team_id": "T4", "team_name": "Four", "coach": "Zoë Four",
                          "coach_email": "zoë@example.org"})
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    unaddressed = {u.coach: u.reason for u in report.unaddressed}
    assert set(unaddressed) == {SEAN, "Alex Second", "Dr Jo Bloggs", "Zoë Four"}
    assert "1 address for 2 coaches" in unaddressed[SEAN]
    assert "jo.bloggs@nhs.scot (row 2)" in unaddressed["Dr Jo Bloggs"]
    assert "jo.other@example.org (row 4)" in unaddressed["Dr Jo Bloggs"]
    cell = next(w for w in report.warnings if w.row == 3)
    assert (cell.sheet, cell.column) == ("Teams", "Coach email")
    assert "one address per coach" in cell.message
    assert [m.coach for m in report.mails] == [ULLA]  # her address is clear on T3
    assert unaddressed["Zoë Four"] == (
        '"zoë@example.org" is not an e-mail address docgen can send to (it has letters '
        'beyond ASCII)')


def test_missing_document_named_and_held_back(cohort: Path, outdir: Path) -> None:
    (outdir / "contracts" / "Théâtre Unit (T3).docx").unlink()
    report = jobs.mail(cohort, outdir)
    jo = by_coach(report)["Dr Jo Bloggs"]
    assert jo.missing == [outdir / "contracts" / "Théâtre Unit (T3).docx"]
    assert list(attachments(parse(jo.draft))) == ["Ward 7 Falls (T1).docx"]  # type: ignore[arg-type]
    assert jo not in report.to_send and jo in report.incomplete


def test_pdf_beside_the_document_attached_unless_older(cohort: Path, outdir: Path) -> None:
    docx = outdir / "contracts" / "Ward 7 Falls (T1).docx"
    pdf = docx.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4 not a real one\n")
    os.utime(pdf, (docx.stat().st_mtime + 5,) * 2)
    jo = by_coach(jobs.mail(cohort, outdir))["Dr Jo Bloggs"]
    got = attachments(parse(jo.draft))  # type: ignore[arg-type]
    assert got["Ward 7 Falls (T1).pdf"] == pdf.read_bytes()
    os.utime(pdf, (docx.stat().st_mtime - 5,) * 2)
    jo = by_coach(jobs.mail(cohort, outdir))["Dr Jo Bloggs"]
    assert "Ward 7 Falls (T1).pdf" not in attachments(parse(jo.draft))  # type: ignore[arg-type]
    assert jo.stale_pdfs == [pdf]


def test_workspace_message_template_used(tmp_path: Path) -> None:
    from docgen.cohort.starter import write_cohort_workbook

    workspace = tmp_path / "ws"
    jobs.init(workspace)
    mine = workspace / "templates" / TEMPLATE_FILE
    assert mine.read_bytes() == (jobs.default_templates() / TEMPLATE_FILE).read_bytes()
    mine.write_text("Subject: Für {{ coach }}\nHallo {{ coach }}: "
                    "{{ teams|map(attribute='team_id')|join(', ') }}, {{ documents }} "
                    "{{ programme }}\n", encoding="utf-8")
    (workspace / "cohort.xlsx").unlink()
    write_cohort_workbook(workspace / "cohort.xlsx", mail_rows())
    jobs.generate(workspace / "cohort.xlsx", workspace / "output", today=TODAY)
    report = jobs.mail(workspace / "cohort.xlsx", workspace / "output")
    assert str(mine) in report.template
    msg = parse(by_coach(report)["Dr Jo Bloggs"].draft)  # type: ignore[arg-type]
    assert msg["Subject"] == "Für Dr Jo Bloggs"
    assert body(msg) == "Hallo Dr Jo Bloggs: T1, T3, 2 Lothian Quality Improvement Academy\n"


@pytest.mark.parametrize(("template", "words"), [
    ("{{ ''.__class__.__mro__ }}", "Python internals"),
    ("Dear {{ coach_nickname }}", "coach_nickname"),
    ("{% for %}", "cannot be read"),
])
def test_message_template_sandboxed_and_strict(cohort: Path, outdir: Path, tmp_path: Path,
                                               template: str, words: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / TEMPLATE_FILE).write_text(template, encoding="utf-8")
    with pytest.raises(DocgenError) as caught:
        jobs.mail(cohort, outdir, templates=folder)
    [problem] = caught.value.problems
    assert words in problem.message and problem.file == str(folder / TEMPLATE_FILE)


def test_drafts_of_coaches_no_longer_listed_removed(cohort: Path, outdir: Path,
                                                    make_cohort: Callable[..., Path]) -> None:
    jobs.mail(cohort, outdir)
    own = outdir / "mail" / "notes.eml"
    own.write_bytes(b"Subject: mine\n\nnot docgen's\n")
    rows = mail_rows()
    rows["Teams"][1].update(coach=SEAN, coach_email="sean@example.org")
    changed = make_cohort(rows)
    jobs.generate(changed, outdir, today=TODAY)
    report = jobs.mail(changed, outdir)
    assert report.removed == [outdir / "mail" / "Alex Second.eml"]
    assert own.exists()


# --- sending ----------------------------------------------------------------------------------


class Recorder:
    """An aiosmtpd handler keeping what it receives, refusing the recipients in ``refuse``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
        self.logins.append((auth_data.login, auth_data.password))
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.password == "s3cret é".encode()
        return AuthResult(success=ok, handled=False)  # the server answers 535

    @property
    def recipients(self) -> list[str]:
        return [to for _f, tos, _d in self.received for to in tos]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtpd() -> Iterator[tuple[Recorder, int]]:
    """A real SMTP server on 127.0.0.1 (login allowed without TLS: it never leaves the host)."""
    controller_module = pytest.importorskip("aiosmtpd.controller")  # the test extra has it
    handler = Recorder()
    port = _free_port()
    controller = controller_module.Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate,
        auth_require_tls=False)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def server(port: int, user: str | None = None) -> SmtpServer:
    return SmtpServer("127.0.0.1", port, "none", user, timeout=10)


def sent_record(outdir: Path) -> list[dict[str, str]]:
    lines = (outdir / "mail" / SENT_RECORD).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_send_one_message_per_coach_and_not_twice(cohort: Path, outdir: Path,
                                                  smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    report = jobs.mail(cohort, outdir)
    result = jobs.send_mail(report, server(port), None, sender="Admin <qi.admin@example.org>")
    assert sorted(m.coach for m in result.sent) == ["Alex Second", "Dr Jo Bloggs", SEAN]
    assert not result.refused and not result.not_sent
    assert sorted(handler.recipients) == ["alex@example.org", "jo.bloggs@nhs.scot",
                                          "sean@example.org"]
    for mail_from, [to], data in handler.received:
        assert mail_from == "qi.admin@example.org"
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert msg["X-Unsent"] is None and msg[DRAFT_HEADER] is None
        assert msg["From"].addresses[0].addr_spec == "qi.admin@example.org"
        assert msg["To"].addresses[0].addr_spec == to and msg["Date"] and msg["Message-ID"]
        for name, payload in attachments(msg).items():
            assert payload == (outdir / "contracts" / name).read_bytes()
    record = sent_record(outdir)
    assert sorted(e["address"] for e in record) == sorted(handler.recipients)
    assert {e["coach"] for e in record} == {"Alex Second", "Dr Jo Bloggs", SEAN}

    again = jobs.mail(cohort, outdir)
    assert again.to_send == [] and len(again.already_sent) == 3
    assert jobs.send_mail(again, server(port), None, sender="qi.admin@example.org").sent == []
    assert len(handler.received) == 3


def test_refused_recipient_reported_others_sent_rerun_sends_only_it(
        cohort: Path, outdir: Path, smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    handler.refuse = {"alex@example.org"}
    result = jobs.send_mail(jobs.mail(cohort, outdir), server(port), None,
                            sender="qi.admin@example.org")
    assert sorted(m.coach for m in result.sent) == ["Dr Jo Bloggs", SEAN]
    [(refused, reason)] = result.refused
    assert refused.coach == "Alex Second"
    assert reason == "550 5.1.1 No such user here"
    assert sorted(handler.recipients) == ["jo.bloggs@nhs.scot", "sean@example.org"]

    handler.refuse = set()
    report = jobs.mail(cohort, outdir)
    assert [m.coach for m in report.to_send] == ["Alex Second"]
    rerun = jobs.send_mail(report, server(port), None, sender="qi.admin@example.org")
    assert [m.coach for m in rerun.sent] == ["Alex Second"]
    assert sorted(handler.recipients) == ["alex@example.org", "jo.bloggs@nhs.scot",
                                          "sean@example.org"]


def test_changed_documents_sent_again(cohort: Path, outdir: Path, tmp_path: Path,
                                      smtpd: tuple[Recorder, int],
                                      make_cohort: Callable[..., Path]) -> None:
    handler, port = smtpd
    jobs.send_mail(jobs.mail(cohort, outdir), server(port), None, sender="qi.admin@example.org")
    rows = mail_rows()
    rows["Teams"][0]["venue"] = "Seminar Room 9"  # changes Jo's T1 contract only
    changed = make_cohort(rows)
    jobs.generate(changed, outdir, today=TODAY)
    report = jobs.mail(changed, outdir)
    [jo] = report.to_send
    assert jo.coach == "Dr Jo Bloggs" and jo.changed_since
    jobs.send_mail(report, server(port), None, sender="qi.admin@example.org")
    assert handler.recipients.count("jo.bloggs@nhs.scot") == 2
    assert len(handler.received) == 4


def test_unreachable_server_is_a_message(cohort: Path, outdir: Path) -> None:
    report = jobs.mail(cohort, outdir)
    with pytest.raises(DocgenError) as caught:
        jobs.send_mail(report, server(_free_port()), None, sender="qi.admin@example.org")
    assert "cannot connect to the mail server 127.0.0.1" in str(caught.value)
    assert not (outdir / "mail" / SENT_RECORD).exists()


def test_wrong_password_is_a_message(cohort: Path, outdir: Path,
                                     smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    report = jobs.mail(cohort, outdir)
    with pytest.raises(DocgenError) as caught:
        jobs.send_mail(report, server(port, "admin"), "wrong", sender="qi.admin@example.org")
    assert "refused the login of admin" in str(caught.value)
    assert handler.received == []


def test_no_sender_address_is_a_message(cohort: Path, outdir: Path) -> None:
    with pytest.raises(DocgenError, match="--from"):
        jobs.send_mail(jobs.mail(cohort, outdir), server(25, "admin"), "x")


# --- command line -------------------------------------------------------------------------------


def invoke(*args: str, **kwargs: object) -> object:
    return CliRunner().invoke(main, ["mail", *args], **kwargs)  # type: ignore[arg-type]


def test_cli_writes_drafts_and_lists_coaches_without_address(cohort: Path,
                                                             outdir: Path) -> None:
    result = invoke(str(cohort), "-o", str(outdir))
    assert result.exit_code == 0, result.output
    assert "3 drafts in" in result.output
    assert f"  {SEAN} <sean@example.org>: A & B -Ltd- -quoted- 🚀 (T2).docx" in result.output
    assert "1 coach without an e-mail address (no draft):" in result.output
    assert f"  {ULLA} (T3): no address in the Coach email column" in result.output
    assert "1 mentor agreement is not e-mailed" in result.output


def test_cli_sends_after_confirmation_only(cohort: Path, outdir: Path,
                                           smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    args = (str(cohort), "-o", str(outdir), "--smtp-host", "127.0.0.1", "--smtp-port",
            str(port), "--no-tls", "--from", "qi.admin@example.org")
    declined = invoke(*args, input="n\n")
    assert declined.exit_code == 1 and "Send them now?" in declined.output
    assert handler.received == []
    accepted = invoke(*args, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "To send: 3 messages from qi.admin@example.org" in accepted.output
    assert f"Sent to {SEAN} <sean@example.org>" in accepted.output
    assert len(handler.received) == 3
    rerun = invoke(*args, "--yes")
    assert "Nothing to send." in rerun.output and rerun.exit_code == 0
    assert "[sent " in rerun.output
    assert len(handler.received) == 3


def test_cli_password_from_environment_or_prompt(cohort: Path, outdir: Path,
                                                 smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    args = (str(cohort), "-o", str(outdir), "--smtp-host", "127.0.0.1", "--smtp-port",
            str(port), "--no-tls", "--smtp-user", "qi.admin@example.org")
    handler.refuse = {"alex@example.org", "sean@example.org"}
    result = invoke(*args, "--yes", env={PASSWORD_VARIABLE: "s3cret é"})
    assert handler.logins == [(b"qi.admin@example.org", "s3cret é".encode())]
    assert result.exit_code == 1
    assert "Refused: Alex Second <alex@example.org>: 550 5.1.1 No such user here" in (
        result.output)
    assert "1 sent, 2 refused, 0 not sent" in result.output
    handler.refuse = set()
    prompted = invoke(*args, "--yes", input="s3cret é\n", env={PASSWORD_VARIABLE: ""})
    assert prompted.exit_code == 0, prompted.output
    assert "Password for qi.admin@example.org" in prompted.output
    assert sorted(handler.recipients) == ["alex@example.org", "jo.bloggs@nhs.scot",
                                          "sean@example.org"]


def test_cli_takes_no_password_on_the_command_line() -> None:
    command = main.commands["mail"]  # type: ignore[attr-defined]
    options = [o for p in command.params for o in (*p.opts, *p.secondary_opts)]
    assert "--smtp-user" in options
    assert not [o for o in options if "pass" in o.casefold()]
    result = invoke("x.xlsx", "--smtp-host", "h", "--password", "x")
    assert result.exit_code == 2 and "--password" in result.output


def test_server_closing_mid_run_stops_and_rerun_sends_the_rest(
        cohort: Path, outdir: Path, smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    handler.refuse = {"sean@example.org"}
    closing = "421 4.3.2 Service shutting down"

    async def close_on_sean(server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN202
        if address in handler.refuse:
            return closing
        envelope.rcpt_tos.append(address)
        return "250 OK"

    handler.handle_RCPT = close_on_sean  # type: ignore[method-assign]
    result = jobs.send_mail(jobs.mail(cohort, outdir), server(port), None,
                            sender="qi.admin@example.org")
    assert [m.coach for m in result.sent] == ["Dr Jo Bloggs"]  # the sheet's order
    assert [m.coach for m, _why in result.not_sent] == [SEAN, "Alex Second"]
    assert "421" in result.not_sent[0][1] and not result.refused
    handler.refuse = set()
    rerun = jobs.send_mail(jobs.mail(cohort, outdir), server(port), None,
                           sender="qi.admin@example.org")
    assert sorted(m.coach for m in rerun.sent) == ["Alex Second", SEAN]
    assert sorted(handler.recipients) == ["alex@example.org", "jo.bloggs@nhs.scot",
                                          "sean@example.org"]


def test_server_without_starttls_is_a_message(cohort: Path, outdir: Path,
                                              smtpd: tuple[Recorder, int]) -> None:
    _handler, port = smtpd
    with pytest.raises(DocgenError, match="does not offer STARTTLS: use --ssl"):
        jobs.send_mail(jobs.mail(cohort, outdir), SmtpServer("127.0.0.1", port),
                       None, sender="qi.admin@example.org")


def test_nothing_generated_yet_is_a_message(cohort: Path, tmp_path: Path) -> None:
    result = invoke(str(cohort), "-o", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "no contract is there yet: run `docgen generate" in result.output
    assert not (tmp_path / "empty" / "mail").exists()


_LOCAL = st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?", fullmatch=True).filter(
    lambda s: ".." not in s)
_ADDRESS = st.builds(lambda user, host: f"{user}@{host}.example.org", _LOCAL,
                     st.from_regex(r"[a-z]{1,8}", fullmatch=True))


@given(st.lists(_ADDRESS, min_size=1, max_size=5),
       st.sampled_from([";", "; ", ",", "\n", " ;\n"]))
def test_addresses_split_as_written(addresses: list[str], separator: str) -> None:
    cell = separator.join(addresses)
    assert split_addresses(f" {cell} {separator}") == addresses
    assert all(valid_address(a) for a in addresses)


@given(st.one_of(
    st.from_regex(r"[A-Za-z0-9_%+.-]{1,12}@[A-Za-z0-9.-]{1,12}", fullmatch=True),
    st.text(alphabet="aZ09_%+-.@ \"(),:;<>[]\\!#é", max_size=16)))
def test_usual_addresses_are_judged_as_the_email_parser_judges_them(address: str) -> None:
    assert valid_address(address) == (address.isascii() and parsed_valid(address))


# --- addresses as admins type them, coaches as they spell them --------------------------------


def _to(draft: Path | None) -> list[tuple[str, str]]:
    assert draft is not None
    return [(a.display_name, a.addr_spec) for a in parse(draft)["To"].addresses]


def test_addresses_with_names_mailto_and_other_separators_used(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Teams"][0]["coach_email"] = "Dr Jo Bloggs <mailto:jo.bloggs@nhs.scot>"
    rows["Teams"].append({"team_id": "T4", "team_name": "Four", "coach": "Dr Jo Bloggs",
                          "coach_email": "'jo.bloggs@nhs.scot' <jo.bloggs@nhs.scot>"})
    # the Coach cell's order is Seán then Alex; names typed with the addresses pair them
    rows["Teams"][1]["coach_email"] = (f"Second, Alex <alex@example.org>, {SEAN} "
                                       "<sean@example.org>")
    rows["Teams"][2]["coach_email"] = "mailto:JO.BLOGGS@NHS.SCOT and ulla@bücher.example;"
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    assert report.warnings == [] and report.unaddressed == []
    mails = by_coach(report)
    assert _to(mails["Dr Jo Bloggs"].draft) == [("Dr Jo Bloggs", "jo.bloggs@nhs.scot")]
    assert _to(mails[SEAN].draft) == [(SEAN, "sean@example.org")]
    assert _to(mails["Alex Second"].draft) == [("Alex Second", "alex@example.org")]
    assert _to(mails[ULLA].draft) == [(ULLA, "ulla@xn--bcher-kva.example")]
    assert list(attachments(parse(mails[ULLA].draft))) == ["Théâtre Unit (T3).docx"]  # type: ignore[arg-type]
    assert list(attachments(parse(mails["Dr Jo Bloggs"].draft))) == [  # type: ignore[arg-type]
        "Ward 7 Falls (T1).docx", "Théâtre Unit (T3).docx", "Four (T4).docx"]


@pytest.mark.parametrize(("cell", "why"), [
    ("jo.bloggs@nhs.scot; Sam", '"Sam" is not an e-mail address (no @)'),
    ("jo@@nhs.scot", '"jo@@nhs.scot" is not an e-mail address (more than one @)'),
    ("jo bloggs@nhs.scot", '"jo bloggs@nhs.scot" is not an e-mail address (it has a space)'),
    ("jo@nhsscot", '"jo@nhsscot" is not an e-mail address (no dot after the @)'),
    ("Pat Other <pat@example.org>",
     '"Pat Other <pat@example.org>" names someone who is not a coach of this team '
     "(Coach: Dr Jo Bloggs)"),
])
def test_address_typos_named_with_their_row_never_used(
        make_cohort: Callable[..., Path], tmp_path: Path, cell: str, why: str) -> None:
    rows = mail_rows()
    rows["Teams"][0]["coach_email"] = cell
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    [warning] = [w for w in report.warnings if w.row == 2]
    assert (warning.sheet, warning.column) == ("Teams", "Coach email")
    assert warning.message.startswith(why)
    assert "Dr Jo Bloggs" in {u.coach for u in report.unaddressed}
    assert "Dr Jo Bloggs" not in by_coach(report)


def test_coach_spelt_otherwise_on_another_row_named(make_cohort: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Teams"][2]["coach"] = f"jo bloggs; {ULLA}"
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    jo = by_coach(report)["Dr Jo Bloggs"]
    assert [t.team_id for t in jo.teams] == ["T1", "T3"]  # one draft, both contracts
    assert list(attachments(parse(jo.draft))) == [  # type: ignore[arg-type]
        "Ward 7 Falls (T1).docx", "Théâtre Unit (T3).docx"]
    [warning] = [w for w in report.warnings if w.column == "Coach"]
    assert (warning.sheet, warning.row) == ("Teams", 4)
    assert warning.message.startswith(
        '"jo bloggs" is read as the same coach as "Dr Jo Bloggs" (row 2)')


def test_team_without_a_coach_named(make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Teams"].append({"team_id": "T4", "team_name": "Nobody's", "coach_email":
                          "who@example.org"})
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    mine = [w for w in report.warnings if w.row == 5]
    assert any(w.column == "Coach" and w.message.startswith(
        "T4 has no coach, so its contract is in no draft") for w in mine)


def test_two_coaches_sharing_an_address_named_and_each_sent_once(
        make_cohort: Callable[..., Path], tmp_path: Path, smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    rows = mail_rows()
    rows["Teams"][2].update(coach="Bloggs, Jo", coach_email="jo.bloggs@nhs.scot")
    data = make_cohort(rows)
    outdir = tmp_path / "out"
    jobs.generate(data, outdir, today=TODAY)
    report = jobs.mail(data, outdir)
    mails = by_coach(report)
    assert _to(mails["Bloggs, Jo"].draft) == [("Bloggs, Jo", "jo.bloggs@nhs.scot")]
    [shared] = [w for w in report.warnings if "is the address of" in w.message]
    assert shared.message.startswith('jo.bloggs@nhs.scot is the address of "Dr Jo Bloggs" '
                                     '(row 2) and "Bloggs, Jo" (row 4)')
    first = jobs.send_mail(report, server(port), None, sender="qi.admin@example.org")
    assert len(first.sent) == 4
    again = jobs.mail(data, outdir)
    assert again.to_send == [] and len(again.already_sent) == 4  # neither sent again
    assert jobs.send_mail(again, server(port), None, sender="qi.admin@example.org").sent == []
    assert handler.recipients.count("jo.bloggs@nhs.scot") == 2


_NAME = st.one_of(st.from_regex(r"[A-Z][a-z]{1,6}( [A-Z][a-z]{1,8})?", fullmatch=True),
                  st.from_regex(r"[A-Z][a-z]{1,8}, [A-Z][a-z]{1,6}", fullmatch=True))  # Bloggs, Jo


@given(st.lists(st.tuples(_ADDRESS, st.one_of(st.just(""), _NAME), st.booleans()),
                min_size=1, max_size=5),
       st.sampled_from([";", "; ", ",", ", ", "\n", " ;\n", " and ", " & ", " / "]))
def test_addresses_read_with_their_names_whatever_joins_them(
        entries: list[tuple[str, str, bool]], separator: str) -> None:
    from docgen.mail.addresses import read_address

    typed = [f"{name} <{link}>" if name else link
             for a, name, mailto in entries for link in [f"mailto:{a}" if mailto else a]]
    read = [read_address(t) for t in split_addresses(separator.join(typed) + separator)]
    assert [(w.address, w.name) for w in read] == [(a, name) for a, name, _m in entries]


# --- the contracts on disk, as generate made them from this cohort -----------------------------


def test_contract_made_before_the_coach_changed_held_back_not_attached(
        cohort: Path, outdir: Path, make_cohort: Callable[..., Path]) -> None:
    rows = mail_rows()
    rows["Teams"][0].update(coach="Pat New", coach_email="pat.new@nhs.scot")
    changed = make_cohort(rows, name="changed.xlsx")  # generate has not run on it
    report = jobs.mail(changed, outdir)
    pat = by_coach(report)["Pat New"]
    t1 = outdir / "contracts" / "Ward 7 Falls (T1).docx"
    [(path, why)] = pat.held
    assert path == t1 and "made from other data than the cohort now gives T1" in why
    assert f"run `docgen generate {changed} -o {outdir}`" in why
    assert pat.draft is None and pat not in report.to_send and pat in report.incomplete
    sean = by_coach(report)[SEAN]  # T2 is as generate made it: attached
    assert list(attachments(parse(sean.draft))) == ["A & B -Ltd- -quoted- 🚀 (T2).docx"]  # type: ignore[arg-type]
    assert sean.held == [] and sean in report.to_send

    jobs.generate(changed, outdir, today=TODAY)
    pat = by_coach(jobs.mail(changed, outdir))["Pat New"]
    assert pat.held == [] and list(attachments(parse(pat.draft))) == [t1.name]  # type: ignore[arg-type]
    assert attachments(parse(pat.draft))[t1.name] == t1.read_bytes()  # type: ignore[arg-type]


def test_contract_edited_since_generated_attached_and_named(cohort: Path, outdir: Path) -> None:
    t1 = outdir / "contracts" / "Ward 7 Falls (T1).docx"
    edited = t1.read_bytes() + b"\0"  # saved again by Word: other bytes
    t1.write_bytes(edited)
    jo = by_coach(jobs.mail(cohort, outdir))["Dr Jo Bloggs"]
    [(path, why)] = jo.noted
    assert path == t1 and why.startswith("it was changed since docgen wrote it")
    assert attachments(parse(jo.draft))[t1.name] == edited  # type: ignore[arg-type]
    assert jo.complete and jo.held == []


def test_contract_edited_and_made_before_the_coach_changed_held_back(
        cohort: Path, outdir: Path, make_cohort: Callable[..., Path]) -> None:
    # an admin's correction saved over T1's contract; then the team is given to another
    # coach: the edited contract still names the old coach, so it must not go to the new one
    t1 = outdir / "contracts" / "Ward 7 Falls (T1).docx"
    t1.write_bytes(t1.read_bytes() + b"\0")
    rows = mail_rows()
    rows["Teams"][0].update(coach="Pat New", coach_email="pat.new@nhs.scot")
    changed = make_cohort(rows, name="changed.xlsx")
    jobs.generate(changed, outdir, today=TODAY)  # keeps T1: edited
    pat = by_coach(jobs.mail(changed, outdir))["Pat New"]
    [(path, why)] = pat.held
    assert path == t1 and why.startswith("it was changed since docgen wrote it (edited, or a "
                                         "returned record saved over it), and made from other "
                                         "data than the cohort now gives T1")
    assert f"run `docgen generate {changed} -o {outdir} --force`" in why
    assert pat.draft is None and pat in jobs.mail(changed, outdir).incomplete


def test_contracts_without_the_manifest_attached_and_named(cohort: Path, outdir: Path) -> None:
    (outdir / ".docgen-manifest.jsonl").unlink()
    report = jobs.mail(cohort, outdir)
    noted = [(p.name, why) for m in report.mails for p, why in m.noted]
    assert len(noted) == 4  # T1 and T3 for Jo, T2 for Seán and for Alex
    assert all(why.startswith("docgen has no record of writing it") for _n, why in noted)


def test_contract_names_that_collided_are_checked_against_their_team(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Teams"][1].update(team_id="T-1", team_name="Ward 7 Falls")
    rows["Teams"][2].update(team_id="T/1", team_name="Ward 7 Falls",
                            coach_email="jo.bloggs@nhs.scot; ulla@example.org")
    data = make_cohort(rows)
    outdir = tmp_path / "out"
    jobs.generate(data, outdir, today=TODAY)
    assert (outdir / "contracts" / "Ward 7 Falls (T-1) (2).docx").is_file()
    rows["Teams"][1], rows["Teams"][2] = rows["Teams"][2], rows["Teams"][1]  # rows swapped
    report = jobs.mail(make_cohort(rows, name="swapped.xlsx"), outdir)
    held = {m.coach: [p.name for p, _why in m.held] for m in report.mails}
    assert held[ULLA] == ["Ward 7 Falls (T-1).docx"]  # now T/1's name: it holds T-1's
    assert held[SEAN] == held["Alex Second"] == ["Ward 7 Falls (T-1) (2).docx"]


def test_cli_names_contracts_not_attached_and_each_agreement(
        cohort: Path, outdir: Path, make_cohort: Callable[..., Path]) -> None:
    rows = mail_rows()
    rows["Teams"][0].update(coach="Pat New", coach_email="pat.new@nhs.scot")
    result = invoke(str(make_cohort(rows, name="changed.xlsx")), "-o", str(outdir))
    assert result.exit_code == 0, result.output
    t1 = outdir / "contracts" / "Ward 7 Falls (T1).docx"
    assert f"Not attached: {t1} (for Pat New): it was made from other data" in result.output
    assert ("1 coach with an address but no draft (none of their contracts can be attached, "
            "see why below):\n  Pat New <pat.new@nhs.scot> (T1)\n") in result.output
    assert "1 mentor agreement is not e-mailed" in result.output
    agreement = outdir / "agreements" / "Zofia Dąbrowska and François Béranger.docx"
    assert agreement.is_file() and f"  {agreement}\n" in result.output


# --- the message template's subject ---------------------------------------------------------------


def test_value_with_a_line_break_stays_in_the_subject_on_one_line(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Programme"] = [{"cohort": "Cohort 9\nSpring intake"}]
    data = make_cohort(rows)
    outdir = tmp_path / "out"
    jobs.generate(data, outdir, today=TODAY)
    report = jobs.mail(data, outdir)
    msg = parse(by_coach(report)[SEAN].draft)  # type: ignore[arg-type]
    subject = ("Lothian Quality Improvement Academy (Cohort 9 Spring intake): your coaching "
               "contract")
    assert msg["Subject"] == subject
    assert body(msg).startswith(f"Dear {SEAN},\n")  # the rest of the subject is not text
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        (SEAN, "sean@example.org")]
    [name] = attachments(msg)
    assert attachments(msg)[name] == (outdir / "contracts" / name).read_bytes()
    notes = [w for w in report.warnings if "ran over 2 lines" in w.message]
    assert len(notes) == 3  # one per draft
    assert notes[0].file == str(jobs.default_templates() / TEMPLATE_FILE)
    assert f'it is sent on one, "{subject}' in notes[1].message


def test_template_without_a_subject_line_named(cohort: Path, outdir: Path,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / TEMPLATE_FILE).write_text("Dear {{ coach }}\n", encoding="utf-8")
    report = jobs.mail(cohort, outdir, templates=folder)
    msg = parse(by_coach(report)[SEAN].draft)  # type: ignore[arg-type]
    assert msg["Subject"] == "Lothian Quality Improvement Academy: your coaching documents"
    assert body(msg) == f"Dear {SEAN}\n"
    [warning] = [w for w in report.warnings if w.file == str(folder / TEMPLATE_FILE)]
    assert warning.message == (
        'it has no first line "Subject: …", so each message\'s subject is "Lothian Quality '
        'Improvement Academy: your coaching documents": add that line to choose it')
    assert not any("cannot be checked" in w.message for w in report.warnings)


# --- sending: every message either recorded as sent or listed as not sent ----------------------


def _accounted(report: MailReport, result: object) -> list[str]:
    """Each message to send, once, as the run left it: sent, refused or not sent."""
    sent = [m.coach for m in result.sent]  # type: ignore[attr-defined]
    refused = [m.coach for m, _why in result.refused]  # type: ignore[attr-defined]
    not_sent = [m.coach for m, _why in result.not_sent]  # type: ignore[attr-defined]
    return sorted(sent + refused + not_sent)


def test_connection_dropped_mid_message_every_message_accounted_for_once(
        cohort: Path, outdir: Path, smtpd: tuple[Recorder, int]) -> None:
    handler, port = smtpd
    keep = handler.handle_DATA

    async def drop_on_sean(server, session, envelope):  # noqa: ANN001, ANN202
        if "sean@example.org" in envelope.rcpt_tos:
            server.transport.close()  # cut off before the server answers
            return None
        return await keep(server, session, envelope)

    handler.handle_DATA = drop_on_sean  # type: ignore[method-assign]
    report = jobs.mail(cohort, outdir)
    result = jobs.send_mail(report, server(port), None, sender="qi.admin@example.org")
    assert _accounted(report, result) == sorted(m.coach for m in report.mails)
    assert [m.coach for m in result.sent] == ["Dr Jo Bloggs"]
    (first, why), (rest, why_rest) = result.not_sent
    assert (first.coach, rest.coach) == (SEAN, "Alex Second")
    assert why.startswith("the connection was lost while it was being sent") and (
        "may have arrived or not" in why)
    assert "before it was sent" in why_rest
    assert [e["coach"] for e in sent_record(outdir)] == ["Dr Jo Bloggs"]  # only what was sent

    handler.handle_DATA = keep  # type: ignore[method-assign]
    again = jobs.mail(cohort, outdir)
    assert sorted(m.coach for m in again.to_send) == ["Alex Second", SEAN]
    rerun = jobs.send_mail(again, server(port), None, sender="qi.admin@example.org")
    assert sorted(m.coach for m in rerun.sent) == ["Alex Second", SEAN]
    assert sorted(e["coach"] for e in sent_record(outdir)) == ["Alex Second", "Dr Jo Bloggs",
                                                               SEAN]
    assert sorted(handler.recipients) == ["alex@example.org", "jo.bloggs@nhs.scot",
                                          "sean@example.org"]


def test_recipient_refused_in_send_messages_answer_listed_not_recorded(
        cohort: Path, outdir: Path, smtpd: tuple[Recorder, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import smtplib

    _handler, port = smtpd
    keep = smtplib.SMTP.send_message

    def answer(self, msg, from_addr=None, to_addrs=None, *args, **kwargs):  # noqa: ANN001, ANN202
        keep(self, msg, from_addr, to_addrs, *args, **kwargs)
        if to_addrs == ["alex@example.org"]:
            return {"alex@example.org": (550, b"5.1.1 mailbox unavailable")}
        return {}

    monkeypatch.setattr(smtplib.SMTP, "send_message", answer)
    report = jobs.mail(cohort, outdir)
    result = jobs.send_mail(report, server(port), None, sender="qi.admin@example.org")
    assert _accounted(report, result) == sorted(m.coach for m in report.mails)
    [(alex, why)] = result.refused
    assert alex.coach == "Alex Second" and why == "550 5.1.1 mailbox unavailable"
    assert "Alex Second" not in {e["coach"] for e in sent_record(outdir)}


def test_damaged_lines_of_the_sent_record_named(cohort: Path, outdir: Path,
                                                smtpd: tuple[Recorder, int]) -> None:
    _handler, port = smtpd
    jobs.send_mail(jobs.mail(cohort, outdir), server(port), None, sender="qi.admin@example.org")
    record = outdir / "mail" / SENT_RECORD
    lines = record.read_bytes().split(b"\n")
    lines[1] = lines[1][:40] + b"\xff" + lines[1][41:]  # a record damaged in the middle
    record.write_bytes(b"\n".join(lines) + b'{"coach": "cut sh')  # and one cut short
    report = jobs.mail(cohort, outdir)
    [note] = [w for w in report.warnings if w.file == str(record)]
    assert note.message.startswith("line 2 of the record of messages sent cannot be read")
    assert len(report.to_send) == 1 and len(report.already_sent) == 2


def test_setting_and_column_the_message_cannot_see_named(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    rows["Programme"] = [{"cohort": "Cohort 9", "documents": "Pack A"}]
    rows["Teams"][0]["file"] = "F-001"
    data = make_cohort(rows)
    outdir = tmp_path / "out"
    jobs.generate(data, outdir, today=TODAY)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / TEMPLATE_FILE).write_text(
        "Subject: {{ documents }}\n{% for team in teams %}{{ team.file }}{% endfor %}\n",
        encoding="utf-8")
    report = jobs.mail(data, outdir, templates=folder)
    notes = sorted(w.message for w in report.warnings if w.file == str(folder / TEMPLATE_FILE))
    assert notes == [
        "the Programme sheet's setting \"documents\" is not what {{ documents }} shows in the "
        "message: that is docgen's own (how many contracts are attached); rename the setting "
        "to use it",
        "the Teams sheet's column \"file\" is not what team.file shows in the message: that is "
        "docgen's own (its contract's file name); rename the column to use it"]
    msg = parse(by_coach(report)["Dr Jo Bloggs"].draft)  # type: ignore[arg-type]
    assert msg["Subject"] == "2"


def test_earlier_draft_that_cannot_be_removed_named(cohort: Path, outdir: Path,
                                                    make_cohort: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    jobs.mail(cohort, outdir)
    rows = mail_rows()
    rows["Teams"][1].update(coach=SEAN, coach_email="sean@example.org")
    changed = make_cohort(rows)
    jobs.generate(changed, outdir, today=TODAY)
    alex = outdir / "mail" / "Alex Second.eml"
    unlink = Path.unlink

    def locked(self: Path, missing_ok: bool = False) -> None:
        if self == alex:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", locked)
    report = jobs.mail(changed, outdir)
    assert report.removed == [] and alex.exists()
    [warning] = [w for w in report.warnings if w.file == str(alex)]
    assert warning.message.startswith("an earlier draft, for a coach who gets none now, could "
                                      "not be removed (Permission denied)")


def test_a_spelling_on_many_rows_and_a_mailbox_shared_by_many_named_once(
        make_cohort: Callable[..., Path], tmp_path: Path) -> None:
    rows = mail_rows()
    for n in range(4, 8):  # T4..T7 on rows 5..8, "jo bloggs"; T8.. share one mailbox
        rows["Teams"].append({"team_id": f"T{n}", "team_name": f"Team {n}",
                              "coach": "jo bloggs"})
    for n in range(8, 15):
        rows["Teams"].append({"team_id": f"T{n}", "team_name": f"Team {n}",
                              "coach": f"Coach Number{n}", "coach_email": "qi@example.org"})
    data = make_cohort(rows)
    jobs.generate(data, tmp_path / "out", today=TODAY)
    report = jobs.mail(data, tmp_path / "out")
    [spelt] = [w for w in report.warnings if w.column == "Coach"]
    assert spelt.row == 5 and "; this spelling is also on rows 6, 7, 8;" in spelt.message
    [shared] = [w for w in report.warnings if "is the address of" in w.message]
    assert shared.message.startswith(
        'qi@example.org is the address of "Coach Number8" (row 9), "Coach Number9" (row 10), '
        '"Coach Number10" (row 11), "Coach Number11" (row 12), "Coach Number12" (row 13) and '
        "2 more coaches: each gets a draft of their own")


# --- any coach names and addresses: each team's contract mailed, or its coach named ------------

_COACHES = st.one_of(st.text(max_size=15), st.sampled_from([
    'Jo "Bo" Smith', "Smith, Jo", "Jo\nSam", "Jo; Sam", "=cmd", "Zoë Ó'Brien", "Jo <x@y.org>",
    "\u202eJo", "Dr. J. O. Smith", "Jo/Sam", "Jo & Sam", "?", "Subject: x"]))
_ADDRESS_CELLS = st.one_of(st.text(max_size=15), st.sampled_from([
    "jo@nhs.scot", "Jo <jo@nhs.scot>", "jo@nhs.scot; sam@nhs.scot", "mailto:jo@nhs.scot",
    "jo@bücher.de", "zoë@example.org", "jo@[", "jo@nhs.scot\nbcc: x@y.org", '"jo"@nhs.scot',
    "jo@nhs.scot, Smith <s@nhs.scot>", "<>", "@", "jo@-nhs.scot"]))


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(st.tuples(_COACHES, _ADDRESS_CELLS), min_size=1, max_size=3))
def test_any_coach_cells_give_each_team_a_draft_or_a_named_reason(
        tmp_path_factory, rows: list[tuple[str, str]]) -> None:
    """Odd coach names and address cells (typed by hand, pasted from Outlook, a header
    injection): drafts are written for those who can be sent to, every other coach is
    named with the reason, and no team of the generated contracts is left out unsaid."""
    folder = tmp_path_factory.mktemp("mail")
    csv_cohort(folder, TEAMS, ["Team ID", "Team name", "Coach", "Team members", "Coach email"],
               [[f"T{i}", f"Team {i}", coach, "Ann Bee", address]
                for i, (coach, address) in enumerate(rows)])
    out = folder / "out"
    try:
        made = jobs.generate(folder, out, jobs=1, skip_invalid=True, today=TODAY)
        report = jobs.mail(folder, out, skip_invalid=True)
    except DocgenError as exc:
        assert exc.problems
        return
    drafted = {t.team_id for mail in report.mails for t in mail.teams}
    named = {t.team_id for u in report.unaddressed for t in u.teams}
    for rel, _outcome in made.files:  # each contract: in a draft, or why not is said
        team = rel.rpartition("(")[2].removesuffix(").docx")
        assert team in drafted or team in named or any(
            w.message.startswith(f"{team} has no coach") for w in report.warnings), rel
    for mail in report.mails:
        assert mail.draft is not None and mail.draft.is_file()
        assert valid_address(mail.address)
