"""CPU time spent by each side of the benchmark, read from /proc: what bounds a closed loop on two cores.

A round's requests per second say how fast; the CPU seconds its processes used say why. Each
snapshot sums, per kind of process, the user and system time Linux has counted so far:
gunicorn (its arbiter and workers), the PostgreSQL server processes of the benchmark's
database plus the shared ones that do its writes (WAL writer, checkpointer, background
writer, autovacuum), redis-server, and this process (the load client). Divided by the
requests of the rounds between two snapshots, it gives the CPU each request cost, and
the machine's cores divided by that cost the most requests per second the machine
could serve. Other work on the machine at the same time is not counted in any kind, but
takes cores from all of them alike.
"""

import os
from collections import Counter
from pathlib import Path

PROC = Path("/proc")
KINDS = ("web", "postgresql", "redis", "client")
_SHARED_POSTGRES_WORK = ("walwriter", "checkpointer", "background writer", "autovacuum")


def _cpu_seconds(stat: str) -> float:
    # Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kind(pid: int, parent: int, command: str, *, gunicorn_pid: int, database: str) -> str | None:
    if pid == os.getpid():
        return "client"
    if pid == gunicorn_pid or parent == gunicorn_pid:
        return "web"
    if command.startswith("postgres:") and (database in command or any(w in command for w in _SHARED_POSTGRES_WORK)):
        return "postgresql"
    if command.startswith("redis-server"):
        return "redis"
    return None


def snapshot(*, gunicorn_pid: int, database: str) -> Counter:
    """CPU seconds used so far by each kind of process (empty where there is no /proc)."""
    used: Counter = Counter()
    if not PROC.is_dir():
        return used
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        kind = _kind(int(entry.name), parent, command, gunicorn_pid=gunicorn_pid, database=database)
        if kind:
            used[kind] += _cpu_seconds(stat)
    return used


def per_request(used: Counter, requests: int) -> dict:
    """Milliseconds of CPU per request by kind, their total, and the ceiling that total puts on two cores' worth."""
    if not used or not requests:
        return {}
    per_kind = {kind: 1000 * used.get(kind, 0.0) / requests for kind in KINDS}
    total = sum(per_kind.values())
    cores = os.cpu_count() or 1
    return {"ms": per_kind, "total_ms": total, "cores": cores, "ceiling_per_second": 1000 * cores / total}
