"""stdout carries only the command's answer: library chatter, from Python or C, goes to stderr."""

import subprocess
import sys

PROGRAM = """
import os, sys
from deepsentinel_pipelines.cli.output import chatter_to_stderr
print("before")
with chatter_to_stderr():
    print("Ultralytics exporting...")
    os.write(1, b"a C library writing to fd 1\\n")
print('{"success": true}')
"""


def test_chatter_goes_to_stderr_and_the_answer_to_stdout() -> None:
    # A process of its own: what matters is file descriptor 1 of a real command.
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    )
    assert done.stdout == 'before\n{"success": true}\n'
    assert "Ultralytics exporting..." in done.stderr
    assert "a C library writing to fd 1" in done.stderr
