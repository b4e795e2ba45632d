"""The OpenVINO MiniLM encoder: today's sentence-transformers vectors, without torch at run time."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from deepsentinel_pipelines.rag.minilm import shipped_model_dir
from deepsentinel_pipelines.resources.embedder import LocalEmbedderResource
from deepsentinel_pipelines.settings import REPO_ROOT, Settings

TEXTS = [
    "did anyone fall between minute 1 and 2?",
    "Person 3 entered zone entrance at 01:15",
    "x",
    "",
    "A long description of someone walking slowly across the plaza, then sitting on a bench "
    "near the fountain while looking at a phone. " * 8,  # past the 256-token cut
]


@pytest.mark.slow
def test_vectors_match_sentence_transformers(embedder: LocalEmbedderResource) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(shipped_model_dir()), device="cpu", local_files_only=True)
    expected = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    got = embedder.embed(TEXTS)
    assert got.shape == (len(TEXTS), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(got * expected, axis=1)
    assert cosine.min() >= 0.999, cosine
    # One at a time (no padding) gives the same vectors as in a padded batch.
    alone = np.concatenate([embedder.embed([t]) for t in TEXTS])
    assert np.sum(alone * got, axis=1).min() >= 0.999


def test_ask_imports_no_torch_transformers_ultralytics_or_dagster(
    settings: Settings, corpus
) -> None:
    """The whole `deepsentinel ask` command, with the services running."""
    probe = (
        "import sys\n"
        "from deepsentinel_pipelines.cli.main import main\n"
        "main(['ask', 'did anyone fall?', '--json'])\n"
        "heavy = ('torch', 'transformers', 'ultralytics', 'dagster', 'sentence_transformers')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["refused"] is False and "fall" in answer["answer"].lower()
