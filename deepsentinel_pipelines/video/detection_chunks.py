"""A video's tracked frames in chunks of video time, committed one by one so a long run can resume.

A chunk is made of whole input batches: a resumed run decodes from the frame after a chunk and
batches from there, so its batches (and the motion gate's choices inside them) are the ones an
uninterrupted run made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from deepsentinel_pipelines.video.tracking import TrackedBatch
from deepsentinel_pipelines.video.types import Detection

#: Seconds of video per committed chunk: on a CPU about as many seconds of work, the most a
#: killed run loses; on a GPU a commit every few hundred frames.
CHUNK_S = 15.0


@dataclass(frozen=True)
class DetectionChunk:
    """Consecutive analysed frames and their detections.

    Attributes:
        detections: Every detection of the chunk's frames, in frame order.
        frames: Analysed frames in the chunk (frames without detections included).
        next_frame_idx: The source frame number after the chunk's last frame.
        end_s: Time of the chunk's last frame.
    """

    detections: list[Detection]
    frames: int
    next_frame_idx: int
    end_s: float


def chunk_tracked_batches(
    batches: Iterable[TrackedBatch], chunk_s: float = CHUNK_S
) -> Iterator[DetectionChunk]:
    """Group tracked batches into chunks spanning at least ``chunk_s`` seconds of video.

    A chunk is yielded right after the batch that completes it, while the tracker has seen
    nothing later: the tracker's state then is the state to resume from after the chunk.

    Raises:
        ValueError: A non-positive ``chunk_s``.
    """
    if chunk_s <= 0:
        raise ValueError(f"chunk_s must be positive, got {chunk_s}")
    detections: list[Detection] = []
    frames = 0
    start_s: float | None = None
    for batch in batches:
        if not batch.frame_indices:
            continue
        if start_s is None:
            start_s = batch.timestamps_s[0]
        for found in batch.detections:
            detections.extend(found)
        frames += len(batch.frame_indices)
        last_idx, last_s = batch.frame_indices[-1], batch.timestamps_s[-1]
        if last_s - start_s >= chunk_s:
            yield DetectionChunk(detections, frames, last_idx + 1, last_s)
            detections, frames, start_s = [], 0, None
    if frames:
        yield DetectionChunk(detections, frames, last_idx + 1, last_s)
