"""The assets of one video's analysis and of camera-days, thin over the pure cores.

Each step of a video's analysis is declared with ``@video_asset`` (``video_asset``): a partition
per video, one group, one owner, its peak memory reported.

Beside them, in plain modules without Dagster assets: their code versions (``code_versions``),
the asset checks' verdicts (``quality``), the automation conditions (``rederive``) and the
step-usage metadata (``step_usage``).
"""
