import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def edgesim():
    """Runs the built edgesim binary; returns CompletedProcess with text output."""
    binary = os.environ.get("EDGESIM_BIN", str(ROOT / "build" / "release" / "edgesim"))
    assert pathlib.Path(binary).exists(), f"build edgesim first (scripts/build): {binary}"

    def run(*args, cwd=ROOT, input=None):
        return subprocess.run([binary, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                              timeout=300, input=input)

    return run
