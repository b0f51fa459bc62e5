"""The markdown tables of the performance section, the issue's targets beside the figures."""


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _ratio(value: float) -> str:
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


def _booking_row(label: str, figures: dict, target: str) -> str:
    booking, insert = figures["booking"], figures["insert"]
    ratio = booking["per_second"] / insert["per_second"] if insert["per_second"] else float("nan")
    return (
        f"| {label} | {_n(booking['per_second'])} bookings/s (p50 {_n(booking['p50_ms'])} ms, "
        f"p95 {_n(booking['p95_ms'])} ms) | {_n(insert['per_second'])} inserts/s (p50 {_n(insert['p50_ms'], 1)} ms, "
        f"p95 {_n(insert['p95_ms'], 1)} ms) | **{_ratio(ratio)}** | {booking['successes']:,} / {booking['failures']:,} "
        f"| {target} |"
    )


def _before_label(before: dict) -> str:
    return f"before (commit {before['setup']['commit']})"


def booking_table(results: dict, before: dict | None) -> list[str]:
    lines = [
        "| load | final booking POST | bare view, one INSERT | ratio | booked / failed | target |",
        "|---|---|---|---|---|---|",
    ]
    for key, label, target in (
        ("one_station", "one station, 16 connections", "≥ 0.25×, p95 < 100 ms"),
        ("four_stations", "four stations, 16 connections", "≥ 0.35×"),
    ):
        lines.append(_booking_row(label, results[key], target))
        if before and key in before:
            lines.append(_booking_row(_before_label(before), before[key], ""))
    notes = []
    for key, label in (("one_station", "one station"), ("four_stations", "four stations")):
        booking = results[key]["booking"]
        failures = {k: v for k, v in booking["outcomes"].items() if k != "booked"}
        if failures:
            notes.append(f"{label}: failures {failures}")
        if booking["supply_ran_out"]:
            notes.append(f"{label}: the prepared buyers ran out in {booking['supply_ran_out']} round(s)")
    if notes:
        lines += ["", "Not booked: " + "; ".join(notes) + "."]
    return lines


def _cpu_row(label: str, side: str, figures: dict) -> str | None:
    cpu = figures.get("cpu")
    if not cpu:
        return None
    ms = cpu["ms"]
    return (
        f"| {label} | {side} | {ms['web']:.1f} | {ms['postgresql']:.1f} | {ms['redis']:.2f} | {ms['client']:.2f} "
        f"| **{cpu['total_ms']:.1f}** | {_n(cpu['ceiling_per_second'])}/s | {_n(figures['per_second'])}/s |"
    )


def cpu_table(results: dict) -> list[str]:
    """What each request cost the machine's cores, by kind of process, over the rounds of each side."""
    lines = [
        "| load | side | web (gunicorn) ms | PostgreSQL ms | Redis ms | load client ms | CPU per request |"
        " the cores' ceiling | measured |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    bounds = []
    for key, label in (("one_station", "one station"), ("four_stations", "four stations")):
        booking, insert = results[key]["booking"], results[key]["insert"]
        rows = [_cpu_row(label, "booking POST", booking), _cpu_row(label, "one INSERT", insert)]
        lines += [row for row in rows if row]
        if booking.get("cpu") and insert.get("cpu"):
            bounds.append(f"{label} {insert['cpu']['total_ms'] / booking['cpu']['total_ms']:.3f}×")
    if not bounds:
        return []
    return [
        *lines,
        "",
        "The ratio the cores allow when both sides use all of them (the INSERT's CPU per request over the "
        f"booking's): {', '.join(bounds)}.",
    ]


def _slot_row(label: str, figures: dict) -> str:
    page, baseline = figures["slot page"], figures["one-query page"]
    return (
        f"| {label} | {page['median_ms']:.1f} ms (p95 {page['p95_ms']:.1f}) | "
        f"{baseline['median_ms']:.1f} ms (p95 {baseline['p95_ms']:.1f}) | **{figures['ratio']:.1f}×** | "
        f"{figures['bytes']['slot page']:,} / {figures['bytes']['one-query page']:,} |"
    )


def slot_page_table(results: dict, before: dict | None) -> list[str]:
    lines = [
        "| page | slot page (median) | one-query page (median) | ratio (target ≤ 2×) | bytes |",
        "|---|---|---|---|---|",
        _slot_row("12 rooms × 14-day horizon, a quarter of the room slots booked", results["slot_page"]),
    ]
    changed = results["slot_page"].get("slot page, availability just changed")
    if changed:
        baseline = results["slot_page"]["one-query page"]
        lines.append(
            f"| the same, availability just changed (the slot cache's token renewed before each request) "
            f"| {changed['median_ms']:.1f} ms (p95 {changed['p95_ms']:.1f}) "
            f"| {baseline['median_ms']:.1f} ms (p95 {baseline['p95_ms']:.1f}) "
            f"| **{results['slot_page']['ratio_just_changed']:.1f}×** | |"
        )
    if before and "slot_page" in before:
        lines.append(_slot_row(_before_label(before), before["slot_page"]))
    return lines


def _rush_rows(label: str, rush: dict) -> list[str]:
    rows = []
    for request, q in rush["latency_ms"].items():
        rows.append(f"| {label} | {request} | {_n(q['p50'])} | {_n(q['p95'])} | {_n(q['p99'])} |")
    return rows


def rush_table(results: dict, before: dict | None) -> list[str]:
    rush = results["rush"]
    lines = ["| run | request | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    lines += _rush_rows("this run", rush)
    if before and "rush" in before:
        lines += _rush_rows(_before_label(before), before["rush"])
    outcomes = ", ".join(f"{label} {count}" for label, count in sorted(rush["outcomes"].items()))
    lines += [
        "",
        f"{rush['buyers']} buyers arriving at random over {rush['seconds']:.0f} s on three stations (4 rooms, "
        f"6 officers each capped at 6 bookings a shift), each picking one of the first 3 free slots the page shows: "
        f"**{outcomes}**; 5xx responses: **{rush['responses_5xx']}** (target 0); bookings in the database per "
        f"station: {rush['booked_in_database']}.",
    ]
    if before and "rush" in before:
        b = before["rush"]
        lines.append(
            f"{_before_label(before)}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(b["outcomes"].items()))
            + f"; 5xx {b['responses_5xx']}."
        )
    return lines


def invariants_table(results: dict) -> list[str]:
    lines = ["| checked in the database after every load | count | target |", "|---|---|---|"]
    lines += [f"| {name} | **{count}** | 0 |" for name, count in results["invariants"].items()]
    return lines


def markdown(results: dict, *, before: dict | None = None) -> str:
    setup = results["setup"]
    parts = [
        f"Server: {setup['server']}; PostgreSQL database sx_bench_http, Redis database 14, production "
        f"settings (bench.http.settings adds only the URLconf with the baselines). Client: {setup['client']}. "
        f"Code measured: commit {setup['commit']}. Rounds: {setup['sizes']['rounds']} of "
        f"{setup['sizes']['seconds']:.0f} s per side, interleaved; medians over rounds, latencies over all requests"
        + (" (**--quick run**)" if setup["quick"] else "")
        + ".",
        "",
        "#### Final booking POST against a bare view doing one INSERT",
        "",
        "Stations open 07:00–23:00 every day in 30-minute slots, 14-day horizon, 12 rooms, 16 officers on "
        "shift over all the open hours with a cap of 32 bookings a shift (staffing never binds). Each buyer "
        "(verified address, logged-in session) has a wizard draft holding the item, a (slot, room) of their "
        "own and a seller at a domain of their own, so every POST should book; "
        f"{setup['sizes']['one']:,} buyers prepared for one station, {setup['sizes']['four']:,} spread over "
        "four, shared evenly between the rounds (a round ends early when its share is used up). The baseline "
        "view reads the posted form, inserts one row into a table of its own and answers 201; it gets no "
        "session cookie, so that INSERT is its only query.",
        "",
        *booking_table(results, before),
        "",
        "CPU per request answered, by kind of process, summed over each side's rounds (bench/http/cpu.py, "
        "from /proc; the ceiling is the machine's cores divided by the CPU per request):",
        "",
        *cpu_table(results),
        "",
        "#### Slot page against a one-query page of the same size (sequential requests)",
        "",
        "The wizard's slot step (GET) for a buyer whose draft holds an item, at a station like the ones above "
        f"with {setup['slot_page_bookings_filled']:,} confirmed bookings on about a quarter of its (slot, room) "
        "pairs, each with an officer. The baseline runs one query (generate_series) and renders its rows "
        "through a Django template into about the same number of bytes, without a session. The slot page "
        "keeps a station's availability between the changes that alter it (bookings.slots.cache): the first "
        "row is the page as a station's buyers mostly get it, the second the page right after a booking or "
        "any other change (the engine computes the whole horizon again).",
        "",
        *slot_page_table(results, before),
        "",
        "#### Rush",
        "",
        *rush_table(results, before),
        "",
        *invariants_table(results),
        "",
        f"Celery messages queued on Redis by the bookings (no worker runs): {results['celery_messages_queued']:,}.",
    ]
    return "\n".join(parts)
