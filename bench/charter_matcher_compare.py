"""This tree's charter matcher against another commit's, on the same knowledge, interleaved listing by listing.

    .venv/bin/python bench/charter_matcher_compare.py --against c10fcbb [--rounds 3]

The other commit's charter/validator is exported (git archive) into a temporary folder and
imported beside this tree's; both compile this tree's knowledge files. Each listing of
tests/charter/corpus.jsonl is then checked by one matcher and then the other, the order
alternating, and the time is summed per side: a loaded machine slows both alike. As written,
then with a 2,000-character description (bench/charter_throughput.py's padding). Also counts the
listings whose verdict differs. Not a test: figures go into docs/benchmarks.md.
"""

import argparse
import importlib
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from _charter_setup import ROOT, corpus
from charter_throughput import PADDING

from charter import validator as this_matcher
from charter.knowledge import knowledge_load


def other_matcher(revision: str, folder: Path):
    command = ["git", "archive", revision, "charter/validator"]
    archive = subprocess.run(command, cwd=ROOT, capture_output=True, check=True).stdout  # noqa: S603, S607 - git, ours
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "charter" / "validator").rename(folder / "other_validator")
    sys.path.insert(0, str(folder))
    return importlib.import_module("other_validator")


def outcome(check, rules, title: str, description: str) -> tuple:
    verdict = check(rules, title=title, description=description, explain=True)
    steps = tuple((step.rule_id, step.term, step.cancelled_by) for step in verdict.steps)
    return verdict.verdict, verdict.space_kind, verdict.rule_id, verdict.term, steps


def compare(sides: dict, listings: list, rounds: int) -> dict:
    clock = time.perf_counter_ns
    spent = dict.fromkeys(sides, 0)
    names = list(sides)
    for round_number in range(rounds):
        for index, (title, description) in enumerate(listings):
            order = names if (index + round_number) % 2 else names[::-1]
            for name in order:
                check, rules = sides[name]
                started = clock()
                check(rules, title=title, description=description)
                spent[name] += clock() - started
    return {name: rounds * len(listings) / (nanoseconds / 1e9) for name, nanoseconds in spent.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit whose matcher is compared with this tree's")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    knowledge = knowledge_load()
    with tempfile.TemporaryDirectory() as folder:
        other = other_matcher(args.against, Path(folder))
        sides = {
            name: (
                module.check_item,
                module.compile_rules(knowledge.rules, general_exceptions=knowledge.general_exceptions),
            )
            for name, module in (("this tree", this_matcher), (args.against, other))
        }
        rows = corpus()
        as_written = [(row["title"], row.get("description", "")) for row in rows]
        padded = [(title, (description + " " + PADDING * 20)[:2000]) for title, description in as_written]
        # Also the warm-up: each matcher compiles what it needs for a word on first meeting it.
        differ = sum(
            len({outcome(check, rules, title, description) for check, rules in sides.values()}) > 1
            for title, description in as_written + padded
        )
        print(f"listings whose verdict differs: {differ} of {len(as_written) + len(padded)}")
        for label, listings in (("as written", as_written), ("2,000-character description", padded)):
            rates = compare(sides, listings, args.rounds)
            ratio = rates["this tree"] / rates[args.against]
            shown = ", ".join(f"{name} {rate:,.0f} checks/s" for name, rate in rates.items())
            print(f"{label}: {shown}; this tree {ratio:.2f}x")


if __name__ == "__main__":
    main()
