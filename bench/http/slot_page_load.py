"""The slot page (12 rooms, 14-day horizon) against a one-query page of the same size: sequential requests.

One connection, one request at a time, rounds interleaved: A is the wizard's slot
step for a buyer whose draft holds an item, B the baseline view rendering one
query's rows into about as many bytes as A's page. Medians over rounds.

The slot page keeps a station's availability between the changes that alter it
(bookings.slots.cache): A mostly reads it from there. With `renew` (a callable that
renews the station's slot cache token, run by this process between requests, outside
the timing), a third series A' measures the page as it is right after a booking or any
other change: the engine computes the horizon again.
"""

import asyncio
import statistics

from .client import Connection, Request, percentile
from .journeys import slot_choices, slot_get


async def slot_page_vs_one_query(*, port: int, ticket, rounds: int, requests_per_round: int, renew=None) -> dict:
    connection = Connection("127.0.0.1", port)
    try:
        page = await connection.send(slot_get(ticket))
        assert page.status == 200, f"slot page answered {page.status}"
        day, slots = slot_choices(page.body)
        baseline = Request("GET", f"/bench-baseline/page/?bytes={len(page.body)}")
        baseline_page = await connection.send(baseline)
        assert baseline_page.status == 200, f"baseline page answered {baseline_page.status}"
        for _ in range(5):  # warm both
            await connection.send(slot_get(ticket))
            await connection.send(baseline)
        series = [("slot page", slot_get(ticket), None), ("one-query page", baseline, None)]
        if renew is not None:
            series.insert(1, ("slot page, availability just changed", slot_get(ticket), renew))
        times = {label: [] for label, _request, _before in series}
        for _ in range(rounds):
            for label, request, before in series:
                round_times = []
                for _ in range(requests_per_round):
                    if before is not None:
                        before()
                    response = await connection.send(request)
                    assert response.status == 200, f"{label} answered {response.status}"
                    round_times.append(response.seconds)
                times[label].append(round_times)
    finally:
        await connection.close()
    result = {"bytes": {"slot page": len(page.body), "one-query page": len(baseline_page.body)}}
    result["slots shown"] = len(slots)
    result["day shown"] = day
    for label, rounds_times in times.items():
        flat = [t for round_times in rounds_times for t in round_times]
        result[label] = {
            "median_ms": 1000 * statistics.median(statistics.median(r) for r in rounds_times),
            "p95_ms": 1000 * percentile(flat, 0.95),
            "requests": len(flat),
        }
    result["ratio"] = result["slot page"]["median_ms"] / result["one-query page"]["median_ms"]
    if renew is not None:
        changed = result["slot page, availability just changed"]["median_ms"]
        result["ratio_just_changed"] = changed / result["one-query page"]["median_ms"]
    return result


def run(**kwargs) -> dict:
    return asyncio.run(slot_page_vs_one_query(**kwargs))
