"""Sampling, batching, rotation and single-frame reads on the bundled sample."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from deepsentinel_pipelines.video.decode import (
    analysis_stride,
    iter_frame_batches,
    read_frame_at,
    read_frames_at,
    representative_frame,
)
from tests import media


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("decode_media")


@pytest.mark.parametrize(
    ("source_fps", "wanted", "stride"),
    [(10, 10, 1), (10, 5, 2), (10, 2.5, 4), (10, None, 1), (10, 30, 1), (30, 10, 3), (25, 10, 2)],
)
def test_analysis_stride(source_fps: float, wanted: float | None, stride: int) -> None:
    assert analysis_stride(source_fps, wanted) == stride


@pytest.mark.parametrize(
    ("fps_analysed", "stride", "expected"),
    [(None, 1, 795), (5.0, 2, 398), (2.5, 4, 199), (3.0, 3, 265)],
)
def test_whole_video_sampling(fps_analysed: float | None, stride: int, expected: int) -> None:
    batches = iter_frame_batches(media.SAMPLE, fps_analysed, batch_size=32)
    got = list(batches)

    indices = [i for b in got for i in b.frame_indices]
    times = [t for b in got for t in b.timestamps_s]
    assert batches.stride == stride
    assert batches.fps_analysed == pytest.approx(media.SAMPLE_FPS / stride)
    assert batches.frames_total_estimate == expected
    assert indices == list(range(0, media.SAMPLE_FRAMES, stride))
    assert times == pytest.approx([i / media.SAMPLE_FPS for i in indices])
    assert [len(b.frames) for b in got[:-1]] == [32] * (len(got) - 1)
    assert 1 <= len(got[-1].frames) <= 32
    assert sum(len(b.frames) for b in got) == expected


def test_window_batches_and_frames() -> None:
    batches = iter_frame_batches(media.SAMPLE, 5.0, batch_size=8, start_s=10.0, end_s=20.0)
    got = list(batches)

    assert [len(b.frames) for b in got] == [8, 8, 8, 8, 8, 8, 2]
    assert batches.frames_total_estimate == 50
    assert got[0].frame_indices[:3] == [100, 102, 104]
    assert got[0].timestamps_s[:3] == pytest.approx([10.0, 10.2, 10.4])
    assert got[-1].frame_indices[-1] == 198
    frame = got[0].frames[0]
    assert frame.dtype == np.uint8
    assert frame.shape == (media.SAMPLE_SIZE[1], media.SAMPLE_SIZE[0], 3)
    assert frame.flags.c_contiguous
    # A batch iterable can be iterated again and yields the same frames.
    again = next(iter(batches))
    assert np.array_equal(again.frames[0], frame)


def test_index_less_container_samples_the_same(media_dir: Path) -> None:
    ts = media.remux(media_dir / "sample.ts")
    want = list(iter_frame_batches(media.SAMPLE, 5.0, 16, start_s=40.0, end_s=45.0))
    got = list(iter_frame_batches(ts, 5.0, 16, start_s=40.0, end_s=45.0))

    assert [b.frame_indices for b in got] == [b.frame_indices for b in want]
    assert np.array_equal(got[0].frames[0], want[0].frames[0])


def test_rotation_is_applied(media_dir: Path) -> None:
    clip = media.clip(media_dir / "portrait.mp4", seconds=1.0, rotation_cw=90)

    upright = next(iter(iter_frame_batches(clip, None, 4))).frames[0]
    stored = next(iter(iter_frame_batches(clip, None, 4, rotation=0))).frames[0]

    assert upright.shape == (media.SAMPLE_SIZE[0], media.SAMPLE_SIZE[1], 3)
    assert np.array_equal(upright, cv2.rotate(stored, cv2.ROTATE_90_CLOCKWISE))
    assert read_frame_at(clip, 0.0).shape == upright.shape
    assert representative_frame(clip).shape == upright.shape


def test_single_frame_reads_match_the_batches() -> None:
    wanted = {0: None, 1: None, 99: None, 350: None, 794: None}
    for batch in iter_frame_batches(media.SAMPLE, None, 64):
        for idx, frame in zip(batch.frame_indices, batch.frames, strict=True):
            if idx in wanted:
                wanted[idx] = frame

    assert np.array_equal(read_frame_at(media.SAMPLE, 35.0), wanted[350])
    assert np.array_equal(read_frame_at(media.SAMPLE, 35.04), wanted[350])
    assert np.array_equal(read_frame_at(media.SAMPLE, 500.0), wanted[794])  # past the end
    frames = read_frames_at(media.SAMPLE, [794, 99, 0, 1, 350, 99, 5000])
    assert sorted(frames) == [0, 1, 99, 350, 794]
    for idx, frame in frames.items():
        assert np.array_equal(frame, wanted[idx]), idx
    with pytest.raises(ValueError, match="t_s"):
        read_frame_at(media.SAMPLE, -1.0)


def test_representative_frame_is_a_detailed_frame() -> None:
    frame = representative_frame(media.SAMPLE)

    assert frame.shape == (media.SAMPLE_SIZE[1], media.SAMPLE_SIZE[0], 3)
    assert frame.dtype == np.uint8
    assert float(frame.std()) > 20.0  # not a blank or faded frame


def test_parallel_decoding_yields_the_same_frames_in_order() -> None:
    serial = iter_frame_batches(media.SAMPLE, 5.0, 4, start_s=3.0, end_s=19.0)
    parallel = iter_frame_batches(media.SAMPLE, 5.0, 4, start_s=3.0, end_s=19.0, workers=3)
    parallel.segment_s = 3.5  # stretch edges fall between frames and on them

    one, many = list(serial), list(parallel)

    assert [len(b.frames) for b in many] == [len(b.frames) for b in one]
    assert [b.frame_indices for b in many] == [b.frame_indices for b in one]
    assert [b.timestamps_s for b in many] == [b.timestamps_s for b in one]
    for a, b in zip(one, many, strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames, strict=True))
    assert parallel.frames_total_estimate == serial.frames_total_estimate == 80
