import pytest

from deepsentinel_pipelines.rag.words import close_to, edit_distance, regular_words, word_number


@pytest.mark.parametrize(
    ("text", "regular"),
    [
        ("How many ppl came in b4 1 min 10?", "how many people came in before 1:10?"),
        ("folks on the walkway cam", "people on the walkway camera"),
        ("anything at 1m10s", "anything at 1:10"),
        ("at 1 minute and 5 seconds", "at 1:05"),
        ("twenty five people", "25 people"),
        ("person twelve", "person 12"),
        ("in the first two minutes", "in the first 2 minutes"),
        ("no one fell", "nobody fell"),
        ("anyone there? which one?", "anyone there? which one?"),  # "one" counts nothing here
        ("between 2 minutes 30 and 3 minutes", "between 2:30 and 3 minutes"),
        ("2 minutes 10 people", "2 minutes 10 people"),  # not a time
    ],
)
def test_regular_words(text: str, regular: str) -> None:
    assert regular_words(text) == regular


def test_number_words() -> None:
    assert [word_number(w) for w in ("seven", "forty-two", "ninety nine", "hundred")] == [
        7,
        42,
        99,
        None,
    ]


def test_edit_distance_counts_a_swap_once() -> None:
    assert edit_distance("entrance", "entrnace") == 1
    assert edit_distance("entrance", "entrence") == 1
    assert edit_distance("path", "pth") == 1
    assert edit_distance("walkway", "plaza", limit=3) == 3


def test_close_to_needs_a_unique_near_word() -> None:
    vocabulary = {"entrance": "z:entrance", "walkway": "c:walkway", "plaza": "c:plaza"}
    assert close_to("entrnce", vocabulary) == "z:entrance"
    assert close_to("walkwya", vocabulary) == "c:walkway"
    assert close_to("entr", vocabulary) == "z:entrance"  # a prefix of four letters
    assert close_to("came", {"cam2": "v:x"}) is None  # short words need to be exact
    assert close_to("plazza", vocabulary) == "c:plaza"
    assert close_to("place", vocabulary) is None
