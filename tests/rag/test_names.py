import pytest

from deepsentinel_pipelines.rag.names import PLACEHOLDER, find_names, nameable
from deepsentinel_pipelines.rag.question import parse_question

VIDEOS = ("uploads/plaza/sample_plaza.mp4", "uploads/walkway/walkway_cam2.mp4", "lobby.MOV")


@pytest.mark.parametrize(
    ("question", "videos", "cameras", "zones"),
    [
        ("how many in sample_plaza.mp4?", (VIDEOS[0],), (), ()),
        ("how many in the sample?", (VIDEOS[0],), (), ()),  # a word only its name has
        ("how many in the sampel video?", (VIDEOS[0],), (), ()),  # misspelt
        ("how many on the walkway camera?", (), ("walkway",), ()),  # the camera wins
        ("anyone at the entrnce?", (), (), ("entrance",)),
        ("anyone in 'loading dock'?", (), (), ("loading dock",)),  # quoted: a zone
        ("events in LOBBY", (VIDEOS[2],), (), ()),
        ("who came first?", (), (), ()),  # "came" is not "cam2"
    ],
)
def test_names_exact_loose_and_misspelt(question, videos, cameras, zones) -> None:
    found = find_names(question.lower(), VIDEOS, ["entrance"], ["path"], ["plaza", "walkway"])
    assert (found.videos, found.cameras, found.zones) == (videos, cameras, zones)


def test_found_names_leave_a_mark_that_joins_no_words() -> None:
    found = find_names("the third crowd in the sample start", VIDEOS)
    assert PLACEHOLDER in found.text and "the sample" not in found.text
    # "in the <video> start" is not "in the start" (the first seconds of the video)
    parsed = parse_question("when did the third crowd in the sample start?", VIDEOS)
    assert parsed.start_s is None and parsed.video_ids == (VIDEOS[0],)


def test_a_misspelt_name_is_said_in_the_answer() -> None:
    parsed = parse_question("anyone at the entrnce?", VIDEOS, ["entrance"])
    assert parsed.readings == ('read "entrnce" as entrance',)


@pytest.mark.parametrize("name", ["-.mp4", "___.mp4", "a.mp4", "-", "_", "x"])
def test_names_without_two_letters_or_digits_never_scope(name: str) -> None:
    assert not nameable(name.rsplit(".", 1)[0]) or not nameable(name)
    assert parse_question("did anyone fall?", [name], [name]).video_ids == ()


@pytest.mark.parametrize(
    ("question", "types", "reading"),
    [
        ("did anyone loitre at the entrance?", ("loitering",), 'read "loitre" as loiter'),
        ("how many ppl were standng?", ("standing",), 'read "standng" as standing'),
        ("any crosings?", ("line_crossing",), 'read "crosings" as crossings'),
        ("in this setting, how many people?", (), None),  # a word, not a typo of "sitting"
    ],
)
def test_misspelt_event_words(question: str, types: tuple, reading: str | None) -> None:
    parsed = parse_question(question, VIDEOS, ["entrance"])
    assert parsed.event_types == types
    assert parsed.readings == ((reading,) if reading else ())
