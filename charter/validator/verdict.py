"""Decides whether an item may be exchanged at a station. Pure Python: no database, no Django models.

A charter version's rules are compiled once (charter.selectors caches them per
published version) and each check is then a few regular-expression searches
over the listing's folded text.

Where a term's words occur is charter.phrases' part (folding, plurals, joined spellings, model
codes). Exceptions say when a term is harmless, two kinds told apart by the rule's own terms:

- an exception that contains one of the rule's terms ("pistolet à colle", "couteau à beurre",
  "car seat") cancels that term wherever the whole phrase is written, as often as it is written;
- any other exception ("jouet", "toy", "DVD", "Hot Wheels") cancels a term written next to it,
  at most one word away on either side ("lave-linge jouet", "jouet Smoby lave-linge").

A listing may set off several rules: the most severe verdict wins (forbidden, then review, then
allowed) and, among rules of that verdict, the first one in the version. A vehicle rule sends the
item to a parking bay whatever else is found.
"""

from dataclasses import dataclass, field, replace
from functools import lru_cache

from .folding import HAS_DIGIT, SMALL_WORDS, normalise, normalised_words
from .phrases import LONG_TEXT, ListingWords, PhraseSet
from .rules import (
    ALLOWED,
    BAY,
    BULKY_CATEGORY,
    CONTEXT_GAP,
    FORBIDDEN,
    REVIEW,
    ROOM,
    SEVERITY,
    VEHICLE_CATEGORY,
    CompiledRule,
    CompiledRules,
    Qualifiers,
)


@dataclass(frozen=True)
class Step:
    """One term found in the listing, and what became of it (for the admin's explanations)."""

    rule_id: int | None
    category: str
    verdict: str
    term: str
    cancelled_by: str = ""


@dataclass(frozen=True)
class Verdict:
    verdict: str = ALLOWED
    space_kind: str = ROOM
    category: str = ""
    rule_id: int | None = None
    reason_fr: str = ""
    reason_en: str = ""
    term: str = ""
    steps: tuple[Step, ...] = field(default=(), compare=False)
    # Set when station staff overrode the verdict: what the rules alone said.
    automatic: str = ""

    @property
    def forbidden(self) -> bool:
        return self.verdict == FORBIDDEN

    @property
    def needs_review(self) -> bool:
        return self.verdict == REVIEW

    @property
    def is_vehicle(self) -> bool:
        return self.space_kind == BAY

    def reason_in(self, language: str | None) -> str:
        return self.reason_fr if (language or "").startswith("fr") else self.reason_en

    @property
    def reason(self) -> str:
        """The reason in the active Django language (English outside Django)."""
        try:
            from django.utils import translation  # noqa: PLC0415 - the validator also runs without Django

            language = translation.get_language()
        except Exception:  # noqa: BLE001 - outside a configured Django project
            language = "en"
        return self.reason_in(language)

    def as_dict(self, language: str | None = None) -> dict:
        """The command-line and JSON contract: verdict, space_kind, category, rule, reason."""
        return {
            "verdict": self.verdict,
            "space_kind": self.space_kind,
            "category": self.category or None,
            "rule": self.rule_id,
            "reason": self.reason_in(language) if language else self.reason,
        }

    def overridden(self, verdict: str, *, reason_fr: str = "", reason_en: str = "") -> "Verdict":
        changes = {"verdict": verdict, "automatic": self.automatic or self.verdict}
        if reason_fr or reason_en:
            changes |= {"reason_fr": reason_fr, "reason_en": reason_en}
        return replace(self, **changes)


# Words that say a second thing is sold with the first (a "+" is folded to "plus"). Not "et", "and":
# "lit, armoire et canapé miniatures", "épées et arcs en plastique" share the word that follows.
SECOND_THING_WORDS = frozenset({"avec", "with", "w", "plus"})


class _Tokens:
    """Word positions of a normalised text, computed only when a context exception needs them."""

    def __init__(self, text: str, words: list[str] | None = None):
        self.text = text
        self.words = text.split() if words is None else words

    def index(self, char_position: int) -> int:
        """The word that starts at or before char_position (a letter's): the text has one space before
        each word, so it is the spaces up to there, less one."""
        return self.text.count(" ", 0, char_position + 1) - 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.index(start), self.index(end - 1)

    def gap(self, first: tuple[int, int], second: tuple[int, int]) -> int:
        """Words between two word spans (which do not overlap), leaving out small words and numbers:
        "Nerf Elite 2.0 pistolet" has one word between "nerf" and "pistolet"."""
        left, right = (first, second) if first[1] < second[0] else (second, first)
        between = self.words[left[1] + 1 : right[0]]
        return sum(1 for word in between if word not in SMALL_WORDS and not HAS_DIGIT.search(word))

    def second_thing_after(self, term: tuple[int, int], phrase: tuple[int, int]) -> bool:
        """Whether the phrase comes after the term with "avec", "with" or "+" between: a
        second thing is sold with the first ("Tortue terrestre + terrarium", "owl with its perch"),
        which does not excuse it. Written before ("Toy kitchen with fridge"), the phrase still says
        what the thing is."""
        return term[1] < phrase[0] and not SECOND_THING_WORDS.isdisjoint(self.words[term[1] + 1 : phrase[0]])


@lru_cache(maxsize=4096)
def _qualifier_is_the_thing(terms: PhraseSet, qualifier: str, term: str) -> bool:
    """Whether a general exception written next to a term names, with it, a term of the same rule: then it
    says what the thing is, not that it is a part of it. "Batterie Bosch 70Ah", "Renogy 100Ah battery" are
    batteries, as the rule's "batterie 70ah" and "battery 100ah" say, though "batterie" and "battery" make
    a drill's or a scooter's battery harmless elsewhere."""
    qualifier_words = normalise(qualifier).strip()
    for joined in (f" {qualifier_words} {term} ", f" {term} {qualifier_words} "):
        whole = joined.strip()
        if any(joined[a:b] == whole for a, b, _m in terms.occurrences(joined, ListingWords.of(joined))):
            return True
    return False


def _qualifiers_near(qualifiers: Qualifiers, text: str, words: set, start: int, end: int, memo: dict) -> list:
    """The general exceptions that may qualify the term at [start, end): in a long listing, those around
    it (Qualifiers.occurrences_near); otherwise all of them, found once per listing for every rule."""
    if len(text) > LONG_TEXT and isinstance(words, ListingWords):
        return qualifiers.occurrences_near(text, words, start, end, memo)
    if "qualifiers" not in memo:
        memo["qualifiers"] = qualifiers.occurrences(text, words)
    return memo["qualifiers"]


def _live_term(rule: CompiledRule, text: str, words: set, memo: dict, steps: list | None) -> tuple[str, int] | None:
    """The first occurrence of one of the rule's terms that no exception cancels (with where it starts), or None."""
    cancelling = rule.cancelling.occurrences(text, words)
    context = rule.context.occurrences(text, words)
    qualifiers = rule.qualifiers
    for start, end, term in rule.terms.occurrences(text, words):
        cancelled_by = next((phrase for a, b, phrase in cancelling if a <= start and end <= b), "")
        if (
            not cancelled_by
            and qualifiers is not None
            and (near := _qualifiers_near(qualifiers, text, words, start, end, memo))
        ):
            cancelled_by = qualifiers.cancelling(text, near, start, end, strict=rule.space_kind == BAY)
            if cancelled_by and _qualifier_is_the_thing(rule.terms, cancelled_by, term):
                cancelled_by = ""
        if not cancelled_by and context:
            if "tokens" not in memo:
                memo["tokens"] = _Tokens(text, words.tokens if isinstance(words, ListingWords) else None)
            tokens = memo["tokens"]
            term_span = tokens.span(start, end)
            for a, b, phrase in context:
                phrase_span = tokens.span(a, b)
                apart = phrase_span[1] < term_span[0] or term_span[1] < phrase_span[0]
                if (
                    apart
                    and tokens.gap(term_span, phrase_span) <= CONTEXT_GAP
                    and not tokens.second_thing_after(term_span, phrase_span)
                ):
                    cancelled_by = phrase
                    break
        if steps is not None:
            name = rule.exception_named(cancelled_by) if cancelled_by else ""
            steps.append(Step(rule.rule_id, rule.category, rule.verdict, term, name))
        if not cancelled_by:
            return term, start
    return None


# A forbidden term only in the description of a listing whose title says it is something
# else (a part, accessory, toy, medium; a vehicle): an officer looks at it.
DESCRIPTION_ONLY_REASON_FR = (
    "La description mentionne un objet que la charte interdit : vous pouvez réserver, et un policier "
    "vérifiera sur place ce qui est vendu."
)
DESCRIPTION_ONLY_REASON_EN = (
    "The description mentions an item the charter forbids: you can book, and an officer will check on the "
    "spot what is being sold."
)


# What would be refused, in a listing whose title says it is a toy, model or medium ("Playmobil
# policier avec pistolet") or whose seller says it cannot hurt ("non coupant"): an officer looks.
DOUBT_REASON_FR = (
    "L'annonce présente l'objet comme un jouet, une maquette ou un objet inoffensif : vous pouvez réserver, "
    "et un policier vérifiera sur place ce qui est vendu."
)
DOUBT_REASON_EN = (
    "The listing presents the item as a toy, a model or something harmless: you can book, and an officer will "
    "check on the spot what is being sold."
)


def _qualifiers_of(rules) -> "Qualifiers | None":
    return next((rule.qualifiers for rule in rules if rule.qualifiers is not None), None)


def _title_is_a_toy(rules, title: str, memo: dict) -> bool:
    """Whether the title holds a "title:" general exception ("Lego", "Playmobil", "jouet", "miniature"):
    the whole listing is a toy, a model or a medium, whatever vehicle or weapon it names."""
    if "title_toy" not in memo:
        qualifiers = _qualifiers_of(rules)
        text = normalise(title)
        words = set(text.split())
        memo["title_toy"] = bool(
            qualifiers is not None and qualifiers.toys.found_in(words) and qualifiers.toys.occurrences(text, words)
        )
    return memo["title_toy"]


def _disclaimed(rules, text: str, words: set) -> bool:
    """Whether the listing holds a "review:" general exception: the seller says the thing cannot hurt."""
    qualifiers = _qualifiers_of(rules)
    if qualifiers is None or not qualifiers.disclaimers.found_in(words):
        return False
    return bool(qualifiers.disclaimers.occurrences(text, words))


def _names_the_toy(rules, term: str) -> bool:
    """Whether the forbidden term itself holds the toy or harmless word ("ivory figurine", "prop money"),
    or names a protected material ("ivory carved" figurine): the knowledge named that very thing, and
    the word does not excuse it."""
    qualifiers = _qualifiers_of(rules)
    framed = f" {term} "
    return qualifiers is not None and (
        qualifiers.toys.search(framed) or qualifiers.disclaimers.search(framed) or qualifiers.names_a_material(term)
    )


# What a title says is sold (_title_names), besides a vehicle: something else than the forbidden
# thing (a part, toy, medium...), or a thing the rules refuse or flag themselves (a sofa, a jerrycan).
TITLE_OTHER = "other"
TITLE_THING = "thing"
TITLE_NOT_A_VEHICLE = (TITLE_OTHER, TITLE_THING)
# A forbidden word only in the description of a listing whose title names a vehicle or something harmless.
TITLE_SOMETHING_ELSE = (VEHICLE_CATEGORY, TITLE_OTHER)


def _title_names(rules, title: str, memo: dict) -> str:
    """What the title says is sold, when it is not the forbidden thing itself: VEHICLE_CATEGORY for a
    vehicle, TITLE_OTHER for a part, toy, medium... (a general exception in the title), TITLE_THING
    for a thing a rule refuses or flags ("Divan 3 places"), "" otherwise."""
    if "title_kind" not in memo:
        text = normalise(title)
        words = set(text.split())
        kind = ""
        if any(
            rule.space_kind == BAY and rule.terms.found_in(words) and _live_term(rule, text, words, {}, None)
            for rule in rules
        ):
            kind = VEHICLE_CATEGORY
        else:
            qualifiers = _qualifiers_of(rules)
            qualified = qualifiers is not None and qualifiers.found_in(words) and qualifiers.occurrences(text, words)
            if qualified or _title_term_cancelled(rules, text, words):
                kind = TITLE_OTHER
            elif _title_names_a_thing(rules, text, words):
                kind = TITLE_THING
        memo["title_kind"] = kind
    return memo["title_kind"]


def _title_names_a_thing(rules, text: str, words: set) -> bool:
    """Whether a rule other than a vehicle's finds its term in the title ("Divan 3 places", "Jerrican plein")."""
    memo: dict = {}
    return any(
        rule.space_kind != BAY
        and rule.verdict != ALLOWED
        and rule.terms.found_in(words)
        and _live_term(rule, text, words, memo, None) is not None
        for rule in rules
    )


def _title_term_cancelled(rules, text: str, words: set) -> bool:
    """Whether the title names a forbidden thing only in a harmless form ("Pistolet d'arrosage", "Jerrican
    vide"): the same word in the description most likely speaks of the same thing, and goes to review."""
    cancelled = False
    memo: dict = {}
    for rule in rules:
        if rule.space_kind == BAY or not rule.terms.found_in(words):
            continue
        steps: list = []
        if _live_term(rule, text, words, memo, steps) is not None and rule.verdict == FORBIDDEN:
            return False
        cancelled = cancelled or any(step.cancelled_by for step in steps)
    return cancelled


def _verdict_and_reasons(rules, rule, term, verdict, title, text, words, memo) -> tuple[str, str, str]:
    """The verdict found and the reasons shown: the rule's, or why an officer will look instead."""
    if verdict != rule.verdict:
        return verdict, DESCRIPTION_ONLY_REASON_FR, DESCRIPTION_ONLY_REASON_EN
    if (
        verdict == FORBIDDEN
        and (_title_is_a_toy(rules, title, memo) or _disclaimed(rules, text, words))
        and not _names_the_toy(rules, term)
    ):
        # Refusing on the listing's own word would be wrong as often as trusting it: an officer decides.
        return REVIEW, DOUBT_REASON_FR, DOUBT_REASON_EN
    return verdict, rule.reason_fr, rule.reason_en


def check_item(rules, *, title: str, description: str = "", explain: bool = False) -> Verdict:
    """The verdict on a listing under the given compiled rules."""
    title_words = normalised_words(title)
    description_words = normalised_words(description) if description else []
    # "plus" between them, as for a "+": a title's last word and a description's first are
    # not one phrase ("Bosch 300 series" / "Dishwasher, stainless").
    tokens = [*title_words, "plus", *description_words] if description_words else title_words
    text = f" {' '.join(tokens)} "
    # What starts at or after this is the description.
    title_end = len(" ".join(title_words)) + 1
    words = ListingWords.of(text, getattr(rules, "vocabulary", None), tokens)
    # Which rules' terms may be there, found once for all the rules (each rule's terms.found_in() otherwise).
    terms_found = rules.terms_found_in(words) if isinstance(rules, CompiledRules) else None
    memo: dict = {}
    steps: list | None = [] if explain else None
    best: tuple[CompiledRule, str, str] | None = None
    bay = False
    for position, rule in enumerate(rules):
        if (
            best is not None
            and SEVERITY[rule.verdict] <= SEVERITY[best[2]]
            and not (explain or (rule.space_kind == BAY and not bay))
        ):
            continue  # cannot change the outcome
        if not (rule.terms.found_in(words) if terms_found is None else terms_found >> position & 1):
            continue
        found = _live_term(rule, text, words, memo, steps)
        if found is None:
            continue
        term, start = found
        verdict = rule.verdict
        if rule.space_kind == BAY and _title_is_a_toy(rules, title, memo):
            # "Lego Technic Ducati Panigale", "Moto cross enfant Playmobil": a toy, not a vehicle.
            continue
        if rule.space_kind == BAY and start >= title_end and _title_names(rules, title, memo) in TITLE_NOT_A_VEHICLE:
            # "4 pneus Michelin" / "...démontés de ma Clio", "Hot Wheels lot" / "10 cars", "Divan 3 places" /
            # "...pas de place dans le camion": the title says something else is sold, and the vehicle
            # the description names stays in the car park.
            continue
        if (
            verdict != ALLOWED
            and start >= title_end
            and (title_kind := _title_names(rules, title, memo)) in TITLE_SOMETHING_ELSE
        ):
            if title_kind == VEHICLE_CATEGORY and (rule.category == BULKY_CATEGORY or rule.verdict == REVIEW):
                # A camper van's fridge, bed or sofa, an electric motorbike's "batterie 45Ah", a car's
                # fire extinguisher are its equipment: the vehicle goes to its bay.
                continue
            verdict = REVIEW
        bay = bay or rule.space_kind == BAY
        if best is None or SEVERITY[verdict] > SEVERITY[best[2]]:
            best = (rule, term, verdict)
    if best is None:
        return Verdict(steps=tuple(steps or ()))
    rule, term, verdict = best
    verdict, reason_fr, reason_en = _verdict_and_reasons(rules, rule, term, verdict, title, text, words, memo)
    return Verdict(
        verdict=verdict,
        space_kind=BAY if bay else ROOM,
        category=rule.category,
        rule_id=rule.rule_id,
        reason_fr=reason_fr,
        reason_en=reason_en,
        term=term,
        steps=tuple(steps or ()),
    )
