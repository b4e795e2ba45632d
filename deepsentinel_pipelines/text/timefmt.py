"""How times in a video are written everywhere: answers, event descriptions, summaries."""

import math


def format_timestamp(seconds: float) -> str:
    """Format seconds as ``mm:ss``, or ``h:mm:ss`` from one hour on (fractions are dropped).

    Args:
        seconds: Non-negative time in seconds.

    Returns:
        For example ``"01:05"`` for 65.7 or ``"1:02:03"`` for 3723.

    Raises:
        ValueError: If ``seconds`` is negative, NaN or infinite.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a timestamp")
    total = int(math.floor(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
