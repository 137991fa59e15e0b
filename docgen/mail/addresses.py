"""Who gets what: each coach of the Teams sheet matched to their teams and their address.

A team's Coach email cell holds one address per coach, in the Coach column's order. A cell
that cannot be read that way, or a coach given two different addresses, is a warning on the
cell to correct and the coach gets no draft: an address is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.errors import MessageError
from email.headerregistry import Address

from docgen import schema
from docgen.errors import Problem
from docgen.models import Cohort, Team
from docgen.values.people import person_key

_ADDRESS_SEPARATORS = re.compile(r"[;,\n]+")

Addressed = tuple[str, str, list[Team]]  # (coach, address, their teams)


@dataclass
class Unaddressed:
    """A coach who gets no draft, with the teams they coach and why."""

    coach: str
    teams: list[Team]
    reason: str


def split_addresses(cell: str) -> list[str]:
    """Return the addresses of a Coach email cell, in order (separated by ";", "," or lines)."""
    return [a.strip() for a in _ADDRESS_SEPARATORS.split(cell or "") if a.strip()]


def valid_address(address: str) -> bool:
    """Tell whether ``address`` is one plain address (ASCII: what every mail server takes)."""
    if not address.isascii():
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, TypeError, MessageError):
        return False
    return bool(parsed.username and parsed.domain) and parsed.addr_spec == address


def _plural(n: int, word: str, plural: str) -> str:
    return f"{n} {word if n == 1 else plural}"


@dataclass
class _Found:
    """What the Teams sheet says of each coach, by person key."""

    names: dict[str, str] = field(default_factory=dict)  # key -> the first spelling met
    teams: dict[str, list[Team]] = field(default_factory=dict)
    # key -> folded address -> (the address as written, its row)
    addresses: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    unclear: dict[str, str] = field(default_factory=dict)  # key -> why its cell was not used


def _read_team(found: _Found, team: Team, source: str) -> Problem | None:
    """Note the coaches of one team and, when its Coach email cell is clear, their addresses;
    return the warning on the cell when it is not."""
    addresses = split_addresses(team.coach_email)
    keys = [person_key(c) or c for c in team.coaches]
    for coach, key in zip(team.coaches, keys, strict=True):
        found.names.setdefault(key, coach)
        found.teams.setdefault(key, []).append(team)
    if not addresses:
        return None
    where = {"file": source, "sheet": schema.TEAMS.name, "row": team.row,
             "column": "Coach email"}
    bad = [a for a in addresses if not valid_address(a)]
    if bad:
        why = f'"{bad[0]}" is not an e-mail address'
        if not bad[0].isascii():
            why += " docgen can send to (it has letters beyond ASCII)"
        warning = Problem(f"{why}: correct it, then run docgen mail again", **where)
    elif len(addresses) != len(keys):
        why = (f"the Coach email cell of row {team.row} has "
               f"{_plural(len(addresses), 'address', 'addresses')} for "
               f"{_plural(len(keys), 'coach', 'coaches')}")
        warning = Problem(
            f"{_plural(len(addresses), 'address', 'addresses')} for "
            f"{_plural(len(keys), 'coach', 'coaches')}: give one address per coach, "
            "separated by ;, in the order of the Coach column", **where)
    else:
        for key, address in zip(keys, addresses, strict=True):
            found.addresses.setdefault(key, {}).setdefault(address.casefold(),
                                                           (address, team.row))
        return None
    for key in keys:
        found.unclear.setdefault(key, why)
    return warning


def coaches_of(cohort: Cohort) -> tuple[list[Addressed], list[Unaddressed], list[Problem]]:
    """Match each coach of the Teams sheet to their teams and their address.

    A coach met on several rows takes the address given on any row where the cell is clear
    (as many addresses as coaches); two different addresses for one coach are a problem, not
    a guess. Returns (coach, address, teams) per addressed coach, in the sheet's order, the
    coaches without an address, and warnings located on the cells to correct.
    """
    found = _Found()
    source = str(cohort.source)
    warnings = [w for team in cohort.teams if (w := _read_team(found, team, source))]
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
    return addressed, unaddressed, warnings
