"""The garbage collector's bulk setting is the log's alone: set inside, restored after."""

from __future__ import annotations

import gc

import pytest

from docgen.garbage import BULK_THRESHOLDS, bulk


def test_bulk_freezes_what_exists_and_collects_less_often_then_restores() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with bulk():
        assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_bulk_restores_the_collector_when_the_run_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk():
        raise RuntimeError("a run that stops half way")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_log_runs_in_bulk(tmp_path, out, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docgen import jobs
    from docgen.log import summary

    seen: list[tuple[int, int, int]] = []
    real = summary.summarise

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(summary, "summarise", spy)
    before = gc.get_threshold()
    jobs.log([out], tmp_path / "log.xlsx", jobs=1)
    assert seen == [BULK_THRESHOLDS]  # the records were summarised in bulk
    assert gc.get_threshold() == before
