"""The ``deepsentinel`` command line: one module per command family, ``main`` dispatching.

``main`` is exported here too: console scripts installed before the package existed name
``deepsentinel_pipelines.cli:main``.
"""

from deepsentinel_pipelines.cli.main import main

__all__ = ["main"]
