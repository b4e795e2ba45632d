"""The definitions' resources, set up outside a run: the command line and the local runner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import build_resources as dagster_build_resources

from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.settings import load_settings


@contextmanager
def standalone_resources(*keys: str) -> Iterator[Any]:
    """The named resources, configured as the definitions configure them and set up as in a run.

    Settings and ``EnvVar`` values come from the environment ``bring_up`` exported, as in a run.
    """
    every = build_resources(load_settings())
    with dagster_build_resources({key: every[key] for key in keys}) as resources:
        yield resources
