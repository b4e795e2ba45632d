"""probe_video on the bundled sample, other containers, and broken files of every kind."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from deepsentinel_pipelines.video.probe import VideoProbeError, probe_video
from tests import media


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probe_media")


def test_sample_probes_right() -> None:
    started = time.perf_counter()
    info = probe_video(media.SAMPLE)
    elapsed = time.perf_counter() - started

    assert info.container == "mp4"
    assert info.codec == "h264"
    assert info.fps == pytest.approx(media.SAMPLE_FPS)
    assert info.frame_count == media.SAMPLE_FRAMES
    assert info.duration_s == pytest.approx(79.5, abs=0.05)
    assert (info.width, info.height) == media.SAMPLE_SIZE
    assert info.rotation == 0
    assert info.size_bytes == media.SAMPLE.stat().st_size
    assert info.sha256 == hashlib.sha256(media.SAMPLE.read_bytes()).hexdigest()
    assert elapsed < 2.0, f"probe decoded too much: {elapsed:.2f} s"


@pytest.mark.parametrize(
    ("suffix", "container"),
    [(".ts", "mpegts"), (".mkv", "matroska")],
    ids=["mpegts-no-frame-count", "matroska"],
)
def test_other_containers_count_frames(media_dir: Path, suffix: str, container: str) -> None:
    info = probe_video(media.remux(media_dir / f"remux{suffix}"))

    assert info.container == container
    assert info.frame_count == media.SAMPLE_FRAMES
    assert info.duration_s == pytest.approx(79.5, abs=0.15)
    assert info.fps == pytest.approx(media.SAMPLE_FPS)


def test_rotation_from_display_matrix(media_dir: Path) -> None:
    info = probe_video(media.clip(media_dir / "portrait.mp4", rotation_cw=90))

    assert info.rotation == 90
    assert (info.width, info.height) == (media.SAMPLE_SIZE[1], media.SAMPLE_SIZE[0])


def _empty(d: Path) -> Path:
    path = d / "empty.mp4"
    path.write_bytes(b"")
    return path


def _truncated_avi(d: Path) -> Path:
    full = media.clip(d / "full.avi", seconds=6.0, codec="mpeg4")
    return media.truncated_copy(d / "cut.avi", 0.5, src=full)


BROKEN = {
    "empty": (_empty, "empty", "empty file"),
    "random-bytes": (lambda d: media.random_bytes(d / "noise.mp4"), "not_a_video", "not a video"),
    "truncated-mp4": (lambda d: media.truncated_copy(d / "cut.mp4"), "truncated", "truncated"),
    "truncated-mp4-tail": (
        lambda d: media.truncated_copy(d / "cut97.mp4", 0.97),
        "truncated",
        "truncated",
    ),
    "truncated-avi": (_truncated_avi, "truncated", "truncated"),
    "audio-only": (lambda d: media.audio_only(d / "tone.m4a"), "no_video_stream", "no video"),
    "jpeg": (lambda d: media.still_image(d / "frame.jpg"), "image", "still image"),
    "png": (lambda d: media.still_image(d / "frame.png"), "image", "still image"),
    "unknown-codec": (lambda d: media.unknown_codec(d / "zzz1.mp4"), "unknown_codec", "codec"),
    "missing": (lambda d: d / "never-written.mp4", "missing", "not found"),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_files_fail_with_cause(media_dir: Path, case: str) -> None:
    build, reason, words = BROKEN[case]
    path = build(media_dir)

    with pytest.raises(VideoProbeError) as err:
        probe_video(path)

    assert err.value.reason == reason
    assert words in str(err.value)
    assert str(path) in str(err.value)
