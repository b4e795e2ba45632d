#!/usr/bin/env bash
# One-shot GPU check for issue 8, point 5 (prepared without a GPU; run it where one is lent).
# Prints the detector columns at imgsz 1280 on the whole sample on CUDA (torch fp16), the
# GPU-side share of the pipeline, and the tests that cover the CUDA letterbox path.
#   bash bench/gpu_check.sh            # ~3-5 min on one H200 incl. warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" YOLO_OFFLINE=1
PY=${PY:-.venv/bin/python}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
"$PY" - <<'PY'
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())
PY
# Whole sample (795 frames, 10 fps source), batch 16 and 32: the target is pipeline >= 1200 f/s.
for batch in 16 32; do
  "$PY" bench/detector_throughput.py --device cuda --backend torch --imgsz 1280 \
    --batch "$batch" --seconds 79.5 --start 0 --skip openvino
done
# Same boxes as the stock predict on CUDA (GPU letterbox within 3 px).
"$PY" -m pytest tests/video/test_detector.py -q -k "fast_inference or bus_jpg" -p no:cacheprovider
