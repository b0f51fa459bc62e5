"""The slot engine in process: station_free_slots(kind=room) over 3, 12 and 48 rooms and 7, 14 and 60 days.

    .venv/bin/python bench/engine_growth.py                 # PostgreSQL (DATABASE_URL's server, or 127.0.0.1)
    .venv/bin/python bench/engine_growth.py --sqlite        # SQLite (in memory) rows too
    .venv/bin/python bench/engine_growth.py --profile       # cProfile top 20 of the largest case, on stderr

Works in a database of its own (sx_bench_engine on the PostgreSQL server, or the name in
SX_BENCH_ENGINE_DB to run two versions side by side; created, migrated and dropped; SQLite in
memory), filled by bench/_slot_data.py: one station per size, open Monday to Saturday 9–19 in
30-minute slots, a 60-day horizon, about 30 % of room slots booked, officers on two shifts a day,
absences and closures. `now` is pinned (Monday 1 March 2027, 07:00 Paris), so every run offers the
same slots. Each case is one warm-up call, then the median of at least three timed calls, wall-clock
and this process's CPU time (the machine is shared: the CPU time is what other work does not
inflate). Prints a markdown fragment on stdout (run_all.py pastes it into docs/benchmarks.md);
progress on stderr.

The growth exponent k in "time ∝ n^k" between the smallest and the largest case says how the
time grows: 1 is linear, 2 quadratic (below 1, the fixed cost of the queries still dominates).
"""

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Its own database; SX_BENCH_ENGINE_DB names another, for two runs side by side on one server.
DATABASE = os.environ.get("SX_BENCH_ENGINE_DB", "sx_bench_engine")
TARGETS = {(12, 60): 30.0, (48, 60): 100.0}  # issue 10: milliseconds, rooms × days


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, nargs="+", default=[3, 12, 48], help="rooms per station")
    parser.add_argument("--days", type=int, nargs="+", default=[7, 14, 60], help="days asked of the engine")
    parser.add_argument("--sqlite", action="store_true", help="measure on SQLite (in memory) too")
    parser.add_argument("--profile", action="store_true", help="cProfile top 20 of the largest case on stderr")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of timed calls per case, at least 3")
    parser.add_argument("--keep", action="store_true", help="leave the PostgreSQL database for inspection")
    # Internal: the SQLite rows come from a child process (Django binds one database at setup).
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def choose_database(backend: str) -> None:
    """Before Django is set up: the server DATABASE_URL names (or the local one), or SQLite."""
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = "sqlite:///" + str(ROOT / "var" / f"{DATABASE}.sqlite3")
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def measure(args) -> list[dict]:
    """Build one station per size in a fresh database and time every (size, days) case."""
    import time

    # Imported here: _slot_data sets Django up, which must follow choose_database().
    import _slot_data as data
    from django.conf import settings
    from django.db import connection

    # The database is this benchmark's own, whatever DATABASE_URL names (SQLite: in memory).
    settings.DATABASES["default"]["TEST"]["NAME"] = DATABASE if args.backend == "postgresql" else None
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    vendor = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {connection.Database.sqlite_version}"
    )
    data.log(f"{vendor}: database {database}")
    results = []
    try:
        stations = {}
        for spaces in args.spaces:
            started = time.perf_counter()
            stations[spaces] = data.build_station(slug=f"bench-{spaces}", rooms=spaces)
            data.log(f"  station with {spaces} rooms built in {time.perf_counter() - started:.1f} s")
        data.analyze()
        for spaces in args.spaces:
            for days in args.days:
                result = data.time_free_slots(station=stations[spaces], days=days, budget=args.budget)
                result |= {"database": vendor, "spaces": spaces, "days": days}
                data.log(
                    f"  {spaces:>3} rooms × {days:>2} days: {result['ms']:8.1f} ms ({result['cpu_ms']:.1f} CPU), "
                    f"{result['slots']} slots, "
                    f"{result['queries']} queries (median of {result['calls']})"
                )
                results.append(result)
        if args.profile:
            spaces, days = max(args.spaces), max(args.days)
            data.log(f"cProfile, {spaces} rooms × {days} days, by own time:")
            data.profile_free_slots(station=stations[spaces], days=days)
    finally:
        if not args.keep or args.backend != "postgresql":
            connection.creation.destroy_test_db(database, verbosity=0)
    return results


def measure_sqlite_in_child(args) -> list[dict]:
    command = [sys.executable, __file__, "--backend", "sqlite", "--json", "--budget", str(args.budget)]
    command += ["--spaces", *map(str, args.spaces), "--days", *map(str, args.days)]
    finished = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)  # noqa: S603 - our own command
    return json.loads(finished.stdout)


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    return math.log(large / small) / math.log(n_large / n_small)


def fragment(results: list[dict], *, revision: str, command: str) -> str:
    lines = [
        "### Slot engine in process: growth over rooms and days",
        "",
        f"`{command}` (commit {revision}; `now` pinned; median of 3 to 15 calls after a warm-up; "
        "ms is wall-clock time, CPU ms this process's own, which other work on the machine does not inflate)",
        "",
        "| database | rooms | days | ms | CPU ms | slots returned | queries | ms per day | µs per room·day |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        per_day = r["ms"] / r["days"]
        lines.append(
            f"| {r['database']} | {r['spaces']} | {r['days']} | {r['ms']:.1f} | {r['cpu_ms']:.1f} | {r['slots']:,} "
            f"| {r['queries']} | {per_day:.2f} | {per_day * 1000 / r['spaces']:.0f} |"
        )
    lines += ["", "Growth (exponent k in time ∝ n^k: 1 linear, 2 quadratic; from wall-clock and from CPU time):", ""]
    lines += [
        "| database | held fixed | grows | size ratio | time ratio | k | CPU time ratio | k (CPU) |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    by_case = {(r["database"], r["spaces"], r["days"]): r for r in results}
    databases = list(dict.fromkeys(r["database"] for r in results))
    spaces = sorted({r["spaces"] for r in results})
    days = sorted({r["days"] for r in results})

    def growth(database, fixed, grows, small, large, n_small, n_large):
        cells = [database, fixed, grows, f"×{n_large / n_small:.1f}"]
        for key in ("ms", "cpu_ms"):
            a, b = small[key], large[key]
            cells += [f"×{b / a:.1f}", f"{exponent(a, b, n_small, n_large):.2f}"]
        return "| " + " | ".join(cells) + " |"

    for database in databases:
        if len(days) > 1:
            for n in spaces:
                small, large = by_case[database, n, days[0]], by_case[database, n, days[-1]]
                lines.append(
                    growth(database, f"{n} rooms", f"days {days[0]} → {days[-1]}", small, large, days[0], days[-1])
                )
        if len(spaces) > 1:
            for d in days:
                small, large = by_case[database, spaces[0], d], by_case[database, spaces[-1], d]
                lines.append(
                    growth(
                        database, f"{d} days", f"rooms {spaces[0]} → {spaces[-1]}", small, large, spaces[0], spaces[-1]
                    )
                )
    checks = []
    for (n, d), limit in TARGETS.items():
        for database in databases:
            if (database, n, d) in by_case:
                ms, cpu_ms = by_case[database, n, d]["ms"], by_case[database, n, d]["cpu_ms"]
                verdict = "met" if ms <= limit else "not met"
                checks.append(
                    f"{n} rooms × {d} days ≤ {limit:.0f} ms on {database}: {ms:.0f} ms ({cpu_ms:.0f} CPU), {verdict}"
                )
    if checks:
        lines += ["", "Targets (issue 10): " + "; ".join(checks) + "."]
    return "\n".join(lines)


def main():
    args = parse_args()
    choose_database(args.backend)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    results = measure(args)
    if args.json:
        print(json.dumps(results))
        return
    if args.sqlite:
        results += measure_sqlite_in_child(args)
    # Imported here for the same reason as in measure(): Django is set up by now.
    from _slot_data import source_revision

    command = ".venv/bin/python bench/engine_growth.py" + (" --sqlite" if args.sqlite else "")
    print(fragment(results, revision=source_revision(), command=command))


if __name__ == "__main__":
    main()
