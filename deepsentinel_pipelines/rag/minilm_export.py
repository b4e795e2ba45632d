"""Convert the shipped all-MiniLM-L6-v2 weights to an OpenVINO IR (run once, as a child process).

``python -m deepsentinel_pipelines.rag.minilm_export MODEL_DIR TARGET_DIR``. This is the only
code of the question path that imports torch and transformers, and it runs in its own process so
that the process asking the question never does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path


def export(model_dir: Path, target: Path) -> Path:
    """Write ``target/model.xml`` (fp32, dynamic batch and length) from ``model_dir``."""
    import openvino as ov
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    example = {
        "input_ids": torch.ones((1, 8), dtype=torch.long),
        "attention_mask": torch.ones((1, 8), dtype=torch.long),
        "token_type_ids": torch.zeros((1, 8), dtype=torch.long),
    }
    with torch.no_grad():
        converted = ov.convert_model(
            model,
            example_input=example,
            input=[
                ("input_ids", [-1, -1]),
                ("attention_mask", [-1, -1]),
                ("token_type_ids", [-1, -1]),
            ],
        )
    # Written beside the target and renamed, so a concurrent reader never sees half an IR.
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".minilm-"))
    ov.save_model(converted, str(staging / "model.xml"), compress_to_fp16=False)
    try:
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging)  # another process converted it first
    return target / "model.xml"


if __name__ == "__main__":
    export(Path(sys.argv[1]), Path(sys.argv[2]))
