"""A `chroma run` server on 127.0.0.1 over a step's Chroma folder, for benchmarks/scale.py's server mode."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from ingest_retrieval_measures import vm_hwm_mb


class ChromaServer:
    """`chroma run --path DATA` on a free loopback port (started as tests/conftest.py starts one)."""

    def __init__(self, data: Path, log: Path) -> None:
        from qa.llm.local import free_port

        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        if not chroma:
            raise RuntimeError("the chroma command (from the chromadb package) is not installed")
        self.command = [chroma, "run", "--path", str(data), "--host", "127.0.0.1"]
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_s = 0.0

    def start(self, timeout: float = 600) -> None:
        """Start it and wait until it answers its heartbeat."""
        t = time.perf_counter()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*self.command, "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    self.start_s = round(time.perf_counter() - t, 2)
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.perf_counter() - t > timeout:
                self.stop()
                raise RuntimeError(f"chroma server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.3)

    def rss_mb(self) -> float | None:
        """The server's peak resident memory so far."""
        return vm_hwm_mb(self.proc.pid) if self.proc is not None else None

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL if it lingers)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
