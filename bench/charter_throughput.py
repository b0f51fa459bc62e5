"""Checks per second of the charter validator on this machine.

    .venv/bin/python bench/charter_throughput.py [--seconds 3]

Runs check_item() over the listings of tests/charter/corpus.jsonl (titles and
descriptions), again and again for a few seconds, with the seeded first version's
rules compiled once, exactly as a web process does after its first check. Also
times the same listings with a 2,000-character description (the form's maximum) and
the one-off cost of compiling the rules. Not a test: the figure goes into
docs/benchmarks.md.
"""

import argparse
import platform
import time

from _charter_setup import corpus, seeded_rules

from charter.validator import check_item

PADDING = (
    "Très bon état, peu servi, à récupérer sur place. Envoi possible. Pas d'échange. "
    "Very good condition, collection only, cash on pickup. "
)


def rate(rules, listings, seconds: float) -> tuple[float, int]:
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for title, description in listings:
            check_item(rules, title=title, description=description)
        done += len(listings)
    return done / (time.perf_counter() - started), done


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each measurement")
    args = parser.parse_args()

    started = time.perf_counter()
    rules = seeded_rules()
    compile_ms = (time.perf_counter() - started) * 1000

    listings = [(row["title"], row.get("description", "")) for row in corpus()]
    long_listings = [(title, (description + " " + PADDING * 20)[:2000]) for title, description in listings]
    check_item(rules, title="warm up")

    per_second, done = rate(rules, listings, args.seconds)
    long_per_second, long_done = rate(rules, long_listings, args.seconds)

    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"rules: {len(rules)} compiled in {compile_ms:.0f} ms (once per process and version)")
    print(f"corpus listings ({len(listings)}): {per_second:,.0f} checks/s over {done:,} checks")
    print(f"same with a 2,000-character description: {long_per_second:,.0f} checks/s over {long_done:,} checks")


if __name__ == "__main__":
    main()
