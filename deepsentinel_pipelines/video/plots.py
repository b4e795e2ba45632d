"""PNG charts: people over time, where people stood over the thumbnail, a camera's day.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot), so no GUI backend or global
figure state is involved and the functions are safe in worker processes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import cv2
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE
from deepsentinel_pipelines.video.camera_day import DayReport
from deepsentinel_pipelines.video.occupancy import OccupancyRow

DPI = 100


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def occupancy_plot_png(rows: Sequence[OccupancyRow], title: str = "") -> bytes:
    """A line per zone of the most people per second (the whole frame drawn thicker)."""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.add_subplot()
    zones = list(dict.fromkeys(r.zone for r in rows))
    for zone in zones:
        points = sorted((r.second, r.people) for r in rows if r.zone == zone)
        # Each count holds for its whole second, the last one included.
        xs = [s for s, _ in points] + [points[-1][0] + 1]
        ys = [n for _, n in points] + [points[-1][1]]
        frame = zone == WHOLE_FRAME_ZONE
        axes.step(
            xs,
            ys,
            where="post",
            label="whole frame" if frame else f"zone {zone}",
            linewidth=2.2 if frame else 1.4,
            color="black" if frame else None,
        )
    axes.set_xlabel("time in the video (m:ss)")
    axes.set_ylabel("people")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda s, _: format_timestamp(max(s, 0.0))))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max((r.people for r in rows), default=0) + 1)
    axes.grid(alpha=0.3)
    if zones:
        axes.legend(loc="upper right", fontsize="small")
    if title:
        axes.set_title(title, fontsize="medium", parse_math=False)  # a key may hold "$"
    return _png(figure)


def heatmap_png(thumbnail_bgr: np.ndarray, grid: np.ndarray, title: str = "") -> bytes:
    """Foot-point density (a blurred count grid) laid over the video's thumbnail."""
    height, width = thumbnail_bgr.shape[:2]
    figure = Figure(figsize=(8, 8 * height / max(width, 1) + 0.4), layout="constrained")
    axes = figure.add_subplot()
    axes.imshow(cv2.cvtColor(thumbnail_bgr, cv2.COLOR_BGR2RGB), extent=(0, width, height, 0))
    density = cv2.GaussianBlur(grid.astype(np.float32), (0, 0), sigmaX=1.5)
    if density.max() > 0:
        density /= density.max()
    # Transparent where nobody stood, so the scene stays readable.
    masked = np.ma.masked_less(density, 0.05)
    image = axes.imshow(
        masked, extent=(0, width, height, 0), cmap="inferno", alpha=0.6, vmin=0, vmax=1
    )
    figure.colorbar(image, ax=axes, shrink=0.7, label="relative time spent")
    axes.set_axis_off()
    if title:
        axes.set_title(title, fontsize="medium", parse_math=False)  # a key may hold "$"
    return _png(figure)


def day_timeline_png(report: DayReport) -> bytes:
    """A camera's day hour by hour: people as bars, entries and line crossings as lines.

    Hours without any footage are shaded, so "nobody" and "not recorded" look different.
    """
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    axes = figure.add_subplot()
    xs = np.arange(len(report.hours))
    axes.bar(xs, [h.people for h in report.hours], color="#4c72b0", label="people in view")
    # Counts are drawn only where there is footage: an unrecorded hour is no zero.
    recorded = [h.footage_s > 0 for h in report.hours]
    entries = [h.entries if r else np.nan for h, r in zip(report.hours, recorded, strict=True)]
    lines = [h.line_crossings if r else np.nan for h, r in zip(report.hours, recorded, strict=True)]
    axes.plot(xs, entries, "o-", color="#dd8452", label="entries")
    axes.plot(xs, lines, "s-", color="#55a868", label="line crossings")
    for x, hour in zip(xs, report.hours, strict=True):
        if hour.footage_s <= 0:
            axes.axvspan(x - 0.5, x + 0.5, color="0.85", zorder=0, linewidth=0)
    busiest = report.busiest
    if busiest is not None:
        axes.annotate(
            "busiest",
            (report.hours.index(busiest), busiest.people),
            ha="center",
            va="bottom",
            fontsize="small",
        )
    axes.set_xticks(xs, [h.label for h in report.hours], rotation=90, fontsize="small")
    axes.set_xlim(-0.5, len(report.hours) - 0.5)
    axes.set_xlabel(f"hour ({report.timezone}); grey: no footage")
    axes.set_ylabel("count")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(alpha=0.3, axis="y")
    axes.legend(loc="upper left", fontsize="small")
    axes.set_title(f"{report.camera} on {report.day.isoformat()}", fontsize="medium")
    return _png(figure)
