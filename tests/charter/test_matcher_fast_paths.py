"""The matcher's shortcuts for speed give exactly what the plain way gives (charter.validator).

Folding Latin-1 text by one byte table, setting aside a listing's words that no phrase begins
with, skipping a word whose phrases all need a next word that is never written after it (or, linking
words aside, not written in the listing at all), finding at once which rules' terms may be in a
listing, counting spaces to find a word's index, and looking for the general exceptions only around
a term in a long listing (and trying only those near it): each is checked here against the general
way it stands in for, on the seeded knowledge and the labelled corpus, and on generated text.
"""

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.knowledge import knowledge_compile, knowledge_load
from charter.validator import check_item, normalise
from charter.validator.folding import _LIGATURES, SMALL_WORDS, _words_any_script, normalised_words
from charter.validator.phrases import LONG_TEXT, ListingWords
from charter.validator.rules import (
    _FOR_GAP,
    _QUALIFIER_GAP,
    _QUALIFIER_GAP_AFTER,
    _QUALIFIER_GAP_STRICT,
    GAP_SPACES,
    _nearby,
)

CORPUS = Path(__file__).parent / "corpus.jsonl"
ALL_LISTINGS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
# Every 7th listing: some 600 of them, each kind of batch represented.
LISTINGS = ALL_LISTINGS[::7]
# Words common in descriptions that begin some phrases of the knowledge ("pas", "sur", "a", "bon"...).
PADDING = (
    "Très bon état, peu servi, à récupérer sur place. Pas d'échange, pas de livraison. "
    "Very good condition, cash on pickup, no trades, a few scratches. "
)
GAP_PATTERNS = (_QUALIFIER_GAP, _QUALIFIER_GAP_AFTER, _QUALIFIER_GAP_STRICT, _FOR_GAP)
# Latin-1 letters and signs, the typography listings use, ligatures, other scripts and emoji.
LISTING_CHARACTERS = st.characters(codec="latin-1") | st.sampled_from(
    list("’‘“”€…–—\u202f\u00a0œŒæÆøßµ¼ﬁ×÷«»°²эж東😀\u0301+-'")
)


@pytest.fixture(scope="module")
def rules():
    return knowledge_compile(knowledge_load())


def folded_the_general_way(text: str) -> list[str]:
    """normalised_words() without its fast paths: the reference they stand in for."""
    text = text.replace("+", " plus ")
    # A comma and a space list things (the word "w", as in "w/"); a decimal comma is a plain separator.
    text = " w ".join(text.split(", "))
    folded = text.casefold()
    for ligature, letters in _LIGATURES.items():
        folded = folded.replace(ligature, letters)
    return _words_any_script(folded)


@settings(max_examples=400, deadline=None)
@given(st.text(LISTING_CHARACTERS, max_size=40))
def test_folding_by_byte_table_gives_what_the_general_folding_gives(text):
    assert normalised_words(text) == folded_the_general_way(text)
    assert normalise(text) == f" {' '.join(folded_the_general_way(text))} "


def test_folding_by_byte_table_on_the_corpus():
    texts = [listing["title"] for listing in LISTINGS] + [listing.get("description", "") for listing in LISTINGS]
    assert [normalised_words(text) for text in texts] == [folded_the_general_way(text) for text in texts]


def test_the_byte_table_folds_french_and_leaves_other_scripts_to_the_general_way():
    assert normalise("Lave-linge À RÉCUPÉRER, très bon état – 50 € « urgent »") == (
        " lave linge a recuperer w tres bon etat 50 urgent "
    )
    assert normalise("Ｋｎｉｆｅ µ ½ ﬁlet") == " knife μ 1 2 filet "


def phrase_sets(rules):
    qualifiers = rules[0].qualifiers
    yield from qualifiers.phrase_sets
    for rule in rules:
        yield from (rule.terms, rule.cancelling, rule.context)


def _listing_words(listing: dict, rules, *, padded: bool):
    """The listing's folded text and words as the matcher reads them, its description padded or not."""
    description = listing.get("description", "") + (" " + PADDING * 8 if padded else "")
    tokens = [*normalised_words(listing["title"]), "plus", *normalised_words(description)]
    text = f" {' '.join(tokens)} "
    return text, ListingWords.of(text, rules.vocabulary, tokens)


@pytest.mark.parametrize("padded", [False, True], ids=["as written", "long description"])
def test_occurrences_in_a_listing_are_those_of_the_plain_search(rules, padded):
    """A listing's words reduced to the vocabulary, and phrases skipped where no next word fits (none
    written anywhere in the listing, linking words aside, or none right after the word), find every
    occurrence the plain search over all the words finds, and no other."""
    compared = 0
    for listing in ALL_LISTINGS:
        description = listing.get("description", "") + (" " + PADDING * 8 if padded else "")
        tokens = [*normalised_words(listing["title"]), "plus", *normalised_words(description)]
        text = f" {' '.join(tokens)} "
        assert len(text) > LONG_TEXT or not padded
        words = ListingWords.of(text, rules.vocabulary, tokens)
        all_words = set(tokens)
        for phrases in phrase_sets(rules):
            assert phrases.found_in(words) == phrases.found_in(all_words)
            if phrases.found_in(all_words):
                assert phrases.occurrences(text, words) == phrases.occurrences(text, all_words), listing["title"]
                compared += 1
    assert compared > 10_000


def test_no_gap_a_qualifier_stands_across_holds_more_than_gap_spaces_spaces():
    """Every run of up to seven words (linking words, "for", a side, a number, a brand) that a gap pattern
    accepts between a qualifier and a term holds at most GAP_SPACES spaces, and the widest do."""
    vocabulary = ("de", "la", "for", "avant", "12", "bosch")
    widest = 0
    for length in range(8):
        for gap_words in itertools.product(vocabulary, repeat=length):
            gap = " " + "".join(f"{word} " for word in gap_words)
            if any(pattern.fullmatch(gap) for pattern in GAP_PATTERNS):
                widest = max(widest, gap.count(" "))
    assert widest == GAP_SPACES


@pytest.mark.parametrize("padded", [False, True], ids=["as written", "long description"])
def test_qualifiers_too_far_from_a_term_are_set_aside_as_the_gap_patterns_would(rules, padded):
    """In a listing with many general exceptions, those more than GAP_SPACES spaces from a term are set
    aside before the gap patterns are tried on each: the qualifier found for each term (and strictness)
    is the one found by trying them all, here on every listing whatever its number of qualifiers."""
    qualifiers = rules[0].qualifiers
    compared = cancelled = 0
    for listing in ALL_LISTINGS:
        text, words = _listing_words(listing, rules, padded=padded)
        found = qualifiers.occurrences(text, words)
        if not found:
            continue
        for rule in rules:
            for start, end, _term in rule.terms.occurrences(text, words):
                nearby = _nearby(text, found, start, end)
                for strict in (False, True):
                    plain = qualifiers._first_cancelling(text, found, start, end, strict=strict)
                    assert qualifiers._first_cancelling(text, nearby, start, end, strict=strict) == plain, text
                    material = qualifiers.names_a_material(text[start:end])
                    assert qualifiers.cancelling(text, found, start, end, strict=strict) == ("" if material else plain)
                    compared += 1
                    cancelled += bool(plain)
    assert compared > 5_000 and cancelled > 500


@pytest.mark.parametrize("padded", [False, True], ids=["as written", "long description"])
def test_qualifiers_looked_for_around_a_term_qualify_it_as_those_of_the_whole_listing(rules, padded):
    """In a long listing the general exceptions are looked for only around each term, far enough back for
    the longest of them to cover it or end GAP_SPACES spaces before it: each term is qualified by the same
    one as with all the listing's, here on every listing, long or not."""
    qualifiers = rules[0].qualifiers
    compared = cancelled = 0
    for listing in ALL_LISTINGS:
        text, words = _listing_words(listing, rules, padded=padded)
        everywhere = qualifiers.occurrences(text, words)
        memo: dict = {}
        for rule in rules:
            for start, end, _term in rule.terms.occurrences(text, words):
                near = qualifiers.occurrences_near(text, words, start, end, memo)
                assert set(near) <= set(everywhere)
                for strict in (False, True):
                    plain = qualifiers.cancelling(text, everywhere, start, end, strict=strict)
                    assert qualifiers.cancelling(text, near, start, end, strict=strict) == plain, text
                    compared += 1
                    cancelled += bool(plain)
    assert compared > 5_000 and cancelled > 500


def longest_spelling(phrase: str) -> list[str]:
    """A phrase's words as written in as many words as it can be: two linking words where it has small words."""
    words, spelled = normalise(phrase).split(), []
    for index, word in enumerate(words):
        if 0 < index < len(words) - 1 and word in SMALL_WORDS:
            if spelled[-2:] != ["de", "la"]:
                spelled += ["de", "la"]
            continue
        spelled.append(word)
    return spelled


@pytest.mark.parametrize("term", ["couteau", "lave linge"])
def test_every_general_exception_qualifies_a_term_around_it_as_among_those_of_the_whole_listing(rules, term):
    """Each general exception written in as many words as it can be, right next to a term or the widest
    gap away (six spaces), before it and after it, in a long description: looked for only around the
    term, it qualifies it as when all the listing's are looked for."""
    qualifiers = rules[0].qualifiers
    padding = normalise(PADDING * 3).split()
    widest_gap = ["de", "la", "bosch", "de", "la"]
    compared, cancelled_across_the_widest_gap = 0, set()
    for phrase in qualifiers.sides:
        if "#" in phrase:
            continue
        spelled = longest_spelling(phrase)
        for gap in ([], widest_gap, [*widest_gap, "la"]):
            for middle in ([*spelled, *gap, *term.split()], [*term.split(), *gap, *spelled]):
                tokens = [*padding, *middle, *padding]
                text = f" {' '.join(tokens)} "
                words = ListingWords.of(text, rules.vocabulary, tokens)
                everywhere = qualifiers.occurrences(text, words)
                for rule in rules:
                    for start, end, _term in rule.terms.occurrences(text, words):
                        near = qualifiers.occurrences_near(text, words, start, end, {})
                        plain = qualifiers.cancelling(text, everywhere, start, end)
                        assert qualifiers.cancelling(text, near, start, end) == plain, text
                        compared += 1
                        if plain and gap == widest_gap:
                            cancelled_across_the_widest_gap.add(middle[0] == spelled[0])
    assert compared > 1_000 and cancelled_across_the_widest_gap == {True, False}


@pytest.mark.parametrize("padded", [False, True], ids=["as written", "long description"])
def test_the_rules_whose_terms_may_be_in_a_listing_are_found_at_once_as_one_by_one(rules, padded):
    """CompiledRules.terms_found_in() tells, one bit per rule, what each rule's terms.found_in() tells."""
    found_by_a_maker = 0
    for listing in ALL_LISTINGS:
        description = listing.get("description", "") + (" " + PADDING * 8 if padded else "")
        tokens = [*normalised_words(listing["title"]), "plus", *normalised_words(description)]
        words = ListingWords.of(f" {' '.join(tokens)} ", rules.vocabulary, tokens)
        at_once = rules.terms_found_in(words)
        one_by_one = [rule.terms.found_in(set(tokens)) for rule in rules]
        assert [bool(at_once >> position & 1) for position in range(len(rules))] == one_by_one, listing["title"]
        found_by_a_maker += any(
            found and rule.terms.first_words.isdisjoint(tokens) for rule, found in zip(rules, one_by_one, strict=True)
        )
    assert found_by_a_maker >= 5


@pytest.mark.parametrize("padded", [False, True], ids=["as written", "long description"])
def test_verdicts_and_their_explanations_do_not_depend_on_the_vocabulary(rules, padded):
    """The same rules without their vocabulary (a plain tuple) take the plain way everywhere."""
    plain = tuple(rules)
    assert getattr(plain, "vocabulary", None) is None
    for listing in LISTINGS:
        description = listing.get("description", "") + (" " + PADDING * 8 if padded else "")
        fast = check_item(rules, title=listing["title"], description=description, explain=True)
        slow = check_item(plain, title=listing["title"], description=description, explain=True)
        assert (fast, fast.steps) == (slow, slow.steps), listing["title"]


def test_a_phrase_that_needs_its_next_word_is_still_found_far_into_a_long_description(rules):
    description = PADDING * 10 + " Vends aussi un pistolet à impulsion électrique, jamais servi."
    assert len(description) > LONG_TEXT
    assert check_item(rules, title="Lot divers maison", description=description).verdict != "allowed"


def test_a_title_with_no_word_still_marks_where_the_description_starts(rules):
    verdict = check_item(rules, title="!!!", description="Machette de jardin, lame 45 cm")
    assert verdict.forbidden
