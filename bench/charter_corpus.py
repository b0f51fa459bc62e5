"""The seeded charter's figures on the labelled corpus, overall and per batch and language.

    .venv/bin/python bench/charter_corpus.py [--misses] [--file tests/charter/batches/tuning_2026_11.jsonl]

Recall: forbidden listings given "forbidden" or "review". False blocks: allowed listings
given "forbidden" ("review" books, flagged). Bays: vehicles sent to a bay; false bays:
objects sent to a bay. tests/charter/test_corpus.py asserts the thresholds.
"""

import argparse
from collections import defaultdict
from pathlib import Path

from _charter_setup import corpus, seeded_rules

from charter.validator import BAY, check_item


def figures(rows, rules):
    forbidden = [r for r in rows if r["label"] == "forbidden"]
    allowed = [r for r in rows if r["label"] == "allowed"]
    vehicles = [r for r in rows if r["space_kind"] == BAY]
    objects = [r for r in rows if r["space_kind"] != BAY]
    verdict = {id(r): check_item(rules, title=r["title"], description=r.get("description", "")) for r in rows}
    missed = [r["title"] for r in forbidden if verdict[id(r)].verdict == "allowed"]
    reviewed = [r for r in forbidden if verdict[id(r)].verdict == "review"]
    blocked = [r["title"] for r in allowed if verdict[id(r)].forbidden]
    flagged = [r["title"] for r in allowed if verdict[id(r)].needs_review]
    bay_missed = [r["title"] for r in vehicles if verdict[id(r)].space_kind != BAY]
    false_bays = [r["title"] for r in objects if verdict[id(r)].space_kind == BAY]
    return {
        "listings": len(rows),
        "recall": 1 - len(missed) / len(forbidden) if forbidden else None,
        "of which review": len(reviewed),
        "false blocks": len(blocked) / len(allowed) if allowed else None,
        "allowed flagged for review": len(flagged),
        "vehicles to a bay": f"{len(vehicles) - len(bay_missed)}/{len(vehicles)}",
        "objects to a bay": f"{len(false_bays)}/{len(objects)}",
        "_missed": missed,
        "_blocked": blocked,
        "_bay_missed": bay_missed,
        "_false_bays": false_bays,
    }


def show(name, result, misses):
    shown = ", ".join(
        f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}"
        for key, value in result.items()
        if not key.startswith("_")
    )
    print(f"{name:<22} {shown}")
    if misses:
        for key in ("_missed", "_blocked", "_bay_missed", "_false_bays"):
            for title in result[key]:
                print(f"    {key[1:]}: {title}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every listing the charter gets wrong")
    parser.add_argument("--file", type=Path, help="a JSON Lines batch instead of the corpus")
    args = parser.parse_args()
    rules = seeded_rules()
    rows = corpus(args.file) if args.file else corpus()
    show("all", figures(rows, rules), args.misses)
    groups = defaultdict(list)
    for row in rows:
        groups[f"set={row.get('set', '?')}"].append(row)
        groups[f"lang={row['lang']}"].append(row)
    for name in sorted(groups):
        show(name, figures(groups[name], rules), args.misses)


if __name__ == "__main__":
    main()
