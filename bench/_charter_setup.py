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

from charter.knowledge import knowledge_compile, knowledge_load  # noqa: E402

CORPUS = ROOT / "tests" / "charter" / "corpus.jsonl"


def seeded_rules():
    """The knowledge files' rules, compiled as charter.selectors compiles a version's (ids = positions)."""
    return knowledge_compile(knowledge_load())


def corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
