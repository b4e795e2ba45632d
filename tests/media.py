"""Test media made from the bundled sample: short cuts, and broken files of every kind."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from deepsentinel_pipelines.cli.process import SAMPLE_VIDEO


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


def no_frames(dest: Path) -> Path:
    """A YUV4MPEG2 stream header (64x48, 10 fps) followed by no frame at all."""
    dest.write_bytes(b"YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C420jpeg\n")
    return dest


def tiny_single_frame(dest: Path) -> Path:
    """One grey 16x16 frame of H.264: the smallest video there is."""
    with av.open(str(dest), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width = stream.height = 16
        stream.pix_fmt = "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), 128, np.uint8), format="rgb24")
        frame.pts = 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return dest


def huge_claimed_size(dest: Path, claimed: int = 16000) -> Path:
    """Five 16x16 Motion-JPEG frames in AVI whose JPEG headers claim ``claimed`` squared."""
    with av.open(str(dest), "w", format="avi") as out:
        stream = out.add_stream("mjpeg", rate=10)
        stream.width = stream.height = 16
        stream.pix_fmt = "yuvj420p"
        for n in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), 40 * n, np.uint8), "rgb24")
            frame.pts = n
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    data = bytearray(dest.read_bytes())
    at = data.find(b"\xff\xc0")  # each frame's start-of-frame marker: length, precision, H, W
    while at >= 0:
        struct.pack_into(">HH", data, at + 5, claimed, claimed)
        at = data.find(b"\xff\xc0", at + 2)
    dest.write_bytes(bytes(data))
    return dest


#: Presentation times of the variable-frame-rate clip: a burst, a 0.6 s gap, a slower run.
VFR_TIMES_S = (0.0, 0.1, 0.2, 0.3, 0.4, 1.0, 1.25, 1.5, 1.75, 2.0)


def variable_frame_rate(dest: Path, start_s: float = 20.0) -> Path:
    """Sample frames from ``start_s`` on, shown at :data:`VFR_TIMES_S` (millisecond pts)."""
    with av.open(str(SAMPLE_VIDEO)) as src, av.open(str(dest), "w") as out:
        in_stream = src.streams.video[0]
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height = in_stream.width, in_stream.height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.options = {"crf": "30", "preset": "ultrafast"}
        frames = (f for f in src.decode(in_stream) if f.time >= start_s)
        for t, frame in zip(VFR_TIMES_S, frames, strict=False):
            frame.pts, frame.time_base = round(t * 1000), Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dest
