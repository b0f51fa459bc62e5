"""Final booking POSTs against one INSERT under the same gunicorn: 16 connections, rounds interleaved.

Round after round, A then B: A sends the wizard's review POST for buyers whose draft
holds a slot and a room of their own (every one should book), B posts a form to the
bare view that inserts one row. Each round lasts `seconds` or until its share of the
prepared buyers is used up; the figures are the medians over rounds.
"""

import asyncio
import statistics
from collections import Counter

from . import cpu, server
from .baseline_views import INSERT_TABLE  # noqa: F401 - the table B writes to
from .client import Request, closed_loop, percentile
from .journeys import booking_outcome, review_get, review_post

CONNECTIONS = 16


def _baseline_request() -> Request:
    return Request("POST", "/bench-baseline/insert/", {}, {"note": "un exemple de formulaire"})


def _baseline_outcome(response) -> str:
    if response.status >= 500:
        return "5xx"
    return "inserted" if response.status == 201 else f"HTTP {response.status}"


async def warm_up(*, port: int, tickets: list) -> None:
    """Every worker compiles the charter's rules on its first check: do it before timing (GET review checks)."""
    pending = list(tickets[: CONNECTIONS * 8])
    await closed_loop(
        host="127.0.0.1",
        port=port,
        connections=CONNECTIONS * 2,
        next_request=lambda: review_get(pending.pop()) if pending else None,
        classify=lambda response: str(response.status),
        seconds=60,
    )
    await closed_loop(
        host="127.0.0.1",
        port=port,
        connections=CONNECTIONS,
        next_request=_baseline_request,
        classify=_baseline_outcome,
        seconds=1.0,
    )


async def booking_vs_insert(*, port: int, tickets: list, rounds: int, seconds: float, gunicorn_pid: int) -> dict:
    """Run the interleaved rounds; `tickets` are shared out evenly between the booking rounds.

    Also the CPU each side's requests cost, by kind of process (bench.http.cpu), summed over its rounds.
    """
    share = len(tickets) // rounds
    sides = {"booking": [], "insert": []}
    used = {"booking": Counter(), "insert": Counter()}

    def cpu_now() -> Counter:
        return cpu.snapshot(gunicorn_pid=gunicorn_pid, database=server.DATABASE_NAME)

    for number in range(rounds):
        supply = list(reversed(tickets[number * share : (number + 1) * share]))
        before = cpu_now()
        outcomes, elapsed = await closed_loop(
            host="127.0.0.1",
            port=port,
            connections=CONNECTIONS,
            next_request=lambda supply=supply: review_post(supply.pop()) if supply else None,
            classify=booking_outcome,
            seconds=seconds,
        )
        sides["booking"].append((outcomes, elapsed, not supply))
        between = cpu_now()
        used["booking"].update(between - before)
        outcomes, elapsed = await closed_loop(
            host="127.0.0.1",
            port=port,
            connections=CONNECTIONS,
            next_request=_baseline_request,
            classify=_baseline_outcome,
            seconds=seconds,
        )
        sides["insert"].append((outcomes, elapsed, False))
        used["insert"].update(cpu_now() - between)
    return {
        "booking": _summary(sides["booking"], success="booked", cpu_used=used["booking"]),
        "insert": _summary(sides["insert"], success="inserted", cpu_used=used["insert"]),
        "rounds": rounds,
        "seconds": seconds,
        "connections": CONNECTIONS,
    }


def _summary(rounds: list, *, success: str, cpu_used: Counter) -> dict:
    per_round = [sum(o.label == success for o in outcomes) / elapsed for outcomes, elapsed, _ in rounds]
    latencies = [o.seconds for outcomes, _, _ in rounds for o in outcomes]
    labels = Counter(o.label for outcomes, _, _ in rounds for o in outcomes)
    return {
        "per_second": statistics.median(per_round),
        "per_round": per_round,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "outcomes": dict(labels),
        "successes": labels.get(success, 0),
        "failures": sum(n for label, n in labels.items() if label != success),
        "supply_ran_out": sum(ran_out for _, _, ran_out in rounds),
        # Per request answered, whatever its outcome: a refusal costs CPU too.
        "cpu": cpu.per_request(cpu_used, len(latencies)),
    }


def run(**kwargs) -> dict:
    return asyncio.run(booking_vs_insert(**kwargs))
