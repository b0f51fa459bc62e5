import pytest

from charter.models import CharterVersion, Rule, RuleCategory
from charter.seed import RULES, charter_seed_first_version
from charter.selectors import charter_check, charter_current


@pytest.fixture
def seeded_charter(db):
    return charter_seed_first_version()


def test_seed_publishes_version_one_with_a_rule_per_category(seeded_charter):
    assert charter_current() == seeded_charter
    assert seeded_charter.number == 1
    assert seeded_charter.published_at is not None
    assert set(seeded_charter.rules.values_list("category", flat=True)) == set(RuleCategory.values)
    assert all([seeded_charter.summary_fr, seeded_charter.summary_en, seeded_charter.text_fr, seeded_charter.text_en])
    assert all(rule.reason_fr and rule.reason_en for rule in seeded_charter.rules.all())


def test_seeding_twice_keeps_one_version_and_its_rules(seeded_charter):
    rule_ids = set(seeded_charter.rules.values_list("id", flat=True))

    again = charter_seed_first_version()

    assert again == seeded_charter
    assert CharterVersion.objects.count() == 1
    assert set(Rule.objects.values_list("id", flat=True)) == rule_ids


def test_an_existing_version_one_is_left_as_it_is(charter):
    rule_count = charter.rules.count()

    version = charter_seed_first_version()

    assert version == charter
    assert version.rules.count() == rule_count
    assert version.text_en == "Charter of forbidden items."


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Machette de jardin", RuleCategory.BLADE),
        ("Lave-linge Samsung 8kg", RuleCategory.BULKY),
        ("Bouteille de gaz butane", RuleCategory.DANGEROUS),
        ("fusil de chasse", RuleCategory.WEAPON),
        ("Kitchen knife set", RuleCategory.BLADE),
        ("Set of kitchen knives", RuleCategory.BLADE),
        ("Couteaux de cuisine", RuleCategory.BLADE),
        ("Machines à laver", RuleCategory.BULKY),
        ("Feux d'artifice", RuleCategory.DANGEROUS),
        ("Graines de cannabis", RuleCategory.ILLEGAL),
    ],
)
def test_seeded_charter_refuses_forbidden_items(seeded_charter, title, category):
    verdict = charter_check(version=charter_current(), title=title)

    assert not verdict.allowed
    assert verdict.category == category
    assert verdict.reason


@pytest.mark.parametrize(
    "title",
    [
        "Vélo de course",
        "iPhone 14",
        "Pistolet à colle Bosch",
        "Armoire à bijoux",
        "Glue gun",
        "Couteau à beurre en argent",
        "Robe de mariée ivoire",
        "Voiture Renault Clio",
    ],
)
def test_seeded_charter_accepts_harmless_items(seeded_charter, title):
    assert charter_check(version=charter_current(), title=title).allowed


@pytest.mark.parametrize(
    ("term", "category"),
    [(term, rule["category"]) for rule in RULES for term in rule["terms"]],
)
def test_every_seeded_term_is_caught_by_its_own_rule(seeded_charter, term, category):
    verdict = charter_check(version=seeded_charter, title=term)

    assert (verdict.allowed, verdict.category) == (False, category)


@pytest.mark.parametrize("phrase", [phrase for rule in RULES for phrase in rule["exceptions"]])
def test_every_seeded_exception_is_allowed_on_its_own(seeded_charter, phrase):
    assert charter_check(version=seeded_charter, title=phrase).allowed
