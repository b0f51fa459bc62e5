"""Shared by the charter benchmarks: Django set up, the seeded rules compiled, the corpus read."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from charter.seed import RULES  # noqa: E402
from charter.validator import compile_rule  # noqa: E402

CORPUS = ROOT / "tests" / "charter" / "corpus.jsonl"


def seeded_rules():
    """The first charter version's rules, compiled as charter.selectors compiles them (ids = positions)."""
    return tuple(
        compile_rule(
            rule_id=index,
            category=rule["category"],
            verdict=rule["verdict"],
            terms="\n".join(rule["terms"]),
            exceptions="\n".join(rule["exceptions"]),
            reason_fr=rule["reason_fr"],
            reason_en=rule["reason_en"],
            position=index,
        )
        for index, rule in enumerate(RULES)
    )


def corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
