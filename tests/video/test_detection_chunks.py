"""Chunks of tracked frames: whole batches, at least the chunk's seconds, nothing lost."""

from __future__ import annotations

import pytest

from deepsentinel_pipelines.video.detection_chunks import chunk_tracked_batches
from deepsentinel_pipelines.video.tracking import TrackedBatch
from deepsentinel_pipelines.video.types import Detection


def _batches(frames: int, per_batch: int, stride: int = 2, fps: float = 10.0):
    """Batches of sampled frames 0, 2, 4, ... with one detection on every third frame."""
    indices = [k * stride for k in range(frames)]
    for start in range(0, frames, per_batch):
        part = indices[start : start + per_batch]
        found = [
            [Detection(i, i / fps, 1, 0, "person", 0.9, (0, 0, 1, 1))] if i % 3 == 0 else []
            for i in part
        ]
        yield TrackedBatch(part, [i / fps for i in part], found)


def test_chunks_are_whole_batches_of_at_least_the_chunk_seconds() -> None:
    # 5 analysed frames a second, batches of 4 (0.8 s): a 2 s chunk is 3 batches (12 frames).
    chunks = list(chunk_tracked_batches(_batches(50, 4), chunk_s=2.0))
    assert [c.frames for c in chunks] == [12, 12, 12, 12, 2]
    # A resumed run decodes from the source frame after the last one of the chunk.
    assert [c.next_frame_idx for c in chunks] == [23, 47, 71, 95, 99]
    assert [c.end_s for c in chunks] == pytest.approx([2.2, 4.6, 7.0, 9.4, 9.8])
    # Every detection lands in exactly one chunk, in frame order.
    frames = [d.frame_idx for c in chunks for d in c.detections]
    assert frames == [i for i in range(0, 100, 2) if i % 3 == 0]


def test_a_video_shorter_than_a_chunk_is_one_chunk() -> None:
    [chunk] = chunk_tracked_batches(_batches(3, 16), chunk_s=15.0)
    assert (chunk.frames, chunk.next_frame_idx) == (3, 5)


def test_nothing_to_chunk_and_a_bad_length() -> None:
    assert list(chunk_tracked_batches([], chunk_s=1.0)) == []
    with pytest.raises(ValueError, match="chunk_s"):
        list(chunk_tracked_batches(_batches(3, 2), chunk_s=0.0))
