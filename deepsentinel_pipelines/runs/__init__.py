"""Runs of the analysis job that the command line starts and executes in its own process.

``runner`` drives one local file through the job with progress and a report; ``local`` creates
the run on the Dagster instance (so the UI lists it) and executes it here.
"""
