"""A camera's day across all of its videos: people, entries and line crossings per hour.

``camera_day_footage`` stands for the published videos of one camera's day; nothing computes
it: ``current_analysis`` reports it for every day a video it publishes was recorded on. The
report follows it by declarative automation (``camera_day_reports_sensor``), so a day is counted
again whenever a video of it is published or re-analysed. Videos whose recording time is
unknown are in no day.
"""

from datetime import date, datetime

from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetMaterialization,
    AssetSpec,
    AutomationCondition,
    IdentityPartitionMapping,
    MaterializeResult,
    MetadataValue,
    MultiPartitionKey,
    TableColumn,
    TableRecord,
    TableSchema,
    asset,
)

from deepsentinel_pipelines.assets.metadata import OWNERS, png_markdown
from deepsentinel_pipelines.db.camera_days import load_camera_footage
from deepsentinel_pipelines.partitions import camera_day_key, camera_days
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.video.camera_day import (
    MAX_GAP_S,
    day_bounds,
    day_report,
    days_covered,
)

GROUP = "cameras"
DAY_REPORTS_PREFIX = "day_reports"

camera_day_footage = AssetSpec(
    "camera_day_footage",
    partitions_def=camera_days,
    group_name=GROUP,
    kinds={"postgres"},
    owners=OWNERS,
    description=(
        "The published videos of one camera's day (reported by current_analysis when it "
        "publishes a video recorded that day)."
    ),
)

#: Counted again once a video of the day is published (or re-analysed), when no run of it is on.
FOOTAGE_PUBLISHED = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("a video of this day was published")

HOURS_SCHEMA = TableSchema(
    columns=[
        TableColumn("hour", "string", description="local time of the camera"),
        TableColumn("people", "int", description="distinct people in view"),
        TableColumn("entries", "int", description="people entering the frame"),
        TableColumn("line_crossings", "int"),
        TableColumn("events", "int"),
        TableColumn("footage_min", "float", description="minutes of video in this hour"),
    ]
)


def day_report_key(camera: str, day: str) -> str:
    """Object key of a camera's day timeline in the thumbnails bucket."""
    return f"{DAY_REPORTS_PREFIX}/{camera}/{day}.png"


Span = tuple[str, datetime, float]


def footage_reports(
    site: SiteResource, video_id: str, before: Span | None, after: Span | None
) -> list[AssetMaterialization]:
    """The camera-days ``current_analysis`` reports after publishing a video, each once.

    Those it was on before (a new recording time or camera moves it) and those it is on now.
    ``before``/``after``: the video's (camera, recorded_at, duration) as published before and
    after, None while its time is unknown.
    """
    keys: dict[str, MultiPartitionKey] = {}
    for span in (before, after):
        if span is None:
            continue
        camera, recorded_at, duration_s = span
        zone = site.clock(camera).zone
        for day in days_covered(recorded_at, duration_s, zone):
            key = camera_day_key(camera, day)
            keys[str(key)] = key
    return [
        AssetMaterialization(
            asset_key=camera_day_footage.key, partition=key, metadata={"video_id": video_id}
        )
        for key in keys.values()
    ]


@asset(
    partitions_def=camera_days,
    group_name=GROUP,
    kinds={"postgres", "s3", "image"},
    # One day of one camera's footage -> that day's report (stated: an unpartitioned stand-in of
    # the dependency would map every report to it).
    deps=[AssetDep(camera_day_footage, partition_mapping=IdentityPartitionMapping())],
    automation_condition=FOOTAGE_PUBLISHED,
    owners=OWNERS,
)
def camera_day_report(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """One camera's day: people, entries, line crossings and events per hour, with a timeline."""
    # Imported here: matplotlib adds ~1.5 s to every process that loads the definitions.
    from deepsentinel_pipelines.video.plots import day_timeline_png

    key = camera_days.get_partition_key_from_str(context.partition_key).keys_by_dimension
    camera, day_text = key["camera"], key["day"]
    day = date.fromisoformat(day_text)
    clock = site.clock(camera)
    start, end = day_bounds(day, clock.zone)
    with database.connection() as conn:
        found = load_camera_footage(conn, camera, start, end, margin_s=MAX_GAP_S)
    report = day_report(camera, day, clock.zone, found.footage, found.tracks, found.events)
    png = day_timeline_png(report)
    image_key = day_report_key(camera, day_text)
    object_store.put_bytes(object_store.thumbnails_bucket, image_key, png, "image/png")
    url = object_store.presigned_get(object_store.thumbnails_bucket, image_key)
    busiest = report.busiest
    return MaterializeResult(
        metadata={
            "summary": MetadataValue.text(report.text()),
            "timeline": png_markdown(png, f"{camera} on {day_text}", url),
            "hours": MetadataValue.table(
                [
                    TableRecord(
                        {
                            "hour": h.label,
                            "people": h.people,
                            "entries": h.entries,
                            "line_crossings": h.line_crossings,
                            "events": h.events,
                            "footage_min": round(h.footage_s / 60, 1),
                        }
                    )
                    for h in report.hours
                ],
                schema=HOURS_SCHEMA,
            ),
            "people": report.people,
            "busiest_hour": busiest.label if busiest else "nobody seen",
            "videos": MetadataValue.json(list(report.videos)),
            "joined_across_cuts": report.stitched,
            "footage_min": round(report.footage_s / 60, 1),
            "timezone": clock.timezone,
            "timeline_key": MetadataValue.text(
                f"s3://{object_store.thumbnails_bucket}/{image_key}"
            ),
            "dagster/row_count": len(report.hours),
        }
    )
