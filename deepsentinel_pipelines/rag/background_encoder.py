"""The local MiniLM encoder, loaded in a thread so a question is parsed while it compiles."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


class BackgroundEncoder:
    """The local MiniLM encoder, loading in a thread from construction; ``embed`` waits for it.

    The thread is not a daemon: an interpreter that exits normally waits for the load, because
    tearing OpenVINO down mid-compile can crash the process. A question that matches nothing
    never needs the encoder, and the command line ends its process without that wait.
    """

    def __init__(self) -> None:
        self._encoder: Any = None
        self._error: BaseException | None = None
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
        """The encoder's vectors, once it is loaded."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._encoder.embed(texts)
