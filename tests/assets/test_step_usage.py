"""Long steps report progress in one shape, and `deepsentinel process` draws it as a bar."""

from __future__ import annotations

import logging
import time

import pytest

from deepsentinel_pipelines.assets import step_usage
from deepsentinel_pipelines.assets.step_usage import PeakMemory, StepProgress
from deepsentinel_pipelines.runs.runner import progress_bar


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture()
def log() -> tuple[logging.Logger, _Lines]:
    logger = logging.getLogger("progress-test")
    logger.setLevel(logging.INFO)
    lines = _Lines()
    logger.addHandler(lines)
    yield logger, lines
    logger.removeHandler(lines)


def test_a_step_reports_at_most_every_interval_and_when_done(log, monkeypatch) -> None:
    logger, lines = log
    clock = iter([0.0, 1.0, 2.0, 12.0, 13.0, 14.0])
    monkeypatch.setattr(step_usage.time, "perf_counter", lambda: next(clock))
    progress = StepProgress(logger, "event_clips", "clips", 200, done=20)
    progress.update(40)  # t=1: the first line
    progress.update(60)  # t=2: too soon
    progress.update(120)  # t=12: 10 s later
    progress.update(200)  # t=13: done, always shown
    assert lines.lines == [
        "progress: event_clips 40/200 clips (20%), 20.0 clips/s, ETA 8 s",
        "progress: event_clips 120/200 clips (60%), 8.3 clips/s, ETA 10 s",
        "progress: event_clips 200/200 clips (100%), 13.8 clips/s, ETA 0 s",
    ]


def test_the_process_command_draws_each_steps_progress() -> None:
    line = "progress: detections 1590/3180 frames (50%), 10.4 frames/s, ETA 153 s"
    assert progress_bar(line, width=10) == (
        "detections [#####.....] 50% 1590/3180 frames 10.4 frames/s ETA 153 s"
    )
    assert progress_bar("detections: loading the auto detector") is None


def test_peak_memory_sees_a_large_allocation_that_is_gone_at_the_end() -> None:
    with PeakMemory() as memory:
        start = memory.peak_bytes
        block = bytearray(200 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        time.sleep(0.5)
        del block
    assert memory.peak_bytes - start > 150 * 2**20
