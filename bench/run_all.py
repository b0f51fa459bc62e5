"""`make bench`: every benchmark in bench/, then the performance section of docs/benchmarks.md rewritten.

    .venv/bin/python bench/run_all.py             # about 6–10 minutes; needs PostgreSQL and Redis
    .venv/bin/python bench/run_all.py --quick     # shorter runs, for development
    .venv/bin/python bench/run_all.py --no-docs   # print the section instead of writing it

Runs, one after the other (they share two cores): the charter benchmarks (their output
pasted as is), the slot engine's growth (bench/engine_growth.py) and the comparison with
django-appointment (bench/appointment_compare.py), each a markdown fragment, and the HTTP
benchmarks (bench/http/run.py). A script that is missing or fails is recorded as
"not run: <reason>" and the others go on. Only the text between the markers
<!-- bench:performance:start --> and <!-- bench:performance:end --> is rewritten (the section is
appended at the end of the file the first time).
"""

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:performance:start -->"
END = "<!-- bench:performance:end -->"
HTTP_JSON = ROOT / "var" / "bench_http" / "results.json"
BEFORE_JSON = ROOT / "bench" / "http" / "before.json"
PYTHON = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable


def _step(title, script, args=(), quick_args=(), *, module=None, timeout=600, fenced=False):
    return {
        "title": title,
        "script": script,
        "args": list(args),
        "quick_args": list(quick_args),
        "module": module,
        "timeout": timeout,
        "fenced": fenced,  # plain text output, pasted in a code block
    }


STEPS = [
    _step("Charter: checks per second", "bench/charter_throughput.py", quick_args=["--seconds", "1"], fenced=True),
    _step("Charter: recall and false blocks on the corpus", "bench/charter_corpus.py", fenced=True),
    _step(
        "Slot engine in process: growth over spaces and days", "bench/engine_growth.py", quick_args=["--budget", "0.5"]
    ),
    _step("Slot engine against django-appointment", "bench/appointment_compare.py", quick_args=["--budget", "2"]),
    _step(
        "Over HTTP: booking, slot page, rush",
        "bench/http/run.py",
        args=["--json", str(HTTP_JSON.relative_to(ROOT))],
        quick_args=["--quick"],
        module="bench.http.run",
    ),
]


def _accepted(target: list[str], flags: list[str]) -> list[str]:
    """The quick flags the script's --help names (a script may not have them yet)."""
    if not flags:
        return []
    shown = subprocess.run(  # noqa: S603
        [sys.executable, *target, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    ).stdout
    options = [flag for flag in flags if flag.startswith("--")]
    return flags if all(option in shown for option in options) else []


def run_step(step: dict, *, quick: bool, commit: str | None = None) -> dict:
    script = ROOT / step["script"]
    if not script.exists():
        return {**step, "command": "", "output": None, "error": f"not run: {step['script']} does not exist"}
    target = ["-m", step["module"]] if step["module"] else [step["script"]]
    extra = _accepted(target, step["quick_args"]) if quick else []
    command = [PYTHON, *target, *step["args"], *extra]
    if commit and step["module"] == "bench.http.run":
        command += ["--commit", commit]
    printable = " ".join(shlex.quote(part) for part in command)
    print(f"== {printable}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, capture_output=True, text=True, timeout=step["timeout"], check=False
        )
    except subprocess.TimeoutExpired:
        return {**step, "command": printable, "output": None, "error": f"not run: timed out after {step['timeout']} s"}
    seconds = time.perf_counter() - started
    sys.stderr.write(done.stderr[-2000:])
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return {**step, "command": printable, "output": None, "error": f"not run: exit {done.returncode}: {last}"}
    return {**step, "command": printable, "output": done.stdout.strip(), "error": None, "seconds": seconds}


# --- the machine ------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _postgres_version() -> str:
    try:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close()
        return f"PostgreSQL {version.split()[0]}"
    except Exception as error:  # noqa: BLE001 - the section says so instead
        return f"PostgreSQL unknown ({type(error).__name__})"


def _git(*args) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603, S607


def commit_label() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "accounts", "bookings", "charter", "config", "stations", "templates")
    return f"{commit} with uncommitted changes" if dirty else commit


def machine() -> str:
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_ram()}, Python {platform.python_version()}, "
        f"{_postgres_version()}, {platform.system()} {platform.release()}"
    )


# --- the section ------------------------------------------------------------------------------


def _ratio(result: dict) -> float:
    return result["booking"]["per_second"] / result["insert"]["per_second"]


def summary_table(http: dict | None, before: dict | None) -> list[str]:
    """The issue's table: the HTTP figures of this run and of the recorded 'before', and the targets."""
    before_name = f"before (commit {before['setup']['commit']})" if before else "before"

    def cells(figures, render):
        return render(figures) if figures else "not measured"

    def _cpu_bound(figures):
        # Recorded since the fourth round (bench/http/cpu.py); a 'before' file may not have it.
        booking_cpu, insert_cpu = figures["booking"].get("cpu"), figures["insert"].get("cpu")
        if not booking_cpu or not insert_cpu:
            return ""
        return (
            f"; CPU per request {booking_cpu['total_ms']:.1f} vs {insert_cpu['total_ms']:.1f} ms, so at most "
            f"{insert_cpu['total_ms'] / booking_cpu['total_ms']:.3f}× on these cores"
        )

    def booking(key):
        return lambda r: (
            f"{r[key]['booking']['per_second']:,.0f} vs {r[key]['insert']['per_second']:,.0f} req/s: "
            f"**{_ratio(r[key]):.3f}×** (p95 {r[key]['booking']['p95_ms']:,.0f} ms)" + _cpu_bound(r[key])
        )

    def slot_page(r):
        page = r["slot_page"]
        return (
            f"**{page['ratio']:.1f}×** ({page['slot page']['median_ms']:.1f} ms vs "
            f"{page['one-query page']['median_ms']:.1f} ms)"
        )

    def rush(r):
        rush = r["rush"]["latency_ms"].get("booking POST", {})
        invariants = sum(r["invariants"].values())
        return (
            f"booking POST p50/p95/p99 {rush.get('p50', float('nan')):,.0f}/{rush.get('p95', float('nan')):,.0f}/"
            f"{rush.get('p99', float('nan')):,.0f} ms; "
            + ", ".join(f"{label} {count}" for label, count in sorted(r["rush"]["outcomes"].items()))
            + f"; 5xx {r['rush']['responses_5xx']}; "
            f"invariant violations {invariants}"
        )

    rows = [
        (
            "final booking POST, one station, 16 connections, vs one INSERT",
            booking("one_station"),
            "≥ 0.25×, p95 < 100 ms",
        ),
        ("the same, load spread over 4 stations", booking("four_stations"), "≥ 0.35×"),
        ("slot page, 12 rooms × 14-day horizon, vs a one-query page of the same size", slot_page, "≤ 2×"),
        ("rush: 500 buyers over 60 s on 3 stations", rush, "zero overbooking, zero 5xx"),
    ]
    lines = [f"| measure | {before_name} | this run | target |", "|---|---|---|---|"]
    for label, render, target in rows:
        lines.append(f"| {label} | {cells(before, render)} | {cells(http, render)} | {target} |")
    return lines


def section(results: list[dict], *, quick: bool, started: datetime, elapsed: float, commit: str | None) -> str:
    http = json.loads(HTTP_JSON.read_text()) if HTTP_JSON.exists() and _ran(results, "bench/http/run.py") else None
    before = json.loads(BEFORE_JSON.read_text()) if BEFORE_JSON.exists() else None
    commands = ["make bench            # = " + f"{PYTHON} bench/run_all.py" + (" --quick" if quick else "")]
    commands += [r["command"] for r in results if r["command"]]
    parts = [
        START,
        "## Performance: the slot engine and booking (issue 10)",
        "",
        f"Measured {started:%d %b %Y %H:%M} (local time of the machine) by `make bench`"
        + (" **with --quick** (shorter runs: indicative only)" if quick else "")
        + f", {elapsed / 60:.1f} minutes in all. Machine: {machine()}. Code: commit {commit or commit_label()}. "
        "Every ratio is taken within one run, its two sides interleaved; the load client runs on the same "
        "machine as gunicorn, PostgreSQL and Redis, and other engineers' work may share the two cores, so "
        "absolute figures move between runs more than the ratios do.",
        "",
        "```sh",
        *commands,
        "```",
        "",
        "### Against the issue's targets",
        "",
        *summary_table(http, before),
        "",
        "SQL statements per booking POST are asserted by the test suite, not measured here.",
    ]
    for result in results:
        parts += ["", f"### {result['title']}", ""]
        if result["error"]:
            parts.append(f"_{result['error']}_")
        elif result["fenced"]:
            parts += ["```text", result["output"], "```"]
        else:
            parts.append(result["output"])
    parts += ["", END]
    return "\n".join(parts)


def _ran(results, script) -> bool:
    return any(r["script"] == script and not r["error"] for r in results)


def docs_rewrite(text: str) -> None:
    """Replace the performance section between its markers, or append it; the rest of the file is kept."""
    current = DOCS.read_text(encoding="utf-8")
    if START in current and END in current:
        head, rest = current.split(START, 1)
        _old, tail = rest.split(END, 1)
        updated = head + text + tail
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    DOCS.write_text(updated, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs of each benchmark, for development")
    parser.add_argument("--no-docs", action="store_true", help="print the section instead of rewriting the docs")
    parser.add_argument("--commit", help="the code's commit, when the tree is not a git checkout (an export)")
    parser.add_argument(
        "--only", nargs="+", metavar="SCRIPT", help="run only these scripts and print the section (docs untouched)"
    )
    args = parser.parse_args()
    started = datetime.now().astimezone()  # the machine's local time, as the section says
    clock = time.perf_counter()
    steps = [s for s in STEPS if not args.only or any(s["script"].endswith(name) for name in args.only)]
    if HTTP_JSON.exists():
        HTTP_JSON.unlink()  # never report an earlier run's figures as this one's
    results = [run_step(step, quick=args.quick, commit=args.commit) for step in steps]
    text = section(results, quick=args.quick, started=started, elapsed=time.perf_counter() - clock, commit=args.commit)
    if args.no_docs or args.only:  # a partial run never replaces the recorded section
        print(text)
    else:
        docs_rewrite(text)
        print(f"{DOCS.relative_to(ROOT)}: performance section rewritten", file=sys.stderr)
    failed = [r["script"] for r in results if r["error"]]
    if failed:
        print("not run: " + ", ".join(failed), file=sys.stderr)


if __name__ == "__main__":
    main()
