"""Listing text folded for matching: case, accents, ligatures and punctuation off, word forms. Pure Python.

Part of the charter validator (charter.validator): folding here, phrase matching in
charter.validator.phrases, compiled rules in charter.validator.rules, the verdict in
charter.validator.verdict.
"""

import re
import unicodedata

# Small words: optional inside a term ("machine à laver", "machine laver") and not counted
# when measuring the distance between a context exception and a term.
SMALL_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "l", "la", "le", "les", "pour", "un", "une", "avec", "et"}
    | {"sur", "ou", "the", "of", "for", "with", "and", "an", "in", "on", "to", "x"}
)


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
_VOWELS = frozenset("aeiouy")
HAS_DIGIT = re.compile(r"\d")


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
