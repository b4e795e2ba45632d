"""Questions as guards, shop managers and investigators ask them, with truths from the base tables.

Each question is about the two processed videos of ``tests/rag/eval_videos.py``: the sample
(camera ``plaza``: the ``entrance`` zone and the ``path`` line, whose ``in`` direction is
"towards the side road", left to right on screen) and ``walkway_cam2.mp4`` (camera ``walkway``,
no zones or lines). Its truth is one SELECT over ``public.events``, ``public.tracks``,
``public.occupancy`` and ``public.videos`` written by hand for that question (never the code
under test); ``%(plaza)s``, ``%(walkway)s`` and ``%(videos)s`` are the loaded video ids.
A rule says how an answer is graded against the truth (:func:`grade`).

Rules:
    number   the first number of the answer's first sentence (times, ids, names left out) is the
             truth.
    yes      the answer starts with "Yes" when the truth is above 0, with "No" when it is 0.
    time     the first sentence holds the truth (seconds into the video) as mm:ss, within 1 s.
    seconds  the first sentence holds a duration ("16 s", "1 min 5 s") within 1 s of the truth.
    person   the first sentence names "person <truth>".
    winner   the first sentence names the truth before the other side (``other``), if at all.
    mentions the answer contains the truth (a string).
    cannot   the answer says the footage cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

#: Conditions on ``public.events`` (alias-free) for one video or both.
P = "video_id = %(plaza)s"
W = "video_id = %(walkway)s"
B = "video_id = ANY(%(videos)s)"


@dataclass(frozen=True)
class Question:
    """One question, its category, its truth's SQL and how it is graded."""

    category: str
    text: str
    truth: str
    rule: str
    other: str = ""  # for ``winner``: the side that lost
    fast: bool = False  # in the subset `make test` runs


def _people(where: str) -> str:
    return (
        "SELECT count(*) FROM (SELECT DISTINCT video_id, track_id FROM events "
        f"WHERE {where} AND track_id IS NOT NULL) d"
    )


def _events(where: str) -> str:
    return f"SELECT count(*) FROM events WHERE {where}"


def _cross(where: str) -> str:
    return f"event_type = 'line_crossing' AND attributes->>'line' = 'path' AND {where}"


CANNOT = "SELECT 1"
#: "Now" for clock phrases: Wednesday 2 December 2026, 10:00 in Paris (the sample was recorded
#: the day before at 14:00).
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
#: An event's clock times, on the base tables (NULL when its video's time is unknown).
_RECORDED = "(SELECT v.recorded_at FROM videos v WHERE v.video_id = events.video_id)"
STARTED = f"{_RECORDED} + start_s * interval '1 second'"
ENDED = f"{_RECORDED} + end_s * interval '1 second'"
CROWDS = " AND event_type = 'crowding'"
FACING_CAMERA = " AND attributes->>'orientation' = 'facing_camera'"
FACING_AWAY = " AND attributes->>'orientation' = 'facing_away'"
INTO_VIEW = " AND event_type = 'enter' AND zone IS NULL"
STANDING = " AND event_type = 'standing'"
IN = " AND attributes->>'direction' = 'in'"
ENTRANCE_IN = " AND event_type = 'enter' AND zone = 'entrance'"
OUT = " AND attributes->>'direction' = 'out'"

QUESTIONS: tuple[Question, ...] = (
    # --- counts ---------------------------------------------------------------------------------
    Question("counts", "How many people did the cameras pick up in total?",
             f"SELECT count(*) FROM tracks WHERE {B}", "number", fast=True),
    Question("counts", "how many ppl were in the sample video?",
             f"SELECT count(*) FROM tracks WHERE {P}", "number"),
    Question("counts", "How many folks showed up on the walkway cam?",
             f"SELECT count(*) FROM tracks WHERE {W}", "number"),
    Question("counts", "How many people walked in through the path line?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in'")), "number", fast=True),
    Question("counts", "how many crossed the path line going out?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'out'")), "number"),
    Question("counts", "How many times was the path line crossed?",
             _events(_cross(P)), "number", fast=True),
    Question("counts", "how many crossings of the line were there in the first 30 seconds?",
             _events(_cross(f"{P} AND start_s <= 30")), "number"),
    Question("counts", "how many entries were there into the entrance?",
             _events(f"{P} AND event_type = 'enter' AND zone = 'entrance'"), "number", fast=True),
    Question("counts", "how many different people went into the entrance zone?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance'"), "number"),
    Question("counts", "How many people came into view in the walkway video?",
             _people(f"{W} AND event_type = 'enter' AND zone IS NULL"), "number"),
    Question("counts", "How often did person 23 cross the line?",
             _events(_cross(f"{P} AND track_id = 23")), "number", fast=True),
    Question("counts", "how many times did person 9 cross?",
             _events(_cross(f"{P} AND track_id = 9")), "number"),
    Question("counts", "number of people who walked out of the entrance",
             _people(f"{P} AND event_type = 'exit' AND zone = 'entrance'"), "number"),
    Question("counts", "How many people were standing around in the sample?",
             _people(f"{P} AND event_type = 'standing'"), "number"),
    Question("counts", "count the people walking in the walkway video",
             _people(f"{W} AND event_type = 'walking'"), "number"),
    Question("counts", "How many people entered the entrance after 0:30?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND end_s >= 30"),
             "number"),
    Question("counts", "How many people crossed the path line between 1:00 and 1:20?",
             _people(_cross(f"{P} AND end_s >= 60 AND start_s <= 80")), "number"),
    Question("counts", "how many crossings in the second half of the sample?",
             _events(_cross(f"{P} AND start_s >= 79.5 / 2")), "number"),
    Question("counts",
             "how many people left the frame in the last 10 seconds of the walkway video?",
             _people(f"{W} AND event_type = 'exit' AND zone IS NULL AND end_s >= 40.1 - 10"),
             "number"),
    Question("counts", "How many people went in through the line in the first minute?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in' AND start_s <= 60")),
             "number"),
    Question("counts", "How many people crossed the path line before 1 min 10?",
             _people(_cross(f"{P} AND start_s <= 70")), "number"),
    Question("counts", "how many orientation events in the walkway clip?",
             _events(f"{W} AND event_type = 'orientation'"), "number"),
    Question("counts", "How many people faced the camera in the sample?",
             _people(f"{P} AND event_type = 'orientation' "
                     "AND attributes->>'orientation' = 'facing_camera'"), "number"),
    Question("counts", "how many people had their back to the camera on the walkway?",
             _people(f"{W} AND event_type = 'orientation' "
                     "AND attributes->>'orientation' = 'facing_away'"), "number"),
    Question("counts", "how many people stayed in the entrance for 10 seconds or more?",
             _people(f"{P} AND event_type = 'dwell' AND zone = 'entrance'"), "number"),
    Question("counts", "How many people loitered on the walkway camera?",
             _people(f"{W} AND event_type = 'loitering'"), "number", fast=True),
    Question("counts", "how many people did the plaza camera track in the first 20 s?",
             f"SELECT count(*) FROM tracks WHERE {P} AND first_s <= 20", "number"),
    Question("counts", "how many ppl crossed the pth line?",
             _people(_cross(P)), "number"),
    Question("counts", "How many ppl went through the entrnce?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance'"), "number"),
    Question("counts", "how many people stood still across both videos?",
             _people(f"{B} AND event_type = 'standing'"), "number"),
    Question("counts", "In the first two minutes how many people walked through the sample?",
             _people(f"{P} AND event_type = 'walking' AND start_s <= 120"), "number"),
    Question("counts", "how many people came in from the left in the sample?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in'")), "number"),
    # --- existence ------------------------------------------------------------------------------
    Question("existence", "Was there any loitering on the walkway cam?",
             _events(f"{W} AND event_type = 'loitering'"), "yes", fast=True),
    Question("existence", "Did anyone cross the path line in the last 5 seconds?",
             _events(_cross(f"{P} AND end_s >= 79.5 - 5")), "yes"),
    Question("existence", "any crowds in the walkway video?",
             _events(f"{W} AND event_type = 'crowding'"), "yes"),
    Question("existence", "Did person 23 ever cross the line?",
             _events(_cross(f"{P} AND track_id = 23")), "yes"),
    Question("existence", "did person 4 cross the path line?",
             _events(_cross(f"{P} AND track_id = 4")), "yes"),
    Question("existence", "did anyone hang around at the entrance?",
             _events(f"{P} AND event_type IN ('dwell', 'loitering') AND zone = 'entrance'"),
             "yes", fast=True),
    Question("existence", "did anyone linger near the entrance?",
             _events(f"{P} AND event_type IN ('dwell', 'loitering') AND zone = 'entrance'"),
             "yes"),
    Question("existence", "Was there a crowd at the entrance?",
             _events(f"{P} AND event_type = 'crowding' AND zone = 'entrance'"), "yes"),
    Question("existence", "were there any people in view at 1:15 in the sample?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'frame' AND second = 75", "yes"),
    Question("existence", "did anybody go through the line towards the side road after 1:00?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'in' AND end_s >= 60")), "yes"),
    Question("existence", "Did someone stand still in the walkway video?",
             _events(f"{W} AND event_type = 'standing'"), "yes"),
    Question("existence", "Did anyone leave through the entrance?",
             _events(f"{P} AND event_type = 'exit' AND zone = 'entrance'"), "yes"),
    Question("existence", "Has anyone waited at the entrance for a while?",
             _events(f"{P} AND event_type IN ('dwell', 'loitering') AND zone = 'entrance'"),
             "yes"),
    Question("existence", "Did anyone walk right to left across the path?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'out'")), "yes"),
    # --- nothing there --------------------------------------------------------------------------
    Question("none", "did anyone fall?", _events(f"{B} AND event_type = 'fall'"), "yes",
             fast=True),
    Question("none", "Did anybody loiter in the sample video?",
             _events(f"{P} AND event_type = 'loitering'"), "yes"),
    Question("none", "was anyone running?", _events(f"{B} AND event_type = 'running'"), "yes"),
    Question("none", "Was anybody sitting down?", _events(f"{B} AND event_type = 'sitting'"),
             "yes"),
    Question("none", "How many falls were there?", _events(f"{B} AND event_type = 'fall'"),
             "number", fast=True),
    Question("none", "How many people ran in the walkway video?",
             _people(f"{W} AND event_type = 'running'"), "number"),
    Question("none", "How many people loitered in the sample?",
             _people(f"{P} AND event_type = 'loitering'"), "number"),
    Question("none", "Did anyone cross the line in the walkway video?",
             _events(f"{W} AND event_type = 'line_crossing'"), "yes"),
    Question("none", "how many people were sitting?", _people(f"{B} AND event_type = 'sitting'"),
             "number"),
    Question("none", "Were there any falls in the first half?",
             _events(f"{B} AND event_type = 'fall'"), "yes"),
    Question("none", "anyone collapse near the entrance?",
             _events(f"{P} AND event_type = 'fall'"), "yes"),
    Question("none", "any stays at the entrance after 1:00?",
             _events(f"{P} AND event_type = 'dwell' AND zone = 'entrance' AND end_s >= 60"),
             "yes"),
    # --- what the footage cannot tell -----------------------------------------------------------
    Question("cannot", "What colour was the jacket of person 23?", CANNOT, "cannot", fast=True),
    Question("cannot", "Can you describe the face of the man who crossed first?", CANNOT,
             "cannot"),
    Question("cannot", "How old was the person who stayed longest at the entrance?", CANNOT,
             "cannot"),
    Question("cannot", "How many cars drove past?", CANNOT, "cannot", fast=True),
    Question("cannot", "did a bike go through the plaza?", CANNOT, "cannot"),
    Question("cannot", "Was anyone shouting?", CANNOT, "cannot"),
    Question("cannot", "What's the number plate of the van?", CANNOT, "cannot"),
    Question("cannot", "how many women walked by?", CANNOT, "cannot"),
    Question("cannot", "Were there any kids in the walkway video?", CANNOT, "cannot"),
    Question("cannot", "Was anybody carrying a bag?", CANNOT, "cannot"),
    Question("cannot", "what was person 9 wearing?", CANNOT, "cannot"),
    Question("cannot", "did you hear an alarm go off?", CANNOT, "cannot"),
    Question("cannot", "Who is person 25? what's their name?", CANNOT, "cannot"),
    Question("cannot", "was it raining?", CANNOT, "cannot"),
    # --- when -----------------------------------------------------------------------------------
    Question("when", "When did the first person cross the path line?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)}", "time", fast=True),
    Question("when", "who crossed the line first?",
             f"SELECT track_id FROM events WHERE {_cross(P)} ORDER BY start_s LIMIT 1", "person"),
    Question("when", "When was the last crossing?",
             f"SELECT max(start_s) FROM events WHERE {_cross(P)}", "time"),
    Question("when", "Who was the last to cross the line?",
             f"SELECT track_id FROM events WHERE {_cross(P)} ORDER BY start_s DESC LIMIT 1",
             "person"),
    Question("when", "when did someone first enter the entrance zone?",
             f"SELECT min(start_s) FROM events WHERE {P} AND event_type = 'enter' "
             "AND zone = 'entrance'", "time", fast=True),
    Question("when", "Who came in first on the walkway camera?",
             f"SELECT track_id FROM events WHERE {W} AND event_type = 'enter' AND zone IS NULL "
             "AND attributes->>'from_start' = 'false' ORDER BY start_s LIMIT 1", "person"),
    Question("when", "At what time did person 9 leave the entrance?",
             f"SELECT start_s FROM events WHERE {P} AND event_type = 'exit' "
             "AND zone = 'entrance' AND track_id = 9", "time"),
    Question("when", "When did person 25 show up?",
             f"SELECT start_s FROM events WHERE {P} AND event_type = 'enter' AND zone IS NULL "
             "AND track_id = 25", "time"),
    Question("when", "when did the crowd at the entrance happen?",
             f"SELECT min(start_s) FROM events WHERE {P} AND event_type = 'crowding' "
             "AND zone = 'entrance'", "time"),
    Question("when", "When was the second crowd in the sample?",
             f"SELECT start_s FROM events WHERE {P} AND event_type = 'crowding' "
             "ORDER BY start_s OFFSET 1 LIMIT 1", "time", fast=True),
    Question("when", "when did the third crowd in the sample start?",
             f"SELECT start_s FROM events WHERE {P} AND event_type = 'crowding' "
             "ORDER BY start_s OFFSET 2 LIMIT 1", "time"),
    Question("when", "What time did the last person leave the walkway view?",
             f"SELECT max(start_s) FROM events WHERE {W} AND event_type = 'exit' "
             "AND zone IS NULL", "time"),
    Question("when", "When did the first stay at the entrance begin?",
             f"SELECT min(start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "time"),
    Question("when", "When did person 27 cross?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)} AND track_id = 27", "time"),
    Question("when", "When did person 10 first appear on the walkway camera?",
             f"SELECT start_s FROM events WHERE {W} AND event_type = 'enter' AND zone IS NULL "
             "AND track_id = 10", "time"),
    Question("when", "at what time did person 90 cross the line?",
             f"SELECT start_s FROM events WHERE {_cross(P)} AND track_id = 90", "time"),
    Question("when", "who was the second person to cross the path line?",
             f"SELECT track_id FROM events WHERE {_cross(P)} ORDER BY start_s OFFSET 1 LIMIT 1",
             "person"),
    # --- dwell and durations --------------------------------------------------------------------
    Question("dwell", "What was the longest stay at the entrance?",
             f"SELECT max(end_s - start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "seconds", fast=True),
    Question("dwell", "Who stayed longest at the entrance?",
             f"SELECT track_id FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance' ORDER BY end_s - start_s DESC LIMIT 1", "person", fast=True),
    Question("dwell", "who lingered the longest in the entrance?",
             f"SELECT track_id FROM events WHERE {P} AND event_type IN ('dwell', 'loitering') "
             "AND zone = 'entrance' ORDER BY end_s - start_s DESC LIMIT 1", "person"),
    Question("dwell", "how long was person 4 in view in the sample video?",
             f"SELECT last_s - first_s FROM tracks WHERE {P} AND track_id = 4", "seconds",
             fast=True),
    Question("dwell", "How long did person 25 stay in the entrance?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'dwell' "
             "AND track_id = 25", "seconds"),
    Question("dwell", "what was the shortest stay at the entrance?",
             f"SELECT min(end_s - start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "seconds"),
    Question("dwell", "How long did the crowd at the entrance last?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'crowding' "
             "AND zone = 'entrance'", "seconds"),
    Question("dwell", "Who was on screen the longest in the sample?",
             f"SELECT track_id FROM tracks WHERE {P} ORDER BY last_s - first_s DESC LIMIT 1",
             "person"),
    Question("dwell", "How long was person 10 visible on the walkway camera?",
             f"SELECT last_s - first_s FROM tracks WHERE {W} AND track_id = 10", "seconds"),
    Question("dwell", "how long did people stay in the entrance on average?",
             f"SELECT avg(end_s - start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "seconds"),
    Question("dwell", "How long was the longest loitering on the walkway?",
             f"SELECT max(end_s - start_s) FROM events WHERE {W} AND event_type = 'loitering'",
             "seconds"),
    Question("dwell", "who loitered longest on the walkway cam?",
             f"SELECT track_id FROM events WHERE {W} AND event_type = 'loitering' "
             "ORDER BY end_s - start_s DESC LIMIT 1", "person"),
    Question("dwell", "how long did person 9 hang around in the entrance?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'dwell' "
             "AND track_id = 9", "seconds"),
    Question("dwell", "what's the longest anyone spent in the entrance zone?",
             f"SELECT max(end_s - start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "seconds"),
    Question("dwell", "how long was person 9 in the sample?",
             f"SELECT last_s - first_s FROM tracks WHERE {P} AND track_id = 9", "seconds"),
    # --- crowding and occupancy -----------------------------------------------------------------
    Question("crowding", "How big was the largest group?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {B} "
             "AND event_type = 'crowding'", "number", fast=True),
    Question("crowding", "how many people were in the biggest crowd in the sample?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {P} "
             "AND event_type = 'crowding'", "number"),
    Question("crowding", "How big was the crowd at the entrance?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {P} "
             "AND event_type = 'crowding' AND zone = 'entrance'", "number"),
    Question("crowding", "How many crowds were there in the sample?",
             _events(f"{P} AND event_type = 'crowding'"), "number"),
    Question("crowding", "How many crowds formed on the walkway camera?",
             _events(f"{W} AND event_type = 'crowding'"), "number"),
    Question("crowding", "When was it busiest in the sample?",
             f"SELECT second FROM occupancy WHERE {P} AND zone = 'frame' "
             "ORDER BY people DESC, second LIMIT 1", "time", fast=True),
    Question("crowding", "What was the most people in view at once on the walkway?",
             f"SELECT max(people) FROM occupancy WHERE {W} AND zone = 'frame'", "number"),
    Question("crowding", "How many people were in view at 0:45 in the sample?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'frame' AND second = 45",
             "number", fast=True),
    Question("crowding", "how many people were in the entrance at 0:12?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'entrance' AND second = 12",
             "number"),
    Question("crowding", "how crowded was the entrance at its busiest?",
             f"SELECT max(people) FROM occupancy WHERE {P} AND zone = 'entrance'", "number"),
    Question("crowding", "how many people were on screen at 1 min 10 in the sample?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'frame' AND second = 70",
             "number"),
    Question("crowding", "when was the entrance busiest?",
             f"SELECT second FROM occupancy WHERE {P} AND zone = 'entrance' "
             "ORDER BY people DESC, second LIMIT 1", "time"),
    Question("crowding", "When did the biggest crowd in the walkway video start?",
             f"SELECT start_s FROM events WHERE {W} AND event_type = 'crowding' "
             "ORDER BY CAST(attributes->>'count' AS int) DESC, start_s LIMIT 1", "time"),
    Question("crowding", "peak number of people on the walkway cam?",
             f"SELECT max(people) FROM occupancy WHERE {W} AND zone = 'frame'", "number"),
    Question("crowding", "how many people gathered at the entrance at once?",
             f"SELECT max(people) FROM occupancy WHERE {P} AND zone = 'entrance'", "number"),
    # --- direction ------------------------------------------------------------------------------
    Question("direction", "Which way did most people cross the path line?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} "
             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "direction", fast=True),
    Question("direction", "were more people going left to right or right to left?",
             "SELECT d FROM (SELECT attributes->>'direction' AS d, count(DISTINCT track_id) AS n "
             f"FROM events WHERE {_cross(P)} GROUP BY 1) x ORDER BY n DESC LIMIT 1",
             "direction"),
    Question("direction", "Did more people head towards the side road or away from it?",
             "SELECT d FROM (SELECT attributes->>'direction' AS d, count(DISTINCT track_id) AS n "
             f"FROM events WHERE {_cross(P)} GROUP BY 1) x ORDER BY n DESC LIMIT 1",
             "direction"),
    Question("direction", "How many people walked away from the side road?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'out'")), "number", fast=True),
    Question("direction", "which direction did people face on the walkway?",
             f"SELECT replace(replace(attributes->>'orientation', 'facing_', ''), '_', ' ') "
             f"FROM events WHERE {W} AND event_type = 'orientation' "
             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "mentions"),
    Question("direction",
             "How many people crossed the line towards the side road in the first half?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in' AND start_s < 79.5 / 2")),
             "number"),
    Question("direction", "how many crossings were outbound?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'out'")), "number"),
    Question("direction", "Which way were most people facing in the sample?",
             f"SELECT replace(replace(attributes->>'orientation', 'facing_', ''), '_', ' ') "
             f"FROM events WHERE {P} AND event_type = 'orientation' "
             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "mentions"),
    Question("direction", "how many people went in the direction of the side road?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in'")), "number"),
    Question("direction", "how many went out through the path line in the last 30 seconds?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'out' AND end_s >= 79.5 - 30")),
             "number"),
    Question("direction", "did more people cross in or out?",
             "SELECT d FROM (SELECT attributes->>'direction' AS d, count(DISTINCT track_id) AS n "
             f"FROM events WHERE {_cross(P)} GROUP BY 1) x ORDER BY n DESC LIMIT 1",
             "direction"),
    Question("direction", "how many people crossed from right to left after 0:30?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'out' AND end_s >= 30")),
             "number"),
    # --- one person -----------------------------------------------------------------------------
    Question("per_person", "What did person 23 do in the sample?",
             "SELECT 'line crossing'", "mentions", fast=True),
    Question("per_person", "tell me about person 9 in the sample",
             f"SELECT 'Person 9' FROM tracks WHERE {P} AND track_id = 9", "mentions"),
    Question("per_person", "how many times did person 52 cross the path line?",
             _events(_cross(f"{P} AND track_id = 52")), "number"),
    Question("per_person", "Did person 25 stay at the entrance?",
             _events(f"{P} AND event_type = 'dwell' AND zone = 'entrance' AND track_id = 25"),
             "yes"),
    Question("per_person", "Did person 3 go into the entrance?",
             _events(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND track_id = 3"),
             "yes"),
    Question("per_person", "where did person 37 go in the sample?",
             f"SELECT DISTINCT zone FROM events WHERE {P} AND track_id = 37 AND zone IS NOT NULL",
             "mentions"),
    Question("per_person", "When did person 27 first cross the line?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)} AND track_id = 27", "time"),
    Question("per_person", "which person crossed the path line the most?",
             f"SELECT track_id FROM events WHERE {_cross(P)} GROUP BY track_id "
             "ORDER BY count(*) DESC LIMIT 1", "person", fast=True),
    Question("per_person", "how often was person 23 seen facing the camera?",
             _events(f"{P} AND event_type = 'orientation' AND track_id = 23 "
                     "AND attributes->>'orientation' = 'facing_camera'"), "number"),
    Question("per_person", "What did person 10 do on the walkway camera?",
             "SELECT 'loitering'", "mentions"),
    Question("per_person", "was person 12 on the walkway cam for more than 20 seconds?",
             f"SELECT count(*) FROM tracks WHERE {W} AND track_id = 12 AND last_s - first_s > 20",
             "yes"),
    Question("per_person", "how long did person 31 loiter on the walkway?",
             f"SELECT end_s - start_s FROM events WHERE {W} AND event_type = 'loitering' "
             "AND track_id = 31", "seconds"),
    # --- comparisons ----------------------------------------------------------------------------
    Question("comparison", "Did the plaza or the walkway have more people?",
             "SELECT CASE WHEN (SELECT count(*) FROM tracks WHERE video_id = %(plaza)s) > "
             "(SELECT count(*) FROM tracks WHERE video_id = %(walkway)s) THEN 'plaza' "
             "ELSE 'walkway' END", "winner", other="walkway|plaza", fast=True),
    Question("comparison", "were there more crowds in the first half of the sample?",
             f"SELECT (SELECT count(*) FROM events WHERE {P} AND event_type = 'crowding' AND "
             "start_s < 79.5 / 2) - (SELECT count(*) FROM events WHERE "
             f"{P} AND event_type = 'crowding' AND start_s >= 79.5 / 2)", "yes", fast=True),
    Question("comparison", "were there more line crossings in the second half?",
             f"SELECT greatest(0, (SELECT count(*) FROM events WHERE {_cross(P)} AND "
             "start_s >= 79.5 / 2) - (SELECT count(*) FROM events WHERE "
             f"{_cross(P)} AND start_s < 79.5 / 2))", "yes"),
    Question("comparison", "Were there more people walking or standing in the sample?",
             "SELECT CASE WHEN "
             f"({_people(f'{P} AND event_type = ' + chr(39) + 'walking' + chr(39))}) > "
             f"({_people(f'{P} AND event_type = ' + chr(39) + 'standing' + chr(39))}) "
             "THEN 'walking' ELSE 'standing' END", "winner", other="standing|walking"),
    Question("comparison", "Which video had more line crossings?",
             "SELECT 'sample_plaza'", "winner", other="walkway"),
    Question("comparison", "which camera saw more crowds?",
             f"SELECT CASE WHEN ({_events(P + CROWDS)}) > ({_events(W + CROWDS)}) "
             "THEN 'plaza' ELSE 'walkway' END", "winner", other="walkway|plaza"),
    Question("comparison", "Was the sample busier than the walkway video?",
             "SELECT (SELECT count(*) FROM tracks WHERE video_id = %(plaza)s) - "
             "(SELECT count(*) FROM tracks WHERE video_id = %(walkway)s)", "yes"),
    Question("comparison", "Were more people facing the camera or facing away in the sample?",
             "SELECT CASE WHEN "
             f"({_people(P + FACING_CAMERA)}) > ({_people(P + FACING_AWAY)}) "
             "THEN 'camera' ELSE 'away' END", "winner", other="away|camera"),
    Question("comparison", "more people in the first half or the second half of the walkway video?",
             f"SELECT CASE WHEN (SELECT count(*) FROM tracks WHERE {W} AND first_s < 40.1 / 2) > "
             f"(SELECT count(*) FROM tracks WHERE {W} AND first_s >= 40.1 / 2) "
             "THEN 'first half' ELSE 'second half' END", "winner",
             other="second half|first half"),
    Question("comparison", "were there more entries into the entrance in the first half?",
             f"SELECT (SELECT count(*) FROM events WHERE {P} AND event_type = 'enter' AND "
             "zone = 'entrance' AND start_s < 79.5 / 2) - (SELECT count(*) FROM events WHERE "
             f"{P} AND event_type = 'enter' AND zone = 'entrance' AND start_s >= 79.5 / 2)",
             "yes"),
    Question("comparison", "which camera had more people loitering?",
             "SELECT 'walkway'", "winner", other="plaza"),
    # --- across videos --------------------------------------------------------------------------
    Question("cross_video", "Which video had the most people?",
             "SELECT CASE WHEN (SELECT count(*) FROM tracks WHERE video_id = %(plaza)s) > "
             "(SELECT count(*) FROM tracks WHERE video_id = %(walkway)s) THEN 'sample_plaza' "
             "ELSE 'walkway_cam2' END", "winner", other="walkway_cam2|sample_plaza", fast=True),
    Question("cross_video", "In which video did someone loiter?",
             f"SELECT DISTINCT split_part(video_id, '/', 2) FROM events WHERE {B} "
             "AND event_type = 'loitering'", "mentions"),
    Question("cross_video", "How many people crossed the line across both videos?",
             _people(f"{B} AND event_type = 'line_crossing'"), "number"),
    Question("cross_video", "how many crowds in total across all cameras?",
             _events(f"{B} AND event_type = 'crowding'"), "number", fast=True),
    Question("cross_video", "Did any video have a fall?", _events(f"{B} AND event_type = 'fall'"),
             "yes"),
    Question("cross_video", "Which camera had more people entering the view?",
             "SELECT CASE WHEN "
             f"({_people(P + INTO_VIEW)}) > ({_people(W + INTO_VIEW)}) "
             "THEN 'plaza' ELSE 'walkway' END", "winner", other="walkway|plaza"),
    Question("cross_video", "total number of people in both clips",
             f"SELECT count(*) FROM tracks WHERE {B}", "number"),
    Question("cross_video", "how many people loitered across the two cameras?",
             _people(f"{B} AND event_type = 'loitering'"), "number"),
    # --- summaries ------------------------------------------------------------------------------
    Question("summary", "give me a rundown of the sample",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions", fast=True),
    Question("summary", "Summarize the walkway video",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(walkway)s", "mentions"),
    Question("summary", "what happened on the walkway camera?",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(walkway)s", "mentions"),
    Question("summary", "Brief me on what the plaza camera saw",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    Question("summary", "tl;dr of the footage please",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    Question("summary", "what is the sample video about?",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    # --- a second batch, written afterwards in other words (not tuned one by one) --------------
    Question("counts", "roughly how many pedestrians passed through the plaza scene?",
             f"SELECT count(*) FROM tracks WHERE {P}", "number"),
    Question("counts", "what's the headcount for the walkway footage",
             f"SELECT count(*) FROM tracks WHERE {W}", "number"),
    Question("counts", "tally of path line crossings heading right?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'in'")), "number"),
    Question("counts", "How many individuals used the side road entrance?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance'"), "number"),
    Question("counts", "number of people seen walking on the plaza cam between 0:20 and 0:40",
             _people(f"{P} AND event_type = 'walking' AND end_s >= 20 AND start_s <= 40"),
             "number"),
    Question("counts", "how many ppl left the entrance area?",
             _people(f"{P} AND event_type = 'exit' AND zone = 'entrance'"), "number"),
    Question("counts", "how many people were just standing on the walkway?",
             _people(f"{W} AND event_type = 'standing'"), "number"),
    Question("counts", "How many people arrived in the last 20 seconds of the sample?",
             _people(f"{P} AND event_type = 'enter' AND zone IS NULL AND end_s >= 79.5 - 20"),
             "number"),
    Question("counts", "give me the number of line crossings after 50 s",
             _events(_cross(f"{P} AND end_s >= 50")), "number"),
    Question("counts", "how many unique people crossed the line twice or more?",
             "SELECT count(*) FROM (SELECT track_id FROM events WHERE "
             f"{_cross(P)} GROUP BY track_id HAVING count(*) >= 2) x", "number"),
    Question("none", "did anybody trip or fall over on the walkway?",
             _events(f"{W} AND event_type = 'fall'"), "yes"),
    Question("none", "any running at the entrance?",
             _events(f"{P} AND event_type = 'running' AND zone = 'entrance'"), "yes"),
    Question("none", "was anyone sat down on the plaza cam?",
             _events(f"{P} AND event_type = 'sitting'"), "yes"),
    Question("none", "how many people fell over in total?",
             _people(f"{B} AND event_type = 'fall'"), "number"),
    Question("none", "Were there crowds at the entrance after the one minute mark?",
             _events(f"{P} AND event_type = 'crowding' AND zone = 'entrance' AND end_s >= 60"),
             "yes"),
    Question("none", "any loiterers hanging about by the entrance for over 30 seconds?",
             _events(f"{P} AND event_type = 'loitering' AND zone = 'entrance'"), "yes"),
    Question("per_person", "what was person 46 up to?",
             "SELECT 'Person 46'", "mentions"),
    Question("per_person", "did track 52 go both ways over the line?",
             f"SELECT count(DISTINCT attributes->>'direction') - 1 FROM events WHERE {_cross(P)} "
             "AND track_id = 52", "yes"),
    Question("per_person", "how long was #25 hanging about in the entrance?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'dwell' "
             "AND track_id = 25", "seconds"),
    Question("per_person", "person 81 - which way did they cross?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} AND track_id = 81",
             "direction"),
    Question("existence", "Anyone enter the entrance zone during the first 10 seconds?",
             _events(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND start_s <= 10"),
             "yes"),
    Question("existence", "was there ever a group of people on the walkway?",
             _events(f"{W} AND event_type = 'crowding'"), "yes"),
    Question("existence", "did anyone come through the path line from the right?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'out'")), "yes"),
    Question("when", "what time did the first crowd form on the walkway?",
             f"SELECT min(start_s) FROM events WHERE {W} AND event_type = 'crowding'", "time"),
    Question("when", "when did the last person come into the entrance?",
             f"SELECT max(start_s) FROM events WHERE {P} AND event_type = 'enter' "
             "AND zone = 'entrance'", "time"),
    Question("when", "who was the first to leave the walkway view?",
             f"SELECT track_id FROM events WHERE {W} AND event_type = 'exit' AND zone IS NULL "
             "ORDER BY start_s, track_id LIMIT 1", "person"),
    Question("when", "at what point did someone first go out through the path line?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)} "
             "AND attributes->>'direction' = 'out'", "time"),
    Question("crowding", "what's the biggest group size we saw on the plaza?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {P} "
             "AND event_type = 'crowding'", "number"),
    Question("crowding", "how full did the scene get on the walkway at its peak?",
             f"SELECT max(people) FROM occupancy WHERE {W} AND zone = 'frame'", "number"),
    Question("crowding", "how many were in view around 0:30 on the plaza camera?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'frame' AND second = 30",
             "number"),
    Question("direction", "what direction did most folks cross the line in?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} "
             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "direction"),
    Question("direction", "how many people crossed eastbound?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in'")), "number"),
    Question("direction", "count the crossings from right to left in the first half",
             _events(_cross(f"{P} AND attributes->>'direction' = 'out' AND start_s < 79.5 / 2")),
             "number"),
    Question("dwell", "longest time anybody hung around on the walkway?",
             f"SELECT max(end_s - start_s) FROM events WHERE {W} AND event_type = 'loitering'",
             "seconds"),
    Question("dwell", "how long did the big crowd at the start of the plaza video last?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'crowding' "
             "ORDER BY start_s LIMIT 1", "seconds"),
    Question("dwell", "who spent the most time in view on the walkway?",
             f"SELECT track_id FROM tracks WHERE {W} ORDER BY last_s - first_s DESC LIMIT 1",
             "person"),
    Question("comparison", "was the entrance busier in the first half or the second half?",
             f"SELECT CASE WHEN (SELECT count(*) FROM events WHERE {P} AND event_type = 'enter' "
             "AND zone = 'entrance' AND start_s < 79.5 / 2) > (SELECT count(*) FROM events WHERE "
             f"{P} AND event_type = 'enter' AND zone = 'entrance' AND start_s >= 79.5 / 2) "
             "THEN 'first half' ELSE 'second half' END", "winner",
             other="second half|first half"),
    Question("comparison", "more people standing on the plaza or on the walkway?",
             "SELECT CASE WHEN "
             f"({_people(P + ' AND event_type = ' + chr(39) + 'standing' + chr(39))}) > "
             f"({_people(W + ' AND event_type = ' + chr(39) + 'standing' + chr(39))}) "
             "THEN 'plaza' ELSE 'walkway' END", "winner", other="walkway|plaza"),
    Question("comparison", "did more people enter or leave the entrance zone?",
             "SELECT 'same'", "mentions"),
    Question("cross_video", "across both cameras, how many people faced away from the camera?",
             _people(f"{B} AND event_type = 'orientation' "
                     "AND attributes->>'orientation' = 'facing_away'"), "number"),
    Question("cross_video", "which of the two videos had more people loitering?",
             "SELECT 'walkway_cam2'", "winner", other="sample_plaza"),
    Question("cross_video", "how many people appeared on camera overall?",
             f"SELECT count(*) FROM tracks WHERE {B}", "number"),
    Question("summary", "quick overview of the walkway cam please",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(walkway)s", "mentions"),
    Question("summary", "anything interesting happen on the plaza camera?",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    Question("cannot", "was the guy who crossed first tall or short?", CANNOT, "cannot"),
    Question("cannot", "what brand was the van parked by the entrance?", CANNOT, "cannot"),
    Question("cannot", "could you identify who loitered on the walkway?", CANNOT, "cannot"),
    Question("cannot", "were people talking near the entrance?", CANNOT, "cannot"),
    # --- a third batch, written blind after the second was answered --------------------------
    Question("counts", "What's the total count of people through the path line, both ways?",
             _people(_cross(P)), "number"),
    Question("counts", "how many went thru the entrance area in the 2nd half of the sample",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance' "
                     "AND start_s >= 79.5 / 2"), "number"),
    Question("counts", "How many ppl were on the walkway cam in the first 15 secs?",
             f"SELECT count(*) FROM tracks WHERE {W} AND first_s <= 15", "number"),
    Question("counts", "how many people stood still for a bit on the plaza?",
             _people(f"{P} AND event_type = 'standing'"), "number"),
    Question("counts", "Number of entrance zone exits?",
             _events(f"{P} AND event_type = 'exit' AND zone = 'entrance'"), "number"),
    Question("counts", "How many times did people cross heading left?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'out'")), "number"),
    Question("counts", "how many people on the plaza camera were walking around 0:50?",
             _people(f"{P} AND event_type = 'walking' AND end_s >= 35 AND start_s <= 65"),
             "number"),
    Question("existence", "Any sign of someone running through?",
             _events(f"{B} AND event_type = 'running'"), "yes"),
    Question("existence", "has anyone been standing at the entrance?",
             _events(f"{P} AND event_type = 'standing' AND zone = 'entrance'"), "yes"),
    Question("existence", "Was person 12 on the plaza camera at all?",
             f"SELECT count(*) FROM tracks WHERE {P} AND track_id = 12", "yes"),
    Question("existence", "did a crowd form after the 1 minute mark in the sample?",
             _events(f"{P} AND event_type = 'crowding' AND end_s >= 60"), "yes"),
    Question("none", "any falls or collapses at all today?",
             _events(f"{B} AND event_type = 'fall'"), "yes"),
    Question("none", "Did anyone sit on the ground on the walkway?",
             _events(f"{W} AND event_type = 'sitting'"), "yes"),
    Question("none", "how many people were loitering at the entrance?",
             _people(f"{P} AND event_type = 'loitering' AND zone = 'entrance'"), "number"),
    Question("when", "when did the crowd on the walkway break up?",
             f"SELECT max(end_s) FROM events WHERE {W} AND event_type = 'crowding'", "time"),
    Question("when", "what time did person 46 cross the path?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)} AND track_id = 46", "time"),
    Question("when", "Who was the last person to enter the entrance zone?",
             f"SELECT track_id FROM events WHERE {P} AND event_type = 'enter' "
             "AND zone = 'entrance' ORDER BY start_s DESC LIMIT 1", "person"),
    Question("when", "when did the first person leave the plaza scene?",
             f"SELECT min(start_s) FROM events WHERE {P} AND event_type = 'exit' "
             "AND zone IS NULL", "time"),
    Question("dwell", "How long did person 37 hang about at the entrance?",
             f"SELECT end_s - start_s FROM events WHERE {P} AND event_type = 'dwell' "
             "AND track_id = 37", "seconds"),
    Question("dwell", "what was the average stay on the walkway cam?",
             f"SELECT avg(end_s - start_s) FROM events WHERE {W} AND event_type = 'loitering'",
             "seconds"),
    Question("dwell", "how long did person 12 linger on the walkway?",
             f"SELECT end_s - start_s FROM events WHERE {W} AND event_type = 'loitering' "
             "AND track_id = 12", "seconds"),
    Question("crowding", "whats the max crowd size on the walkway",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {W} "
             "AND event_type = 'crowding'", "number"),
    Question("crowding", "how many people were in the plaza at the very start?",
             f"SELECT max(people) FROM occupancy WHERE {P} AND zone = 'frame' AND second <= 10",
             "number"),
    Question("crowding", "at the busiest moment on the walkway, how many were in view?",
             f"SELECT max(people) FROM occupancy WHERE {W} AND zone = 'frame'", "number"),
    Question("direction", "Which way did person 9 go over the line first?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} AND track_id = 9 "
             "ORDER BY start_s LIMIT 1", "direction"),
    Question("direction", "how many people walked towards the side road after 0:30?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in' AND end_s >= 30")),
             "number"),
    Question("direction", "net flow across the line: more in or out?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} "
             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "direction"),
    Question("per_person", "give me everything person 25 did",
             "SELECT 'Person 25'", "mentions"),
    Question("per_person", "did person 90 ever stand still?",
             _events(f"{P} AND event_type = 'standing' AND track_id = 90"), "yes"),
    Question("per_person", "what time did track 10 leave the walkway view?",
             f"SELECT start_s FROM events WHERE {W} AND event_type = 'exit' AND zone IS NULL "
             "AND track_id = 10", "time"),
    Question("comparison", "Was the first half of the walkway video busier than the second?",
             f"SELECT (SELECT count(*) FROM tracks WHERE {W} AND first_s < 40.1 / 2) - "
             f"(SELECT count(*) FROM tracks WHERE {W} AND first_s >= 40.1 / 2)", "yes"),
    Question("comparison", "more crossings to the left or to the right?",
             f"SELECT CASE WHEN ({_events(_cross(P + OUT))}) > ({_events(_cross(P + IN))}) "
             "THEN 'out' ELSE 'in' END", "direction"),
    Question("cross_video", "Which camera saw the most standing?",
             "SELECT CASE WHEN "
             f"({_events(P + STANDING)}) > ({_events(W + STANDING)}) "
             "THEN 'plaza' ELSE 'walkway' END", "winner", other="walkway|plaza"),
    Question("cross_video", "how many crowds did we get on both cameras together?",
             _events(f"{B} AND event_type = 'crowding'"), "number"),
    Question("summary", "Sum up the sample clip for me",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    Question("cannot", "what was the license number of the car by the entrance?", CANNOT,
             "cannot"),
    Question("cannot", "can you tell me if the person who fell was elderly?", CANNOT, "cannot"),
    Question("cannot", "what was the guy on the walkway holding?", CANNOT, "cannot"),
    # --- a fourth batch, written blind -----------------------------------------------------
    Question("counts", "Can you tell me how many individuals were detected on the walkway?",
             f"SELECT count(*) FROM tracks WHERE {W}", "number"),
    Question("counts", "how many ppl crossed over the path line in total",
             _people(_cross(P)), "number"),
    Question("counts", "In the sample, how many entrance zone entries happened before 0:20?",
             _events(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND start_s <= 20"),
             "number"),
    Question("counts", "number of people walking in the walkway clip during the first half",
             _people(f"{W} AND event_type = 'walking' AND start_s < 40.1 / 2"), "number"),
    Question("counts", "how many folks were spotted facing left on the walkway?",
             _people(f"{W} AND event_type = 'orientation' "
                     "AND attributes->>'orientation' = 'facing_left'"), "number"),
    Question("counts", "How many times was the entrance zone exited?",
             _events(f"{P} AND event_type = 'exit' AND zone = 'entrance'"), "number"),
    Question("none", "was there a fall at the entrance?",
             _events(f"{P} AND event_type = 'fall' AND zone = 'entrance'"), "yes"),
    Question("none", "how many people were running in the sample?",
             _people(f"{P} AND event_type = 'running'"), "number"),
    Question("none", "did anybody sit down at the entrance?",
             _events(f"{P} AND event_type = 'sitting' AND zone = 'entrance'"), "yes"),
    Question("none", "were there any crossings on the walkway camera?",
             _events(f"{W} AND event_type = 'line_crossing'"), "yes"),
    Question("per_person", "did person 23 stand still at any point?",
             _events(f"{P} AND event_type = 'standing' AND track_id = 23"), "yes"),
    Question("per_person", "how many times did person 27 cross the path line?",
             _events(_cross(f"{P} AND track_id = 27")), "number"),
    Question("per_person", "when did person 52 first show up?",
             f"SELECT start_s FROM events WHERE {P} AND event_type = 'enter' AND zone IS NULL "
             "AND track_id = 52", "time"),
    Question("per_person", "How long was person 31 on the walkway cam?",
             f"SELECT last_s - first_s FROM tracks WHERE {W} AND track_id = 31", "seconds"),
    Question("existence", "was anybody in the entrance zone in the last 15 seconds?",
             _events(f"{P} AND zone = 'entrance' AND end_s >= 79.5 - 15"), "yes"),
    Question("existence", "did anyone go through the path line going right after 1:10?",
             _events(_cross(f"{P} AND attributes->>'direction' = 'in' AND end_s >= 70")), "yes"),
    Question("when", "When did the last crowd in the sample start?",
             f"SELECT max(start_s) FROM events WHERE {P} AND event_type = 'crowding'", "time"),
    Question("when", "who was the first person to walk into the entrance?",
             f"SELECT track_id FROM events WHERE {P} AND event_type = 'enter' "
             "AND zone = 'entrance' ORDER BY start_s LIMIT 1", "person"),
    Question("crowding", "how many people were in the biggest group on the walkway cam?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {W} "
             "AND event_type = 'crowding'", "number"),
    Question("direction", "how many people went left across the path line?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'out'")), "number"),
    Question("dwell", "who hung around the longest on the walkway?",
             f"SELECT track_id FROM events WHERE {W} AND event_type IN ('dwell', 'loitering') "
             "ORDER BY end_s - start_s DESC LIMIT 1", "person"),
    Question("comparison", "were more people standing than walking on the walkway?",
             "SELECT (" + _people(W + STANDING) + ") - ("
             + _people(W + " AND event_type = 'walking'") + ")", "yes"),
    Question("cross_video", "Did both cameras record a crowd?",
             f"SELECT least((SELECT count(*) FROM events WHERE {P}{CROWDS}), "
             f"(SELECT count(*) FROM events WHERE {W}{CROWDS}))", "yes"),
    Question("summary", "can I get a quick summary of the walkway footage",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(walkway)s", "mentions"),
    # --- a fifth batch, written blind and run before any change --------------------------
    Question("counts", "total people seen across the whole sample video?",
             f"SELECT count(*) FROM tracks WHERE {P}", "number"),
    Question("counts", "How many individuals went into the entrance zone during the first 30s?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND start_s <= 30"),
             "number"),
    Question("counts", "how many crossings of the path happened in the last minute of the sample?",
             _events(_cross(f"{P} AND end_s >= 79.5 - 60")), "number"),
    Question("counts", "give me a headcount of people facing the camera on the walkway",
             _people(f"{W} AND event_type = 'orientation' "
                     "AND attributes->>'orientation' = 'facing_camera'"), "number"),
    Question("counts", "how many stays were there at the entrance?",
             _events(f"{P} AND event_type = 'dwell' AND zone = 'entrance'"), "number"),
    Question("counts", "how many times did someone leave the entrance after 40 seconds?",
             _events(f"{P} AND event_type = 'exit' AND zone = 'entrance' AND end_s >= 40"),
             "number"),
    Question("none", "has anyone fallen over on the plaza?",
             _events(f"{P} AND event_type = 'fall'"), "yes"),
    Question("none", "Were people running at the entrance at any time?",
             _events(f"{P} AND event_type = 'running' AND zone = 'entrance'"), "yes"),
    Question("none", "number of falls on the walkway camera",
             _events(f"{W} AND event_type = 'fall'"), "number"),
    Question("existence", "Did anyone stay in the entrance zone longer than 15 seconds?",
             _events(f"{P} AND event_type IN ('dwell', 'loitering') AND zone = 'entrance' "
                     "AND end_s - start_s > 15"), "yes"),
    Question("existence", "was anyone standing around on the walkway in the last 10 seconds?",
             _events(f"{W} AND event_type = 'standing' AND end_s >= 40.1 - 10"), "yes"),
    Question("when", "When did the first group form on the plaza?",
             f"SELECT min(start_s) FROM events WHERE {P} AND event_type = 'crowding'", "time"),
    Question("when", "what time did the last person come into view on the walkway?",
             f"SELECT max(start_s) FROM events WHERE {W} AND event_type = 'enter' "
             "AND zone IS NULL", "time"),
    Question("when", "who was the first to cross going towards the side road?",
             f"SELECT track_id FROM events WHERE {_cross(P)} AND attributes->>'direction' = 'in' "
             "ORDER BY start_s LIMIT 1", "person"),
    Question("per_person", "what did track 10 do on the walkway cam?", "SELECT 'Person 10'",
             "mentions"),
    Question("per_person", "how long was person 46 visible in the sample?",
             f"SELECT last_s - first_s FROM tracks WHERE {P} AND track_id = 46", "seconds"),
    Question("per_person", "did person 9 go into the entrance zone?",
             _events(f"{P} AND event_type = 'enter' AND zone = 'entrance' AND track_id = 9"),
             "yes"),
    Question("dwell", "average time people spent in the entrance?",
             f"SELECT avg(end_s - start_s) FROM events WHERE {P} AND event_type = 'dwell' "
             "AND zone = 'entrance'", "seconds"),
    Question("dwell", "what was the shortest loitering on the walkway?",
             f"SELECT min(end_s - start_s) FROM events WHERE {W} AND event_type = 'loitering'",
             "seconds"),
    Question("crowding", "how large was the crowd at 0:20 on the walkway?",
             f"SELECT max(CAST(attributes->>'count' AS int)) FROM events WHERE {W} "
             "AND event_type = 'crowding' AND start_s <= 22 AND end_s >= 18", "number"),
    Question("crowding", "peak occupancy of the entrance zone?",
             f"SELECT max(people) FROM occupancy WHERE {P} AND zone = 'entrance'", "number"),
    Question("direction", "Which direction did person 23 cross last?",
             f"SELECT attributes->>'direction' FROM events WHERE {_cross(P)} AND track_id = 23 "
             "ORDER BY start_s DESC LIMIT 1", "direction"),
    Question("direction", "how many crossed towards the side road in the second half?",
             _people(_cross(f"{P} AND attributes->>'direction' = 'in' AND start_s >= 79.5 / 2")),
             "number"),
    Question("comparison", "did more people enter the entrance in the first or second half?",
             f"SELECT CASE WHEN ({_people(P + ENTRANCE_IN + ' AND start_s < 79.5 / 2')}) >= "
             f"({_people(P + ENTRANCE_IN + ' AND start_s >= 79.5 / 2')}) "
             "THEN 'first half' ELSE 'second half' END", "winner",
             other="second half|first half"),
    Question("cross_video", "which clip had the most people facing away?",
             f"SELECT CASE WHEN ({_people(P + FACING_AWAY)}) > ({_people(W + FACING_AWAY)}) "
             "THEN 'sample_plaza' ELSE 'walkway_cam2' END", "winner",
             other="walkway_cam2|sample_plaza"),
    Question("summary", "what's the story on the plaza cam?",
             "SELECT substr(summary, length(video_id) + 3, 40) FROM videos "
             "WHERE video_id = %(plaza)s", "mentions"),
    Question("cannot", "what make of bicycle went past?", CANNOT, "cannot"),
    Question("cannot", "which person had a dog with them?", CANNOT, "cannot"),
    # --- clock time (the sample was recorded at 14:00 in Paris on 1 December 2026) ----------
    Question("clock", "How many people crossed the path line between 14:00:10 and 14:00:40 on "
             "1 December 2026?",
             _people(_cross(f"{P} AND {ENDED} >= '2026-12-01 14:00:10+01' "
                            f"AND {STARTED} <= '2026-12-01 14:00:40+01'")), "number", fast=True),
    Question("clock", "did anyone cross the line yesterday afternoon?",
             _events(_cross(f"{B} AND {ENDED} >= '2026-12-01 12:00+01' "
                            f"AND {STARTED} < '2026-12-01 18:00+01'")), "yes", fast=True),
    Question("clock", "how many crowds were there on the plaza camera on Tuesday?",
             _events(f"{P} AND event_type = 'crowding' AND {ENDED} >= '2026-12-01 00:00+01' "
                     f"AND {STARTED} < '2026-12-02 00:00+01'"), "number"),
    Question("clock", "when was the first crossing after 2 pm on 1 December?",
             f"SELECT min(start_s) FROM events WHERE {_cross(P)}", "time"),
    Question("clock", "how many people were in view at 14:00:45 on 1 December 2026?",
             f"SELECT people FROM occupancy WHERE {P} AND zone = 'frame' AND second = 45",
             "number"),
    Question("clock", "any falls on the plaza camera on 1 December?",
             _events(f"{P} AND event_type = 'fall'"), "yes"),
    Question("clock", "how many people entered the entrance zone between 2 and 3 pm yesterday?",
             _people(f"{P} AND event_type = 'enter' AND zone = 'entrance'"), "number"),
)  # fmt: skip


_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b")


def first_sentence(answer: str) -> str:
    """The answer up to the end of its first sentence ("mp4." and "1.4" do not end one)."""
    match = re.search(r"[.!?](?=\s+[A-Z(]|\s*$)", answer)
    return answer[: match.end()] if match else answer


def _numbers(sentence: str) -> list[float]:
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", " ", _CLOCK.sub(" ", sentence))
    text = re.sub(r"#\d+|\b(?:person|track|persons|people's)\s+\d+|\w*[a-z_]\d\w*", " ", text)
    return [float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])", text)]


def _times(sentence: str) -> list[float]:
    return [int(m.group(1)) * 60 + int(m.group(2)) for m in _CLOCK.finditer(sentence)]


def _durations(sentence: str) -> list[float]:
    found = [int(m) * 60 + int(s) for m, s in re.findall(r"(\d+)\s*min\s*(\d+)\s*s\b", sentence)]
    found += [float(v) for v in re.findall(r"(?<![\d.:])(\d+(?:\.\d+)?)\s*s\b", sentence)]
    return found


def grade(question: Question, answer: str, truth: object) -> bool:
    """Whether ``answer`` is right for ``question`` whose truth is ``truth``."""
    head = first_sentence(answer)
    rule = question.rule
    if rule == "cannot":
        return "cannot tell" in answer
    if rule == "yes":
        expected = "yes" if truth is not None and float(truth) > 0 else "no"
        return answer.lower().startswith(expected)
    if truth is None:
        return False
    if rule == "number":
        numbers = _numbers(head)
        return bool(numbers) and numbers[0] == float(truth)
    if rule == "time":
        return any(abs(t - int(float(truth))) <= 1 for t in _times(head))
    if rule == "seconds":
        return any(abs(d - float(truth)) <= 1 for d in _durations(head))
    if rule == "person":
        return re.search(rf"\bperson\s+{int(truth)}\b", head, re.IGNORECASE) is not None
    if rule == "direction":
        return f"direction {truth}" in head or f"({truth})" in head
    if rule == "mentions":
        return str(truth).lower() in answer.lower()
    if rule == "winner":
        lower = head.lower()
        mine = lower.find(str(truth).lower())
        other = question.other.split("|")[0 if str(truth) != question.other.split("|")[0] else 1]
        theirs = lower.find(other.lower())
        return mine >= 0 and (theirs < 0 or mine < theirs)
    raise ValueError(f"unknown rule {rule!r}")


def truth_of(conn, question: Question, videos) -> object:
    """The question's truth: the first value of its SELECT over the base tables (None: no row)."""
    params = {
        "plaza": videos.video_ids["plaza"],
        "walkway": videos.video_ids["walkway"],
        "videos": videos.ids(),
    }
    with conn.transaction():
        conn.execute("SET LOCAL search_path = public")
        row = conn.execute(question.truth, params).fetchone()
    return None if row is None else row[0]
