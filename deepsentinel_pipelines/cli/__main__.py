"""``python -m deepsentinel_pipelines.cli``: the same as the ``deepsentinel`` command."""

from deepsentinel_pipelines.cli.main import run

run()
