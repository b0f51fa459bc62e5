"""Decides whether an item may be exchanged at a station. Pure Python: no database, no Django models.

A charter version's rules are compiled once (charter.selectors caches them per
published version) and each check is then a few regular-expression searches
over the listing's folded text.

Matching, for real listings:

- case, accents and ligatures are folded ("Lave-Linge", "lave linge", "LAVE LINGE" are one);
  hyphens, apostrophes, punctuation and emoji are word separators ("l'arme" holds "arme");
- each word of a term also matches its plural ("couteaux", "knives", "batteries") and, after the
  first word, its feminine ("poing américain" matches "poings américains", "poing américaine");
  the forms are generated from the word's ending, so "arme" matches "armes" but not "armées";
- the words of a term may be written apart or joined ("lave linge", "lavelinge", "ak 47", "ak47");
  where a term has a linking word ("à", "de", "d'", "of"), any linking word or none will do
  ("pistolet à peinture", "pistolet de peinture", "pistolet peinture");
- terms match whole words only ("gun" is not in "gunmetal"), anywhere among brand and model noise.

Exceptions say when a term is harmless, two kinds told apart by the rule's own terms:

- an exception that contains one of the rule's terms ("pistolet à colle", "couteau à beurre",
  "car seat") cancels that term wherever the whole phrase is written, as often as it is written;
- any other exception ("jouet", "toy", "DVD", "Hot Wheels") cancels a term written next to it,
  at most one word away on either side ("lave-linge jouet", "jouet Smoby lave-linge").

A listing may set off several rules: the most severe verdict wins (forbidden, then review, then
allowed) and, among rules of that verdict, the first one in the version. A vehicle rule sends the
item to a parking bay whatever else is found.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property

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

# Small words: optional inside a term ("machine à laver", "machine laver") and not counted
# when measuring the distance between a context exception and a term.
SMALL_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "l", "la", "le", "les", "pour", "un", "une", "avec", "et"}
    | {"sur", "ou", "the", "of", "for", "with", "and", "an", "in", "on", "to", "x"}
)

# Linking words that may stand, or not, where a term or exception has one.
LINKING_WORDS = ("a", "au", "aux", "d", "de", "des", "du", "en", "l", "la", "le", "les", "pour", "of", "for", "the")
# In a term, "and" and "et" link its words too ("smith and wesson": "Smith & Wesson", "smith et wesson").
_LINKING = (*LINKING_WORDS, "and", "et")

_LIGATURES = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_LIGATURE = re.compile("[" + "".join(_LIGATURES) + "]")
_NON_WORD = re.compile(r"[\W_]+")
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _ascii_with_marks(char: str) -> bool:
    """Whether a character folds to ASCII letters or digits plus combining marks ("é", "ﬁ", not "×" nor "ħ")."""
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bool(base) and base.isascii() and base.isalnum()


# Anything but ASCII and the characters _ascii_with_marks() accepts (Latin letters, mostly).
_BEYOND_LATIN = re.compile(
    "[^\x00-\x7f" + "".join(re.escape(chr(c)) for c in range(0x80, 0x2000) if _ascii_with_marks(chr(c))) + "]"
)
# Combining marks (the accents NFKD splits off), as one character class.
_MARKS = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c))) + "]+")
# A lone `#` in a term stands for a model code: one word holding a digit ("glock #": "Glock 17",
# "glock g19", "Glock19"; "sig #": "SIG P226"). Knowledge files name makers this way.
MODEL_CODE = "#"
_MODEL_CODE_PATTERN = "(?:[a-z]*[0-9][a-z0-9]*)"
_VOWELS = frozenset("aeiouy")
_HAS_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    """Casefold, fold accents and ligatures, and keep only letters and digits separated by single spaces.

    The result starts and ends with a space so that every word is framed by spaces. A "+"
    becomes the word "plus": "machette + étui" sells two things, and says so to the
    general exceptions (Qualifiers), where a plain space would join them.
    """
    if "+" in text:
        text = text.replace("+", " plus ")
    folded = text.lower() if text.isascii() else _fold(text.casefold())
    if folded.isascii():
        # The common case, done at C speed: punctuation to spaces, spaces collapsed.
        return f" {' '.join(folded.translate(_ASCII_SEPARATORS).split())} "
    return f" {_NON_WORD.sub(' ', folded).strip()} "


def _fold(text: str) -> str:
    """Accents and ligatures off a casefolded text; letters of other scripts stay."""
    if _LIGATURE.search(text):
        text = _LIGATURE.sub(lambda match: _LIGATURES[match.group()], text)
    decomposed = unicodedata.normalize("NFKD", text)
    if _BEYOND_LATIN.search(text) is None:
        # Latin letters decompose into ASCII letters and combining marks: dropping
        # what is not ASCII drops exactly the marks.
        return decomposed.encode("ascii", "ignore").decode("ascii")
    return _MARKS.sub("", decomposed)


def word_forms(word: str, *, feminine: bool = False) -> set[str]:
    """A normalised word and its plural (and, if asked, feminine) forms, French and English."""
    forms = {word}
    if len(word) < 3 or not word.isalpha():
        return forms
    bases = {word}
    if feminine and not word.endswith("e"):
        if word.endswith(("ien", "on")):
            bases.add(word + "ne")
        elif word.endswith("el"):
            bases.add(word + "le")
        elif word.endswith("if"):
            bases.add(word[:-1] + "ve")
        elif word.endswith("eux"):
            bases.add(word[:-1] + "se")
        elif word.endswith("er"):
            bases.add(word[:-2] + "ere")
        else:
            bases.add(word + "e")
    for base in bases:
        forms |= _plurals(base)
    return forms


def _plurals(word: str) -> set[str]:
    if word.endswith(("s", "x", "z")):
        return {word, word + "es"}
    if word.endswith(("eau", "au", "eu", "ou")):
        return {word, word + "x", word + "s"}
    if word.endswith("al"):
        return {word, word + "s", word[:-2] + "aux"}
    if word.endswith("fe"):
        return {word, word + "s", word[:-2] + "ves"}
    if word.endswith("e"):
        return {word, word + "s"}
    if word.endswith("f"):
        return {word, word + "s", word[:-1] + "ves"}
    if word.endswith("y") and word[-2] not in _VOWELS:
        return {word, word + "s", word[:-1] + "ies"}
    if word.endswith(("ch", "sh")):
        return {word, word + "s", word + "es"}
    return {word, word + "s"}


def _alternation(forms) -> str:
    if forms is None:
        return _MODEL_CODE_PATTERN
    # Longest first: the regex engine takes the first alternative that fits.
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def _phrase_words(phrase: str) -> list[str]:
    """A phrase's normalised words, MODEL_CODE standing where the phrase has a lone `#`."""
    return [
        word for token in phrase.split() for word in ([MODEL_CODE] if token == MODEL_CODE else normalise(token).split())
    ]


def _phrase_parts(phrase: str) -> list[tuple[set[str] | None, tuple[str, ...]]]:
    """Each word of a phrase that must be written: its forms (None for a model code), and the small
    words the phrase writes before it (empty when none may stand there)."""
    words = _phrase_words(phrase)
    parts: list[tuple[set[str] | None, tuple[str, ...]]] = []
    small: list[str] = []
    for index, word in enumerate(words):
        if 0 < index < len(words) - 1 and word in SMALL_WORDS:
            small.append(word)
            continue
        forms = None if word == MODEL_CODE else word_forms(word, feminine=bool(parts))
        parts.append((forms, tuple(small)))
        small = []
    return parts


def _link(small: tuple[str, ...]) -> str:
    """Where a phrase writes small words: any one or two linking words, the phrase's own ("aquarium
    avec meuble", "title in hand"), or none."""
    extra = tuple(word for word in small if word not in _LINKING)
    return "(?:(?:" + "|".join((*_LINKING, *extra)) + ") ){0,2}"


def phrase_pattern(phrase: str) -> str | None:
    """The regular expression (no frame) for a term or exception phrase; None for a phrase without words."""
    parts = _phrase_parts(phrase)
    if not parts or parts[0][0] is None:
        # A phrase must start with a word: occurrences are looked for where it can start.
        return None
    pattern = _alternation(parts[0][0])
    for forms, small in parts[1:]:
        if small:
            # "pistolet à peinture" is also written "pistolet de peinture", "pistolet pour
            # peinture" or "pistolet peinture": any one or two linking words, or none.
            pattern += " " + _link(small) + _alternation(forms)
        else:
            # "lave linge" or "lavelinge"
            pattern += " ?" + _alternation(forms)
    return pattern


def first_words(phrase: str) -> set[str]:
    """Every word a phrase's occurrence can start with ("lave", "laves", "lavelinge", ...)."""
    parts = _phrase_parts(phrase)
    if not parts or parts[0][0] is None:
        return set()
    starts = set(parts[0][0])
    joined = set(parts[0][0])
    for forms, small in parts[1:]:
        if small or forms is None:
            break
        joined = {head + tail for head in joined for tail in forms}
        starts |= joined
    return starts


def model_prefixes(phrase: str) -> set[str]:
    """Where a phrase's first words are followed by a model code ("glock #"), those words as one
    joined word ("glock"): a listing's "glock19" starts with it, and is looked at too."""
    parts = _phrase_parts(phrase)
    joined = set(parts[0][0]) if parts and parts[0][0] is not None else set()
    for forms, small in parts[1:]:
        if forms is None:
            return joined if not small else set()
        if small:
            return set()
        joined = {head + tail for head in joined for tail in forms}
    return set()


def _longest_first(patterns) -> re.Pattern | None:
    # Longest first: at a given word the first alternative that fits is taken.
    alternatives = "|".join(sorted(patterns, key=lambda p: (-len(p), p)))
    return re.compile(f"(?:{alternatives})(?= )") if patterns else None


class ListingWords(frozenset):
    """A listing's words; those that hold a digit (model codes, "glock19") are found once for all rules."""

    @cached_property
    def coded(self) -> list[str]:
        return [word for word in self if not word.isalpha()]


class PhraseSet:
    """Phrases (terms or exceptions) compiled into one pattern, tried only where one of them can start.

    A listing is first cut into its set of words; only a word that can begin one of
    the phrases ("lave", "lavelinge", "pistolet") is looked at with the regular
    expression, so a long description costs a set lookup per word, not a regex scan.
    At such a word only the phrases that can begin with it are tried: a lexicon of
    700 makers and models costs one short alternation there, compiled on first use.
    """

    def __init__(self, phrases):
        patterns = {p for p in (phrase_pattern(phrase) for phrase in phrases) if p}
        self.pattern = _longest_first(patterns)
        by_start: dict[str, set[str]] = {}
        for phrase in phrases:
            pattern = phrase_pattern(phrase)
            for word in first_words(phrase) if pattern else ():
                by_start.setdefault(word, set()).add(pattern)
        self._by_start = by_start
        self._compiled: dict[str, re.Pattern] = {}
        self.first_words = frozenset(by_start)
        self.model_prefixes = frozenset(word for phrase in phrases for word in model_prefixes(phrase))

    def _pattern_at(self, word: str) -> re.Pattern:
        """The phrases that can begin with `word`; the whole set for a maker joined to its model code."""
        pattern = self._compiled.get(word)
        if pattern is None:
            starts = self._by_start.get(word)
            pattern = self.pattern if starts is None else _longest_first(starts)
            self._compiled[word] = pattern
        return pattern

    def __bool__(self):
        return self.pattern is not None

    def _model_words(self, words: set[str]) -> set[str]:
        """Listing words that join a maker and a model code ("glock19"): phrases may start there too."""
        if not self.model_prefixes:
            return set()
        prefixes = self.model_prefixes
        coded = words.coded if isinstance(words, ListingWords) else [w for w in words if not w.isalpha()]
        return {word for word in coded if any(word[:cut] in prefixes for cut in range(2, len(word)))}

    def found_in(self, words: set[str]) -> bool:
        if self.pattern is None:
            return False
        return not self.first_words.isdisjoint(words) or bool(self._model_words(words))

    def occurrences(self, text: str, words: set[str]) -> list[tuple[int, int, str]]:
        """(start, end, matched text) of every occurrence, overlapping ones included, in order."""
        if self.pattern is None:
            return []
        found = []
        for word in self.first_words.intersection(words) | self._model_words(words):
            needle = f" {word} "
            pattern = self._pattern_at(word)
            at = text.find(needle)
            while at != -1:
                match = pattern.match(text, at + 1)
                if match:
                    found.append((match.start(), match.end(), match.group()))
                at = text.find(needle, at + 1)
        found.sort()
        return found

    def search(self, text: str) -> bool:
        """Whether any phrase occurs in a normalised text (used at compile time only)."""
        return bool(self.occurrences(text, set(text.split())))


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
_QUALIFIER_GAP = re.compile(
    " (?:(?:"
    + "|".join(LINKING_WORDS)
    + ") ){0,2}(?:(?!(?:avec|with|w|et|and|plus|[0-9]+) )[a-z0-9]+ )?(?:(?:"
    + "|".join(LINKING_WORDS)
    + ") ){0,2}"
)
# For a vehicle only the linking words: "pneus de Clio" is a part, "Ford F-150 new tires"
# a truck whose seller mentions its tyres.
_QUALIFIER_GAP_STRICT = re.compile(" (?:(?:" + "|".join(LINKING_WORDS) + ") ){0,2}")


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

    A title that holds one of them, or names a vehicle, says what is sold: a forbidden
    term found only in its description ("Jeu de société Cluedo": "...poignard, corde et
    revolver miniatures"; a camper van's "fridge") is sent to review (check_item).
    """

    def __init__(self, lines):
        # A line may say on which side it qualifies: "before: porte" (French "porte de frigo",
        # not "frigo porte vitrée"), "after: door" ("fridge door"); otherwise either side.
        self.sides: dict[str, tuple[bool, bool]] = {}
        for line in lines:
            side, _colon, phrase = line.partition(":")
            side = side.strip().lower()
            if _colon and side in ("before", "after"):
                self.sides[phrase.strip()] = (side == "before", side == "after")
            else:
                self.sides[line] = (True, True)
        self.phrases = PhraseSet(self.sides)
        self.named = tuple(
            (phrase, re.compile(f" {pattern} ")) for phrase in self.sides if (pattern := phrase_pattern(phrase))
        )

    def __bool__(self):
        return bool(self.phrases)

    def occurrences(self, text: str, words: set[str]) -> list[tuple[int, int, str]]:
        return self.phrases.occurrences(text, words)

    def found_in(self, words: set[str]) -> bool:
        return self.phrases.found_in(words)

    def cancelling(
        self, text: str, found: list[tuple[int, int, str]], start: int, end: int, *, strict: bool = False
    ) -> str:
        """The qualifier (as written in the list) that makes the term at [start, end) harmless, or "".

        `strict`: nothing but linking words between them (vehicle rules)."""
        gap = _QUALIFIER_GAP_STRICT if strict else _QUALIFIER_GAP
        for a, b, matched in found:
            framed = f" {matched} "
            phrase = next((phrase for phrase, pattern in self.named if pattern.fullmatch(framed)), matched)
            may_precede, may_follow = self.sides.get(phrase, (True, True))
            covers = a <= start and end <= b
            before = may_precede and b <= start and gap.fullmatch(text, b, start) is not None
            after = may_follow and end <= a and gap.fullmatch(text, end, a) is not None
            if covers or before or after:
                return phrase
        return ""


def compile_qualifiers(text: str) -> Qualifiers:
    return Qualifiers(_lines(text))


def invalid_qualifiers(text: str) -> list[str]:
    """Lines of a version's general exceptions that could never match ("before:" alone, "#")."""
    return [phrase for phrase in Qualifiers(_lines(text)).sides if phrase_pattern(phrase) is None]


def invalid_phrases(text: str) -> list[str]:
    """Lines of a terms or exceptions field that hold no letter or digit, so could never match."""
    return [line for line in _lines(text) if phrase_pattern(line) is None]


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
            from django.utils import translation

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


class _Tokens:
    """Word positions of a normalised text, computed only when a context exception needs them."""

    def __init__(self, text: str):
        self.starts = [m.start() for m in re.finditer(r"(?<= )[^ ]", text)]
        self.words = text.split()

    def index(self, char_position: int) -> int:
        # The word that starts at or before char_position.
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= char_position:
                low = middle
            else:
                high = middle - 1
        return low

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.index(start), self.index(end - 1)

    def gap(self, first: tuple[int, int], second: tuple[int, int]) -> int:
        """Words between two word spans (which do not overlap), leaving out small words and numbers:
        "Nerf Elite 2.0 pistolet" has one word between "nerf" and "pistolet"."""
        left, right = (first, second) if first[1] < second[0] else (second, first)
        between = self.words[left[1] + 1 : right[0]]
        return sum(1 for word in between if word not in SMALL_WORDS and not _HAS_DIGIT.search(word))


def _live_term(rule: CompiledRule, text: str, words: set, memo: dict, steps: list | None) -> tuple[str, int] | None:
    """The first occurrence of one of the rule's terms that no exception cancels (with where it starts), or None."""
    cancelling = rule.cancelling.occurrences(text, words)
    context = rule.context.occurrences(text, words)
    qualifiers = rule.qualifiers
    if qualifiers is not None and "qualifiers" not in memo:
        # The same for every rule of the version: found once per listing.
        memo["qualifiers"] = qualifiers.occurrences(text, words)
    for start, end, term in rule.terms.occurrences(text, words):
        cancelled_by = next((phrase for a, b, phrase in cancelling if a <= start and end <= b), "")
        if not cancelled_by and qualifiers is not None and memo["qualifiers"]:
            cancelled_by = qualifiers.cancelling(text, memo["qualifiers"], start, end, strict=rule.space_kind == BAY)
        if not cancelled_by and context:
            if "tokens" not in memo:
                memo["tokens"] = _Tokens(text)
            tokens = memo["tokens"]
            term_span = tokens.span(start, end)
            for a, b, phrase in context:
                phrase_span = tokens.span(a, b)
                apart = phrase_span[1] < term_span[0] or term_span[1] < phrase_span[0]
                if apart and tokens.gap(term_span, phrase_span) <= CONTEXT_GAP:
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


def _title_names(rules, title: str, memo: dict) -> str:
    """What the title says is sold, when it is not the forbidden thing itself: VEHICLE_CATEGORY for a
    vehicle, "other" for a part, toy, medium... (a general exception in the title), "" otherwise."""
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
            qualifiers = next((rule.qualifiers for rule in rules if rule.qualifiers is not None), None)
            if qualifiers is not None and qualifiers.found_in(words) and qualifiers.occurrences(text, words):
                kind = "other"
        memo["title_kind"] = kind
    return memo["title_kind"]


def check_item(rules, *, title: str, description: str = "", explain: bool = False) -> Verdict:
    """The verdict on a listing under the given compiled rules."""
    title_text = normalise(title)
    # normalise() frames the title with spaces: what starts at or after this is the description.
    title_end = len(title_text) - 1
    description_text = normalise(description) if description else ""
    # "plus" between them, as for a "+": a title's last word and a description's first are
    # not one phrase ("Bosch 300 series" / "Dishwasher, stainless").
    text = f"{title_text}plus{description_text}" if description_text.strip() else title_text
    words = ListingWords(text.split())
    memo: dict = {}
    steps: list | None = [] if explain else None
    best: tuple[CompiledRule, str, str] | None = None
    bay = False
    for rule in rules:
        if not rule.terms.found_in(words):
            continue
        if (
            best is not None
            and SEVERITY[rule.verdict] <= SEVERITY[best[2]]
            and not (explain or (rule.space_kind == BAY and not bay))
        ):
            continue  # cannot change the outcome
        found = _live_term(rule, text, words, memo, steps)
        if found is None:
            continue
        term, start = found
        verdict = rule.verdict
        if verdict != ALLOWED and start >= title_end and (title_kind := _title_names(rules, title, memo)):
            if title_kind == VEHICLE_CATEGORY and rule.category == BULKY_CATEGORY:
                # A camper van's fridge, bed or sofa is its equipment: the van goes to its bay.
                continue
            verdict = REVIEW
        bay = bay or rule.space_kind == BAY
        if best is None or SEVERITY[verdict] > SEVERITY[best[2]]:
            best = (rule, term, verdict)
    if best is None:
        return Verdict(steps=tuple(steps or ()))
    rule, term, verdict = best
    downgraded = verdict != rule.verdict
    return Verdict(
        verdict=verdict,
        space_kind=BAY if bay else ROOM,
        category=rule.category,
        rule_id=rule.rule_id,
        reason_fr=DESCRIPTION_ONLY_REASON_FR if downgraded else rule.reason_fr,
        reason_en=DESCRIPTION_ONLY_REASON_EN if downgraded else rule.reason_en,
        term=term,
        steps=tuple(steps or ()),
    )
