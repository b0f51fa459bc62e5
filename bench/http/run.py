"""HTTP benchmarks of the booking wizard under gunicorn with the production settings (issue 10, item 4).

    .venv/bin/python -m bench.http.run            # about 4 minutes; --quick for about 1.5
    .venv/bin/python -m bench.http.run --json var/bench_http/results.json --save-before

Creates (drops first) the PostgreSQL database sx_bench_http and empties Redis database
14, migrates, makes the data through the ORM (bench.http.dataset), collects the static
files, starts gunicorn, then measures, each side against its baseline in the same run,
rounds interleaved:

1. the final booking POST against a bare view doing one INSERT, 16 connections, one
   station, then the load spread over four;
2. the slot page (12 rooms, 14-day horizon) against a one-query page of the same size,
   sequential requests, as the slot cache mostly serves it and right after a change;
3. a rush of buyers over a minute on three stations, with the database checked after.

Prints a markdown fragment (the tables of docs/benchmarks.md's performance section,
with the issue's targets and the recorded "before" figures beside them). The load
client runs on the same two cores as the server, PostgreSQL and Redis.

bench/ and bench/http/ have no __init__.py on purpose: the scripts in bench/ run with
bench/ on sys.path, where a regular package named http would hide the standard
library's; as namespace packages, bench.http is found from the repository's root only.
"""

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http import server  # noqa: E402

BEFORE_FILE = Path(__file__).resolve().parent / "before.json"
PRODUCT_PATHS = ["accounts", "bookings", "charter", "config", "stations", "templates"]


def commit_label(root: Path) -> str:
    """The commit the product code is at, marked when the product files differ from it."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603, S607

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", *PRODUCT_PATHS)
    return f"{commit} with uncommitted changes" if dirty else commit


def sizes(quick: bool) -> dict:
    if quick:
        return {"rounds": 3, "seconds": 2.0, "one": 900, "four": 1200, "slot_requests": 10, "rush": 150, "rush_s": 20}
    return {"rounds": 5, "seconds": 3.0, "one": 5000, "four": 8000, "slot_requests": 20, "rush": 500, "rush_s": 60}


def prepare(n: dict):
    """Database, data, static files. Returns the tickets of each measure."""
    from django.core.management import call_command
    from django.utils import timezone

    from bench.http import dataset as d

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    now = timezone.now()
    d.charter_publish()
    d.insert_table_create()

    one = d.station_create(d.StationSpec("bench-one"), now=now)
    four = [d.station_create(d.StationSpec(f"bench-four-{n}"), now=now) for n in range(1, 5)]
    page_station = d.station_create(d.StationSpec("bench-slot-page"), now=now)
    filled = d.bookings_fill(page_station, now=now, share=0.25)
    rush_spec = {"rooms": 4, "officers": 6, "cap": 6}
    rush_stations = [d.station_create(d.StationSpec(f"bench-rush-{n}", **rush_spec), now=now) for n in range(1, 4)]

    buyers = d.buyers_create("buyer", max(n["one"], n["four"]), now=now)
    one_tickets, drafts = d.booking_tickets(one, buyers[: n["one"]], now=now, rooms=12)
    per_station = n["four"] // 4
    four_tickets = []
    for index, station in enumerate(four):
        tickets, station_drafts = d.booking_tickets(
            station, buyers[index * per_station : (index + 1) * per_station], now=now, rooms=12
        )
        four_tickets.append(tickets)
        drafts += station_drafts
    # Round robin over the four stations, each in slot order.
    four_tickets = [ticket for group in zip(*four_tickets, strict=False) for ticket in group]

    (page_buyer, page_key), *_ = d.buyers_create("page", 1, now=now)
    drafts.append((page_buyer, page_station, {"item": dict(d.ITEM)}))
    page_ticket = d.Ticket(page_key, page_station.slug, page_buyer.pk)

    rush_buyers = d.buyers_create("rush", n["rush"], now=now)
    rush_tickets = []
    for number, (user, key) in enumerate(rush_buyers):
        station = rush_stations[number % 3]
        drafts.append((user, station, {"item": dict(d.ITEM), "seller": d.seller_answers(user.pk, station.slug)}))
        rush_tickets.append(d.Ticket(key, station.slug, user.pk))
    d.drafts_create(drafts, now=now)
    d.analyze()
    return {
        "one": one_tickets,
        "four": four_tickets,
        "page": page_ticket,
        "rush": rush_tickets,
        "rush_slugs": [s.slug for s in rush_stations],
        "filled": filled,
        "slots_one_station": len(d.slot_starts(one, now=now)),
    }


def slot_cache_renewal(slug: str):
    """What a booking at the station does to the slot cache (bookings.slots.cache), without the booking."""
    from bookings.slots.cache import availability_changed
    from stations.models import Station

    station_id = Station.objects.values_list("pk", flat=True).get(slug=slug)
    return lambda: availability_changed(station_id)


def measure(n: dict, data: dict, gunicorn, *, only: str | None = None) -> dict:
    from bench.http import booking_load, checks, journeys, rush, slot_page_load

    results = {}
    journeys.charter_version_remember()
    asyncio.run(booking_load.warm_up(port=gunicorn.port, tickets=data["one"] + data["four"]))
    if only == "booking":
        return _measure_bookings(n, data, gunicorn, results)
    print("… slot page", file=sys.stderr)
    results["slot_page"] = slot_page_load.run(
        port=gunicorn.port,
        ticket=data["page"],
        rounds=n["rounds"],
        requests_per_round=n["slot_requests"],
        renew=slot_cache_renewal(data["page"].slug),
    )
    _measure_bookings(n, data, gunicorn, results)
    print("… rush", file=sys.stderr)
    results["rush"] = rush.run(port=gunicorn.port, tickets=data["rush"], seconds=n["rush_s"])
    results["rush"]["booked_in_database"] = checks.bookings_by_station(data["rush_slugs"])
    results["invariants"] = checks.invariants_count()
    results["celery_messages_queued"] = server.redis_queued()
    return results


def _measure_bookings(n: dict, data: dict, gunicorn, results: dict) -> dict:
    from bench.http import booking_load, checks

    print("… booking, one station", file=sys.stderr)
    results["one_station"] = booking_load.run(
        port=gunicorn.port,
        tickets=data["one"],
        rounds=n["rounds"],
        seconds=n["seconds"],
        gunicorn_pid=gunicorn.process.pid,
    )
    print("… booking, four stations", file=sys.stderr)
    results["four_stations"] = booking_load.run(
        port=gunicorn.port,
        tickets=data["four"],
        rounds=n["rounds"],
        seconds=n["seconds"],
        gunicorn_pid=gunicorn.process.pid,
    )
    results["invariants"] = checks.invariants_count()
    return results


def _bookings_summary(results: dict) -> str:
    """The booking measure's lines, for --only booking (the report's tables need every measure)."""
    lines = []
    for load in ("one_station", "four_stations"):
        booking, insert = results[load]["booking"], results[load]["insert"]
        lines.append(
            f"{load}: {booking['per_second']:.0f} bookings/s (p50 {booking['p50_ms']:.0f} ms, p95"
            f" {booking['p95_ms']:.0f} ms) vs {insert['per_second']:.0f} inserts/s (p50 {insert['p50_ms']:.1f} ms,"
            f" p95 {insert['p95_ms']:.1f} ms): {booking['per_second'] / insert['per_second']:.3f}x;"
            f" outcomes {booking['outcomes']}"
        )
    lines.append(f"invariants: {results['invariants']}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, buyers and a 20-second rush")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--save-before", action="store_true", help="record these figures as 'before'")
    parser.add_argument("--before-file", type=Path, default=BEFORE_FILE)
    parser.add_argument("--commit", help="the code's commit, when it is not a git checkout (an exported tree)")
    parser.add_argument("--render", type=Path, help="print the tables of an earlier run's --json file; no measuring")
    parser.add_argument("--only", choices=["booking"], help="measure only the booking POST against the INSERT")
    parser.add_argument("--keep-db", action="store_true", help="leave sx_bench_http in place afterwards")
    args = parser.parse_args()
    if args.render:
        from bench.http.report import markdown

        before = json.loads(args.before_file.read_text()) if args.before_file.exists() else None
        results = json.loads(args.render.read_text())
        print(markdown(results, before=None if results == before else before))
        return

    os.environ.update(server.environment())
    server.database_recreate()
    server.redis_flush()
    import django

    django.setup()
    n = sizes(args.quick)
    started = time.perf_counter()
    print("… data", file=sys.stderr)
    data = prepare(n)
    setup_seconds = time.perf_counter() - started
    gunicorn = server.Gunicorn()
    gunicorn.start()
    try:
        results = measure(n, data, gunicorn, only=args.only)
    finally:
        gunicorn.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            server.database_drop()
        server.redis_flush()
    results["setup"] = {
        "server": gunicorn.description,
        "client": "asyncio HTTP/1.1 keep-alive client (bench/http/client.py) on the same machine",
        "commit": args.commit or commit_label(server.ROOT),
        "python": platform.python_version(),
        "sizes": n,
        "quick": args.quick,
        "setup_seconds": round(setup_seconds, 1),
        "measure_seconds": round(time.perf_counter() - started - setup_seconds, 1),
        "slot_page_bookings_filled": data["filled"],
        "slots_one_station": data["slots_one_station"],
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if args.only:
        print(_bookings_summary(results))
        return
    if args.save_before:
        args.before_file.write_text(json.dumps(results, indent=2, default=str) + "\n")
    before = json.loads(args.before_file.read_text()) if args.before_file.exists() else None
    from bench.http.report import markdown

    print(markdown(results, before=None if args.save_before else before))


if __name__ == "__main__":
    main()
