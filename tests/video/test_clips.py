"""Event clips: windows, span merging, and real H.264 clips decoded back with PyAV."""

from __future__ import annotations

import av
import numpy as np
import pytest

from deepsentinel_pipelines.video import clips
from deepsentinel_pipelines.video.clips import ClipRequest, clip_window, merge_spans, render_clips
from deepsentinel_pipelines.video.drawing import EMPHASIS
from deepsentinel_pipelines.video.types import Detection, Event
from tests.media import cut_sample


@pytest.mark.parametrize(
    ("start", "end", "duration", "expected"),
    [
        (10.0, 11.0, 60.0, (8.0, 14.0)),  # 2 s before, 3 s after
        (1.0, 1.5, 60.0, (0.0, 4.5)),  # clipped at the start of the video
        (58.0, 59.0, 60.0, (56.0, 60.0)),  # clipped at the end
        (10.0, 50.0, 60.0, (8.0, 20.0)),  # a long event: 12 s from the lead-in
    ],
)
def test_clip_window(start, end, duration, expected):
    assert clip_window(start, end, duration) == pytest.approx(expected)


def test_clip_window_rejects_negative_margins():
    with pytest.raises(ValueError, match="margins"):
        clip_window(1.0, 2.0, 10.0, before_s=-1.0)


def test_merge_spans_joins_overlapping_and_near_windows():
    windows = [(20.0, 25.0), (0.0, 3.0), (2.0, 5.0), (8.0, 10.0), (40.0, 41.0)]
    assert merge_spans(windows, gap_s=4.0) == [(0.0, 10.0), (20.0, 25.0), (40.0, 41.0)]


@pytest.fixture(scope="module")
def four_seconds(tmp_path_factory):
    return cut_sample(tmp_path_factory.mktemp("clips") / "cut.mp4", 20.0, 4.0)


def _person(frame_idx: int, t_s: float, track_id: int) -> Detection:
    box = (100.0, 100.0, 160.0, 260.0)
    return Detection(frame_idx, t_s, track_id, 0, "person", 0.9, box)


def source(by_frame: dict[int, list]) -> clips.DetectionSource:
    """A detection source over a dict, read in frame order like the database's."""

    def rows(first: int, last: int):
        return [(i, by_frame[i]) for i in sorted(by_frame) if first <= i <= last]

    return rows


def _by_event(made) -> list[clips.EncodedClip]:
    return sorted(made, key=lambda c: c.event_id)


def _decoded(data: bytes, tmp_path) -> tuple[str, int, int, int, float, np.ndarray]:
    path = tmp_path / "back.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        duration = float(stream.duration * stream.time_base)
        first = frames[0].to_ndarray(format="bgr24")
        name = stream.codec_context.name
        return name, len(frames), first.shape[1], first.shape[0], duration, first


def test_clips_decode_back_with_their_length_size_and_drawn_box(four_seconds, tmp_path):
    fps = 5.0  # the sample is 10 fps: every 2nd frame, frame numbers 0, 2, 4, ...
    event = Event("fall", 1.0, 1.5, 3, None, 1.0, "person 3 fell")
    other = Event("loitering", 2.0, 3.0, 3, "entrance", 1.0, "person 3 loitered")
    by_frame = {i: [_person(i, i / 10, 3)] for i in range(0, 40, 2)}
    requests = [
        ClipRequest(1, "a.mp4", event, 0.0, 2.0),
        ClipRequest(2, "b.mp4", other, 1.0, 4.0),  # overlaps the first: one decode pass
    ]
    made = list(render_clips(four_seconds, requests, source(by_frame), fps))
    assert [c.key for c in made] == ["a.mp4", "b.mp4"]  # each as soon as it ends
    for clip, seconds in zip(made, (2.0, 3.0), strict=True):
        assert clip.data[4:8] == b"ftyp" and clip.data.find(b"moov") < clip.data.find(b"mdat")
        codec, frames, width, height, duration, first = _decoded(clip.data, tmp_path)
        assert codec == "h264"
        assert (width, height) == (clip.width, clip.height) == (768, 576)
        assert frames == clip.frames == round(seconds * fps)
        assert duration == pytest.approx(seconds, abs=0.25)
        # The box is drawn in the emphasis colour on the person's left edge (x = 100).
        edge = first[150:200, 99:103].reshape(-1, 3).astype(int)
        red = np.array(EMPHASIS[::-1])  # RGB -> BGR
        assert (np.abs(edge - red).sum(axis=1) < 90).mean() > 0.5


def test_clips_are_the_same_bytes_whatever_the_encoder_threads(four_seconds):
    # Overlapping clips share frames; several threads encode them side by side, and each clip
    # must still get its frames in order (a swapped frame changes the bytes).
    by_frame = {i: [_person(i, i / 10, 3)] for i in range(0, 40)}
    event = Event("walking", 0.5, 3.5, 3, None, 1.0, "person 3 walked")
    requests = [ClipRequest(k, f"{k}.mp4", event, k * 0.3, 2.0 + k * 0.3) for k in range(6)]

    one = _by_event(render_clips(four_seconds, requests, source(by_frame), 10.0, workers=1))
    three = _by_event(render_clips(four_seconds, requests, source(by_frame), 10.0, workers=3))

    assert [c.frames for c in one] == [20] * 6
    assert [c.data for c in three] == [c.data for c in one]


def test_a_drawing_error_reaches_the_caller(four_seconds):
    event = Event("fall", 1.0, 1.5, 3, None, 1.0, "x")
    broken = {0: ["not a detection"]}
    with pytest.raises(AttributeError):
        list(
            render_clips(
                four_seconds, [ClipRequest(1, "a.mp4", event, 0.0, 2.0)], source(broken), 10.0
            )
        )


def test_a_clip_past_the_end_is_left_out(four_seconds):
    event = Event("fall", 9.0, 9.5, 3, None, 1.0, "x")
    made = render_clips(four_seconds, [ClipRequest(1, "z.mp4", event, 9.0, 10.0)], source({}), 5.0)
    assert list(made) == []


def test_clip_codec_is_h264():
    assert av.codec.Codec(clips.CODEC, "w").name == "libx264"


def test_each_clip_is_handed_out_while_the_rest_is_still_being_cut(tmp_path):
    # Ten one-second clips two seconds apart make one span of 20 s: decoded in one pass, but
    # each clip leaves (to be uploaded, its memory freed) long before the pass ends.
    video = cut_sample(tmp_path / "twenty.mp4", 20.0, 20.0)
    event = Event("enter", 0.0, 1.0, 3, "entrance", 1.0, "person 3 entered")
    requests = [ClipRequest(k, f"{k}.mp4", event, 2.0 * k, 2.0 * k + 1.0) for k in range(10)]
    pulled: list[int] = []

    def rows(first: int, last: int):
        for i in range(first, last + 1):
            pulled.append(i)
            yield i, [_person(i, i / 10, 3)]

    made = render_clips(video, requests, rows, 10.0)
    first = next(made)
    assert first.key == "0.mp4" and first.frames == 10
    assert max(pulled) < 100  # half the video not even read yet
    rest = _by_event(made)
    assert [c.key for c in rest] == [f"{k}.mp4" for k in range(1, 10)]
    assert all(c.frames == 10 for c in rest)
