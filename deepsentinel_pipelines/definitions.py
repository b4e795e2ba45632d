"""The single Definitions object of the DeepSentinel code location."""

from dagster import Definitions

from deepsentinel_pipelines.resources import build_resources

defs = Definitions(resources=build_resources())
