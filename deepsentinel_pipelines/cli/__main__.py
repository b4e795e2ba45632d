"""``python -m deepsentinel_pipelines.cli``: the same as the ``deepsentinel`` command."""

import sys

from deepsentinel_pipelines.cli.main import main

sys.exit(main())
