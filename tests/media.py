"""Test media built from the bundled sample (no downloads): cuts, remuxes, broken files."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from deepsentinel_pipelines.settings import SAMPLE_VIDEO as SAMPLE

SAMPLE_FPS = 10.0
SAMPLE_FRAMES = 795
SAMPLE_SIZE = (768, 576)


def cut_sample(dest: Path, start_s: float, seconds: float) -> Path:
    """Re-encode ``seconds`` of the sample from ``start_s`` into an H.264 MP4."""
    with av.open(str(SAMPLE)) as src, av.open(str(dest), "w") as out:
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
    with av.open(str(SAMPLE)) as src, av.open(str(dest), "w") as out:
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


def truncated_copy(dest: Path, fraction: float = 0.6, src: Path = SAMPLE) -> Path:
    """The first ``fraction`` of the bytes of ``src`` (an interrupted upload)."""
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def random_bytes(dest: Path, size: int = 200_000, seed: int = 7) -> Path:
    """Bytes that are no known format (fixed seed: FFmpeg's probe is deterministic on them)."""
    dest.write_bytes(np.random.default_rng(seed).bytes(size))
    return dest


def audio_only(dest: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    """An AAC tone in an MP4/M4A container, i.e. a media file with no video stream."""
    with av.open(str(dest), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=rate)
        stream.layout = "mono"
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            frame = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1024], format="flt", layout="mono"
            )
            frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dest


def still_image(dest: Path, src: Path = SAMPLE) -> Path:
    """The first frame of ``src`` as an image file (the suffix picks JPEG or PNG)."""
    with av.open(str(src)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="bgr24")
    cv2.imwrite(str(dest), frame)
    return dest


def unknown_codec(dest: Path, src: Path = SAMPLE) -> Path:
    """A copy of the MP4 whose sample entry says 'zzz1' instead of 'avc1': no decoder exists."""
    data = src.read_bytes()
    assert data.count(b"avc1") >= 1
    dest.write_bytes(data.replace(b"avc1", b"zzz1"))
    return dest


def remux(dest: Path, src: Path = SAMPLE) -> Path:
    """The same H.264 packets in another container, chosen by ``dest``'s suffix (.ts, .mkv)."""
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        in_stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(in_stream)
        for packet in inp.demux(in_stream):
            if packet.dts is None:
                continue
            packet.stream = out_stream
            out.mux(packet)
    return dest


def clip(dest: Path, seconds: float = 1.0, codec: str = "libx264", rotation_cw: int = 0) -> Path:
    """The sample's first ``seconds`` re-encoded with ``codec`` (container from the suffix).

    With ``rotation_cw`` the stream gets a display matrix asking for a clockwise turn while the
    pixels stay unrotated, as a phone stores a portrait recording.
    """
    with av.open(str(SAMPLE)) as inp, av.open(str(dest), "w") as out:
        in_stream = inp.streams.video[0]
        stream = out.add_stream(codec, rate=in_stream.average_rate)
        stream.width, stream.height = in_stream.width, in_stream.height
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"crf": "30", "preset": "ultrafast"}
        if rotation_cw:
            stream.set_display_rotation(-rotation_cw)  # PyAV takes counter-clockwise degrees
        for n, frame in enumerate(inp.decode(in_stream)):
            if frame.time >= seconds:
                break
            frame.pts, frame.time_base = n, 1 / Fraction(in_stream.average_rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dest


def static_scene(
    dest: Path,
    seconds: float = 40.0,
    fps: int = 10,
    moving: tuple[float, float] = (20.0, 21.5),
    size: tuple[int, int] = (640, 360),
    seed: int = 3,
) -> Path:
    """A still, empty synthetic scene with sensor noise; a dark blob crosses it during ``moving``.

    Nothing in it looks like a person, so the detector finds no one and only motion (or the
    keyframe timer) makes it run.
    """
    w, h = size
    rng = np.random.default_rng(seed)
    background = np.zeros((h, w, 3), np.uint8)
    background[:] = (150, 160, 170)
    background[h // 2 :] = (90, 100, 95)  # ground
    for _ in range(12):  # benches, bins, kerbs: fixed edges for the encoder to keep
        x, y = int(rng.integers(0, w - 60)), int(rng.integers(h // 2, h - 30))
        cv2.rectangle(background, (x, y), (x + 60, y + 20), (60, 70, 80), -1)
    with av.open(str(dest), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": "28", "preset": "ultrafast"}
        for n in range(int(seconds * fps)):
            t = n / fps
            image = background.copy()
            if moving[0] <= t < moving[1]:
                x = int((t - moving[0]) / (moving[1] - moving[0]) * (w - 80))
                cv2.ellipse(image, (x + 40, h // 2), (40, 25), 0, 0, 360, (30, 30, 30), -1)
            noise = rng.normal(0, 2.0, image.shape)
            image = np.clip(image + noise, 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = n, Fraction(1, fps)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dest


def remux_span(dest: Path, start_s: float, end_s: float, src: Path = SAMPLE) -> Path:
    """The packets of ``src`` from its keyframe at ``start_s`` to the one at ``end_s``, remuxed.

    No re-encoding: both times must be keyframes (the sample has them at 0, 10, 20, 25, 35, 45,
    50, 60, 70 and 75 s). Timestamps start again at 0, as a recorder's next file would.
    """
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        in_stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(in_stream)
        tb = in_stream.time_base
        first, offset = None, None
        for packet in inp.demux(in_stream):
            if packet.dts is None or packet.pts is None:
                continue
            t = float(packet.pts * tb)
            if first is None:
                if t + 1e-6 < start_s or not packet.is_keyframe:
                    continue
                assert abs(t - start_s) < 1e-3, f"no keyframe at {start_s} s (next at {t} s)"
                first, offset = packet.pts, packet.dts
            if packet.is_keyframe and t >= end_s - 1e-6:
                break
            packet.pts -= first
            packet.dts -= offset
            packet.stream = out_stream
            out.mux(packet)
    return dest
