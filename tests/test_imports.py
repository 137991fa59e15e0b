"""The layering, written down as a test: imports point one way, and each library has its home.

cli → jobs → the steps (cohort, documents, records, log, mail) → the foundations (everything
else at the top of the package, and ooxml). A step never imports another step, a foundation
never imports a step, and only the CLI knows click. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docgen"
STEPS = ("cohort", "documents", "records", "log", "mail")

# Each third-party library, and the only modules (or folders, ending in "/") that import it.
LIBRARIES = {
    "click": ("cli.py",),
    "openpyxl": ("cohort/starter.py",),
    "python_calamine": ("cohort/sheets.py",),
    "xlsxwriter": ("log/logbook.py", "log/sheetdata.py"),
    "jinja2": ("documents/render.py", "documents/parts.py", "documents/fidelity.py"),
    "markupsafe": ("documents/render.py",),
    "docxtpl": ("documents/render.py", "documents/mending.py", "documents/fidelity.py"),
    "isal": ("documents/package.py",),
    "docx": (),  # python-docx: tests only
    "lxml": ("ooxml/", "safezip.py"),
    "pypdf": ("documents/merged.py", "records/pdf.py"),
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _imports(path: Path) -> set[str]:
    """Return every module name ``path`` imports, at any depth, as written (absolute)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "docgen":  # "from docgen import jobs" imports docgen.jobs
                found |= {f"docgen.{alias.name}" for alias in node.names}
    return found


def _layer(module: str) -> str:
    """Return the layer of a ``docgen.…`` module: cli, jobs, a step's name, or foundation."""
    parts = module.split(".")
    if len(parts) < 2:
        return "foundation"  # the package itself: its version
    if parts[1] in ("cli", "__main__"):
        return "cli"
    if parts[1] == "jobs":
        return "jobs"
    if parts[1] in STEPS:
        return parts[1]
    return "foundation"


def _module_name(path: Path) -> str:
    parts = ["docgen", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_relative_imports_are_not_used() -> None:
    relative = [_rel(p) for p in _modules()
                if any(isinstance(n, ast.ImportFrom) and n.level
                       for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert relative == []


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_imports_point_one_way(path: Path) -> None:
    here = _layer(_module_name(path))
    allowed = {
        "cli": {"cli", "jobs", "foundation"},
        "jobs": {"jobs", "foundation", *STEPS},
        "foundation": {"foundation"},
    }.get(here, {here, "foundation"})  # a step: itself and the foundations
    wrong = sorted(m for m in _imports(path)
                   if m.startswith("docgen.") and _layer(m) not in allowed)
    assert wrong == [], f"{_rel(path)} ({here}) must not import {wrong}"


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_each_library_lives_in_its_own_modules(library: str) -> None:
    homes = LIBRARIES[library]
    users = sorted(
        _rel(p) for p in _modules()
        if any(m == library or m.startswith(library + ".") for m in _imports(p))
    )
    strays = [u for u in users
              if not any(u == h or (h.endswith("/") and u.startswith(h)) for h in homes)]
    assert strays == [], f"{library} is imported outside {homes}: {strays}"


def test_the_runtime_dependencies_are_the_libraries_the_package_imports() -> None:
    """python-docx is for the tests' second reading only: the package never imports it."""
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    runtime = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower()
               for d in project["dependencies"]}
    assert "python-docx" not in runtime
    assert "python-docx" in " ".join(project["optional-dependencies"]["test"])


def test_the_log_command_does_not_load_what_only_generate_uses() -> None:
    """Each command imports what it uses: pypdf (print files), docxtpl and Jinja (rendering)
    are ~0.1–0.2 s of start-up that `docgen log` never needs, nor importing the commands
    (`docgen check` compiles the templates, to check the cohort against them)."""
    import subprocess
    import sys

    code = ("import sys, docgen.cli; from docgen import jobs; "
            "from docgen.records.read import read_records; "
            "from docgen.log.logbook import write_log; "
            "print(sorted(m for m in ('pypdf', 'docxtpl', 'jinja2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "[]"


def test_the_generate_command_does_not_load_the_record_reader(tmp_path: Path) -> None:
    """`docgen generate` reads pre-filled forms back, not whole records: the record reader,
    its cache and XlsxWriter are start-up it never needs (run twice: the second run checks
    every document it finds against the manifest)."""
    import subprocess
    import sys

    code = ("import sys; from docgen.cli import main\n"
            "for _ in range(2):\n"
            "    try: main(['generate', 'data/cohort.xlsx', '-o', sys.argv[1], '-j1'])\n"
            "    except SystemExit as exc: assert not exc.code, exc.code\n"
            "print(sorted(m for m in ('docgen.records.read', 'docgen.records.cache', "
            "'docgen.records.find', 'xlsxwriter') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
    assert len(list((tmp_path / "out").rglob("*.docx"))) > 0


def test_a_generate_run_with_nothing_to_do_loads_no_xml_parser_or_renderer(
        tmp_path: Path) -> None:
    """When nothing changed since the last run, `docgen generate` only hashes files: lxml and
    the WordprocessingML modules, the forms' reader-back and the print copies (~15 ms of a
    ~0.15 s run), Jinja and docxtpl are start-up such a run never needs."""
    import subprocess
    import sys

    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "docgen", "generate", "data/cohort.xlsx", "-o",
                    str(out), "-j1"], capture_output=True, check=True,
                   cwd=Path(__file__).parent.parent)
    code = ("import sys; from docgen.cli import main\n"
            "try: main(['generate', 'data/cohort.xlsx', '-o', sys.argv[1], '-j1'])\n"
            "except SystemExit as exc: assert not exc.code, exc.code\n"
            "print(sorted(m for m in ('lxml', 'docgen.ooxml', 'jinja2', 'docxtpl', "
            "'docgen.records.prefill', 'docgen.documents.printcopy') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parent.parent)
    assert "unchanged" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout


def test_each_command_imports_its_own_job_module_only(tmp_path: Path) -> None:
    """`docgen.jobs` imports a command's module when one of its names is first used: `docgen
    log` does not load the generate, mail and fields jobs (nor what they import), and
    `docgen generate` not the log's; `jobs.log` stays the function, not its module."""
    import subprocess
    import sys

    code = ("import sys; from docgen.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "except SystemExit as exc: assert not exc.code, exc.code\n"
            "print(sorted(m for m in sys.modules if m.startswith('docgen.jobs.')))\n"
            "from docgen import jobs\n"
            "import docgen.jobs.log, docgen.jobs.generate\n"
            "assert callable(jobs.log) and callable(jobs.generate), (jobs.log, jobs.generate)")
    (tmp_path / "records").mkdir()
    runs = {
        "log": ["log", str(tmp_path / "records"), "-o", str(tmp_path / "log.xlsx")],
        "generate": ["generate", "data/cohort.xlsx", "-o", str(tmp_path / "out"), "-j1"],
    }
    loaded = {}
    for name, args in runs.items():
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, check=True, cwd=PACKAGE.parent)
        loaded[name] = out.stdout.strip().splitlines()[-1]
    assert loaded["log"] == "['docgen.jobs.log']"
    from docgen import jobs

    assert sorted(jobs.__all__) == sorted(jobs._HOMES)
    assert all(callable(getattr(jobs, name)) or name.isupper() for name in jobs.__all__)
    assert loaded["generate"] == "['docgen.jobs.check', 'docgen.jobs.fit', " \
        "'docgen.jobs.generate', 'docgen.jobs.templates']"


def test_no_module_binds_one_name_twice_at_its_top() -> None:
    """A module-level name bound twice (two constants, or a cache and a constant, of one
    name) leaves the first shadowed: the record reader's own COACHING RECORD headings were
    once replaced by a cache of lines judged, so what it read depended on what it had read."""
    twice = []
    for path in _modules():
        bound: dict[str, int] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(
                    node.target, ast.Name):
                names = [node.target.id]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            else:
                names = []
            for name in names:
                if name in bound:
                    twice.append(f"{_rel(path)}: {name} (lines {bound[name]}, {node.lineno})")
                bound[name] = node.lineno
    assert twice == []
