"""Build data/cohort.xlsx, the realistic sample cohort shipped with docgen.

The sample is written through :func:`docgen.cohort.starter.write_cohort_workbook`, so it always has
the headers, drop-downs and formats of ``docgen init``. It is fixed data (no randomness), so a
rebuild gives the same cells. Rebuild it from the repository root with::

    /work/venv/bin/python tools/make_sample_cohort.py            # writes data/cohort.xlsx
    /work/venv/bin/python tools/make_sample_cohort.py other.xlsx # or somewhere else

The names are invented; they include Gaelic, Polish and French accents, an organisation with
"&" in its name, a team with two coaches, teams without a venue (they take the programme's
default), a cancelled, a rescheduled and an email-only session.
"""

from __future__ import annotations

import sys
from datetime import date, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere, without installing

from docgen import schema  # noqa: E402
from docgen.cohort.starter import write_cohort_workbook  # noqa: E402

NHS_LOTHIAN = "NHS Lothian"
NHS_BORDERS = "NHS Borders"
EDINBURGH_HSCP = "Edinburgh Health & Social Care Partnership"
WEST_LOTHIAN_HSCP = "West Lothian Health and Social Care Partnership"
MIDLOTHIAN_HSCP = "Midlothian Health and Social Care Partnership"
GP_PRACTICE = "Craigmillar Medical Group (GP practice)"

FIONA = "Fiona MacLeod"
GRAHAM = "Graham Robertson"
HELEN = "Helen Carruthers"
RAVI = "Ravi Mehta"
EMAIL = {
    FIONA: "fiona.macleod@nhs.scot",
    GRAHAM: "graham.robertson@nhs.scot",
    HELEN: "helen.carruthers@nhs.scot",
    RAVI: "ravi.mehta@nhs.scot",
}

PROGRAMME = {
    "programme": "Lothian Quality Improvement Academy",
    "cohort": "Cohort 7 (2026)",
    "default_venue": "Lothian QI Academy, Waverley Gate, 2–4 Waterloo Place, Edinburgh EH1 3EG",
}


def _team(
    team_id: str,
    name: str,
    organisation: str,
    members: list[str],
    coaches: list[str],
    first: date,
    venue: str = "",
    **extra: object,
) -> dict[str, object]:
    """Return one Teams row; the coach email is the lead (first) coach's."""
    return {
        "team_id": team_id,
        "team_name": name,
        "organisation": organisation,
        "team_members": "; ".join(members),
        "coach": "; ".join(coaches),
        "coach_email": EMAIL[coaches[0]],
        "venue": venue,
        "first_session": first,
        **extra,
    }


TEAMS = [
    _team("T01", "Reducing inpatient falls on Ward 12 (Medicine of the Elderly)", NHS_LOTHIAN,
          ["Áine Ní Bhriain", "Mark Henderson", "Priya Nair"], [FIONA], date(2026, 2, 10),
          "Seminar Room 3, Royal Infirmary of Edinburgh"),
    _team("T02", "Earlier discharge from the Medical Assessment Unit", NHS_BORDERS,
          ["Łukasz Wójcik", "Kirsty Elliot", "Tom Scott"], [GRAHAM], date(2026, 2, 12)),
    _team("T03", "Home First: reducing delayed discharge to Care at Home", EDINBURGH_HSCP,
          ["Seonag NicLeòid", "David O'Neill", "Rachel Brown"], [HELEN, RAVI],
          date(2026, 2, 17), "Meeting Room 1.06, Waverley Gate, Edinburgh"),
    _team("T04", "Improving annual asthma reviews", GP_PRACTICE,
          ["Dr Eòghann MacAoidh", "Sarah Thomson", "Jo Reid"], [FIONA], date(2026, 2, 19),
          "Practice meeting room, Craigmillar Medical Group"),
    _team("T05", "Preventing pressure ulcers in district nursing", WEST_LOTHIAN_HSCP,
          ["Zofia Dąbrowska-Kowalczyk", "Lorna McIntyre", "Anne-Marie Gallacher"], [GRAHAM],
          date(2026, 2, 24)),
    _team("T06", "Medicines reconciliation within 24 hours of admission, Ward 204",
          NHS_LOTHIAN, ["Élodie Lefèvre", "James Murray", "Amira Haddad"], [HELEN],
          date(2026, 2, 26), "Education Centre, St John's Hospital, Livingston"),
    _team("T07", "Fewer missed appointments in Community Mental Health", NHS_BORDERS,
          ["François Béranger", "Morag Scott", "Callum Hogg"], [RAVI], date(2026, 3, 3),
          "Video call (MS Teams)"),
    _team("T08", "Safer insulin prescribing on surgical wards", NHS_LOTHIAN,
          ["Niamh O'Connor", "Ewan Stewart"], [FIONA], date(2026, 3, 5),
          frequency="Every 3 weeks", duration="90 minutes", review_after_sessions=3),
    _team("T09", "Carers' assessments & support plans within 28 days", MIDLOTHIAN_HSCP,
          ["Kate Fraser", "Mohammed Iqbal", "Siobhán Kelly"], [GRAHAM], date(2026, 3, 10),
          "Midlothian Community Hospital, Bonnyrigg"),
]


def _session(
    team_id: str,
    day: date,
    start: time | None,
    finish: time | None,
    coach: str,
    mode: str,
    topic: str = "",
    issues: str = "",
    action: str = "",
    next_meeting: date | None = None,
    comments: str = "",
) -> dict[str, object]:
    """Return one Sessions row."""
    return {
        "team_id": team_id,
        "date": day,
        "start_time": start,
        "finish_time": finish,
        "coach": coach,
        "mode": mode,
        "topic": topic,
        "issues_arising": issues,
        "action": action,
        "date_of_next_meeting": next_meeting,
        "comments": comments,
    }


F2F, PHONE, VIDEO, MAIL = schema.MODES

SESSIONS = [
    _session("T01", date(2026, 2, 10), time(14), time(15), FIONA, F2F,
             "Agreeing the aim statement",
             "Aim too broad (\"reduce all harm\"); baseline falls data held by two systems",
             "Priya to pull 12 months of Datix falls data; draft SMART aim",
             date(2026, 3, 10)),
    _session("T01", date(2026, 3, 10), time(14), time(15), FIONA, F2F,
             "Driver diagram", "Night-shift staff not yet involved",
             "Mark to run a 10-minute huddle with night staff; first PDSA on lying/standing BP",
             date(2026, 4, 14)),
    _session("T01", date(2026, 4, 14), time(14), time(15, 15), FIONA, VIDEO,
             "Reading the run chart",
             "Shift in falls per 1,000 bed days after PDSA 2 — is it real?",
             "Annotate run chart; plan PDSA 3 on bed-rail assessments", date(2026, 5, 12)),
    _session("T02", date(2026, 2, 12), time(10), time(11), GRAHAM, F2F,
             "Process map of a discharge", "Pharmacy TTOs arrive after 16:00 on most days",
             "Łukasz to time-stamp TTO requests for two weeks", date(2026, 3, 12)),
    _session("T02", date(2026, 3, 12), None, None, GRAHAM, F2F,
             next_meeting=date(2026, 3, 26), comments="Cancelled by team — ward inspection"),
    _session("T02", date(2026, 3, 26), time(10), time(11), GRAHAM, PHONE,
             "Measurement plan", "No agreed definition of 'discharge before noon'",
             "Kirsty to agree the definition with the bed manager", date(2026, 4, 23)),
    _session("T03", date(2026, 2, 17), time(9, 30), time(10, 30), HELEN, F2F,
             "Team roles and ground rules", "Social work and NHS staff use different data",
             "Seonag to set up a shared tracker on SharePoint", date(2026, 3, 17),
             "Both coaches present"),
    _session("T03", date(2026, 3, 17), time(9, 30), time(10, 30), RAVI, VIDEO,
             "Fishbone of delays", "Care at Home packages wait on a single panel each week",
             "David to test a twice-weekly panel for one locality", date(2026, 4, 21)),
    _session("T03", date(2026, 4, 21), time(9, 30), time(10, 45), HELEN, F2F,
             "PDSA 1 results", "Panel change cut waits, but weekend starts still stall",
             "Rachel to ask providers about Saturday starts", date(2026, 5, 19)),
    _session("T04", date(2026, 2, 19), time(13), time(14), FIONA, F2F,
             "Baseline: reviews done in 2025", "Only 41% of patients on the register reviewed",
             "Sarah to search the register for patients with no review in 15 months",
             date(2026, 3, 19)),
    _session("T04", date(2026, 3, 6), None, None, FIONA, MAIL,
             "Search criteria for the asthma register",
             "Query about excluding patients with COPD overlap",
             "Fiona to send example search; Jo to re-run it", date(2026, 3, 19),
             "Email coaching"),
    _session("T04", date(2026, 3, 19), time(13), time(14), FIONA, F2F,
             "Text message invitations", "Invitations go out in one batch and swamp reception",
             "Test staggered invitations, 20 a week", date(2026, 4, 23)),
    _session("T05", date(2026, 2, 24), time(15), time(16), GRAHAM, F2F,
             "Aim and scope", "Three district nursing teams, different paperwork",
             "Zofia to agree one SSKIN bundle audit form", date(2026, 3, 24)),
    _session("T05", date(2026, 3, 24), time(15), time(16), GRAHAM, VIDEO,
             "Audit data so far", "Repositioning advice not recorded in 30% of visits",
             "Lorna to test a prompt card on one caseload", date(2026, 4, 28)),
    _session("T05", date(2026, 4, 28), None, None, GRAHAM, F2F,
             next_meeting=date(2026, 5, 14), comments="Rescheduled by coach to 14/05/2026"),
    _session("T05", date(2026, 5, 14), time(15), time(16), GRAHAM, F2F,
             "Spreading the prompt card", "Second team keen; third team short-staffed",
             "Anne-Marie to present results at the locality meeting", date(2026, 6, 11)),
    _session("T06", date(2026, 2, 26), time(11), time(12), HELEN, F2F,
             "Where reconciliation is missed", "Weekend admissions rarely reconciled in 24 h",
             "Élodie to audit 20 weekend admissions", date(2026, 3, 26)),
    _session("T06", date(2026, 3, 26), time(11), time(12), HELEN, F2F,
             "Audit findings & change ideas", "Pharmacy technician not on rota at weekends",
             "Amira to discuss a Saturday technician session with the lead pharmacist",
             date(2026, 4, 30)),
    _session("T07", date(2026, 3, 3), time(16), time(17), RAVI, VIDEO,
             "Understanding DNAs", "DNA rate 18%; reminder letters posted 2 weeks ahead",
             "François to test text reminders 48 hours before appointments",
             date(2026, 4, 7)),
    _session("T07", date(2026, 4, 7), time(16), time(17), RAVI, VIDEO,
             "First PDSA", "Mobile numbers out of date for a third of patients",
             "Morag to add a number check at reception", date(2026, 5, 5)),
    _session("T08", date(2026, 3, 5), time(12, 30), time(14), FIONA, F2F,
             "Insulin prescribing errors", "Most errors are 'units' written as 'u'",
             "Ewan to test a pre-printed insulin chart on Ward 7", date(2026, 3, 26)),
    _session("T08", date(2026, 3, 26), time(12, 30), time(14), FIONA, PHONE,
             "Chart design feedback", "Junior doctors not told about the new chart",
             "Niamh to add it to the FY1 induction", date(2026, 4, 16)),
    _session("T09", date(2026, 3, 10), time(10), time(11), GRAHAM, F2F,
             "Carers' journey map", "Assessments wait for a social worker to be allocated",
             "Kate to test carer-centre staff starting assessments", date(2026, 4, 14)),
]


def _pair(
    practitioner: str,
    practitioner_org: str,
    mentor: str,
    mentor_org: str,
    weeks: int,
    when: str,
    where: str,
    notice: str = "48 hours",
) -> dict[str, object]:
    """Return one Mentoring row."""
    return {
        "qi_practitioner": practitioner,
        "practitioner_organisation": practitioner_org,
        "mentor": mentor,
        "mentor_organisation": mentor_org,
        "meet_every_weeks": weeks,
        "time": when,
        "location": where,
        "adequate_notice": notice,
    }


MENTORING = [
    _pair("Áine Ní Bhriain", NHS_LOTHIAN, "Dr Catriona Munro", "NHS Lothian QI Team", 4,
          "Tuesdays 12:30", "Chancellor's Building, Royal Infirmary of Edinburgh, room 2.14"),
    _pair("Łukasz Wójcik", NHS_BORDERS, "Alison Turnbull", NHS_BORDERS, 6,
          "Thursdays 08:30", "Borders General Hospital, Education Centre"),
    _pair("Seonag NicLeòid", EDINBURGH_HSCP, "Peter Drummond", NHS_LOTHIAN, 4,
          "Mondays 16:00", "Video call (MS Teams)", "24 hours"),
    _pair("Zofia Dąbrowska-Kowalczyk", WEST_LOTHIAN_HSCP, "Dr Eilidh Mackenzie",
          "Healthcare Improvement Scotland", 8, "Wednesdays 14:00",
          "Civic Centre, Livingston, meeting room 3"),
    _pair("Élodie Lefèvre", NHS_LOTHIAN, "Gordon Baird", NHS_LOTHIAN, 4,
          "Fridays 10:00", "St John's Hospital pharmacy office"),
    _pair("François Béranger", NHS_BORDERS, "Dr Shona Grant", NHS_LOTHIAN, 6,
          "Tuesdays 17:00", "Video call (MS Teams)", "One working day"),
    _pair("Dr Eòghann MacAoidh", GP_PRACTICE, "Dr Iain Campbell",
          "Lothian Primary Care QI Network", 8, "Wednesdays 13:00",
          "Craigmillar Medical Group, practice meeting room", "One week"),
]

ROWS: dict[str, list[dict[str, object]]] = {
    schema.PROGRAMME.name: [PROGRAMME],
    schema.TEAMS.name: TEAMS,
    schema.SESSIONS.name: SESSIONS,
    schema.MENTORING.name: MENTORING,
}


def _check_keys() -> None:
    """Stop if a sample row uses a key the schema does not know (it would add a column)."""
    settings = {column.key for column, _default in schema.PROGRAMME_SETTINGS}
    for sheet in schema.SHEETS:
        known = settings if sheet is schema.PROGRAMME else {c.key for c in sheet.columns}
        for row in ROWS[sheet.name]:
            unknown = set(row) - known
            if unknown:
                raise SystemExit(f"{sheet.name}: unknown keys {sorted(unknown)}")


def main(argv: list[str]) -> int:
    """Write the sample cohort to the path given, or to data/cohort.xlsx."""
    target = Path(argv[0]) if argv else ROOT / "data" / "cohort.xlsx"
    _check_keys()
    write_cohort_workbook(target, ROWS)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
