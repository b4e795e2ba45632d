"""Transcode OpenCV's ``vtest.avi`` into the small H.264 sample shipped with the package.

Usage::

    python scripts/make_sample_video.py [--src /work/shared/data/vtest.avi] [--dst PATH] [--crf 28]

The output is deterministic for a given libx264 build (single-threaded encode, fixed GOP), so
re-running it does not churn the repository unless the encoder changes.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

import av

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = Path("/work/shared/data/vtest.avi")
DEFAULT_DST = REPO_ROOT / "deepsentinel_pipelines" / "data" / "sample_plaza.mp4"
MAX_BYTES = 5 * 1024 * 1024


def transcode(src: Path, dst: Path, crf: int = 28, gop_s: float = 10.0) -> int:
    """Re-encode every frame of ``src`` to H.264/yuv420p in an MP4 at ``dst``.

    Args:
        src: Input video readable by FFmpeg.
        dst: Output ``.mp4`` path (parent folders are created).
        crf: libx264 constant rate factor; higher is smaller and blurrier.
        gop_s: Keyframe interval in seconds; 10 s keeps the file ~3.6 MB (2 s costs ~5.2 MB)
            while a seek still decodes at most 100 frames.

    Returns:
        The number of frames written.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".tmp.mp4")
    # +faststart puts the index first, so range readers (and our probe) need not read the tail.
    out_opts = {"movflags": "+faststart"}
    with av.open(str(src)) as inp, av.open(str(tmp), "w", format="mp4", options=out_opts) as out:
        ivs = inp.streams.video[0]
        rate = ivs.average_rate or ivs.guessed_rate or Fraction(10)
        ovs = out.add_stream("libx264", rate=rate)
        ovs.width, ovs.height = ivs.codec_context.width, ivs.codec_context.height
        ovs.pix_fmt = "yuv420p"
        # Single thread and a fixed GOP make re-runs byte-identical with the same libx264 build.
        ovs.thread_count = 1
        ovs.options = {"crf": str(crf), "preset": "medium", "g": str(int(round(gop_s * rate)))}
        n = 0
        for frame in inp.decode(ivs):
            frame.pts = n
            frame.time_base = 1 / Fraction(rate)
            for packet in ovs.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
            n += 1
        for packet in ovs.encode(None):
            out.mux(packet)
    tmp.replace(dst)
    return n


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--dst", type=Path, default=DEFAULT_DST)
    parser.add_argument("--crf", type=int, default=28)
    args = parser.parse_args()
    n = transcode(args.src, args.dst, args.crf)
    size = args.dst.stat().st_size
    print(f"wrote {args.dst} ({n} frames, {size / 1e6:.2f} MB)")
    if size >= MAX_BYTES:
        raise SystemExit(
            f"{args.dst} is {size} bytes, over the {MAX_BYTES} byte budget; raise --crf"
        )


if __name__ == "__main__":
    main()
