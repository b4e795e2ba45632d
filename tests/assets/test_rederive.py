"""A camera rules edit: events and what follows are re-derived, detections are left alone.

The code location is loaded twice, as a process would load it before and after an operator
edits the rules file; the automation conditions are evaluated between the two loads.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from dagster import (
    AssetKey,
    DagsterInstance,
    Definitions,
    evaluate_automation_conditions,
    materialize,
)

from deepsentinel_pipelines.assets.quality import embeddings_verdict, objects_verdict
from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.db import quality as db_quality
from deepsentinel_pipelines.db.clip_rows import clip_keys
from deepsentinel_pipelines.runs.runner import process_file
from deepsentinel_pipelines.settings import PACKAGE_DIR, Settings
from tests.media import cut_sample

pytestmark = pytest.mark.slow

#: The module that gives the assets their code versions from the rules file (the settings).
RELOADED = ("deepsentinel_pipelines.definitions",)
DERIVED = {
    "events",
    "highlights",
    "event_clips",
    "event_alerts",
    "embeddings",
    "video_summary",
    "occupancy",
    "current_analysis",
}


def load_definitions() -> Definitions:
    """The definitions as a freshly started code location loads them (code versions included)."""
    importlib.import_module(RELOADED[-1])
    for name in RELOADED:
        importlib.reload(sys.modules[name])
    return sys.modules[RELOADED[-1]].defs


@pytest.fixture()
def rules_file(tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped camera rules, in force for the test; the shipped ones after."""
    path = tmp_path / "cameras.yaml"
    path.write_text((PACKAGE_DIR / "config" / "cameras.yaml").read_text())
    os.environ["DEEPSENTINEL_CAMERAS_CONFIG"] = str(path)
    try:
        yield path
    finally:
        del os.environ["DEEPSENTINEL_CAMERAS_CONFIG"]
        load_definitions()


def _detections_fingerprint(conn: psycopg.Connection, video_id: str) -> tuple:
    return conn.execute(
        "SELECT count(*), md5(string_agg(concat_ws(',', frame_idx, track_id, x1, y1, x2, y2), ';' "
        "ORDER BY frame_idx, track_id, x1, y1)) FROM detections WHERE video_id = %s",
        (video_id,),
    ).fetchone()


def _zones(conn: psycopg.Connection, video_id: str) -> set[str | None]:
    rows = conn.execute("SELECT DISTINCT zone FROM qa.events WHERE video_id = %s", (video_id,))
    return {r[0] for r in rows}


def _current_analysis(conn: psycopg.Connection, video_id: str) -> int:
    return conn.execute(
        "SELECT current_analysis_id FROM videos WHERE video_id = %s", (video_id,)
    ).fetchone()[0]


def _latest(instance: DagsterInstance, asset: str, video_id: str):
    event = instance.get_latest_materialization_event(AssetKey(asset))
    assert event is not None and event.asset_materialization.partition == video_id
    return event


def test_a_zone_edit_rederives_events_and_keeps_detections(
    settings: Settings, rules_file: Path, tmp_path: Path, unique_id: str
) -> None:
    clip = cut_sample(tmp_path / "plaza.mp4", 20.0, 4.0)
    report = process_file(clip, f"tests/{unique_id}/plaza.mp4", "plaza", lambda _: None)
    assert report.success, report.error
    video_id = report.video_id
    instance = DagsterInstance.get()
    before = load_definitions()
    first = evaluate_automation_conditions(defs=before, instance=instance)
    assert first.total_requested == 0  # nothing changed since the run
    detections_run = _latest(instance, "detections", video_id).run_id
    with psycopg.connect(settings.database_url) as conn:
        detections_before = _detections_fingerprint(conn, video_id)
        analysis_before = _current_analysis(conn, video_id)
        assert "gate" not in _zones(conn, video_id)

    # The operator turns the plaza's entrance into a whole-frame "gate" zone with a short dwell.
    rules = yaml.safe_load(rules_file.read_text())
    rules["cameras"]["plaza"]["zones"] = [
        {"name": "gate", "points": [[0, 0], [1, 0], [1, 1], [0, 1]], "dwell_s": 1}
    ]
    rules_file.write_text(yaml.safe_dump(rules))
    after = load_definitions()
    graph = after.resolve_asset_graph()
    assert (
        graph.get(AssetKey("events")).code_version
        != before.resolve_asset_graph().get(AssetKey("events")).code_version
    )
    assert (
        graph.get(AssetKey("detections")).code_version
        == before.resolve_asset_graph().get(AssetKey("detections")).code_version
    )

    second = evaluate_automation_conditions(defs=after, instance=instance, cursor=first.cursor)
    requested = {
        key.to_user_string() for key in graph.get_all_asset_keys() if second.get_num_requested(key)
    }
    assert requested == DERIVED
    # Every video whose events were derived under the old rules (earlier tests' too).
    for asset in DERIVED:
        assert video_id in second.get_requested_partitions(AssetKey(asset)), asset
    assert not second.get_requested_partitions(AssetKey("detections"))

    # What the sensor's run for this video does: the requested assets, this partition.
    result = materialize(
        [after.get_assets_def(key) for key in graph.materializable_asset_keys],
        selection=[AssetKey(a) for a in sorted(DERIVED)],
        partition_key=video_id,
        instance=instance,
        resources=after.resources,
    )
    assert result.success
    assert {c.passed for c in result.get_asset_check_evaluations()} == {True}
    assert _latest(instance, "detections", video_id).run_id == detections_run
    events_run = _latest(instance, "events", video_id)
    assert events_run.run_id == result.run_id
    assert (
        events_run.asset_materialization.tags["dagster/code_version"]
        == graph.get(AssetKey("events")).code_version
    )
    with psycopg.connect(settings.database_url) as conn:
        # Published as a new analysis that carries the same detections (the old one is gone).
        analysis = _current_analysis(conn, video_id)
        assert analysis != analysis_before
        assert _detections_fingerprint(conn, video_id) == detections_before
        assert conn.execute(
            "SELECT count(*) FROM detections WHERE video_id = %s AND analysis_id <> %s",
            (video_id, analysis),
        ).fetchone() == (0,)
        assert "gate" in _zones(conn, video_id)
        assert "entrance" not in _zones(conn, video_id)
        events, embedded = db_quality.embedding_counts(conn, video_id, analysis)
        assert events == embedded > 0

        # A broken partition: an event loses its embedding, a highlight frame its object.
        conn.execute(
            "UPDATE events SET embedding = NULL WHERE event_id = "
            "(SELECT min(event_id) FROM events WHERE video_id = %s)",
            (video_id,),
        )
        caught = embeddings_verdict(*db_quality.embedding_counts(conn, video_id, analysis))
        assert not caught.passed and caught.description.startswith(f"1 of {events} events")
        keys = db_quality.highlight_keys(conn, video_id, analysis)
        clips = list(clip_keys(conn, video_id, analysis_id=analysis).values())
    assert keys, "the gate zone makes notable events with highlight frames"
    assert len(clips) == len(keys), "and a clip of each"
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)

    def stored(prefix: str) -> list[str]:
        listed = s3.list_objects_v2(Bucket=settings.highlights_bucket, Prefix=prefix)
        return [o["Key"] for o in listed.get("Contents", [])]

    s3.delete_object(Bucket=settings.highlights_bucket, Key=keys[0])
    caught = objects_verdict(keys, stored(f"{video_id}/"), "highlight frame")
    assert not caught.passed and keys[0] in caught.description
    s3.delete_object(Bucket=settings.highlights_bucket, Key=clips[0])
    caught = objects_verdict(clips, stored(f"clips/{video_id}/"), "clip")
    assert not caught.passed and caught.description.startswith("1 clip(s) not in the bucket")
