"""DeepSentinel Pipelines: a Dagster code location that turns CCTV video into answerable events.

``definitions.py`` builds the one ``Definitions``; ``settings.py`` is the only reader of the
environment; ``jobs.py`` and ``partitions.py`` hold the jobs and the video partitions. Everything
else lives in a folder per layer or feature, each ``__init__`` saying what is in it.
"""
