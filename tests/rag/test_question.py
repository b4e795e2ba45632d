import pytest

from deepsentinel_pipelines.rag.question import ParsedQuestion, parse_question
from deepsentinel_pipelines.rag.time_phrases import AROUND_TOLERANCE_S, AT_TOLERANCE_S
from deepsentinel_pipelines.video.types import EVENT_TYPES, ORIENTATIONS

VIDEOS = ("plaza.mp4", "Cam-02_Lobby.MOV", "fall_test.mp4", "plaza_north.mp4")
ZONES = ("entrance", "loading dock", "exit")


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # ranges with a shared unit, a unit before, or a unit on each side
        ("Did anyone fall between 3 and 5 minutes?", 180.0, 300.0),
        ("What happened between minute 3 and 5?", 180.0, 300.0),
        ("between minute 3 and minute 5", 180.0, 300.0),
        ("between 2 and 3 min", 120.0, 180.0),
        ("between 30s and 1m", 30.0, 60.0),
        ("from 90 seconds to 2 minutes", 90.0, 120.0),
        ("between 1 minute 30 seconds and 2 minutes", 90.0, 120.0),
        ("between second 10 and 20", 10.0, 20.0),
        ("between 5 and 3 minutes", 180.0, 300.0),
        # clock ranges
        ("Show events from 00:30 to 00:45", 30.0, 45.0),
        ("what happened from 1:05 to 2:10 in plaza", 65.0, 130.0),
        ("from 1:02:03 to 1:05:00", 3723.0, 3900.0),
        ("between 1:00 and 1:30", 60.0, 90.0),
        ("between 1:00-1:30", 60.0, 90.0),
        ("events 0:10 - 0:20", 10.0, 20.0),
        ("events 0:10\u20130:20", 10.0, 20.0),
        ("3-5 minutes into the video", 180.0, 300.0),
        ("from the start to 1:00", 0.0, 60.0),
        ("from 2:00 to the end", 120.0, None),
        # first N
        ("anyone running in the first 20 seconds?", 0.0, 20.0),
        ("any crowding in the first minute?", 0.0, 60.0),
        ("in the first two minutes", 0.0, 120.0),
        ("within the first 1.5 minutes", 0.0, 90.0),
        ("during the first 1:30", 0.0, 90.0),
        # ordinal minutes
        ("how many people entered during minute 2", 60.0, 120.0),
        ("in minute 3", 120.0, 180.0),
        ("in the second minute", 60.0, 120.0),
        ("in the 3rd minute", 120.0, 180.0),
        # open-ended
        ("events after 1:10", 70.0, None),
        ("anything after the 2 minute mark?", 120.0, None),
        ("since 45 seconds", 45.0, None),
        ("How many people stood up after 1m30s", 90.0, None),
        ("what happened before 2 minutes", 0.0, 120.0),
        ("until 0:30", 0.0, 30.0),
        ("prior to 1 hour", 0.0, 3600.0),
        # around / at
        ("was anyone sitting around 2:15?", 135.0 - AROUND_TOLERANCE_S, 135.0 + AROUND_TOLERANCE_S),
        ("around the 2 minute mark", 105.0, 135.0),
        ("about 5 seconds", 0.0, 20.0),
        ("what happened at 0:42", 42.0 - AT_TOLERANCE_S, 42.0 + AT_TOLERANCE_S),
        ("at 42s", 40.0, 44.0),
        ("at 1 minute 30 seconds", 88.0, 92.0),
        ("at 1:00:05", 3603.0, 3607.0),
        ("at 0:01", 0.0, 3.0),
    ],
)
def test_absolute_windows(question: str, start: float, end: float | None) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    assert (parsed.start_s, parsed.end_s) == (start, end)
    assert parsed.relative_to_end is False
    assert parsed.has_window
    assert parsed.resolve_window() == (start, end)


@pytest.mark.parametrize(
    ("question", "seconds"),
    [
        ("who left in the last 30 seconds", 30.0),
        ("in the last minute", 60.0),
        ("during the final 2 minutes", 120.0),
        ("in the past 5 minutes", 300.0),
        ("over the last ten seconds", 10.0),
    ],
)
def test_windows_relative_to_end(question: str, seconds: float) -> None:
    parsed = parse_question(question)
    assert parsed.relative_to_end is True
    assert (parsed.start_s, parsed.end_s) == (-seconds, 0.0)
    assert parsed.resolve_window() is None  # needs the duration
    assert parsed.resolve_window(duration_s=600.0) == (600.0 - seconds, 600.0)
    assert parsed.resolve_window(duration_s=5.0) == (0.0, 5.0)


@pytest.mark.parametrize(
    "question",
    [
        "Did anyone fall?",
        "How many people entered the lobby?",
        "between 3 and 5",  # no unit: ambiguous, not guessed
        "between 3 and 5 people",
        "what happened near the entrance",
        "at the exit",
        "what happened 10 minutes in",  # unsupported phrasing: no window rather than a wrong one
        "the first person who fell",
    ],
)
def test_questions_without_window(question: str) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    assert not parsed.has_window
    assert parsed.resolve_window(100.0) is None
    assert not parsed.relative_to_end


@pytest.mark.parametrize(
    ("question", "types"),
    [
        ("Did anyone fall?", ("fall",)),
        ("someone fell down", ("fall",)),
        ("was there a collapse?", ("fall",)),
        ("a man collapsed", ("fall",)),
        ("people falling", ("fall",)),
        ("anyone loitering?", ("loitering",)),
        # hanging around is a stay: past a zone's dwell time, or the loitering rule's
        ("someone hanging around the door", ("dwell", "loitering")),
        ("did he loiter", ("loitering",)),
        ("was it crowded", ("crowding",)),
        ("a crowd formed", ("crowding",)),
        ("a group of people", ("crowding",)),
        ("how many people entered", ("enter",)),
        ("who came in", ("enter",)),
        ("did someone walk into the shop", ("enter",)),
        ("who left", ("exit",)),
        ("anyone exit?", ("exit",)),
        ("people leaving", ("exit",)),
        ("who crossed the line", ("line_crossing",)),
        ("line crossings", ("line_crossing",)),
        ("who sat down", ("sitting",)),
        ("anyone sitting", ("sitting",)),
        ("who stood up", ("standing",)),
        ("people standing", ("standing",)),
        ("who walked", ("walking",)),
        ("someone ran", ("running",)),
        ("anyone running", ("running",)),
        ("did someone dwell", ("dwell",)),
        ("who came in and then left", ("enter", "exit")),
        ("falls or loitering", ("fall", "loitering")),
        ("loitering or falls", ("loitering", "fall")),
        ("person on the left crossed the line", ("line_crossing",)),
        ("what happened near the entrance", ()),
        ("what happened at the exit door", ()),
        ("what happened", ()),
    ],
)
def test_event_type_synonyms(question: str, types: tuple[str, ...]) -> None:
    parsed = parse_question(question)
    assert parsed.event_types == types
    assert set(parsed.event_types) <= set(EVENT_TYPES)


@pytest.mark.parametrize(
    ("question", "orientation"),
    [
        ("who was facing the camera", "facing_camera"),
        ("anyone facing camera", "facing_camera"),
        ("people looking at the camera", "facing_camera"),
        ("number of people facing away from the camera", "facing_away"),
        ("back turned to the camera", "facing_away"),
        ("anyone facing left", "facing_left"),
        ("turned to the right", "facing_right"),
        ("facing_away events", "facing_away"),
    ],
)
def test_orientation(question: str, orientation: str) -> None:
    parsed = parse_question(question)
    assert parsed.orientation == orientation
    assert orientation in ORIENTATIONS
    assert "orientation" in parsed.event_types
    # "left"/"right" here are directions, not someone leaving
    assert "exit" not in parsed.event_types


@pytest.mark.parametrize(
    ("question", "is_count", "counts_people"),
    [
        ("How many people fell?", True, True),
        ("how many falls were there", True, False),
        ("how many times did someone fall", True, False),
        ("number of people who entered", True, True),
        ("Count the exits", True, False),
        ("count of visitors", True, True),
        ("how often did someone loiter", True, False),
        ("Did anyone fall?", False, False),
        ("who fell", False, False),
    ],
)
def test_counting(question: str, is_count: bool, counts_people: bool) -> None:
    parsed = parse_question(question)
    assert (parsed.is_count, parsed.counts_people) == (is_count, counts_people)


@pytest.mark.parametrize(
    ("question", "videos"),
    [
        ("falls in plaza.mp4", ("plaza.mp4",)),
        ("falls in PLAZA", ("plaza.mp4",)),
        ("falls in plaza?", ("plaza.mp4",)),
        ("what happened in cam 02 lobby", ("Cam-02_Lobby.MOV",)),
        ("what happened in cam-02_lobby.mov", ("Cam-02_Lobby.MOV",)),
        ("compare plaza north and plaza", ("plaza_north.mp4", "plaza.mp4")),
        ("anything in 'fall_test'", ("fall_test.mp4",)),
        ("plazas everywhere", ()),
        ("falls", ()),
    ],
)
def test_video_ids(question: str, videos: tuple[str, ...]) -> None:
    assert parse_question(question, VIDEOS).video_ids == videos


def test_video_name_is_not_an_event_type() -> None:
    parsed = parse_question("what is in fall_test?", VIDEOS)
    assert parsed.video_ids == ("fall_test.mp4",)
    assert parsed.event_types == ()


def test_digits_in_video_names_are_not_times() -> None:
    parsed = parse_question("at cam 02 lobby, anything?", VIDEOS)
    assert parsed.video_ids == ("Cam-02_Lobby.MOV",)
    assert not parsed.has_window


@pytest.mark.parametrize(
    ("question", "zones", "types"),
    [
        ("people hanging around near the entrance", ("entrance",), ("dwell", "loitering")),
        ("did someone walk into the 'loading dock'?", ("loading dock",), ("enter",)),
        ("anyone at the loading_dock", ("loading dock",), ()),
        ('falls in "Loading Dock"', ("loading dock",), ("fall",)),
        ("how many groups gathered near the exit", ("exit",), ("crowding",)),
        ("Count the exits", (), ("exit",)),  # a zone named "exit" needs a place phrase
        ("falls in 'north yard'", ("north yard",), ("fall",)),  # quoted: kept even if unknown
        ("falls near the kitchen", (), ("fall",)),  # not in the vocabulary: not guessed
    ],
)
def test_zones(question: str, zones: tuple[str, ...], types: tuple[str, ...]) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    assert parsed.zones == zones
    assert parsed.event_types == types


@pytest.mark.parametrize(
    ("question", "yes_no"),
    [
        ("Did anyone fall?", True),
        ("Was anyone loitering?", True),
        ("any falls?", True),
        ("Were there crowds", True),
        ("who fell", False),
        ("how many falls", False),
        ("list the falls", False),
    ],
)
def test_yes_no(question: str, yes_no: bool) -> None:
    assert parse_question(question).is_yes_no is yes_no


def test_full_question() -> None:
    parsed = parse_question(
        "How many people fell near the entrance in Plaza between 3 and 5 minutes?", VIDEOS, ZONES
    )
    assert parsed == ParsedQuestion(
        text="How many people fell near the entrance in Plaza between 3 and 5 minutes?",
        start_s=180.0,
        end_s=300.0,
        event_types=("fall",),
        is_count=True,
        counts_people=True,
        zones=("entrance",),
        video_ids=("plaza.mp4",),
        norm="how many people fell near the \u00a7 in \u00a4 between 3 and 5 minutes?",
        rest="how many people fell near the in ?",
        window_words="between 3 and 5 minutes",
    )


def test_parser_is_deterministic() -> None:
    question = "did anyone fall or loiter near the exit in plaza after 1:10?"
    assert len({parse_question(question, VIDEOS, ZONES) for _ in range(5)}) == 1


def test_custom_tolerances() -> None:
    parsed = parse_question("around 1:00", around_tolerance_s=5.0)
    assert (parsed.start_s, parsed.end_s) == (55.0, 65.0)
    parsed = parse_question("at 1:00", at_tolerance_s=0.0)
    assert (parsed.start_s, parsed.end_s) == (60.0, 60.0)
