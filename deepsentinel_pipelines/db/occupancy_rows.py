"""Reading and writing the ``occupancy`` rows of a video."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE
from deepsentinel_pipelines.video.occupancy import OccupancyRow


def replace_occupancy(
    conn: psycopg.Connection,
    video_id: str,
    rows: Sequence[OccupancyRow],
    *,
    analysis_id: int | None,
) -> int:
    """Swap one analysis's occupancy rows (COPY, one transaction); return how many were written."""
    with conn.transaction():
        conn.execute(
            "DELETE FROM occupancy WHERE video_id = %s AND analysis_id IS NOT DISTINCT FROM %s",
            (video_id, analysis_id),
        )
        with conn.cursor().copy(
            "COPY occupancy (video_id, analysis_id, zone, second, people, mean_people) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row((video_id, analysis_id, r.zone, r.second, r.people, r.mean_people))
    return len(rows)


def frame_peak(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> tuple[int, float] | None:
    """(most people in one frame, the earliest second reaching it) of an analysis, or None."""
    row = conn.execute(
        """SELECT people, second FROM occupancy
           WHERE video_id = %s AND analysis_id IS NOT DISTINCT FROM %s AND zone = %s
             AND people > 0
           ORDER BY people DESC, second LIMIT 1""",
        (video_id, analysis_id, WHOLE_FRAME_ZONE),
    ).fetchone()
    return None if row is None else (int(row[0]), float(row[1]))
