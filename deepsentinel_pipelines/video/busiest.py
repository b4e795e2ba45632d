"""One basis and one wording for "busiest", wherever it is shown.

The first figure is the **peak people in view**: the most people seen in one analysed frame,
and the earliest second it was reached (the ``frame`` zone of the occupancy rows). The second is
the **minute with most distinct people**: the calendar minute of the video in which most
different people were tracked, however briefly (from the tracks' first and last sightings). The
summary, the occupancy asset's metadata, the answer to "when was it busiest?" and the review
page all name both figures this way, so they never disagree in basis or wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deepsentinel_pipelines.text.timefmt import format_timestamp

PEAK_NAME = "peak people in view"
MINUTE_NAME = "minute with most distinct people"


@dataclass(frozen=True)
class Busiest:
    """Both figures of one video.

    Attributes:
        peak_people: The most people seen in one analysed frame (0: nobody was seen).
        peak_s: The earliest second it was reached, or None.
        minute_start_s: Start of the minute with most distinct people, or None.
        minute_people: Distinct people tracked in that minute.
        duration_s: The video's length (the last minute ends there).
    """

    peak_people: int
    peak_s: float | None
    minute_start_s: float | None
    minute_people: int
    duration_s: float

    def peak_words(self, at: Callable[[float], str] = format_timestamp) -> str:
        """``8 at 00:13`` (``at`` writes the time), or ``nobody seen``."""
        if self.peak_s is None or self.peak_people <= 0:
            return "nobody seen"
        return f"{_people(self.peak_people)} at {at(self.peak_s)}"

    def minute_words(self, at: Callable[[float], str] = format_timestamp) -> str:
        """``00:00–01:00, 30 people``, or ``nobody seen``."""
        if self.minute_start_s is None or self.minute_people <= 0:
            return "nobody seen"
        end = min(self.minute_start_s + 60.0, self.duration_s)
        return f"{at(self.minute_start_s)}–{at(end)}, {_people(self.minute_people)}"

    def sentence(self, at: Callable[[float], str] = format_timestamp) -> str:
        """Both figures, each named: the summary's sentence."""
        return (
            f"{PEAK_NAME.capitalize()}: {self.peak_words(at)}; "
            f"{MINUTE_NAME}: {self.minute_words(at)}."
        )


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def busiest_minute(track_spans: Sequence[tuple[float, float]]) -> tuple[float | None, int]:
    """(start of the minute with most distinct people, their count) from (first_s, last_s)."""
    people: Counter[int] = Counter()
    for first_s, last_s in track_spans:
        for minute in range(int(first_s // 60), int(last_s // 60) + 1):
            people[minute] += 1
    if not people:
        return None, 0
    minute, count = min(people.items(), key=lambda item: (-item[1], item[0]))
    return minute * 60.0, count


def busiest_of(
    peak: tuple[int, float] | None, track_spans: Sequence[tuple[float, float]], duration_s: float
) -> Busiest:
    """Both figures from the frame's peak (people, second) and the person tracks' spans."""
    start, distinct = busiest_minute(track_spans)
    people, second = peak if peak is not None else (0, None)
    return Busiest(people, second, start, distinct, duration_s)
