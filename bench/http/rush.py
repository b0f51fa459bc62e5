"""A rush: buyers arriving at random over a minute on three stations, each loading the slot page and booking.

Each buyer opens a connection of their own at their arrival time, loads the slot page,
picks one of the first CHOICES free slots of the day it shows (so buyers contend for
the same slots and the last rooms and officers), posts the choice, then the review
step. Open loop: arrivals do not wait for the server. Booked, refused as taken, 5xx
and anything else are counted; the database is checked afterwards (bench.http.checks).
"""

import asyncio
import random
import time
from collections import Counter

from .client import Connection, percentile
from .journeys import booking_outcome, review_post, slot_choices, slot_get, slot_post

CHOICES = 3


async def _buyer(ticket, *, port, at, started, chooser, record):
    await asyncio.sleep(max(0.0, started + at - time.perf_counter()))
    connection = Connection("127.0.0.1", port)
    journey_started = time.perf_counter()
    try:
        page = await connection.send(slot_get(ticket))
        record("slot page", page)
        if page.status != 200:
            return "5xx" if page.status >= 500 else f"slot page HTTP {page.status}"
        day, slots = slot_choices(page.body)
        if not slots:
            return "no slot shown"
        chosen = await connection.send(slot_post(ticket, day=day, slot=chooser.choice(slots[:CHOICES])))
        record("slot choice POST", chosen)
        if chosen.status >= 500:
            return "5xx"
        if chosen.status == 200:
            return "taken"  # gone between the page and the choice: the form says so
        if chosen.status != 302 or not chosen.location.endswith("/seller/"):
            return f"slot choice HTTP {chosen.status} {chosen.location}"
        booked = await connection.send(review_post(ticket))
        record("booking POST", booked)
        return booking_outcome(booked)
    finally:
        record("journey", None, time.perf_counter() - journey_started)
        await connection.close()


async def rush(*, port: int, tickets: list, seconds: float, seed: int = 11) -> dict:
    chooser = random.Random(seed)
    arrivals = sorted(chooser.uniform(0, seconds) for _ in tickets)
    latencies: dict[str, list[float]] = {}
    statuses = Counter()

    def record(label, response, seconds=None):
        latencies.setdefault(label, []).append(response.seconds if response is not None else seconds)
        if response is not None:
            statuses[response.status // 100] += 1

    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            _buyer(ticket, port=port, at=at, started=started, chooser=random.Random(seed + n), record=record)
            for n, (ticket, at) in enumerate(zip(tickets, arrivals, strict=True))
        ),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - started
    outcomes = Counter(r if isinstance(r, str) else f"client error: {type(r).__name__}" for r in results)
    return {
        "buyers": len(tickets),
        "seconds": seconds,
        "elapsed": elapsed,
        "outcomes": dict(outcomes),
        "responses_5xx": statuses.get(5, 0),
        "latency_ms": {
            label: {q: 1000 * percentile(values, f) for q, f in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}
            for label, values in latencies.items()
        },
    }


def run(**kwargs) -> dict:
    return asyncio.run(rush(**kwargs))
