"""Test media made from the bundled sample: short cuts, and broken files of every kind."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from deepsentinel_pipelines.cli import SAMPLE_VIDEO


def cut_sample(dest: Path, start_s: float, seconds: float) -> Path:
    """Re-encode ``seconds`` of the sample from ``start_s`` into an H.264 MP4."""
    with av.open(str(SAMPLE_VIDEO)) as src, av.open(str(dest), "w") as out:
        in_stream = src.streams.video[0]
        stream = out.add_stream("libx264", rate=in_stream.average_rate)
        stream.width, stream.height = in_stream.width, in_stream.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "28", "preset": "veryfast"}
        frame_period = Fraction(1, int(in_stream.average_rate))
        written = 0
        for frame in src.decode(in_stream):
            t = float(frame.pts * in_stream.time_base)
            if t < start_s:
                continue
            if t >= start_s + seconds:
                break
            frame.pts, frame.time_base = written, frame_period
            written += 1
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest
