"""Split tags are mended as docxtpl mends them, and remembered across runs (docgen's cache)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, dead_pid

from docgen.documents import mending
from docgen.documents.render import compile_template

TEMPLATES = ROOT / "templates"
SPLIT = ('<w:p><w:r><w:t>{{ team_</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>name }}</w:t>'
         '</w:r></w:p><w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p>')


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(mending.CACHE_VARIABLE, str(folder))
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("mended-*.xml")) if folder.exists() else []


def test_the_mended_xml_is_docxtpl_s_and_is_kept(cache: Path) -> None:
    from docxtpl import DocxTemplate

    expected = DocxTemplate.patch_xml(None, SPLIT)
    assert expected != SPLIT  # the tag was split: there is something to mend
    assert mending.mend(SPLIT) == expected
    [entry] = _entries(cache)
    assert mending.mend(SPLIT) == expected  # now from the cache
    entry.write_bytes(entry.read_bytes().replace(b"team_name", b"team_nome"))
    assert mending.mend(SPLIT) == expected  # a damaged entry is never used: mended afresh
    assert b"team_name" in entry.read_bytes()  # and written again


def test_other_xml_or_other_docxtpl_code_is_mended_afresh(cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    mending.mend(SPLIT)
    mending.mend(SPLIT.replace("team_", "coach_"))
    assert len(_entries(cache)) == 2
    monkeypatch.setattr(mending, "docxtpl_digest", lambda: "0" * 64)  # a new docxtpl
    mending.mend(SPLIT)
    assert len(_entries(cache)) == 3


def test_the_cache_can_be_switched_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mending.CACHE_VARIABLE, "off")
    assert mending.cache_folder() is None
    assert mending.mend(SPLIT) != SPLIT
    assert not cache.exists()


def test_the_cache_keeps_the_newest_entries_only(cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mending, "KEEP", 3)
    for n in range(5):
        mending.mend(SPLIT.replace("{%p if x %}", f"{{%p if x{n} %}}"))
    assert len(_entries(cache)) == 3


def test_what_a_killed_run_left_in_the_cache_goes(cache: Path) -> None:
    cache.mkdir()
    left = cache / f".mended-{'0' * 64}.xml.{dead_pid()}.tmp"  # as atomic_write names it
    left.write_bytes(b"half")
    mine = cache / f".mended-{'1' * 64}.xml.{os.getpid()}.tmp"  # a run still writing
    mine.write_bytes(b"half")
    mending.mend(SPLIT)
    assert not left.exists() and mine.exists() and len(_entries(cache)) == 1


def test_a_cache_that_cannot_be_written_costs_time_not_a_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(mending.CACHE_VARIABLE, str(blocked / "cache"))
    from docxtpl import DocxTemplate

    assert mending.mend(SPLIT) == DocxTemplate.patch_xml(None, SPLIT)


def test_a_template_compiled_before_is_compiled_without_docxtpl(cache: Path) -> None:
    """The shipped templates, compiled in two fresh processes: the second finds every part in
    the cache, never imports docxtpl (nor python-docx), and renders the same bytes."""
    script = (
        "import sys, datetime as dt\n"
        "from docgen.documents.render import compile_template\n"
        f"for name in ('coaching_contract.docx', 'mentor_agreement.docx'):\n"
        f"    t = compile_template(r'{TEMPLATES}' + '/' + name)\n"
        "    sys.stdout.buffer.write(t.render({'team_name': 'Ward 7'}, {'docgen.generated': 'x'}"
        ") if not t.missing({}) else b'')\n"
        "print('docxtpl' in sys.modules, 'docx' in sys.modules, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT,
                           check=True) for _ in range(2)]
    assert runs[0].stderr.split() == [b"True", b"True"]  # the first mended with docxtpl
    assert runs[1].stderr.split() == [b"False", b"False"]
    assert runs[0].stdout == runs[1].stdout
    assert _entries(cache)


def test_compiling_with_and_without_the_cache_gives_the_same_documents(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = {"team_name": "A & B", "team_members": "One\nTwo"}
    outputs = []
    for setting in ("off", str(cache), str(cache)):  # off, then filled, then read
        monkeypatch.setenv(mending.CACHE_VARIABLE, setting)
        template = compile_template(TEMPLATES / "coaching_contract.docx")
        outputs.append(template.render_parts({**dict.fromkeys(template.variables, ""),
                                              **context}))
    assert outputs[0] == outputs[1] == outputs[2]
    assert _entries(cache)
