import pytest

from deepsentinel_pipelines.rag.site import LineBook, LineNames, screen_direction
from deepsentinel_pipelines.settings import REPO_ROOT
from deepsentinel_pipelines.video.camera_config import CountingLine


@pytest.mark.parametrize(
    ("start", "end", "in_screen"),
    [
        # "in" is the left-hand side of start -> end as drawn (image y grows downwards)
        ((450, 170), (450, 340), "left to right"),  # the plaza's path line, drawn downwards
        ((450, 340), (450, 170), "right to left"),  # the same line drawn upwards
        ((100, 300), (600, 300), "bottom to top"),
        ((600, 300), (100, 300), "top to bottom"),
    ],
)
def test_screen_direction_of_in_follows_the_geometry(start, end, in_screen) -> None:
    assert screen_direction(CountingLine("l", start, end)) == in_screen


def test_the_shipped_cameras_file_names_the_path_lines_directions() -> None:
    book = LineBook.from_file(REPO_ROOT / "deepsentinel_pipelines" / "config" / "cameras.yaml")
    [path] = book.by_camera["plaza"]
    assert path == LineNames(
        "path", "plaza", "towards the side road", "away from the side road", "left to right"
    )
    assert path.direction_words("out") == "away from the side road (right to left)"
    site = book.site(["v.mp4"], ["entrance"], ["path", "barrier"], ["plaza"])
    assert site.line("path") == path and site.line("barrier") == LineNames("barrier")


def test_a_missing_cameras_file_names_nothing() -> None:
    assert LineBook.from_file("/nonexistent/cameras.yaml").by_camera == {}
    assert LineNames("l").direction_words("in") == "in"
