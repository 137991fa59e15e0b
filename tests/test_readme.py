"""The README stays true: its Python example runs, and the project cites only its own files."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"
# Documents that live outside this repository: code, comments and docs never lean on them.
OUTSIDE = re.compile(r"\.\./shared|\b(?:DESIGN|FACTS|STYLE)\.md\b")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_a_python_example() -> None:
    assert _python_blocks()


@pytest.mark.parametrize("n", range(len(_python_blocks())))
def test_the_readme_python_example_runs_on_the_sample_cohort(n: int, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    here = Path.cwd()
    out = io.StringIO()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(_python_blocks()[n], f"README.md python block {n + 1}", "exec"), {})
    finally:
        os.chdir(here)
    assert "written" in out.getvalue()
    assert any((tmp_path / "output").rglob("*.docx"))


def _project_files() -> list[Path]:
    roots = [ROOT / d for d in ("docgen", "tests", "tools", "benchmarks", ".ci")]
    files = [p for r in roots for p in r.rglob("*") if p.is_file()
             and p.suffix in (".py", ".md", ".toml", "") and "__pycache__" not in p.parts]
    return [README, ROOT / "pyproject.toml", *files]


def test_nothing_cites_documents_outside_the_repository() -> None:
    me = Path(__file__).resolve()
    citing = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _project_files() if p.resolve() != me
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert citing == []
