"""The matcher on its own: pure Python, no database (charter.validator, charter.phrases)."""

import pytest

from charter.validator import (
    BAY,
    FORBIDDEN,
    REVIEW,
    ROOM,
    check_item,
    compile_rule,
    invalid_phrases,
    normalise,
    word_forms,
)


def rule(terms, exceptions="", *, category="weapon", verdict=FORBIDDEN, rule_id=1):
    return compile_rule(
        rule_id=rule_id,
        category=category,
        verdict=verdict,
        terms="\n".join(terms),
        exceptions="\n".join(exceptions),
        reason_fr=f"raison {rule_id}",
        reason_en=f"reason {rule_id}",
    )


def verdict_of(rules, title, description=""):
    return check_item(rules if isinstance(rules, list) else [rules], title=title, description=description).verdict


def test_normalise_folds_case_accents_ligatures_punctuation_and_emoji():
    assert normalise("  L'ÉPÉE — Œuvre 🗡️ n°8!! ") == " l epee oeuvre n 8 "
    assert normalise("") == "  ".strip() + " " * 2


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("140×190", " 140 190 "),
        ("L’ARME « fatale »", " l arme fatale "),
        ("Straße ﬁlm Ĳssel", " strasse film ijssel "),
        ("Лада Нива", " лада нива "),
        ("Øre ħalt ĸ", " ore ħalt ĸ "),
        ("a_b/c\u00a0d", " a b c d "),
    ],
)
def test_normalise_keeps_every_letter_and_only_letters(text, normalised):
    # Latin text takes a fast path (ASCII after folding), anything else the general one: same result.
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("arme", {"arme", "armes"}),
        ("couteau", {"couteau", "couteaux", "couteaus"}),
        ("knife", {"knife", "knifes", "knives"}),
        ("battery", {"battery", "batterys", "batteries"}),
        ("cheval", {"cheval", "chevals", "chevaux"}),
        ("gaz", {"gaz", "gazes"}),
    ],
)
def test_word_forms_are_the_plurals_of_the_ending(word, forms):
    assert word_forms(word) == forms


def test_arme_matches_armes_but_not_armees_nor_armoire():
    weapons = rule(["arme"])
    assert verdict_of(weapons, "Lot d'armes anciennes") == FORBIDDEN
    assert verdict_of(weapons, "L'arme du crime") == FORBIDDEN
    assert verdict_of(weapons, "Surplus armée française") == "allowed"
    assert verdict_of(weapons, "Armées napoléoniennes, figurines") == "allowed"
    assert verdict_of(weapons, "Armoire") == "allowed"


@pytest.mark.parametrize(
    "title",
    ["Lave-linge Bosch", "lave linge", "LAVE LINGE", "lavelinge samsung", "Lave-linges x2", "lave–linge"],
)
def test_hyphen_space_joined_and_plural_spellings_match(title):
    assert verdict_of(rule(["lave-linge"], category="bulky"), title) == FORBIDDEN


def test_feminine_and_plural_of_the_words_after_the_first():
    knuckles = rule(["poing américain"])
    assert verdict_of(knuckles, "Poings américains") == FORBIDDEN
    assert verdict_of(knuckles, "poing americaine") == FORBIDDEN


def test_linking_words_may_differ_or_be_left_out():
    gas = rule(["bouteille de gaz"], category="dangerous")
    for title in ("Bouteille de gaz", "bouteille à gaz", "bouteille gaz", "Bouteilles de gaz", "bouteille pour le gaz"):
        assert verdict_of(gas, title) == FORBIDDEN, title
    assert verdict_of(gas, "bouteille vide, gaz") == "allowed"


def test_terms_match_whole_words_among_brand_and_model_noise():
    guns = rule(["gun", "ak 47"])
    assert verdict_of(guns, "Gunmetal grey toaster") == "allowed"
    assert verdict_of(guns, "Shotgun") == "allowed"  # "shotgun" is its own term, not "gun"
    assert verdict_of(guns, "Réplique AK47 Cyma CM028 + 3 chargeurs") == FORBIDDEN
    assert verdict_of(guns, "BB-gun Daisy 880") == FORBIDDEN


def test_a_phrase_exception_cancels_its_term_each_time_it_is_written():
    guns = rule(["pistolet"], ["pistolet à colle"])
    assert verdict_of(guns, "Pistolet à colle Bosch") == "allowed"
    assert verdict_of(guns, "Pistolets à colle x2, pistolet a colle chaude") == "allowed"
    assert verdict_of(guns, "Pistolet de colle") == "allowed"  # another linking word
    assert verdict_of(guns, "Pistolet à colle et pistolet d'alarme") == FORBIDDEN


def test_exceptions_take_plural_and_joined_forms_like_terms():
    guns = rule(["gun"], ["glue gun", "water pistol"])
    assert verdict_of(guns, "Gluegun Bosch") == "allowed"
    assert verdict_of(guns, "Glue-guns x3") == "allowed"
    bulky = rule(["lave-linge"], ["lave-linge jouet"], category="bulky")
    assert verdict_of(bulky, "Lavelinge jouets Smoby") == "allowed"


def test_a_one_word_exception_cancels_a_term_next_to_it_on_either_side():
    bulky = rule(["machine à laver"], ["jouet"], category="bulky")
    assert verdict_of(bulky, "Machine à laver jouet Smoby") == "allowed"
    assert verdict_of(bulky, "Jouet Smoby machine à laver") == "allowed"  # one word between
    assert verdict_of(bulky, "Jouets : machine à laver") == "allowed"
    assert verdict_of(bulky, "Jouet en bois, dînette, machine à laver") == FORBIDDEN  # too far
    assert verdict_of(bulky, "Machine à laver Bosch", "Vendue avec des jouets pour enfants") == FORBIDDEN


def test_a_one_word_exception_after_the_term_with_avec_with_or_plus_between_does_not_cancel_it():
    # A second thing sold with the first: the animal with its terrarium is the animal.
    animals = rule(["tortue terrestre"], ["terrarium"], category="illegal")
    assert verdict_of(animals, "Tortue terrestre + terrarium") == FORBIDDEN
    assert verdict_of(animals, "Tortue terrestre avec terrarium") == FORBIDDEN
    assert verdict_of(animals, "Tortue terrestre terrarium") == "allowed"
    # Written before the term, the exception still says what the thing is; "et" shares the next word.
    bulky = rule(["frigo", "canapé"], ["toy kitchen", "miniatures"], category="bulky")
    assert verdict_of(bulky, "Toy kitchen with frigo") == "allowed"
    assert verdict_of(bulky, "Lit, frigo et canapé miniatures") == "allowed"


def test_numbers_between_an_exception_and_a_term_do_not_count():
    guns = rule(["pistolet"], ["nerf"])
    assert verdict_of(guns, "Nerf Elite 2.0 pistolet") == "allowed"


def test_the_description_is_checked_too():
    blades = rule(["sabre"], category="blade")
    assert verdict_of(blades, "Objet de collection", "Sabre japonais avec fourreau") == FORBIDDEN


def test_the_most_severe_verdict_wins_and_then_the_first_rule():
    rules = [
        rule(["ciseaux"], category="blade", verdict=REVIEW, rule_id=1),
        rule(["couteau"], category="blade", rule_id=2),
        rule(["couteau"], category="weapon", rule_id=3),
    ]
    verdict = check_item(rules, title="Ciseaux et couteau")
    assert (verdict.verdict, verdict.rule_id, verdict.category) == (FORBIDDEN, 2, "blade")
    assert check_item(rules, title="Ciseaux").verdict == REVIEW


def test_a_vehicle_rule_sends_the_item_to_a_bay_whatever_else_is_found():
    rules = [
        rule(["aérosol"], category="dangerous", verdict=REVIEW, rule_id=1),
        rule(["voiture"], ["voiture miniature"], category="vehicle", verdict="allowed", rule_id=2),
    ]
    car = check_item(rules, title="Voiture Clio")
    assert (car.verdict, car.space_kind, car.category, car.rule_id) == ("allowed", BAY, "vehicle", 2)
    flagged = check_item(rules, title="Voiture avec aérosol anti-crevaison")
    assert (flagged.verdict, flagged.space_kind, flagged.category) == (REVIEW, BAY, "dangerous")
    assert check_item(rules, title="Voiture miniature").space_kind == ROOM


def test_nothing_found_is_allowed_in_a_room_without_rule_or_reason():
    verdict = check_item([rule(["gun"])], title="Vélo de course")
    assert verdict.as_dict("en") == {
        "verdict": "allowed",
        "space_kind": ROOM,
        "category": None,
        "rule": None,
        "reason": "",
    }


def test_reason_follows_the_language():
    verdict = check_item([rule(["gun"], rule_id=7)], title="gun")
    assert verdict.reason_in("fr") == "raison 7"
    assert verdict.reason_in("en") == "reason 7"
    assert verdict.as_dict("fr")["reason"] == "raison 7"


def test_explain_lists_every_term_found_and_what_cancelled_it():
    guns = rule(["pistolet"], ["pistolet à colle", "jouet"])
    verdict = check_item([guns], title="Pistolet à colle, pistolet jouet, aussi un vieux pistolet", explain=True)
    assert [(step.term, step.cancelled_by) for step in verdict.steps] == [
        ("pistolet", "pistolet à colle"),
        ("pistolet", "jouet"),
        ("pistolet", ""),
    ]
    assert verdict.verdict == FORBIDDEN


def test_empty_and_odd_inputs_are_allowed_without_error():
    rules = [rule(["gun"])]
    assert check_item(rules, title="").verdict == "allowed"
    assert check_item(rules, title="🚗🔫💥").verdict == "allowed"
    assert check_item(rules, title="\x00\ud800 ---").verdict == "allowed"


def test_very_long_text_is_checked_in_linear_time():
    rules = [rule(["lave-linge", "bouteille de gaz"], ["lave-linge jouet"])]
    text = "lave " * 50_000 + "de " * 50_000 + "bouteille " * 50_000 + "gaz"
    assert check_item(rules, title="x", description=text).verdict == FORBIDDEN


def test_lines_without_letters_are_reported_and_never_match():
    assert invalid_phrases("gun\n---\n  \n!!") == ["---", "!!"]
    assert check_item([rule(["---"])], title="--- a b c").verdict == "allowed"
