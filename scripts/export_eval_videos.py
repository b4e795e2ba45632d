r"""Write the current analysis of processed videos to the question evaluation's data file.

The evaluation (``bench/rag_eval.py``, ``tests/rag/test_operator_questions.py``) asks its
questions about real processed videos; this keeps their rows (videos, tracks, events, occupancy,
clips; no detections, no embeddings) so the test suite has them without running the detector::

    .venv/bin/deepsentinel process deepsentinel_pipelines/data/sample_plaza.mp4 --camera plaza
    .venv/bin/deepsentinel process walkway_cam2.mp4 --camera walkway
    .venv/bin/python scripts/export_eval_videos.py uploads/plaza/sample_plaza.mp4 \\
        uploads/walkway/walkway_cam2.mp4

``walkway_cam2.mp4`` is seconds 35-75 of the sample, mirrored left to right (made with PyAV).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deepsentinel_pipelines.cli.question_answering import running_database_urls  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402

OUT = REPO / "tests" / "rag" / "data" / "eval_videos.json"

QUERIES = {
    "videos": "SELECT v.video_id, v.camera, v.duration_s, v.fps, v.width, v.height, "
    "v.people_count, v.summary FROM videos v WHERE v.video_id = %(v)s",
    "tracks": "SELECT t.track_id, t.class_name, t.first_s, t.last_s, t.n_frames, t.mean_score "
    "FROM tracks t JOIN videos v USING (video_id) WHERE t.video_id = %(v)s "
    "AND t.analysis_id IS NOT DISTINCT FROM v.current_analysis_id ORDER BY t.track_id",
    "events": "SELECT e.event_id, e.event_type, e.start_s, e.end_s, e.track_id, e.zone, "
    "e.confidence, e.attributes, e.description, e.highlight_key IS NOT NULL FROM events e "
    "JOIN videos v USING (video_id) WHERE e.video_id = %(v)s "
    "AND e.analysis_id IS NOT DISTINCT FROM v.current_analysis_id ORDER BY e.event_id",
    "occupancy": "SELECT o.zone, o.second, o.people, o.mean_people FROM occupancy o "
    "JOIN videos v USING (video_id) WHERE o.video_id = %(v)s "
    "AND o.analysis_id IS NOT DISTINCT FROM v.current_analysis_id ORDER BY o.zone, o.second",
    "clips": "SELECT c.event_id FROM event_clips c JOIN videos v USING (video_id) "
    "WHERE c.video_id = %(v)s AND c.analysis_id IS NOT DISTINCT FROM v.current_analysis_id",
}


def main() -> int:
    """Export the videos named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video_ids", nargs="+")
    args = parser.parse_args()
    urls = running_database_urls(load_settings())
    if urls is None:
        sys.exit("the database is not running (deepsentinel services up)")
    videos = []
    with psycopg.connect(urls[0]) as conn:
        for video_id in args.video_ids:
            record = {"video_id": video_id}
            for name, sql in QUERIES.items():
                rows = conn.execute(sql, {"v": video_id}).fetchall()
                record[name] = [list(r) for r in rows]
            if not record["videos"]:
                sys.exit(f"no video {video_id!r} in the database")
            record["videos"] = record["videos"][0]
            videos.append(record)
    OUT.write_text(json.dumps({"videos": videos}, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
