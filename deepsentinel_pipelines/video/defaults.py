"""Defaults of the detector and the decoder that the settings also offer (no heavy imports)."""

#: Model input size: on the plaza sample yolo11n-pose finds 0.6/2.9/6.1 people per frame at
#: 640/960/1280 (~6-7 visible; it misses people under ~110 px tall at its input), at 4.5x the
#: CPU cost of 640; on a GPU the cost is small. Lower it for CPU tests, not for production.
DEFAULT_IMGSZ = 1280

#: Analysis rate: on the plaza sample ByteTrack keeps 11 ids over 15 s at 10 fps but fragments
#: into 20 at 5 fps (half the detections id-less at 2.5 fps); 25-30 fps sources are cut 3x.
DEFAULT_ANALYSIS_FPS = 10.0
