"""A camera's day across its files: one person across a cut, the report, and its automation.

A stretch of the sample with people in view is analysed whole, and again cut in two on a
keyframe (remuxed, not re-encoded) as two files of one camera with consecutive recording times:
the camera's day counts the same people either way, within one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from dagster import DagsterInstance, evaluate_automation_conditions, materialize

from deepsentinel_pipelines.assets.camera_days import camera_day_report, day_report_key
from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.jobs import video_analysis_job
from deepsentinel_pipelines.partitions import camera_day_key, register_camera
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.runs.runner import upload_video
from deepsentinel_pipelines.settings import Settings, load_settings
from tests.media import remux_span

pytestmark = pytest.mark.slow

#: Keyframes of the sample at 25, 35 and 45 s; people walk through the plaza at 35 s.
WHOLE = (25.0, 45.0)
CUT_S = 35.0
#: What people counting needs: the video, its tracks, and the published analysis (after the
#: thumbnail and occupancy, which order the run's steps before publication).
ANALYSIS = ["raw_video", "thumbnail", "detections", "occupancy", "current_analysis"]
DAY = date(2026, 12, 1)
START = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


def _analyse(path: Path, key: str, camera: str, recorded_at: datetime) -> str:
    from deepsentinel_pipelines.definitions import defs

    video_id, version = upload_video(path, key, camera, recorded_at.isoformat())
    instance = DagsterInstance.get()
    instance.add_dynamic_partitions("videos", [video_id])
    job = defs.resolve_job_def(video_analysis_job.name)
    keys = {k for k in job.asset_layer.selected_asset_keys if k.path[0] in ANALYSIS}
    checks = {c for c in job.asset_layer.asset_graph.asset_check_keys if c.asset_key in keys}
    result = job.get_subset(asset_selection=keys, asset_check_selection=checks).execute_in_process(
        instance=instance,
        partition_key=video_id,
        tags={"deepsentinel/run_key": version, "deepsentinel/etag": version.rpartition("@")[2]},
        raise_on_error=True,
    )
    assert result.success
    return video_id


def _report(camera: str) -> dict:
    resources = build_resources(load_settings())
    result = materialize(
        [camera_day_report],
        instance=DagsterInstance.get(),
        partition_key=str(camera_day_key(camera, DAY)),
        resources={name: resources[name] for name in ("database", "object_store", "site")},
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("camera_day_report")
    return {k: v.value for k, v in materialization.metadata.items()}


@pytest.fixture(scope="module")
def spans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spans")
    return {
        "whole": remux_span(folder / "whole.mp4", *WHOLE),
        "first": remux_span(folder / "first.mp4", WHOLE[0], CUT_S),
        "second": remux_span(folder / "second.mp4", CUT_S, WHOLE[1]),
    }


def test_one_person_across_two_files(settings: Settings, spans, unique_id):
    from deepsentinel_pipelines.definitions import defs

    whole_cam, cut_cam = f"whole{unique_id}", f"cut{unique_id}"
    instance = DagsterInstance.get()
    before = evaluate_automation_conditions(defs=defs, instance=instance)

    _analyse(spans["whole"], f"tests/{unique_id}/whole.mp4", whole_cam, START)
    first = _analyse(spans["first"], f"tests/{unique_id}/first.mp4", cut_cam, START)
    second = _analyse(
        spans["second"],
        f"tests/{unique_id}/second.mp4",
        cut_cam,
        START + timedelta(seconds=CUT_S - WHOLE[0]),
    )

    # Publishing reported both cameras' day, and the automation asks for exactly those reports.
    after = evaluate_automation_conditions(defs=defs, instance=instance, cursor=before.cursor)
    requested = {str(k) for k in after.get_requested_partitions(camera_day_report.key)}
    # Only those days: the other days of these cameras have no footage.
    assert {k for k in requested if unique_id in k} == {
        str(camera_day_key(whole_cam, DAY)),
        str(camera_day_key(cut_cam, DAY)),
    }

    with psycopg.connect(settings.database_url) as conn:
        (in_view,) = conn.execute(
            """SELECT count(*) FROM qa.tracks WHERE video_id = %s AND class_name = 'person'
               AND last_s >= 9.0""",
            (first,),
        ).fetchone()
        separate = conn.execute(
            """SELECT count(*) FROM qa.tracks
               WHERE video_id = ANY(%s) AND class_name = 'person'""",
            ([first, second],),
        ).fetchone()[0]
    assert in_view >= 2, "the cut must fall while people are in view"

    whole = _report(whole_cam)
    cut = _report(cut_cam)
    figures = (
        f"whole {whole['people']}, halves {cut['people']} ({separate} tracks, {in_view} at the cut)"
    )
    print(f"\npeople: {figures}")  # noqa: T201
    assert cut["joined_across_cuts"] >= in_view - 1
    assert abs(cut["people"] - whole["people"]) <= 1
    assert cut["people"] < separate
    assert cut["videos"] == [first, second]
    # The report: its per-hour table, its plot in S3 and in the metadata, the busiest hour.
    rows = whole["hours"].records
    assert len(rows) == 24
    busy = [r.data for r in rows if r.data["people"]]
    assert [r["hour"] for r in busy] == ["13:00"]  # a UTC camera, 13:00:00 to 13:00:20
    assert busy[0]["people"] == whole["people"]
    assert whole["busiest_hour"] == "13:00"
    assert "data:image/png;base64," in whole["timeline"]
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    png = s3.get_object(
        Bucket=settings.thumbnails_bucket, Key=day_report_key(whole_cam, DAY.isoformat())
    )["Body"].read()
    assert png[:4] == b"\x89PNG"


def test_a_day_without_footage_says_so(settings: Settings, unique_id):
    camera = f"empty{unique_id}"
    register_camera(DagsterInstance.get(), camera)
    report = _report(camera)
    assert report["people"] == 0 and report["videos"] == []
    assert "no video with a known recording time" in report["summary"]
