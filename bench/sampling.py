"""What a step of the benchmark costs: its time, and the CPU and memory of its process tree
and of the database's backends, sampled while it runs."""

import os
import re
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from bench import ROOT, BenchError


def measure(command: list[str], env: dict, database: str | None = None) -> dict:
    """Run a command; its wall time, CPU time (its own processes' and, when the database
    runs on this machine, its PostgreSQL backends'), and memory (the largest process's
    RSS, and the peak of the proportional memory of all its processes)."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    sampler = _TreeSampler(process.pid, _database_name(database))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop()
    if process.returncode:
        raise BenchError(f"{' '.join(command[1:4])} failed (exit {process.returncode})")
    figures = {
        "command": " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)),
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "largest_process_rss_mb": round(usage.ru_maxrss / 1024),
        "peak_memory_mb": round(sampler.peak_kb / 1024),
    }
    if sampler.database_cpu is not None:
        figures["postgres_cpu_seconds"] = round(sampler.database_cpu, 1)
    return figures


class _TreeSampler(threading.Thread):
    """Polls a process tree's memory (sum of PSS) and its database backends' CPU time."""

    def __init__(self, pid: int, database: str | None):
        super().__init__(daemon=True)
        self.pid, self.database = pid, database
        self.peak_kb, self._done, self._backends = 0, threading.Event(), {}

    @property
    def database_cpu(self) -> float | None:
        return sum(self._backends.values()) if self._backends else None

    def run(self):
        ticks = os.sysconf("SC_CLK_TCK")
        while not self._done.wait(0.25):
            tree = descendants(self.pid) | {self.pid}
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in tree))
            if self.database:
                for pid in _backends(self.database):
                    cpu = _cpu_ticks(pid)
                    if cpu is not None:
                        self._backends[pid] = cpu / ticks

    def stop(self):
        self._done.set()
        self.join()


def descendants(pid: int) -> set[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def rss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime


def _backends(database: str) -> list[int]:
    """PostgreSQL backends serving this database (their process title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if title.startswith("postgres:") and f" {database} " in title:
                pids.append(int(entry.name))
    return pids


def _database_name(database_url: str | None) -> str | None:
    if not database_url:
        return None
    url = urlparse(database_url)
    return url.path.lstrip("/") if url.hostname in ("127.0.0.1", "localhost", "::1") else None


# --- Loading the pages ------------------------------------------------------------------
