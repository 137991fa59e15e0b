"""What `docgen generate` issued into a records folder, read from the manifest it left there.

Without ``--cohort`` the log knows only the records it reads. When a folder it reads is an
output folder of ``generate``, that folder's manifest lists every document generate wrote
there: a contract it lists that is no longer in the folder is a team the log can name as
"no record returned". The manifest keeps each document's path (and hashes), not its team: the
Team ID and name are read from the file name generate gave it ("<Team name> (<Team ID>)"),
and said to be. A name that does not show its team is named, not guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.kinds import CONTRACT, parse_contract_title

__all__ = ["Issued", "IssuedTeam", "issued_in"]


@dataclass(frozen=True)
class IssuedTeam:
    """A contract generate wrote that is no longer where it wrote it."""

    team_id: str  # as the file name shows it
    team_name: str
    path: str  # where generate wrote it


@dataclass(frozen=True)
class Issued:
    """The contracts the manifests of the folders read list and the folders no longer hold."""

    manifests: tuple[str, ...]  # the manifests read
    contracts: int  # contracts they list
    missing: tuple[IssuedTeam, ...]
    unnamed: tuple[str, ...] = ()  # missing contracts whose file name does not show the team
    damaged: tuple[str, ...] = ()  # manifests not read in full
    # documents generate's last run left behind (an earlier run made them, for a team or pair
    # since removed from the cohort, renamed or given another ID), still in the folder: each
    # as its record's source says it (relative to the folder read, "/"-separated)
    left: tuple[str, ...] = ()


def issued_in(folders: Iterable[Path],
              load: Callable[[Path], tuple[Path, Collection[str], bool, Collection[str]] | None]
              ) -> Issued | None:
    """Return what generate issued into ``folders`` and is missing; None without a manifest.

    ``load`` reads a folder's manifest (the documents step's own format, kept there): its
    path, the files it lists (relative, "/"-separated), whether it was read only in part, and
    the documents its last run left behind; None when the folder has none. A document left
    behind is no longer issued: not missing when gone, and named when read.
    """
    manifests: list[str] = []
    contracts = 0
    missing: list[IssuedTeam] = []
    unnamed: list[str] = []
    damaged: list[str] = []
    left: list[str] = []
    for folder in folders:
        loaded = load(folder)
        if loaded is None:
            continue
        where_manifest, files, partial, said_left = loaded
        behind = frozenset(said_left)
        manifests.append(str(where_manifest))
        if partial:
            damaged.append(str(where_manifest))
        left += [rel for rel in behind if (folder / rel).is_file()]
        for rel in sorted(files):
            where, _slash, name = rel.partition("/")
            if where != CONTRACT.folder or not name.lower().endswith(".docx") or "/" in name:
                continue
            if rel in behind:
                continue  # not the cohort's since the last run
            contracts += 1
            path = folder / rel
            if path.exists():
                continue  # read as a record (or named on the Problems sheet if it cannot be)
            named = parse_contract_title(Path(name).stem)
            if named is None:
                unnamed.append(str(path))
            else:
                missing.append(IssuedTeam(team_id=named[1], team_name=named[0],
                                          path=str(path)))
    if not manifests:
        return None
    return Issued(tuple(manifests), contracts, tuple(missing), tuple(unnamed), tuple(damaged),
                  tuple(left))
