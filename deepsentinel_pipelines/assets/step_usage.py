"""What a long step tells its operator while and after it runs: progress and peak memory.

Progress lines have one shape for every step (``progress: <step> <done>/<total> <unit> ...``),
which `deepsentinel process` turns into its progress bar. The peak is the step process's
resident memory sampled on a thread: under the multiprocess executor (and on Kubernetes) the
step's own process, in `deepsentinel process` the one process every step runs in.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import ParamSpec, TypeVar

import psutil
from dagster import MaterializeResult

P = ParamSpec("P")
T = TypeVar("T")

#: Seconds between two progress lines of one step.
PROGRESS_EVERY_S = 10.0
#: Seconds between two memory samples.
SAMPLE_EVERY_S = 0.1
#: Metadata key of a step's peak resident memory.
PEAK_KEY = "peak_memory_mib"


class StepProgress:
    """Logs ``progress: <step> <done>/<total> <unit> (<pct>%), <rate> <unit>/s, ETA <s> s``.

    At most one line every :data:`PROGRESS_EVERY_S`, and one when the work is done.

    Args:
        log: The step's logger (``context.log``).
        step: The step's name.
        unit: What is counted (``frames``, ``clips``, ``events``).
        total: How many there will be (an estimate is fine; it never shows below ``done``).
        done: Already done before this process (a resumed step).
    """

    def __init__(
        self, log: logging.Logger, step: str, unit: str, total: int, done: int = 0
    ) -> None:
        self.log = log
        self.step = step
        self.unit = unit
        self.total = total
        self._first = done
        self._started = time.perf_counter()
        self._last_line = float("-inf")

    def update(self, done: int, total: int | None = None) -> None:
        """Report that ``done`` units are finished (``total`` updates the estimate)."""
        if total is not None:
            self.total = total
        total = max(self.total, done)
        now = time.perf_counter()
        if now - self._last_line < PROGRESS_EVERY_S and done < total:
            return
        self._last_line = now
        elapsed = now - self._started
        rate = (done - self._first) / elapsed if elapsed > 0 else 0.0
        eta = f"{(total - done) / rate:.0f}" if rate > 0 else "?"
        percent = 100.0 * done / total if total else 100.0
        self.log.info(
            f"progress: {self.step} {done}/{total} {self.unit} ({percent:.0f}%), "
            f"{rate:.1f} {self.unit}/s, ETA {eta} s"
        )

    def over(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, reporting each one done after the consumer is through with it."""
        done = self._first
        for item in items:
            yield item
            done += 1
            self.update(done)


class PeakMemory:
    """Samples this process's resident memory on a thread while the ``with`` block runs.

    Attributes:
        peak_bytes: The largest sample (and the sizes at entry and exit).
    """

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
        self.peak_bytes = 0

    def _rss(self) -> int:
        return self._process.memory_info().rss

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            self.peak_bytes = max(self.peak_bytes, self._rss())

    def __enter__(self) -> PeakMemory:
        self.peak_bytes = self._rss()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._rss())

    @property
    def peak_mib(self) -> int:
        """The peak in MiB."""
        return round(self.peak_bytes / 2**20)


def reports_peak_memory(
    step: Callable[P, MaterializeResult],
) -> Callable[P, MaterializeResult]:
    """Add the step's peak resident memory (``peak_memory_mib``) to its materialization."""

    @functools.wraps(step)
    def measured(*args: P.args, **kwargs: P.kwargs) -> MaterializeResult:
        with PeakMemory() as memory:
            result = step(*args, **kwargs)
        return result._replace(metadata={**(result.metadata or {}), PEAK_KEY: memory.peak_mib})

    return measured
