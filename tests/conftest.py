import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_prdkit(*args, cwd=None, input=None, env=None, timeout=120):
    """Run the real command line in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "prdkit", *map(str, args)],
        cwd=cwd, input=input, capture_output=True, text=True, env=full_env, timeout=timeout,
    )


@pytest.fixture
def prdkit_cmd():
    return run_prdkit
