"""Who gets what: each coach of the Teams sheet matched to their teams and their address.

A team's Coach email cell holds one address per coach, in the Coach column's order (or each
with its coach's name, "Jo Bloggs <jo@nhs.scot>"). A cell that cannot be read that way, or a
coach given two different addresses, is a warning on the cell to correct and the coach gets no
draft: an address is never guessed. A coach spelt otherwise on another row, an address shared
by two coaches and a team without a coach are warned of too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen import schema
from docgen.errors import Problem
from docgen.models import Cohort, Team
from docgen.values.addresses import Written, read_address, split_addresses, valid_address, why_not
from docgen.values.people import person_key

Addressed = tuple[str, str, list[Team]]  # (coach, address, their teams)


@dataclass
class Unaddressed:
    """A coach who gets no draft, with the teams they coach and why."""

    coach: str
    teams: list[Team]
    reason: str


def _plural(n: int, word: str, plural: str) -> str:
    return f"{n} {word if n == 1 else plural}"


@dataclass
class _Found:
    """What the Teams sheet says of each coach, by person key."""

    names: dict[str, str] = field(default_factory=dict)  # key -> the first spelling met
    rows: dict[str, int] = field(default_factory=dict)  # key -> the row of that spelling
    teams: dict[str, list[Team]] = field(default_factory=dict)
    # key -> folded address -> (the address as written, its row)
    addresses: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    unclear: dict[str, str] = field(default_factory=dict)  # key -> why its cell was not used


def _name_key(name: str, keys: list[str]) -> str:
    """Return the person key of a name typed with an address, "Bloggs, Jo" read as "Jo Bloggs"
    when that is one of ``keys``."""
    if not name:
        return ""
    last, comma, first = name.partition(",")
    if comma and (swapped := person_key(f"{first} {last}")) in keys:
        return swapped
    return person_key(name) or name


def _matched(written: list[Written], keys: list[str]) -> list[str] | None:
    """Return the coach key each address goes to, by the name typed with it where there is
    one (else by its place); None when a name is not one of the team's coaches."""
    named = [_name_key(w.name, keys) for w in written]
    if not any(named):
        return keys
    if all(n == "" or n == k for n, k in zip(named, keys, strict=True)):
        return keys
    if all(named) and sorted(named) == sorted(keys):
        return named  # every address names its coach, in another order than the Coach cell
    return None


def _read_team(found: _Found, team: Team, source: str) -> Problem | None:
    """Note the coaches of one team and, when its Coach email cell is clear, their addresses;
    return the warning on the cell when it is not."""
    written = [read_address(a) for a in split_addresses(team.coach_email)]
    keys = [person_key(c) or c for c in team.coaches]
    for coach, key in zip(team.coaches, keys, strict=True):
        found.names.setdefault(key, coach)
        found.rows.setdefault(key, team.row)
        found.teams.setdefault(key, []).append(team)
    if not written:
        return None
    where = {"file": source, "sheet": schema.TEAMS.name, "row": team.row,
             "column": "Coach email"}
    bad = [w for w in written if not valid_address(w.address)]
    matched = _matched(written, keys) if len(written) == len(keys) else keys
    if bad:
        why = "; ".join(why_not(w) for w in bad)
        warning = Problem(f"{why}: correct it, then run docgen mail again", **where)
    elif len(written) != len(keys):
        why = (f"the Coach email cell of row {team.row} has "
               f"{_plural(len(written), 'address', 'addresses')} for "
               f"{_plural(len(keys), 'coach', 'coaches')}")
        warning = Problem(
            f"{_plural(len(written), 'address', 'addresses')} for "
            f"{_plural(len(keys), 'coach', 'coaches')}: give one address per coach, "
            "separated by ;, in the order of the Coach column", **where)
    elif matched is None:
        names = "; ".join(f'"{w.text}"' for w in written if w.name)
        why = (f"the Coach email cell of row {team.row} names someone who is not a coach "
               f"of the team ({names}; Coach: {'; '.join(team.coaches)})")
        warning = Problem(
            f"{names} names someone who is not a coach of this team (Coach: "
            f"{'; '.join(team.coaches)}): write each coach's name as in the Coach column, "
            "or the addresses alone in its order", **where)
    else:
        for key, w in zip(matched, written, strict=True):
            found.addresses.setdefault(key, {}).setdefault(w.address.casefold(),
                                                           (w.address, team.row))
        return None
    for key in keys:
        found.unclear.setdefault(key, why)
    return warning


def _rows(rows: list[int], most: int = 10) -> str:
    """Return row numbers as "rows 4, 7, 9", the first ``most`` and how many more."""
    shown = ", ".join(map(str, rows[:most]))
    more = f" and {len(rows) - most} more" if len(rows) > most else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _spellings(cohort: Cohort, found: _Found, source: str) -> list[Problem]:
    """Warn of each coach written otherwise on other rows ("Jo Bloggs" after "Dr Jo Bloggs"),
    once per spelling, on its first row: their teams share one draft, under the first."""
    others: dict[tuple[str, str], list[int]] = {}
    for team in cohort.teams:
        for coach in team.coaches:
            key = person_key(coach) or coach
            if coach != found.names.get(key, coach):
                others.setdefault((key, coach), []).append(team.row)
    warnings = []
    for (key, coach), rows in others.items():
        first = found.names[key]
        also = f"; this spelling is also on {_rows(rows[1:])}" if len(rows) > 1 else ""
        warnings.append(Problem(
            f'"{coach}" is read as the same coach as "{first}" (row {found.rows[key]}): one '
            f"draft, to {first}, has the contracts of both{also}; if they are two people, "
            "tell them apart, e.g. by an initial",
            file=source, sheet=schema.TEAMS.name, row=rows[0], column="Coach"))
    return warnings


def _shared(addressed: list[Addressed], found: _Found, source: str) -> list[Problem]:
    """Warn of an address given to two coaches or more (each gets their own draft to it)."""
    by_address: dict[str, list[tuple[str, str]]] = {}
    for coach, address, _teams in addressed:
        by_address.setdefault(address.casefold(), []).append((coach, address))
    warnings = []
    for sharing in by_address.values():
        if len(sharing) < 2:
            continue
        named = [f'"{c}" (row {found.rows[person_key(c) or c]})' for c, _a in sharing]
        listed = (", ".join(named[:-1]) + " and " + named[-1] if len(named) <= 5 else
                  ", ".join(named[:5]) + f" and {len(named) - 5} more coaches")
        warnings.append(Problem(
            f"{sharing[0][1]} is the address of {listed}: each gets a draft of their own to "
            "it; if they are one person, write their name the same way on every row",
            file=source, sheet=schema.TEAMS.name, column="Coach email"))
    return warnings


def coaches_of(cohort: Cohort) -> tuple[list[Addressed], list[Unaddressed], list[Problem]]:
    """Match each coach of the Teams sheet to their teams and their address.

    A coach met on several rows (spelt alike by :func:`person_key`) takes the address given on
    any row where the cell is clear (as many addresses as coaches, any name typed with one
    being its coach's); two different addresses for one coach are a problem, not a guess.
    Warned of: each other spelling of a coach, an address shared by two coaches, a team
    without a coach. Returns (coach, address, teams) per addressed coach, in the sheet's order, the
    coaches without an address, and warnings located on the cells to correct.
    """
    found = _Found()
    source = str(cohort.source)
    warnings = [w for team in cohort.teams if (w := _read_team(found, team, source))]
    warnings += [Problem(
        f"{team.team_id} has no coach, so its contract is in no draft: add its coach (and "
        "their address), then run docgen mail again", file=source, sheet=schema.TEAMS.name,
        row=team.row, column="Coach") for team in cohort.teams if not team.coaches]
    warnings += _spellings(cohort, found, source)
    addressed: list[Addressed] = []
    unaddressed: list[Unaddressed] = []
    for key, coach in found.names.items():
        options = list(found.addresses.get(key, {}).values())
        if len(options) == 1:
            addressed.append((coach, options[0][0], found.teams[key]))
            continue
        if len(options) > 1:
            listed = " and ".join(f"{a} (row {row})" for a, row in options)
            reason = f"two addresses on the Teams sheet: {listed}; make them one"
            warnings.append(Problem(f"{coach} has {reason}", file=source,
                                    sheet=schema.TEAMS.name, column="Coach email"))
        else:
            reason = found.unclear.get(key, "no address in the Coach email column")
        unaddressed.append(Unaddressed(coach, found.teams[key], reason))
    warnings += _shared(addressed, found, source)
    return addressed, unaddressed, warnings
