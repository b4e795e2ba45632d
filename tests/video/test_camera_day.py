"""A camera's day: people joined across file cuts, counted per local hour (hand-made tracks)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.video.camera_day import (
    DayEvent,
    Footage,
    PersonTrack,
    day_report,
    days_covered,
    stitch_tracks,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 14:00 in Paris


def box(x: float, y_feet: float, height: float = 100.0) -> tuple[float, float, float, float]:
    return (x - 20, y_feet - height, x + 20, y_feet)


def footage(video_id: str, start: datetime, seconds: float = 10.0, size=(768, 576)) -> Footage:
    return Footage(video_id, start, seconds, *size)


A = footage("a.mp4", T0)
B = footage("b.mp4", T0 + timedelta(seconds=10.5))  # 0.5 s after A ends


def test_a_person_in_view_at_the_cut_is_joined():
    tracks = [
        PersonTrack("a.mp4", 1, 2.0, 9.8, last_box=box(100, 300)),
        PersonTrack("a.mp4", 2, 1.0, 5.0),  # left long before the cut
        PersonTrack("a.mp4", 3, 3.0, 9.9, last_box=box(600, 400)),
        PersonTrack("b.mp4", 1, 0.0, 4.0, first_box=box(110, 305)),  # where a#1 was
        PersonTrack("b.mp4", 2, 0.0, 6.0, first_box=box(300, 300)),  # someone else
        PersonTrack("b.mp4", 3, 0.2, 8.0, first_box=box(590, 402)),  # where a#3 was
    ]
    links = stitch_tracks([B, A], tracks)
    assert links == {("b.mp4", 1): ("a.mp4", 1), ("b.mp4", 3): ("a.mp4", 3)}


def test_no_join_across_a_real_gap_or_a_new_frame_size():
    tracks = [
        PersonTrack("a.mp4", 1, 2.0, 9.8, last_box=box(100, 300)),
        PersonTrack("c.mp4", 1, 0.0, 4.0, first_box=box(100, 300)),
    ]
    later = footage("c.mp4", T0 + timedelta(seconds=13))  # 3 s after A
    assert stitch_tracks([A, later], tracks) == {}
    resized = footage("c.mp4", T0 + timedelta(seconds=10), size=(1280, 720))
    assert stitch_tracks([A, resized], tracks) == {}


def test_the_nearest_pair_wins_and_each_track_joins_once():
    tracks = [
        PersonTrack("a.mp4", 1, 2.0, 9.8, last_box=box(100, 300)),
        PersonTrack("b.mp4", 1, 0.0, 4.0, first_box=box(130, 300)),
        PersonTrack("b.mp4", 2, 0.0, 4.0, first_box=box(105, 300)),
    ]
    assert stitch_tracks([A, B], tracks) == {("b.mp4", 2): ("a.mp4", 1)}


def test_the_day_per_hour():
    late = footage("c.mp4", T0 + timedelta(hours=2), seconds=600)  # 16:00-16:10 in Paris
    tracks = [
        PersonTrack("a.mp4", 1, 2.0, 9.8, last_box=box(100, 300)),
        PersonTrack("b.mp4", 1, 0.0, 4.0, first_box=box(110, 305)),
        PersonTrack("b.mp4", 2, 1.0, 6.0, first_box=box(300, 300)),
        PersonTrack("c.mp4", 1, 10.0, 20.0),
    ]
    events = [
        DayEvent("a.mp4", "enter", 2.0, 1, None),
        DayEvent("a.mp4", "exit", 9.8, 1, None),  # the cut, not a real exit
        DayEvent("b.mp4", "enter", 0.0, 1, None, from_start=True),  # the cut again
        DayEvent("b.mp4", "enter", 1.0, 2, None),
        DayEvent("b.mp4", "line_crossing", 3.0, 2, None),
        DayEvent("c.mp4", "enter", 10.0, 1, None),
        DayEvent("c.mp4", "enter", 12.0, 1, "entrance"),  # a zone entry: no frame entry
    ]
    report = day_report("plaza", date(2026, 12, 1), PARIS, [A, B, late], tracks, events)
    assert len(report.hours) == 24
    by_label = {h.label: h for h in report.hours}
    assert (by_label["14:00"].people, by_label["14:00"].entries) == (2, 2)
    assert by_label["14:00"].line_crossings == 1 and by_label["14:00"].events == 3
    assert (by_label["16:00"].people, by_label["16:00"].entries) == (1, 1)
    assert by_label["15:00"].footage_s == 0 and by_label["16:00"].footage_s == 600
    assert report.people == 3 and report.stitched == 1
    assert report.busiest is not None and report.busiest.label == "14:00"
    text = report.text()
    assert "3 people seen (1 joined across file cuts)" in text
    assert "Busiest hour: 14:00-15:00 with 2 people" in text


def test_the_day_clocks_go_back_has_25_hours():
    report = day_report("plaza", date(2026, 10, 25), PARIS, [], [], [])
    labels = [h.label for h in report.hours]
    assert len(labels) == 25
    assert labels[2:4] == ["02:00 (+0200)", "02:00 (+0100)"]
    assert "no video with a known recording time" in report.text()


def test_overlapping_recordings_are_pointed_out():
    copy = footage("a-copy.mp4", T0 + timedelta(seconds=1))
    report = day_report("plaza", date(2026, 12, 1), PARIS, [A, copy], [], [])
    assert report.overlaps == (("a.mp4", "a-copy.mp4", 9.0),)
    assert "overlap by 9 s" in report.text()


def test_days_covered_in_the_camera_zone():
    # 23:55 to 00:05 in Paris spans two local days (one UTC day)
    start = datetime(2026, 12, 1, 22, 55, tzinfo=UTC)
    assert days_covered(start, 600, PARIS) == [date(2026, 12, 1), date(2026, 12, 2)]
    assert days_covered(start, 600, ZoneInfo("UTC")) == [date(2026, 12, 1)]
