"""The same on Windows and macOS as on Linux, checked here.

The worker pool runs under the *spawn* start method (Windows' and macOS' own): generate and
log give the same files as with forked workers. The folder lock and the PDF step run with the
POSIX-only modules hidden (``fcntl``, ``pwd``, ``grp``, ``termios``, ``resource``, and
``os.killpg``, ``os.setsid``, signal masks), in a Python started for it, so the paths Windows
takes run here.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import TODAY, custom_properties

from docgen import jobs, parallel, schema
from docgen.cohort.starter import write_cohort_workbook
from docgen.documents.outputs import MANIFEST
from docgen.errors import DocgenError
from docgen.kinds import AGREEMENT, CONTRACT, KINDS

ROOT = Path(__file__).parents[1]
needs_fork = pytest.mark.skipif("fork" not in mp.get_all_start_methods(),
                                reason="compared with forked workers, where fork exists")


def cohort_rows(teams: int = 24, pairs: int = 8) -> dict[str, list[dict[str, object]]]:
    """Return a cohort of ``teams`` teams (two coaches, sessions) and ``pairs`` pairs."""
    return {
        "Teams": [{"team_id": f"T{i:02d}", "team_name": f"Ward {i} Falls & <Co>",
                   "organisation": "NHS Lothian", "coach": "Dr Jo Bloggs; Sam Coach",
                   "team_members": "Áine Ní Bhriain; Łukasz Wójcik"} for i in range(teams)],
        "Sessions": [{"team_id": f"T{i:02d}", "date": dt.date(2026, 4, 1 + i % 28),
                      "start_time": dt.time(14), "finish_time": dt.time(15, 30),
                      "topic": f"Driver diagram {i} 🚀"} for i in range(teams)],
        "Mentoring": [{"qi_practitioner": f"Zofia Dąbrowska {i}", "mentor": f"François {i}",
                       "meet_every_weeks": 2} for i in range(pairs)],
    }


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every run worth worker processes; return the start method of each pool made."""
    methods: list[str] = []
    real = parallel.ProcessPoolExecutor

    class Recorded(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, mp_context, **kwargs) -> None:
            methods.append(mp_context.get_start_method())
            super().__init__(*args, mp_context=mp_context, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recorded)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "SPAWN_MS", 0.0)
    return methods


def documents(folder: Path) -> dict[str, dict[str, bytes]]:
    """Return every document under ``folder``: its zip members' bytes, by member name."""
    found = {}
    for path in sorted(folder.rglob("*.docx")):
        with zipfile.ZipFile(path) as zf:
            found[path.relative_to(folder).as_posix()] = {n: zf.read(n) for n in zf.namelist()}
    return found


def manifest_entries(folder: Path) -> list[tuple[str, str]]:
    """Return the manifest's (path, source) entries (the hashes carry the run's stamp)."""
    lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    return sorted((e["path"], e["source"]) for e in map(json.loads, lines))


def generate_with(method: str, data: Path, out: Path, monkeypatch: pytest.MonkeyPatch
                  ) -> jobs.GenerateReport:
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    return jobs.generate(data, out, jobs=2, today=TODAY)


@needs_fork
def test_generate_with_spawned_workers_writes_what_forked_workers_write(
        tmp_path: Path, spied: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, cohort_rows())
    forked = generate_with("fork", data, tmp_path / "fork", monkeypatch)
    # the cohort read beside the templates' compiling, then the documents made, in forked
    # processes; a fresh folder has nothing to check as unchanged
    assert spied == ["fork", "fork"]
    spawned = generate_with("spawn", data, tmp_path / "spawn", monkeypatch)
    assert spied[2:] == ["spawn"]  # made; the cohort is read in this process

    assert spawned.files == forked.files and len(forked.files) == 32
    assert not spawned.failed and not spawned.skipped
    a, b = documents(tmp_path / "fork"), documents(tmp_path / "spawn")
    assert a.keys() == b.keys() and len(a) == 32
    for rel in a:
        assert a[rel].keys() == b[rel].keys()
        for member in a[rel]:
            if member != "docProps/custom.xml":  # it carries the moment each run was made
                assert a[rel][member] == b[rel][member], (rel, member)
        props = [custom_properties(tmp_path / run / rel) for run in ("fork", "spawn")]
        for p in props:
            del p[schema.PROP_GENERATED]
        assert props[0] == props[1], rel
    assert manifest_entries(tmp_path / "fork") == manifest_entries(tmp_path / "spawn")

    # a re-run with spawned workers knows every document as unchanged, as a forked one does
    (tmp_path / "spawn" / ".docgen-lastrun.json").unlink()
    again = generate_with("spawn", data, tmp_path / "spawn", monkeypatch)
    assert spied[3:] == ["spawn"]  # checked unchanged by spawned workers
    assert {outcome for _rel, outcome in again.files} == {"unchanged"}
    assert again.rendered == 0


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


@needs_fork
def test_log_with_spawned_workers_reads_what_forked_workers_read(
        tmp_path: Path, spied: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, cohort_rows())
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "fork")
    jobs.generate(data, tmp_path / "out", jobs=1, today=TODAY)
    logs = {}
    for method in ("fork", "spawn"):
        monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
        report = jobs.log([tmp_path / "out"], tmp_path / f"{method}.xlsx", today=TODAY, jobs=2)
        assert report.files == 32 and report.sessions == 24  # each planned, said a problem
        logs[method] = sheet_values(tmp_path / f"{method}.xlsx")
    assert "spawn" in spied and "fork" in spied
    assert logs["fork"] == logs["spawn"]
    sessions = logs["spawn"]["Sessions"]
    assert any("Driver diagram 7 🚀" in row for row in sessions)


# --- the pool itself --------------------------------------------------------------------------


def triple(x: int) -> int:
    return 3 * x


def refuse(x: int) -> int:
    if x == 7:
        from docgen.errors import Problem

        raise DocgenError(Problem("seven is refused", row=x))
    return x


def die(x: int) -> int:
    if x == 5:
        os._exit(3)  # as the out-of-memory killer ends a process: no word, no exception
    return x


@pytest.mark.parametrize("method", mp.get_all_start_methods())
def test_results_come_back_in_order_whatever_the_start_method(spied, method: str) -> None:
    seen: list[int] = []
    assert parallel.run_parallel(list(range(50)), triple, 2, seen.append,
                                 method=method) == [3 * x for x in range(50)]
    assert spied == [method] and sum(seen) == 50


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_result_can_be_taken_as_its_chunk_comes_back(jobs: int) -> None:
    taken: dict[int, int] = {}
    assert parallel.run_parallel(list(range(50)), triple, jobs,
                                 take=taken.__setitem__) == []
    assert taken == {x: 3 * x for x in range(50)}


def test_a_spawned_worker_s_error_is_raised_in_the_parent_with_its_problems(spied) -> None:
    with pytest.raises(DocgenError) as caught:
        parallel.run_parallel(list(range(20)), refuse, 2, method="spawn")
    assert spied == ["spawn"]
    assert [(p.message, p.row) for p in caught.value.problems] == [("seven is refused", 7)]


@pytest.mark.parametrize("method", mp.get_all_start_methods())
def test_a_worker_that_dies_stops_the_run_with_a_message_not_a_hang(spied, method) -> None:
    with pytest.raises(DocgenError) as caught:
        parallel.run_parallel(list(range(20)), die, 2, method=method)
    assert caught.value.problems[0].message == parallel.WORKER_LOST
    assert "--jobs 1" in parallel.WORKER_LOST


def test_a_worker_that_dies_while_chunks_are_handed_out_is_the_same_message(
        spied, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    real = parallel.ProcessPoolExecutor  # the recording one: it starts real workers

    class DiesEarly(real):  # type: ignore[misc, valid-type]
        submitted = 0

        def submit(self, *args, **kwargs):  # as a loaded machine lets a worker die meanwhile
            DiesEarly.submitted += 1
            if DiesEarly.submitted == 3:
                raise BrokenProcessPool("A child process terminated abruptly")
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", DiesEarly)
    with pytest.raises(DocgenError) as caught:
        parallel.run_parallel(list(range(20)), triple, 2)
    assert caught.value.problems[0].message == parallel.WORKER_LOST


def test_a_function_that_cannot_reach_a_spawned_worker_fails_before_any_starts(spied) -> None:
    offset = 2
    with pytest.raises((pickle.PicklingError, AttributeError)):
        parallel.run_parallel(list(range(20)), lambda x: x + offset, 2, method="spawn")
    assert spied == []  # found in the parent: no worker was started for it


def test_small_runs_stay_in_this_process_when_workers_would_be_spawned(monkeypatch) -> None:
    made: list[object] = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", lambda *a, **k: made.append(a))
    assert parallel.run_parallel(list(range(700)), triple, 2, method="spawn") == [
        3 * x for x in range(700)]
    assert parallel.run_parallel(list(range(3000)), triple, 8, method="spawn",
                                 item_ms=0.5) == [3 * x for x in range(3000)]
    assert parallel.run_parallel(list(range(30_000)), triple, 2, method="spawn",
                                 item_ms=0.02) == [3 * x for x in range(30_000)]
    assert made == []  # under 0.8 s of work a worker: not worth starting a Python


@pytest.mark.parametrize(("platform", "expected"), [("linux", "fork"), ("win32", "spawn"),
                                                    ("darwin", "spawn")])
def test_workers_start_as_the_platform_starts_them_best(monkeypatch, platform, expected) -> None:
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(parallel.sys, "platform", platform)
    monkeypatch.setattr(parallel.mp, "get_all_start_methods",
                        lambda: ["spawn"] if platform == "win32" else ["fork", "spawn"])
    assert parallel.start_method() == expected


def test_an_unknown_start_method_in_the_environment_is_refused_by_name(monkeypatch) -> None:
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "thread")
    with pytest.raises(DocgenError) as caught:
        parallel.start_method()
    message = caught.value.problems[0].message
    assert "DOCGEN_START_METHOD" in message and "'thread'" in message and "spawn" in message
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, " Spawn ")
    assert parallel.start_method() == "spawn"


def test_kinds_reach_a_worker_as_the_registry_s_own_objects() -> None:
    for kind in KINDS:
        assert pickle.loads(pickle.dumps(kind)) is kind
    assert pickle.loads(pickle.dumps({CONTRACT: 1, AGREEMENT: 2})) == {CONTRACT: 1, AGREEMENT: 2}


def test_a_template_compiled_again_in_a_worker_must_be_the_run_s_own(tmp_path: Path) -> None:
    from docgen.documents.render import compile_template
    from docgen.jobs.templates import choose_templates

    folder, _why = choose_templates(tmp_path / "cohort.xlsx", None)
    template = tmp_path / CONTRACT.template_file
    template.write_bytes((folder / CONTRACT.template_file).read_bytes())
    compiled = compile_template(template)
    compiled.notes.append("a note of the run")
    again = pickle.loads(pickle.dumps(compiled))
    context = CONTRACT.plan_row(_small_cohort(tmp_path), 0, TODAY).context
    assert again.render(context, {}) == compiled.render(context, {})
    assert again.notes == compiled.notes and again.digest == compiled.digest

    blob = pickle.dumps(compiled)
    template.write_bytes((folder / AGREEMENT.template_file).read_bytes())  # changed meanwhile
    with pytest.raises(DocgenError) as caught:
        pickle.loads(blob)
    assert caught.value.problems[0].file == str(template)
    assert "changed while docgen was making documents" in caught.value.problems[0].message


def _small_cohort(tmp_path: Path):
    from docgen.jobs.check import check

    data = tmp_path / "small.xlsx"
    write_cohort_workbook(data, cohort_rows(2, 1))
    return check(data).cohort


def test_the_module_entry_point_runs_nothing_when_a_worker_imports_it_again() -> None:
    code = ("import runpy, sys; sys.argv = ['docgen', '--version']; "
            "runpy.run_path('docgen/__main__.py', run_name='__mp_main__'); "
            "print('imported, not run')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "imported, not run\n"


# --- a Python started as on Windows: POSIX-only modules hidden ---------------------------------

RUNNER = textwrap.dedent('''\
    """Run docgen with the POSIX-only modules and calls hidden, as on Windows.

    ``runner.py ARGS`` runs docgen's command line; ``runner.py --exec CODE`` runs CODE. A
    spawned worker runs this file again (as __mp_main__): its modules are hidden too.
    """
    import importlib.abc
    import os
    import signal
    import sys

    HIDDEN = {"fcntl", "pwd", "grp", "termios", "resource"}


    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in HIDDEN:
                raise ImportError(f"No module named {name!r} (hidden, as on Windows)")
            return None


    # Windows's msvcrt byte locking (the output folder's lock), made of the real fcntl's,
    # taken before it is hidden: a lock one process holds refuses another, as on Windows.
    # The standard modules that take msvcrt's presence for Windows itself are imported first.
    import fcntl as _fcntl
    import getpass
    import subprocess
    import types

    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK, msvcrt.LK_UNLCK = 2, 0

    def _locking(fd, mode, nbytes):  # held elsewhere: OSError(EACCES), as on Windows
        try:
            _fcntl.lockf(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB if mode == msvcrt.LK_NBLCK
                         else _fcntl.LOCK_UN, nbytes)
        except BlockingIOError as exc:
            raise PermissionError(13, "Permission denied") from exc

    msvcrt.locking = _locking
    sys.modules["msvcrt"] = msvcrt

    sys.meta_path.insert(0, Hide())
    for name in HIDDEN:
        sys.modules.pop(name, None)
    for name in ("killpg", "setsid", "getpgid", "getuid", "geteuid", "getgid"):
        if hasattr(os, name):
            delattr(os, name)
    del signal.pthread_sigmask  # (SIGKILL stays: this Python's own Popen.kill sends it)

    import docgen.parallel

    docgen.parallel.SPAWN_MS = 0.0  # workers for the smallest run

    if __name__ == "__main__":
        if sys.argv[1] != "--exec":
            from docgen.cli import main

            main()
        exec(sys.argv[2])
        loaded = sorted(HIDDEN & set(sys.modules))
        assert not loaded, loaded
''')

FAKE_SOFFICE = textwrap.dedent('''\
    import os, sys, time
    from pathlib import Path

    args = sys.argv[1:]
    with open(os.environ["FAKE_SOFFICE_LOG"], "a", encoding="utf-8") as log:
        log.write(repr(args) + "\\n")
    if os.environ.get("FAKE_SOFFICE_HANG"):
        time.sleep(300)
    out = Path(args[args.index("--outdir") + 1])
    for name in args[args.index("--outdir") + 2:]:
        (out / (Path(name).stem + ".pdf")).write_bytes(
            b"%PDF-1.6\\n1 0 obj\\n<</Type/Pages/Count 1>>\\nendobj\\n%%EOF\\n")
''')


@pytest.fixture
def windowsish(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Return the runner script and its environment: a fake LibreOffice first on the PATH,
    spawned workers."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    soffice = bin_dir / "soffice"
    soffice.write_text(f"#!{sys.executable}\n{FAKE_SOFFICE}", encoding="utf-8")
    soffice.chmod(0o755)
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "FAKE_SOFFICE_LOG": str(tmp_path / "soffice.log"),
           parallel.START_METHOD_VARIABLE: "spawn", "PYTHONPATH": str(ROOT)}
    return runner, env


def run_hidden(windowsish: tuple[Path, dict[str, str]], *args: str,
               **env: str) -> subprocess.CompletedProcess[str]:
    runner, environ = windowsish
    return subprocess.run([sys.executable, str(runner), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**environ, **env})


def soffice_runs(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "soffice.log"
    return [eval(line) for line in log.read_text(encoding="utf-8").splitlines()]  # noqa: S307


@pytest.mark.skipif(sys.platform == "win32", reason="hides POSIX modules; Windows has none")
def test_generate_with_pdfs_runs_with_the_posix_modules_hidden(tmp_path: Path,
                                                               windowsish) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, cohort_rows(6, 2))
    out = tmp_path / "out"
    done = run_hidden(windowsish, "generate", str(data), "-o", str(out), "--pdf", "-j2")
    assert done.returncode == 0, done.stderr
    docs = sorted(out.rglob("*.docx"))
    assert len(docs) == 8
    assert sorted(p.with_suffix(".docx") for p in out.rglob("*.pdf")) == docs
    runs = soffice_runs(tmp_path)
    assert runs and all("--headless" in run for run in runs)
    for run in runs:  # the profile as a file: URL the operating system's way, not by hand
        profile = next(a for a in run if a.startswith("-env:UserInstallation="))
        url = profile.split("=", 1)[1]
        assert url.startswith("file:///") and " " not in url

    # the same run again, workers spawned as on Windows: every document known as unchanged
    again = run_hidden(windowsish, "generate", str(data), "-o", str(out), "-j2")
    assert again.returncode == 0, again.stderr
    assert "8 unchanged" in again.stdout + again.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="hides POSIX modules; Windows has none")
def test_the_folder_lock_refuses_a_second_run_with_the_posix_modules_hidden(
        tmp_path: Path, windowsish) -> None:
    data = tmp_path / "cohort.xlsx"
    write_cohort_workbook(data, cohort_rows(2, 1))
    out = tmp_path / "out"
    runner, env = windowsish
    code = textwrap.dedent(f"""
        import subprocess, sys
        from pathlib import Path
        from docgen.documents.outputs import folder_lock
        second = [sys.executable, {str(runner)!r}, "generate", {str(data)!r}, "-o",
                  {str(out)!r}]
        with folder_lock(Path({str(out)!r})):
            held = subprocess.run(second, capture_output=True, text=True)
        print("HELD", held.returncode, held.stderr.replace(chr(10), " "))
        free = subprocess.run(second, capture_output=True, text=True)
        print("FREE", free.returncode, free.stderr.replace(chr(10), " "))
    """)
    done = run_hidden(windowsish, "--exec", code)
    assert done.returncode == 0, done.stderr
    held, free = done.stdout.splitlines()
    assert held.startswith("HELD 1 ") and "another docgen run is writing into this folder" in held
    assert free.startswith("FREE 0 "), free
    assert len(list(out.rglob("*.docx"))) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="hides POSIX modules; Windows has none")
def test_libreoffice_that_hangs_is_stopped_with_the_posix_modules_hidden(
        tmp_path: Path, windowsish) -> None:
    document = tmp_path / "a.docx"
    document.write_bytes(b"PK")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from docgen import libreoffice
        run = libreoffice.convert(libreoffice.soffice(), [Path({str(document)!r})], "pdf",
                                  Path({str(tmp_path)!r}), timeout=1)
        print("TIMED OUT", run.timed_out)
    """)
    done = run_hidden(windowsish, "--exec", code, FAKE_SOFFICE_HANG="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "TIMED OUT True"
    assert not (tmp_path / "a.pdf").exists()


class FakeKernel32:
    """Windows' process calls as docgen uses them, over a table of pid -> exit code."""

    def __init__(self, processes: dict[int, int]) -> None:
        self.processes, self.closed = processes, []

    def OpenProcess(self, _access: int, _inherit: bool, pid: int) -> int:  # noqa: N802
        return 10_000 + pid if pid in self.processes else 0

    def GetExitCodeProcess(self, handle: int, code) -> int:  # noqa: N802
        code._obj.value = self.processes[handle - 10_000]
        return 1

    def CloseHandle(self, handle: int) -> None:  # noqa: N802
        self.closed.append(handle)


def test_what_killed_runs_left_is_cleared_on_windows_without_signalling_anyone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen import atomic

    kernel32 = FakeKernel32({4242: 259, 4343: 0})  # running (STILL_ACTIVE); ended
    real = atomic._running_on_windows
    monkeypatch.setattr(atomic, "_running_on_windows", lambda pid: real(pid, kernel32))
    monkeypatch.setattr(atomic, "_WINDOWS", True)

    def kill(pid: int, sig: int) -> None:  # signal 0 is CTRL_C_EVENT on Windows
        raise AssertionError(f"os.kill({pid}, {sig}) on Windows")

    monkeypatch.setattr(atomic.os, "kill", kill)
    for name in ("docgen-pdf-4242-a", "docgen-pdf-4343-b", "docgen-lo-4444-c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.docx").write_bytes(b"PK")
    (tmp_path / ".T1.docx.4444.tmp").write_bytes(b"half")
    assert atomic.clear_abandoned(tmp_path) == 3
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docgen-pdf-4242-a"]
    assert sorted(kernel32.closed) == [14242, 14343]  # every handle opened is closed
