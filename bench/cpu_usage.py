"""Where the machine's CPU went during a benchmark phase: the CPU seconds of given processes
(and their children), of PostgreSQL's server processes, and of the whole machine, read from
Linux's /proc. Used to tell a process that waits from a machine that is full."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / TICKS


def _named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _machine_busy_and_total() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


@dataclass(frozen=True)
class CpuSnapshot:
    processes: float
    postgres: dict[int, float]
    machine_busy: float
    machine_total: float


def snapshot(pids: list[int]) -> CpuSnapshot:
    busy, total = _machine_busy_and_total()
    return CpuSnapshot(
        processes=sum(_process_seconds(pid) for pid in pids),
        postgres={pid: _process_seconds(pid) for pid in _named("postgres")},
        machine_busy=busy,
        machine_total=total,
    )


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds spent between two snapshots."""

    processes: float
    postgres: float
    machine_busy: float
    cores: int
    wall: float

    @property
    def machine_share(self) -> float:
        """How full the machine was: busy CPU over all cores' time."""
        return self.machine_busy / (self.cores * self.wall) if self.wall > 0 else 0.0

    def describe(self, messages: int) -> str:
        per = 1000 / messages if messages else 0.0
        return (
            f"CPU: pipeline processes {self.processes:.1f} s ({per * self.processes:.2f} ms/msg), "
            f"PostgreSQL {self.postgres:.1f} s ({per * self.postgres:.2f} ms/msg), "
            f"other {self.machine_busy - self.processes - self.postgres:.1f} s; "
            f"machine {100 * self.machine_share:.0f}% busy over {self.cores} cores"
        )


def between(before: CpuSnapshot, after: CpuSnapshot) -> CpuUse:
    # A PostgreSQL backend that started during the phase counts from 0; one that ended is lost
    # (a pooled connection lives through the phase, so that is rare and small).
    postgres = sum(
        seconds - before.postgres.get(pid, 0.0) for pid, seconds in after.postgres.items()
    )
    busy = after.machine_busy - before.machine_busy
    total = after.machine_total - before.machine_total
    cores = os.cpu_count() or 1
    return CpuUse(
        processes=after.processes - before.processes,
        postgres=max(postgres, 0.0),
        machine_busy=busy,
        cores=cores,
        wall=total / cores,
    )
