"""The seeded charter measured on real listings (tests/charter/corpus.jsonl).

Each line is a listing as written on Leboncoin, Vinted or eBay, in French or English,
labelled by hand: "forbidden" (the charter forbids it, or an officer should look at it)
or "allowed", and the space it needs ("bay" for vehicles). The "set" field says which
batch a line came from: "first" was written before any matching rule, "holdout" after
the rules, without looking at them; "tuning-2026-11", "tuning-2026-11b", "tuning-2026-11c",
"tuning-2026-11d", "tuning-2026-11e", "tuning-2026-11f", "final-2026-11", "final-2026-11b" and
"final-2026-11c" by people who never saw the rules (issue 9), each measured once before any
tuning on it (docs/benchmarks.md). A batch kept unseen while tuning lives outside the corpus
(tests/charter/batches/ when there is one) until it has been measured.
Traps both ways: glue guns, film titles, toy washing machines, "armée", car seats...
Reproduce the figures with `python bench/charter_corpus.py`.
"""

import json
from pathlib import Path

import pytest

from charter.models import CharterVerdict
from charter.seed import charter_seed_first_version
from charter.selectors import charter_check
from charter.validator import BAY, ROOM

CORPUS = Path(__file__).with_name("corpus.jsonl")

MIN_RECALL = 0.97
MAX_FALSE_BLOCKS = 0.03
MAX_FALSE_BAYS = 0.03


def _listings() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def listings():
    return _listings()


@pytest.fixture
def verdicts(db, listings):
    version = charter_seed_first_version()
    return [
        (listing, charter_check(version=version, title=listing["title"], description=listing.get("description", "")))
        for listing in listings
    ]


def test_the_corpus_is_big_bilingual_and_labelled_both_ways(listings):
    assert len(listings) >= 1100
    assert {listing["label"] for listing in listings} == {"forbidden", "allowed"}
    assert {listing["lang"] for listing in listings} == {"fr", "en"}
    assert {listing["space_kind"] for listing in listings} == {ROOM, BAY}
    for lang in ("fr", "en"):
        for label in ("forbidden", "allowed"):
            assert sum(1 for x in listings if x["lang"] == lang and x["label"] == label) >= 40, (lang, label)
    assert len({(x["title"], x.get("description", "")) for x in listings}) == len(listings), "duplicate listings"


def test_recall_on_forbidden_listings(verdicts):
    forbidden = [(listing, verdict) for listing, verdict in verdicts if listing["label"] == "forbidden"]
    missed = [listing["title"] for listing, verdict in forbidden if verdict.verdict == CharterVerdict.ALLOWED]

    recall = 1 - len(missed) / len(forbidden)

    assert recall >= MIN_RECALL, f"recall {recall:.3f} < {MIN_RECALL}; missed: {missed}"


def test_false_blocks_on_allowed_listings(verdicts):
    allowed = [(listing, verdict) for listing, verdict in verdicts if listing["label"] == "allowed"]
    blocked = [(listing["title"], verdict.term) for listing, verdict in allowed if verdict.forbidden]

    rate = len(blocked) / len(allowed)

    assert rate <= MAX_FALSE_BLOCKS, f"false blocks {rate:.3f} > {MAX_FALSE_BLOCKS}: {blocked}"


def test_every_vehicle_is_routed_to_a_bay(verdicts):
    vehicles = [(listing, verdict) for listing, verdict in verdicts if listing["space_kind"] == BAY]
    assert len(vehicles) >= 30

    assert [listing["title"] for listing, verdict in vehicles if verdict.space_kind != BAY] == []
    assert [listing["title"] for listing, verdict in vehicles if verdict.verdict != CharterVerdict.ALLOWED] == []


def test_few_objects_are_sent_to_a_bay(verdicts):
    objects = [(listing, verdict) for listing, verdict in verdicts if listing["space_kind"] == ROOM]
    sent_to_bay = [(listing["title"], verdict.term) for listing, verdict in objects if verdict.space_kind == BAY]

    assert len(sent_to_bay) / len(objects) <= MAX_FALSE_BAYS, sent_to_bay
