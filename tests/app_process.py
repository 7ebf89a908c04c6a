"""Processes started by the tests (the chat, the LLM server), on 127.0.0.1, with their logs."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Proc:
    """A process started for the tests, with its log."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        """The end of its log, for failure messages."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        """Terminate it (kill if it lingers)."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def start(name: str, cmd: list[str], env: dict[str, str], workdir: Path) -> Proc:
    """Start cmd in workdir with env, its output in workdir/NAME.log."""
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(cmd, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    return Proc(name, popen, log)


def wait_http(proc: Proc, url: str, deadline: float) -> None:
    """Wait until url answers 200 (RuntimeError with the log if the process dies or time runs out)."""
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{proc.name} did not answer {url} in time:\n{proc.tail()}")
        time.sleep(0.3)


def clean_env() -> dict[str, str]:
    """This environment without NEWSQA_/OPENAI_ settings or proxies, offline, for an app on 127.0.0.1."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSQA_", "OPENAI_")) and "proxy" not in k.lower()
    }
    return base | {
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "NEWSQA_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
