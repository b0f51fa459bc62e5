"""One final booking POST, profiled in process: where its CPU goes, request by request.

    .venv/bin/python bench/http/profile_booking.py                   # CPU ms per POST, then the top of a profile
    .venv/bin/python bench/http/profile_booking.py --bookings 400 --sort tottime --top 60

The production settings (bench.http.settings, as the HTTP benchmark's gunicorn runs them),
PostgreSQL and Redis: a database of its own (dropped first, --database) and a Redis
database of its own (--redis, emptied first). The same data as the HTTP benchmark's one
station (bench.http.dataset): buyers logged in, each with a draft holding a slot and a
room of their own. Each POST goes through the WSGI handler gunicorn calls (every
middleware, the signals that open and close a request), built as the load client sends
it (session and CSRF cookies, Origin, X-Forwarded-Proto). Every POST must book.

Prints the CPU time of this process per POST (the server's part: PostgreSQL and Redis
run in their own processes) and the wall-clock time, then cProfile's figures over the
profiled POSTs. A measurement, not a test.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http import server  # noqa: E402


def environ_for(ticket, *, method: str, form: dict | None, csrf: str) -> dict:
    """The WSGI environ gunicorn builds for the load client's request (bench/http/client.py)."""
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    path = f"/bookings/new/{ticket.slug}/review/"
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "bench.local",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "sx-bench",
        "HTTP_COOKIE": f"sessionid={ticket.session_key}; csrftoken={csrf}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if method == "POST":
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["HTTP_ORIGIN"] = "https://bench.local"
    return environ


def call(application, environ) -> tuple[str, dict]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    response = application(environ, start_response)
    b"".join(response)
    if hasattr(response, "close"):
        response.close()  # request_finished, as gunicorn sends it
    return answer["status"], answer["headers"]


def explain_statements(post, ticket, *, plans: bool = False) -> None:
    """Each statement of one POST run again under EXPLAIN ANALYZE (rolled back): planning and execution."""
    from django.db import connection, transaction

    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        post(ticket)
    planning = execution = 0.0
    for number, (sql, params) in enumerate(seen, start=1):
        if not sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE", "EXECUTE")):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        plan = next(float(line.split()[-2]) for line in lines if line.startswith("Planning Time"))
        run = next(float(line.split()[-2]) for line in lines if line.startswith("Execution Time"))
        planning, execution = planning + plan, execution + run
        print(f"{number:2d}. planning {plan:6.3f} ms, execution {run:6.3f} ms  {' '.join(sql.split())[:90]}")
        if plans:
            print("\n".join(lines))
    print(f"    planning {planning:.3f} ms, execution {execution:.3f} ms in all")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
        for name, generic, custom in cursor.fetchall():
            print(f"    prepared {name}: {generic} generic plans, {custom} custom plans")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=300, help="POSTs timed, then as many profiled")
    parser.add_argument("--database", default="sx_post")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key (cumulative, tottime)")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--callers", help="also print the callers of functions matching this")
    parser.add_argument("--wall", action="store_true", help="profile wall-clock time instead of this process's CPU")
    parser.add_argument("--pyinstrument", action="store_true", help="also a call tree by pyinstrument (wall-clock)")
    parser.add_argument("--statements", action="store_true", help="print the SQL of one POST first")
    parser.add_argument("--explain", action="store_true", help="print the plan of one POST's slot check first")
    parser.add_argument("--plans", action="store_true", help="with --explain, print the plans too")
    parser.add_argument("--dump", type=Path, help="write the raw profile here (for snakeviz and the like)")
    args = parser.parse_args()

    server.DATABASE_NAME = args.database
    server.REDIS_URL = args.redis
    os.environ.update(server.environment())
    server.database_recreate()
    server.redis_flush()
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.utils import timezone

    from bench.http import dataset as d
    from bench.http.journeys import CSRF_SECRET
    from charter.selectors import charter_current

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    now = timezone.now()
    d.charter_publish()
    station = d.station_create(d.StationSpec("profile-one"), now=now)
    count = 3 * args.bookings + 50
    buyers = d.buyers_create("profile", count, now=now)
    tickets, drafts = d.booking_tickets(station, buyers, now=now, rooms=12)
    d.drafts_create(drafts, now=now)
    d.insert_table_create()
    d.analyze()
    application = get_wsgi_application()
    form = {"csrfmiddlewaretoken": CSRF_SECRET, "accept_charter": "on", "charter_version": charter_current().pk}

    def post(ticket):
        status, headers = call(application, environ_for(ticket, method="POST", form=form, csrf=CSRF_SECRET))
        if not (status.startswith("302") and "/bookings/SX-" in headers.get("Location", "")):
            raise SystemExit(f"the POST did not book: {status} {headers.get('Location')}")

    supply = list(reversed(tickets))
    for _ in range(50):  # the charter's rules compiled, connections open, caches warm
        call(application, environ_for(supply[-1], method="GET", form=None, csrf=CSRF_SECRET))
        post(supply.pop())
    d.analyze()  # the station's bookings in the planner's statistics, as autovacuum would soon put them

    if args.statements:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            post(supply.pop())
        for number, query in enumerate(captured.captured_queries, start=1):
            print(f"{number:2d}. {query['time']} s  {query['sql'][:300]}")

    cpu, wall = [], []
    for _ in range(args.bookings):
        ticket = supply.pop()
        started_cpu, started = time.process_time(), time.perf_counter()
        post(ticket)
        cpu.append(1000 * (time.process_time() - started_cpu))
        wall.append(1000 * (time.perf_counter() - started))
    print(
        f"{args.bookings} POSTs, one at a time: CPU of this process per POST median {statistics.median(cpu):.2f} ms"
        f" (mean {statistics.mean(cpu):.2f}), wall-clock median {statistics.median(wall):.2f} ms"
    )
    baseline_cpu = []
    for _ in range(args.bookings):  # the HTTP benchmark's baseline: the bare view doing one INSERT
        environ = environ_for(tickets[0], method="POST", form={"note": "un exemple de formulaire"}, csrf=CSRF_SECRET)
        environ.update(PATH_INFO="/bench-baseline/insert/", HTTP_COOKIE="")
        started_cpu = time.process_time()
        status, _headers = call(application, environ)
        baseline_cpu.append(1000 * (time.process_time() - started_cpu))
        assert status.startswith("201"), status
    print(f"the bare view doing one INSERT: CPU per POST median {statistics.median(baseline_cpu):.2f} ms")

    if args.explain:  # after the timed POSTs: the station has their bookings
        explain_statements(post, supply.pop(), plans=args.plans)
    if args.pyinstrument:
        from pyinstrument import Profiler  # a profiling tool, not a requirement: pip install pyinstrument

        sampler = Profiler(interval=0.0002)
        sampler.start()
        for _ in range(args.bookings):
            post(supply.pop())
        sampler.stop()
        print(sampler.output_text(unicode=True, color=False, show_all=False, short_mode=False))
    # This process's CPU time, not the wall clock: waits for PostgreSQL and Redis are not this process's cost.
    profiler = cProfile.Profile(time.process_time) if not args.wall else cProfile.Profile()
    profiler.enable()
    for _ in range(args.bookings):
        post(supply.pop())
    profiler.disable()
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)

    from django.db import connections

    connections.close_all()
    server.database_drop()
    server.redis_flush()


if __name__ == "__main__":
    main()
