import pytest

from charter.knowledge import knowledge_compile, knowledge_load
from charter.models import CharterVerdict, CharterVersion, Rule, RuleCategory
from charter.seed import charter_seed_first_version
from charter.selectors import charter_check, charter_current
from charter.validator import BAY, ROOM, check_item


@pytest.fixture
def seeded_charter(db):
    return charter_seed_first_version()


def test_seed_publishes_version_one_with_a_rule_per_category(seeded_charter):
    assert charter_current() == seeded_charter
    assert seeded_charter.number == 1
    assert seeded_charter.published_at is not None
    assert set(seeded_charter.rules.values_list("category", flat=True)) == set(RuleCategory.values)
    assert set(seeded_charter.rules.values_list("verdict", flat=True)) == set(CharterVerdict.values)
    for vehicles in seeded_charter.rules.filter(category=RuleCategory.VEHICLE):
        assert (vehicles.verdict, vehicles.space_kind) == (CharterVerdict.ALLOWED, BAY)
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

    assert verdict.forbidden
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
    verdict = charter_check(version=charter_current(), title=title)

    assert verdict.verdict == CharterVerdict.ALLOWED


@pytest.mark.parametrize(
    ("title", "verdict", "space_kind"),
    [
        ("Voiture Renault Clio", CharterVerdict.ALLOWED, BAY),
        ("Moto Yamaha MT-07", CharterVerdict.ALLOWED, BAY),
        ("Scooter 125", CharterVerdict.ALLOWED, BAY),
        ("Camping-car", CharterVerdict.ALLOWED, BAY),
        ("Voiture télécommandée", CharterVerdict.ALLOWED, ROOM),
        ("Casque moto", CharterVerdict.ALLOWED, ROOM),
        ("Arc à poulies", CharterVerdict.REVIEW, ROOM),
        ("Extincteur 6 kg", CharterVerdict.REVIEW, ROOM),
        ("Batterie de voiture", CharterVerdict.REVIEW, ROOM),
        ("Coffee table, pickup only", CharterVerdict.ALLOWED, ROOM),
        ("Canapé à récupérer sur place", CharterVerdict.FORBIDDEN, ROOM),
    ],
)
def test_seeded_charter_sends_vehicles_to_a_bay_and_flags_items_for_review(seeded_charter, title, verdict, space_kind):
    result = charter_check(version=seeded_charter, title=title)

    assert (result.verdict, result.space_kind) == (verdict, space_kind)
    assert result.reason if result.category else True


# The knowledge files compiled in pure Python, ids being their positions: the
# per-term checks below need no database (the compile path is charter.selectors').
KNOWLEDGE = knowledge_load()
RULES = KNOWLEDGE.rules
SEED_RULES = knowledge_compile(KNOWLEDGE)


@pytest.mark.parametrize(
    ("index", "term"),
    [(index, term) for index, rule in enumerate(RULES) for term in rule.terms.splitlines()],
)
def test_every_seeded_term_is_caught_by_its_own_rule(index, term):
    rule = RULES[index]
    # A model code ("glock #", "samsung rb#") as a seller writes one.
    title = " ".join(word.removesuffix("#") + "19" if word.endswith("#") else word for word in term.split())

    verdict = check_item(SEED_RULES, title=title, explain=True)

    assert (verdict.verdict, verdict.category) == (rule.verdict, rule.category)
    # Lexicons overlap (a maker's file and the generic words): the term's own rule fires,
    # whichever rule of that verdict is reported.
    assert any(step.rule_id == index and not step.cancelled_by for step in verdict.steps)
    if rule.category == RuleCategory.VEHICLE:
        assert verdict.space_kind == BAY


@pytest.mark.parametrize(
    ("index", "phrase"),
    [(index, phrase) for index, rule in enumerate(RULES) for phrase in rule.exceptions.splitlines()],
)
def test_no_seeded_exception_sets_off_its_own_rule(index, phrase):
    verdict = check_item(SEED_RULES, title=phrase, explain=True)

    assert [step for step in verdict.steps if step.rule_id == index and not step.cancelled_by] == []


def test_seeded_rules_are_stored_in_the_order_they_are_checked(seeded_charter):
    stored = list(seeded_charter.rules.order_by("id").values_list("category", "verdict", "terms"))

    assert stored == [(rule.category, rule.verdict, rule.terms) for rule in RULES]
    assert seeded_charter.general_exceptions == KNOWLEDGE.general_exceptions
