"""Running the `newsqa` command as a user does: a new process on a given home, extractive unless told."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One models folder for every home of this test run: each new home would otherwise export the ONNX model
# again (15-30 s on a loaded machine).
MODELS = Path(tempfile.mkdtemp(prefix="newsqa-test-models-"))


def shared_models(home: Path) -> Path:
    """Give a new home the run's models folder; returns the home."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "models").exists():
        (home / "models").symlink_to(MODELS, target_is_directory=True)
    return home


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`newsqa ARGS` with NEWSQA_HOME=home (and NEWSQA_LLM=extractive unless env says otherwise)."""
    environ = {**os.environ, "NEWSQA_HOME": str(shared_models(home)), "NEWSQA_LLM": "extractive", **env}
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        cwd=ROOT,
    )
