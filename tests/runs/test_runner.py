"""The runner (`deepsentinel process`): the upload, and its run among the instance's runs."""

from __future__ import annotations

import os
import threading
import time

from dagster import DagsterEvent, DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.keys import RUN_KEY_TAG
from deepsentinel_pipelines.ingest.run_history import version_history
from deepsentinel_pipelines.runs.local import create_partition_run
from deepsentinel_pipelines.runs.runner import run_video_analysis, upload_video
from deepsentinel_pipelines.settings import Settings

#: md5sum of b"not really a movie": a single-part upload's ETag.
MOVIE_MD5 = "39439908f712db43b73e0c62f025e5b8"


def test_upload_keeps_the_file_type_and_reserves_the_md5_version(
    settings: Settings, tmp_path, unique_id
) -> None:
    movie = tmp_path / "door.mov"
    movie.write_bytes(b"not really a movie")
    key = f"tests/{unique_id}/door.mov"
    video_id, version = upload_video(movie, key, "door")
    assert video_id == key
    assert version == f"s3://{settings.raw_videos_bucket}/{key}@{MOVIE_MD5}"
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    head = s3.head_object(Bucket=settings.raw_videos_bucket, Key=key)
    assert head["ContentType"] == "video/quicktime" and head["Metadata"] == {"camera": "door"}
    assert version_history(DagsterInstance.get(), [version])[version].live  # no sensor run


def _run_of(version: str, video_id: str, queued: bool):
    """A run of the version as a sensor makes it (no process of ours behind it): queued for
    the daemon, or already started."""
    from deepsentinel_pipelines.definitions import defs

    instance = DagsterInstance.get()
    if not instance.has_dynamic_partition("videos", video_id):
        instance.add_dynamic_partitions("videos", [video_id])
    job = defs.resolve_job_def("video_analysis_job")
    run = create_partition_run(instance, job, video_id, {RUN_KEY_TAG: version}, {})
    if queued:
        instance.submit_run(run.run_id, workspace=None)  # the queued run coordinator's queue
    else:
        started = DagsterEvent(DagsterEventType.RUN_START.value, run.job_name, message="started")
        instance.report_dagster_event(started, run.run_id)
    return instance.get_run_by_id(run.run_id)


def test_a_run_of_the_same_upload_under_way_is_followed_not_doubled(
    settings: Settings, tmp_path, unique_id
) -> None:
    movie = tmp_path / "door.mp4"
    movie.write_bytes(b"not really a movie")
    video_id, version = upload_video(movie, f"tests/{unique_id}/door.mp4", "door")
    going = _run_of(version, video_id, queued=False)
    lines: list[str] = []
    outcome: list = []
    follower = threading.Thread(
        target=lambda: outcome.append(run_video_analysis(video_id, lines.append, version))
    )
    follower.start()
    deadline = time.monotonic() + 60
    while not any("following it" in line for line in lines):
        assert follower.is_alive() and time.monotonic() < deadline, lines
        time.sleep(0.1)
    instance = DagsterInstance.get()
    instance.report_run_failed(instance.get_run_by_id(going.run_id), "the sensor's run failed")
    follower.join(timeout=60)
    [(run_id, ok, error, _)] = outcome
    assert run_id == going.run_id and not ok
    assert lines[0] == f"run {going.run_id} of this upload is already under way: following it"
    runs = instance.get_runs(filters=RunsFilter(tags={"dagster/partition": video_id}))
    assert [r.run_id for r in runs] == [going.run_id]  # no second run


def test_a_run_only_queued_gives_way_to_the_command(settings: Settings, tmp_path, unique_id):
    movie = tmp_path / "door.mp4"
    movie.write_bytes(b"not really a movie")  # raw_video refuses it: the run ends at once
    video_id, version = upload_video(movie, f"tests/{unique_id}/door.mp4", "door")
    queued = _run_of(version, video_id, queued=True)
    lines: list[str] = []
    run_id, ok, error, _ = run_video_analysis(video_id, lines.append, version)
    instance = DagsterInstance.get()
    assert instance.get_run_by_id(queued.run_id).status == DagsterRunStatus.CANCELED
    assert f"queued run {queued.run_id} of this upload is canceled: analysing it here" in lines
    ours = instance.get_run_by_id(run_id)
    assert run_id != queued.run_id and not ok and error.startswith("raw_video: ")
    # A run of the code location's job (the job's Runs tab lists it by this tag), run here.
    listed = RunsFilter(
        run_ids=[run_id],
        job_name="video_analysis_job",
        tags={".dagster/repository": "__repository__@deepsentinel_pipelines.definitions"},
    )
    assert [r.run_id for r in instance.get_runs(filters=listed)] == [run_id]
    assert ours.tags["deepsentinel/pid"] == str(os.getpid())
    assert ours.tags[RUN_KEY_TAG] == version
