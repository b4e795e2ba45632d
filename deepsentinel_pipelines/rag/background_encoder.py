"""The local MiniLM encoder, loaded only when a question needs a vector, then in a thread.

Most questions are planned from their words and answered by SQL alone; only those a kind cannot
plan (retrieval, the nearest-example fallback) embed the question. Loading OpenVINO and compiling
the model costs about a second of CPU, so it is started on the first :meth:`~BackgroundEncoder.
start` or :meth:`~BackgroundEncoder.embed`, not with the command.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


class BackgroundEncoder:
    """The local MiniLM encoder, loading in a thread once started; ``embed`` waits for it.

    The thread is not a daemon: an interpreter that exits normally waits for the load, because
    tearing OpenVINO down mid-compile can crash the process. The command line ends its process
    without that wait.
    """

    def __init__(self) -> None:
        self._encoder: Any = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Begin loading (once); the caller goes on while it loads."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._load, name="minilm-load")
                self._thread.start()

    def _load(self) -> None:
        # Imported in the thread: loading OpenVINO is part of what runs beside the question.
        from deepsentinel_pipelines.rag.minilm import (
            MiniLMEncoder,
            default_cache_root,
            shipped_model_dir,
        )

        try:
            self._encoder = MiniLMEncoder(shipped_model_dir(), default_cache_root())
        except BaseException as err:  # noqa: BLE001 - re-raised in the asking thread
            self._error = err

    def dim(self) -> int:
        """384, known before the encoder has loaded."""
        from deepsentinel_pipelines.rag.minilm import DIMENSIONS

        return DIMENSIONS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The encoder's vectors, once it is loaded (starting the load if nobody did)."""
        self.start()
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._encoder.embed(texts)
