"""Bench helpers: run a command as a child process, timing it and sampling its peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True, slots=True)
class Run:
    """One timed child process."""

    seconds: float
    peak_rss_mib: float
    returncode: int


def _memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split among sharers, so forked workers are not
    counted twice); resident size where smaps_rollup is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_KIB


def _tree_rss_kib(pid: int) -> int:
    """Memory of a process and its descendants (a process pool counts in full)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += _memory_kib(current)
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = REPO,
        log: Path | None = None) -> Run:
    """Run `command` (stdout to `log`, stderr to `log`.err); wall time, and peak RSS as the
    larger of the kernel's high-water mark (wait4) and the process tree's sampled sum."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    err = open(f"{log}.err", "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
    sampled = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            sampled[0] = max(sampled[0], _tree_rss_kib(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()  # type: ignore[union-attr]
        err.close()  # type: ignore[union-attr]
    peak_kib = max(usage.ru_maxrss, sampled[0])
    return Run(seconds, peak_kib / 1024, child.returncode)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
