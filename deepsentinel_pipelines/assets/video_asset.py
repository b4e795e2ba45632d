"""The decorator every per-video asset shares: its partitions, group, owners and memory report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import AssetsDefinition, MaterializeResult, asset

from deepsentinel_pipelines.assets.metadata import OWNERS
from deepsentinel_pipelines.assets.step_usage import reports_peak_memory
from deepsentinel_pipelines.partitions import videos

#: The asset group of one video's analysis.
GROUP = "video_analysis"


def video_asset(
    **spec: Any,
) -> Callable[[Callable[..., MaterializeResult]], AssetsDefinition]:
    """``@asset`` for a step of one video's analysis, with the step's peak memory reported.

    A partition per video, in :data:`GROUP`, owned by the video team; ``spec`` is the rest of
    the asset's definition (kinds, deps, automation, tags, checks).
    """

    def define(step: Callable[..., MaterializeResult]) -> AssetsDefinition:
        return asset(partitions_def=videos, group_name=GROUP, owners=OWNERS, **spec)(
            reports_peak_memory(step)
        )

    return define
