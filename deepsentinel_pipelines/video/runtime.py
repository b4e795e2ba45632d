"""Where the detector runs: the device, the thread counts of each runtime, and a prefetch thread.

Ultralytics reaches for the network on its own (connectivity probe at import, hub lookups,
pip auto-installs, font downloads); :func:`configure_ultralytics_offline` turns that off and must
run before the first ``import ultralytics``, which is why ultralytics is imported lazily here and
in :mod:`.inference` and :mod:`.tracking`.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import cv2

#: Environment that keeps ultralytics from touching the network or installing packages.
ULTRALYTICS_OFFLINE_ENV: dict[str, str] = {
    "YOLO_OFFLINE": "1",  # is_online() returns False: no hub, telemetry or download attempts
    "YOLO_AUTOINSTALL": "0",  # check_requirements never pip-installs
}


def configure_ultralytics_offline(config_dir: Path | None = None) -> None:
    """Set the offline environment for ultralytics unless the caller already set it.

    Must run before ultralytics is first imported: it reads the variables at import time.

    Args:
        config_dir: Writable folder for ultralytics' ``settings.json`` (``YOLO_CONFIG_DIR``);
            defaults to ``<tmp>/deepsentinel-ultralytics`` so a read-only home is no problem.
    """
    # Ultralytics takes its configuration from these variables only; this sets them for it
    # (our own configuration is read in settings.py).
    for key, value in ULTRALYTICS_OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    default = config_dir or Path(tempfile.gettempdir()) / "deepsentinel-ultralytics"
    os.environ.setdefault("YOLO_CONFIG_DIR", str(default))


def resolve_device(device: str | None = None) -> str:
    """Pick the torch device: the explicit one if given, else ``cuda`` when available, else ``cpu``.

    Args:
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"``, or ``None``/``""``/``"auto"`` to detect.

    Returns:
        The device string.
    """
    if device and device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_threads() -> int:
    """Cores this process may run on (its affinity mask, which containers and taskset narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def configure_threads() -> int:
    """Set OpenCV's pool to one thread and return the threads the model's runtime gets.

    torch and OpenVINO each default to a pool of all cores, OpenCV to another, and PyAV's
    frame threads to cores + 1: on 2 cores they spin against each other in the kernel. The
    runtime that runs the model gets every core; OpenCV (letterbox, motion diff), torch when
    it only does NMS (:func:`torch_threads`) and the decoder (:func:`decode_threads`) get one.
    """
    cv2.setNumThreads(1)
    return cpu_threads()


def torch_threads(device: str, backend: str, threads: int) -> int:
    """Torch's intra-op threads: all cores when it runs the model on the CPU, else one."""
    return threads if backend == "torch" and not device.startswith("cuda") else 1


def decode_workers(device: str) -> int:
    """Stretches decoded at once: 1 beside a CPU model, up to 4 (half the cores) beside a GPU.

    A CPU model spends ~50x decode's time per frame; a GPU analyses frames faster than one
    decoder makes them.
    """
    return min(4, max(1, cpu_threads() // 2)) if device.startswith("cuda") else 1


def decode_threads(device: str) -> int:
    """PyAV threads per decoder: one beside a CPU model, two per worker beside a GPU."""
    return 2 if device.startswith("cuda") else 1


def prefetch(items: Iterable[Any], depth: int) -> Iterator[Any]:
    """Iterate ``items`` on a background thread, ``depth`` ahead, so decoding overlaps the model.

    PyAV and OpenCV release the GIL while decoding and converting, so the two really overlap.
    Errors are re-raised here; leaving the loop early stops the thread.
    """
    if depth <= 0:
        yield from items
        return
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("done", None))
        except BaseException as e:  # handed to the consumer, raised there
            put(("error", e))

    thread = threading.Thread(target=work, name="frame-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join(timeout=5.0)
