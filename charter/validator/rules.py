"""A charter version's rules compiled for matching: terms, exceptions and the general exceptions. Pure Python."""

import re
from dataclasses import dataclass
from functools import reduce
from itertools import repeat
from operator import or_

from .phrases import LINKING_WORDS, ListingWords, PhraseSet, normalise, phrase_pattern

ALLOWED = "allowed"
REVIEW = "review"
FORBIDDEN = "forbidden"
SEVERITY = {ALLOWED: 0, REVIEW: 1, FORBIDDEN: 2}

ROOM = "room"
BAY = "bay"
VEHICLE_CATEGORY = "vehicle"
BULKY_CATEGORY = "bulky"

# How many words may stand between a context exception ("toy") and the term it cancels.
CONTEXT_GAP = 1


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int | None
    category: str
    verdict: str
    terms: PhraseSet
    cancelling: PhraseSet  # exceptions that contain a term
    context: PhraseSet  # exceptions that do not
    reason_fr: str
    reason_en: str
    position: int = 0
    # Each exception as written, with its own pattern: to name the one that cancelled a term.
    exception_lines: tuple[tuple[str, re.Pattern], ...] = ()
    # The version's general exceptions (parts, accessories, toys...), shared by all its rules.
    qualifiers: "Qualifiers | None" = None

    def exception_named(self, matched: str) -> str:
        framed = f" {matched} "
        for line, pattern in self.exception_lines:
            if pattern.fullmatch(framed):
                return line
        return matched

    @property
    def space_kind(self) -> str:
        return BAY if self.category == VEHICLE_CATEGORY else ROOM


def compile_rule(
    *,
    rule_id: int | None,
    category: str,
    terms: str,
    exceptions: str = "",
    reason_fr: str = "",
    reason_en: str = "",
    verdict: str = FORBIDDEN,
    position: int = 0,
    qualifiers: "Qualifiers | None" = None,
) -> CompiledRule:
    term_set = PhraseSet(_lines(terms))
    cancelling, context, named = [], [], []
    for phrase in _lines(exceptions):
        pattern = phrase_pattern(phrase)
        if pattern is None:
            continue
        named.append((phrase, re.compile(f" {pattern} ")))
        if term_set.search(normalise(phrase)):
            cancelling.append(phrase)
        else:
            context.append(phrase)
    return CompiledRule(
        rule_id=rule_id,
        category=category,
        verdict=verdict,
        terms=term_set,
        cancelling=PhraseSet(cancelling),
        context=PhraseSet(context),
        reason_fr=reason_fr,
        reason_en=reason_en,
        position=position,
        exception_lines=tuple(named),
        qualifiers=qualifiers or None,
    )


# Between a general exception and the term it qualifies: linking words ("filtre de
# lave-linge", "étui pour le couteau", "épée en bois") and at most one other word, a
# brand or a use most often ("filtre Bosch lave-linge", "fridge water filter"); "avec",
# "with", "et", "and", "plus" say that a second thing is sold.
# A can is what it holds: "bac, bidon white spirit" lists a tray and a can of white spirit, not
# the tray of a "bidon" brand.
_GAP_WORD_NOT = "avec|with|w|et|and|plus|[0-9]+|bidon|bidons|jerrican|jerricans|jerrycan|jerrycans"
# After the term, a material says what the thing itself is made of: "hunting knife wood
# handle", "knife leather sheath" are a knife (before it, "holster Kydex Glock" is a holster).
MATERIALS = (
    "wood|wooden|stag|bone|leather|hickory|walnut|oak|steel|stainless|carbon|damascus|micarta|g10|horn|antler"
    "|rosewood|ebony|olive|olivewood|pakkawood|titanium|aluminum|aluminium|brass|paracord"
    "|bois|cuir|corne|os|acier|inox|damas|noyer|olivier|ebene|chene|laiton|titane|cerf"
)


def _qualifier_gap(not_a_gap_word: str) -> re.Pattern:
    linking = "(?:(?:" + "|".join(LINKING_WORDS) + ") ){0,2}"
    return re.compile(f" {linking}(?:(?!(?:{not_a_gap_word}) )[a-z0-9]+ )?{linking}")


_QUALIFIER_GAP = _qualifier_gap(_GAP_WORD_NOT)
_QUALIFIER_GAP_AFTER = _qualifier_gap(f"{_GAP_WORD_NOT}|{MATERIALS}")
# For a vehicle only the linking words, a side ("avant", "rear", "gauche") and numbers: "pneus de Clio",
# "Phare avant Clio 4", "Clio 4 phare avant droit", "Batterie 12V Tmax" are parts, "Ford F-150 new tires"
# a truck whose seller mentions its tyres.
POSITION_WORDS = (
    "avant|arriere|av|ar|gauche|droit|droite|g|d|avg|avd|arg|ard|front|rear|left|right|lh|rh|driver|passenger"
)
# A wheel's material and size may stand there too: "Jantes alu 17 pouces Golf 7", "Enjoliveurs 15 pouces
# Clio" are wheels.
WHEEL_WORDS = "alu|aluminium|aluminum|alloy|tole|acier|steel|chrome|pouce|pouces|inch|origine|oem"
_QUALIFIER_GAP_STRICT = re.compile(
    " (?:(?:" + "|".join(LINKING_WORDS) + f"|{POSITION_WORDS}|{WHEEL_WORDS}|[0-9][a-z0-9]*) ){{0,3}}"
)
# "for" (or "pour", "fits") after a part names what it fits, in every language's order: "door for
# Samsung fridge", "tailgate handle for F-150" are parts like "fridge door", though "door" and
# "handle" qualify only after a term otherwise ("Door fridge Smeg" is a fridge).
_FOR_GAP = re.compile(
    " (?:for|pour|fits|fit) (?:(?:" + "|".join(LINKING_WORDS) + ") ){0,2}(?:(?!(?:" + _GAP_WORD_NOT + ") )[a-z0-9]+ )?"
)


class Qualifiers:
    """A version's general exceptions: what makes any term harmless when written right next to it.

    A part, accessory, consumable, toy, miniature, colour, media title or empty container
    of a forbidden thing is not the thing: "filtre de lave-linge", "washer filter",
    "jouet pistolet", "gun metal", "knife block". One list applies to every rule, so a
    new category gets it too. Unlike a rule's own exceptions it looks one way only, in
    the two orders the languages use: the qualifier right before the term, with linking
    words and perhaps a brand between ("porte de frigo", "filtre Bosch lave-linge"), or
    right after it with nothing between ("washer filter", "trampoline net"); a phrase
    that covers the term counts wherever it stands ("gun metal"). "Couteau avec étui" or
    "knife with sheath" is a knife with its sheath, and stays a knife.

    A title that holds one of them, or names a vehicle, says what is sold: a vehicle found only
    in the description of a part's or a toy's listing is not sent to a bay, and a forbidden
    term found only in its description ("Jeu de société Cluedo": "...poignard, corde et
    revolver miniatures"; a camper van's "fridge") is sent to review (check_item).
    """

    def __init__(self, lines):
        # A line may say on which side it qualifies: "before: porte" (French "porte de frigo",
        # not "frigo porte vitrée"), "after: door" ("fridge door"); otherwise either side.
        # "title: lego" qualifies on either side and, in a title, says the whole listing is a toy,
        # model or medium; "review: non coupant", anywhere in a listing, is the seller saying the
        # thing cannot hurt: neither is taken on trust, both send what would be refused to review.
        # "not: pour pièces" is a phrase in which a general exception's word says nothing of the
        # kind: a car or a washing machine sold "pour pièces" is the whole thing, broken; an "8 piece
        # set" of knives is eight knives. "material: ivoire" is the material of a protected species: a
        # term that holds it names the material itself, which no part, toy or figurine word excuses
        # ("pièce d'ivoire", "ivory carved figurine", "estate piece, elephant ivory" are ivory).
        self.sides: dict[str, tuple[bool, bool]] = {}
        title_phrases, review_phrases, not_phrases, material_phrases = [], [], [], []
        for line in lines:
            side, _colon, phrase = line.partition(":")
            side, phrase = side.strip().lower(), phrase.strip()
            if _colon and side == "review":
                review_phrases.append(phrase)
                continue
            if _colon and side == "material":
                material_phrases.append(phrase)
                continue
            if _colon and side == "not":
                not_phrases.append(phrase)
                continue
            if _colon and side == "title":
                title_phrases.append(phrase)
                side = ""
            if _colon and side in ("before", "after"):
                # The same phrase may be written once for each side ("before: holster", "after: holster").
                precede, follow = self.sides.get(phrase, (False, False))
                self.sides[phrase] = (precede or side == "before", follow or side == "after")
            else:
                self.sides[phrase if _colon and side == "" else line] = (True, True)
        self.phrases = PhraseSet(self.sides)
        self.named = tuple(
            (phrase, re.compile(f" {pattern} ")) for phrase in self.sides if (pattern := phrase_pattern(phrase))
        )
        self._phrases: dict[str, str] = {}
        self.toys = PhraseSet(title_phrases)
        self.disclaimers = PhraseSet(review_phrases)
        self.not_qualifying = PhraseSet(not_phrases)
        self.materials = PhraseSet(material_phrases)
        self._is_material: dict[str, bool] = {}
        self.extra_lines = (*review_phrases, *not_phrases, *material_phrases)
        self.phrase_sets = (self.phrases, self.toys, self.disclaimers, self.not_qualifying, self.materials)

    def __bool__(self):
        return bool(self.phrases)

    def occurrences(self, text: str, words: set[str]) -> list[tuple[int, int, str]]:
        found = self.phrases.occurrences(text, words)
        if found and self.not_qualifying.found_in(words):
            found = _outside(found, self.not_qualifying.occurrences(text, words))
        return found

    def occurrences_near(
        self, text: str, words: set[str], start: int, end: int, memo: dict
    ) -> list[tuple[int, int, str]]:
        """occurrences() that may qualify the term at [start, end) (cancelling()), looked for only around
        it: in a long description, "pas d'échange" ten times over is not matched ten times for each
        listing. Those that may qualify it end less than GAP_SPACES + 1 spaces before it, or start
        less than that after it, or cover it: each starts after the (GAP_SPACES + most words)-th space
        before the term. `memo`, the listing's: a "not:" phrase is looked for once, everywhere."""
        first = _space_before(text, start, GAP_SPACES + self.phrases.most_words)
        last = _space_after(text, end, GAP_SPACES + 1)
        found = self.phrases.occurrences_between(text, words, first + 1, last)
        if found and self.not_qualifying.found_in(words):
            if "not_qualifying" not in memo:
                memo["not_qualifying"] = self.not_qualifying.occurrences(text, words)
            found = _outside(found, memo["not_qualifying"])
        return found

    def found_in(self, words: set[str]) -> bool:
        return self.phrases.found_in(words)

    def cancelling(
        self, text: str, found: list[tuple[int, int, str]], start: int, end: int, *, strict: bool = False
    ) -> str:
        """The qualifier (as written in the list) that makes the term at [start, end) harmless, or "".

        `strict`: nothing but linking words between them (vehicle rules). A term that names a
        protected material ("elephant ivory") is never made harmless here: its rule's own exceptions
        ("faux ivory", "ivory colour") say when it is not the material."""
        if self.materials and self.names_a_material(text[start:end]):
            return ""
        if len(found) > _MANY_QUALIFIERS:
            found = _nearby(text, found, start, end)
        return self._first_cancelling(text, found, start, end, strict=strict)

    def _first_cancelling(
        self, text: str, found: list[tuple[int, int, str]], start: int, end: int, *, strict: bool = False
    ) -> str:
        """cancelling() trying each qualifier found, however far from the term: the plain way."""
        gap = _QUALIFIER_GAP_STRICT if strict else _QUALIFIER_GAP
        gap_after = _QUALIFIER_GAP_STRICT if strict else _QUALIFIER_GAP_AFTER
        # "for" says a part even next to a vehicle, its make between: "Tires for Ford F-150".
        gap_for = _FOR_GAP
        for a, b, matched in found:
            covers = a <= start and end <= b
            near_before = b <= start and gap.fullmatch(text, b, start) is not None
            near_for = b <= start and gap_for.fullmatch(text, b, start) is not None
            near_after = end <= a and gap_after.fullmatch(text, end, a) is not None
            if not (covers or near_before or near_for or near_after):
                continue  # too far to qualify the term, whatever its side
            phrase = self._phrase_of(matched)
            may_precede, may_follow = self.sides.get(phrase, (True, True))
            if covers or (near_before and may_precede) or near_for or (near_after and may_follow):
                return phrase
        return ""

    def names_a_material(self, term: str) -> bool:
        """Whether a matched term holds a "material:" phrase (remembered: a listing's terms recur)."""
        known = self._is_material.get(term)
        if known is None:
            known = self._is_material[term] = self.materials.search(f" {term} ")
        return known

    def _phrase_of(self, matched: str) -> str:
        """The line of the list a matched text comes from (remembered: a listing's qualifiers recur)."""
        phrase = self._phrases.get(matched)
        if phrase is None:
            framed = f" {matched} "
            phrase = next((phrase for phrase, pattern in self.named if pattern.fullmatch(framed)), matched)
            self._phrases[matched] = phrase
        return phrase


# The most spaces the gap patterns above span (a space, two linking words, one other word, two linking
# words): a qualifier further from a term than that cannot qualify it.
GAP_SPACES = 6
# Beyond this many qualifiers in a listing ("pas d'échange, pas de livraison..." in a long description),
# those too far from a term are set aside before the gap patterns are tried on each.
_MANY_QUALIFIERS = 4


def _nearby(text: str, found: list[tuple[int, int, str]], start: int, end: int) -> list[tuple[int, int, str]]:
    """The qualifiers that end less than GAP_SPACES + 1 spaces before the term at [start, end) and start
    less than GAP_SPACES + 1 spaces after it (those that cover it among them), in the same order."""
    before = _space_before(text, start, GAP_SPACES + 1)
    after = _space_after(text, end, GAP_SPACES + 1)
    return [occurrence for occurrence in found if before < occurrence[1] and occurrence[0] <= after]


def _outside(found: list[tuple[int, int, str]], hidden: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The qualifiers found that no "not:" phrase covers ("seats 8" after a car is not a seat)."""
    return [(a, b, m) for a, b, m in found if not any(x <= a and b <= y for x, y, _n in hidden)]


def _space_before(text: str, start: int, count: int) -> int:
    """Where the `count`-th space before `start` stands (-1 when there are fewer)."""
    before = start
    for _ in range(count):
        before = text.rfind(" ", 0, before)
        if before == -1:
            break
    return before


def _space_after(text: str, end: int, count: int) -> int:
    """Where the `count`-th space from `end` on stands (the text's length when there are fewer)."""
    after = end - 1
    for _ in range(count):
        after = text.find(" ", after + 1)
        if after == -1:
            return len(text)
    return after


def compile_qualifiers(text: str) -> Qualifiers:
    return Qualifiers(_lines(text))


class CompiledRules(tuple):
    """A version's compiled rules, first rule first, with `vocabulary`: every word one of their phrases
    (terms, exceptions, general exceptions) can begin with. A listing's other words ("très", "état",
    "pickup" outside "pickup truck"...) are set aside once, not looked up again by each rule."""

    vocabulary: frozenset[str] | None = None
    # For each word a rule's term can begin with, and each way a maker joined to its model code can begin
    # ("glock" in "glock19"), the rules that have such a term: one bit per rule, in order.
    _term_starts: dict[str, int] = {}
    _term_makers: dict[str, int] = {}

    @classmethod
    def of(cls, rules: "list[CompiledRule]") -> "CompiledRules":
        compiled = cls(rules)
        qualifiers = next((rule.qualifiers for rule in rules if rule.qualifiers is not None), None)
        phrase_sets = [phrases for rule in rules for phrases in (rule.terms, rule.cancelling, rule.context)]
        if qualifiers is not None:
            phrase_sets += qualifiers.phrase_sets
        compiled.vocabulary = frozenset().union(*(phrases.first_words for phrases in phrase_sets))
        compiled._term_starts, compiled._term_makers = {}, {}
        for position, rule in enumerate(rules):
            for index, words in (
                (compiled._term_starts, rule.terms.first_words),
                (compiled._term_makers, rule.terms.model_prefixes),
            ):
                for word in words:
                    index[word] = index.get(word, 0) | 1 << position
        return compiled

    def terms_found_in(self, words: ListingWords) -> int:
        """Which rules' terms may be in a listing, one bit per rule (rule.terms.found_in() for all the rules
        at once): where one can begin at one of its words, or at a maker joined to its model code."""
        found = reduce(or_, map(self._term_starts.get, words, repeat(0)), 0)
        if self._term_makers and words.coded:
            found = reduce(or_, map(self._term_makers.get, words.code_prefixes, repeat(0)), found)
        return found


def compile_rules(rules, *, general_exceptions: str = "") -> CompiledRules:
    """A version's rules compiled, first rule first, sharing the version's general exceptions.

    Each rule is anything with category, verdict, terms, exceptions, reason_fr and reason_en
    (a Rule row, a knowledge file's RuleData); its `id` names it, or its position when it has none.
    """
    qualifiers = compile_qualifiers(general_exceptions)
    return CompiledRules.of(
        [
            compile_rule(
                rule_id=getattr(rule, "id", position),
                category=rule.category,
                verdict=rule.verdict,
                terms=rule.terms,
                exceptions=rule.exceptions,
                reason_fr=rule.reason_fr,
                reason_en=rule.reason_en,
                position=position,
                qualifiers=qualifiers,
            )
            for position, rule in enumerate(rules)
        ]
    )


def invalid_qualifiers(text: str) -> list[str]:
    """Lines of a version's general exceptions that could never match ("before:" alone, "#")."""
    qualifiers = Qualifiers(_lines(text))
    return [phrase for phrase in (*qualifiers.sides, *qualifiers.extra_lines) if phrase_pattern(phrase) is None]


def invalid_phrases(text: str) -> list[str]:
    """Lines of a terms or exceptions field that hold no letter or digit, so could never match."""
    return [line for line in _lines(text) if phrase_pattern(line) is None]
