"""Listing text as the charter matches it: folding, word forms, phrases and where they occur. Pure Python.

Matching, for real listings:

- case, accents and ligatures are folded ("Lave-Linge", "lave linge", "LAVE LINGE" are one);
  hyphens, apostrophes, punctuation and emoji are word separators ("l'arme" holds "arme"); a "+"
  is the word "plus", and a comma with a space after it the word "w" (a list: "Buck knife, orange vest");
- each word of a term also matches its plural ("couteaux", "knives", "batteries") and, after the
  first word, its feminine ("poing américain" matches "poings américains", "poing américaine");
  the forms are generated from the word's ending, so "arme" matches "armes" but not "armées";
- the words of a term may be written apart or joined ("lave linge", "lavelinge", "ak 47", "ak47");
  where a term has a small word ("à", "de", "d'", "of", "and", "avec"), any linking word, that
  word or none will do ("pistolet à peinture", "pistolet de peinture", "pistolet peinture");
- a lone `#` in a term stands for a model code ("glock #": "Glock 17", "Glock19"), and letters
  before a `#` for a model code that begins with them ("samsung rb#": "Samsung RB38T675DSA",
  not "Samsung Galaxy S21"): a maker's series of large appliances, not its phones;
- two numbers in a term are never joined ("1 1", the "1:1" of fakes, is not "11");
- terms match whole words only ("gun" is not in "gunmetal"), anywhere among brand and model noise.
"""

import re
from functools import cached_property

from .folding import SMALL_WORDS, normalise, word_forms

# Linking words that may stand, or not, where a term or exception has one.
LINKING_WORDS = ("a", "au", "aux", "d", "de", "des", "du", "en", "l", "la", "le", "les", "pour", "of", "for", "the")
# In a term, "and" and "et" link its words too ("smith and wesson": "Smith & Wesson", "smith et wesson").
_LINKING = (*LINKING_WORDS, "and", "et")

# A lone `#` in a term stands for a model code: one word holding a digit ("glock #": "Glock 17",
# "glock g19", "Glock19"; "sig #": "SIG P226"). Knowledge files name makers this way.
MODEL_CODE = "#"
_MODEL_CODE_PATTERN = "(?:[a-z]*[0-9][a-z0-9]*)"
# Letters and a `#` ("rb#"): a model code that begins with those letters and holds a digit.
_PREFIXED_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*#")


def _alternation(forms) -> str:
    if forms is None:
        return _MODEL_CODE_PATTERN
    if isinstance(forms, str):
        # "RB38T675DSA" or "RB 38T675DSA"
        return f"(?:{re.escape(forms)} ?[a-z]*[0-9][a-z0-9]*)"
    # Longest first: the regex engine takes the first alternative that fits.
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def _phrase_words(phrase: str) -> list[str]:
    """A phrase's normalised words, MODEL_CODE standing where the phrase has a lone `#`, "rb#" where it
    has letters and a `#`."""
    return [
        word
        for token in phrase.split()
        for word in (
            [MODEL_CODE]
            if token == MODEL_CODE
            else [token.lower()]
            if _PREFIXED_CODE.fullmatch(token)
            else normalise(token).split()
        )
    ]


def _is_word(forms) -> bool:
    """Whether a phrase part is a word (its forms), not a model code (None, or the code's first letters)."""
    return isinstance(forms, set)


def _is_number(forms) -> bool:
    return _is_word(forms) and all(form.isdigit() for form in forms)


def _phrase_parts(phrase: str) -> list[tuple[set[str] | str | None, tuple[str, ...]]]:
    """Each word of a phrase that must be written: its forms (None for a model code, its first letters
    for a model code that must begin with them), and the small words the phrase writes before it
    (empty when none may stand there)."""
    words = _phrase_words(phrase)
    parts: list[tuple[set[str] | None, tuple[str, ...]]] = []
    small: list[str] = []
    for index, word in enumerate(words):
        if 0 < index < len(words) - 1 and word in SMALL_WORDS:
            small.append(word)
            continue
        if word == MODEL_CODE:
            forms = None
        elif word.endswith(MODEL_CODE):
            forms = word[:-1]
        else:
            forms = word_forms(word, feminine=bool(parts))
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
    if not parts or not _is_word(parts[0][0]):
        # A phrase must start with a word: occurrences are looked for where it can start.
        return None
    pattern = _alternation(parts[0][0])
    for (previous, _small), (forms, small) in zip(parts, parts[1:], strict=False):
        if _is_number(previous) and _is_number(forms):
            # "1 1" (a fake's "1:1") is not "11", nor "12 70" "1270".
            pattern += " " + _alternation(forms)
        elif small:
            # "pistolet à peinture" is also written "pistolet de peinture", "pistolet pour
            # peinture" or "pistolet peinture": any one or two linking words, or none.
            pattern += " " + _link(small) + _alternation(forms)
        else:
            # "lave linge" or "lavelinge"
            pattern += " ?" + _alternation(forms)
    return pattern


def _starts_and_followers(phrase: str, *, linking: bool = True) -> dict[str, frozenset[str] | None]:
    """Every word a phrase's occurrence can start with, and the words that can follow that word in a
    listing (None when any may, or none need to: the phrase is complete at that word, or a model code
    comes next). "pistolet a peinture": "pistolet" is followed by a linking word, "peinture" or
    "peintures"."""
    parts = _phrase_parts(phrase)
    if not parts or not _is_word(parts[0][0]):
        return {}
    starts: dict[str, frozenset[str] | None] = {}
    joined = set(parts[0][0])
    consumed = 1
    while True:
        followers = _followers(parts, consumed, linking=linking)
        for word in joined:
            known = starts.get(word, frozenset())
            starts[word] = None if followers is None or known is None else known | followers
        if consumed == len(parts):
            return starts
        (previous, _small), (forms, small) = parts[consumed - 1], parts[consumed]
        if small or not _is_word(forms) or (_is_number(previous) and _is_number(forms)):
            return starts
        joined = {head + tail for head in joined for tail in forms}
        consumed += 1


def _followers(parts, consumed: int, *, linking: bool = True) -> frozenset[str] | None:
    """The words that can follow an occurrence's first word made of `parts[:consumed]` joined (without
    `linking`: the words one of which must be written after it, past the linking words it may have)."""
    if consumed >= len(parts):
        return None
    forms, small = parts[consumed]
    if not _is_word(forms):
        return None
    following = set(_LINKING) | set(small) if small and linking else set()
    joined = set(forms)
    following |= joined
    for (previous, _small), (later, later_small) in zip(parts[consumed:], parts[consumed + 1 :], strict=False):
        if not later_small and not _is_word(later):
            return None  # a model code may be joined on ("honda hrn #": "hrn216"): any word may follow
        if later_small or (_is_number(previous) and _is_number(later)):
            break
        joined = {head + tail for head in joined for tail in later}
        following |= joined
    return frozenset(following)


def most_words(phrase: str) -> int:
    """The most words an occurrence of a phrase can be written in: one for each of its words or model
    codes (two for a code after its first letters, "rb 38t675dsa"), two more where it has small words
    (any one or two linking words). Joined spellings ("lavelinge") take fewer."""
    return sum((2 if isinstance(forms, str) else 1) + (2 if small else 0) for forms, small in _phrase_parts(phrase))


def model_prefixes(phrase: str) -> set[str]:
    """Where a phrase's first words are followed by a model code ("glock #"), those words as one
    joined word ("glock"): a listing's "glock19" starts with it, and is looked at too."""
    parts = _phrase_parts(phrase)
    joined = set(parts[0][0]) if parts and _is_word(parts[0][0]) else set()
    for forms, small in parts[1:]:
        if not _is_word(forms):
            return joined if not small else set()
        if small:
            return set()
        joined = {head + tail for head in joined for tail in forms}
    return set()


def _longest_first(patterns) -> re.Pattern | None:
    # Longest first: at a given word the first alternative that fits is taken.
    alternatives = "|".join(sorted(patterns, key=lambda p: (-len(p), p)))
    return re.compile(f"(?:{alternatives})(?= )") if patterns else None


_DIGITS = "0123456789"
# Beyond this many characters (a description more than a title), the words that follow a phrase's
# first word are looked at before the phrase is tried at each place that word is written; on a shorter
# text that costs as much as it saves.
LONG_TEXT = 200


class ListingWords(frozenset):
    """A listing's words that can begin a phrase of its rules (all its words when the rules do not say
    which can), and what is worked out once for all the rules: the words holding a digit (model codes,
    "glock19") and each word with the word written after it."""

    text = ""
    tokens: list[str] = []
    # Every word of the listing, once.
    written: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str, vocabulary: frozenset[str] | None = None, tokens: list[str] | None = None) -> "ListingWords":
        """`text` normalised (`tokens`, its words, when they are known); `vocabulary`, every word a phrase
        of the rules can begin with: the listing's other words are not looked at again by each rule."""
        if tokens is None:
            tokens = text.split()
        # The listing's words once each first: fewer lookups in a large vocabulary.
        written = frozenset(tokens)
        words = cls(written if vocabulary is None else vocabulary.intersection(written))
        words.text, words.tokens, words.written = text, tokens, written
        return words

    @cached_property
    def coded(self) -> list[str]:
        """The words that hold a digit: a model code may be there ("glock19", "rb38t675dsa")."""
        text, coded = self.text, set()
        for digit in _DIGITS:
            at = text.find(digit)
            while at != -1:
                end = text.find(" ", at)
                coded.add(text[text.rfind(" ", 0, at) + 1 : end])
                at = text.find(digit, end)
        return list(coded)

    @cached_property
    def _next_words(self) -> dict[str, set[str]]:
        return {}

    def next_words(self, word: str) -> set[str]:
        """The words written right after `word` anywhere in the listing (found once for all the rules)."""
        following = self._next_words.get(word)
        if following is None:
            # What follows each " word ", cut at C speed; the word right after is up to the next space.
            after = self.text.split(f" {word} ")[1:]
            following = self._next_words[word] = {part.partition(" ")[0] for part in after}
            if word in following:
                # "pas pas ...": the cut does not see the second "pas", which shares a space with the first.
                following |= self._next_words_one_by_one(word)
        return following

    def _next_words_one_by_one(self, word: str) -> set[str]:
        text, needle, following = self.text, f" {word} ", set()
        at = text.find(needle)
        while at != -1:
            after = at + len(needle)
            following.add(text[after : text.find(" ", after)])
            at = text.find(needle, after - 1)
        return following

    @cached_property
    def code_prefixes(self) -> frozenset[str]:
        """Every way a coded word ("glock19") can begin: one set test per rule tells whether a maker joined
        to its code may be there."""
        return frozenset(word[:cut] for word in self.coded for cut in range(2, len(word)))


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
        followers: dict[str, frozenset[str] | None] = {}
        needed: dict[str, frozenset[str] | None] = {}
        for phrase in phrases:
            pattern = phrase_pattern(phrase)
            for word, following in _starts_and_followers(phrase).items() if pattern else ():
                by_start.setdefault(word, set()).add(pattern)
                known = followers.get(word, frozenset())
                followers[word] = None if following is None or known is None else known | following
            for word, following in _starts_and_followers(phrase, linking=False).items() if pattern else ():
                known = needed.get(word, frozenset())
                needed[word] = None if following is None or known is None else known | following
        self._by_start = by_start
        # For each start word, the words one of which must be written after it, past any linking words
        # ("origine" in "pas d'origine"), and the words that may follow it (linking words too); None: any
        # may, or none need to.
        self._after: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {
            word: None if following is None or needed[word] is None else (needed[word], following)
            for word, following in followers.items()
        }
        self._compiled: dict[str, re.Pattern] = {}
        self.first_words = frozenset(by_start)
        self.model_prefixes = frozenset(word for phrase in phrases for word in model_prefixes(phrase))
        # The most words one occurrence spans (occurrences_between() looks that far back).
        self.most_words = max((most_words(phrase) for phrase in phrases if phrase_pattern(phrase)), default=0)
        # The lengths a maker joined to its code can be cut at ("glock19": "glock").
        self._prefix_lengths = tuple(sorted({len(prefix) for prefix in self.model_prefixes}))

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
        if isinstance(words, ListingWords):
            if self.model_prefixes.isdisjoint(words.code_prefixes):
                return set()
            coded = words.coded
        else:
            coded = [word for word in words if not word.isalpha()]
        prefixes, lengths = self.model_prefixes, self._prefix_lengths
        return {word for word in coded if any(word[:cut] in prefixes for cut in lengths if 2 <= cut < len(word))}

    def found_in(self, words: set[str]) -> bool:
        if self.pattern is None:
            return False
        if not self.first_words.isdisjoint(words):
            return True
        if not self.model_prefixes:
            return False
        if isinstance(words, ListingWords):
            return not self.model_prefixes.isdisjoint(words.code_prefixes)
        return bool(self._model_words(words))

    def occurrences(self, text: str, words: set[str]) -> list[tuple[int, int, str]]:
        """(start, end, matched text) of every occurrence, overlapping ones included, in order."""
        if self.pattern is None:
            return []
        candidates = self.first_words.intersection(words)
        if self.model_prefixes:
            candidates |= self._model_words(words)
        if not candidates:
            return []
        found = []
        # In a long text, where every phrase that starts with a word needs a next word and none of those
        # is ever written after it ("sur place", "pas mal" for "sur ordonnance", "pas original"), the
        # phrases are not tried at each place the word is written. Most often none of the words they need
        # after it, linking words aside, is written anywhere in the listing ("pickup" for "pickup truck",
        # "pas d'échange" for "pas d'origine"): one set test tells, before the words that follow this one
        # are looked for.
        listing = words if len(text) > LONG_TEXT and isinstance(words, ListingWords) else None
        for word in candidates:
            if listing is not None:
                after = self._after.get(word)
                if after is not None and (
                    after[0].isdisjoint(listing.written) or after[1].isdisjoint(listing.next_words(word))
                ):
                    continue
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

    def occurrences_between(self, text: str, words: set[str], first: int, last: int) -> list[tuple[int, int, str]]:
        """occurrences() that start at a character position from `first` to `last`: the phrases are tried
        only where one of their first words is written there (they may end further)."""
        if self.pattern is None:
            return []
        candidates = self.first_words.intersection(words)
        if self.model_prefixes:
            candidates |= self._model_words(words)
        found = []
        for word in candidates:
            needle = f" {word} "
            # The needle's space is the one before `first` or later, and its word starts by `last`.
            lowest, highest = max(first - 1, 0), last + len(needle) - 1
            at = text.find(needle, lowest, highest)
            if at == -1:
                continue
            pattern = self._pattern_at(word)
            while at != -1:
                match = pattern.match(text, at + 1)
                if match:
                    found.append((match.start(), match.end(), match.group()))
                at = text.find(needle, at + 1, highest)
        found.sort()
        return found

    def search(self, text: str) -> bool:
        """Whether any phrase occurs in a normalised text (used at compile time only)."""
        return bool(self.occurrences(text, set(text.split())))
