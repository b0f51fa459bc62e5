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
    general exceptions (Qualifiers), where a plain space would join them. A comma and a space
    list things too ("Buck knife, orange vest"): they become "w" (as in "w/"), which says the
    same to the general exceptions in a shorter text; a decimal comma ("5,56") does not.
    """
    return f" {' '.join(normalised_words(text))} "


def normalised_words(text: str) -> list[str]:
    """The words of normalise(text), in order."""
    if "+" in text:
        text = text.replace("+", " plus ")
    if ", " in text:
        # A comma and a space list things, as a "+" does ("Buck knife, orange vest", "tuyau 25m,
        # tronçonneuse"): a general exception on one side does not reach the other. "w" (as in
        # "w/") says so in one letter, and no term is written with it, as "Golf Plus" is with "plus".
        # A decimal comma ("5,56", "1,5 L") has no space after it and stays a plain separator.
        text = text.replace(", ", " w ")
    latin = _latin1(text)
    if latin is None:
        for punctuation in _TYPOGRAPHY:
            if punctuation in text:
                text = text.replace(punctuation, " ")
        latin = _latin1(text)
    if latin is not None:
        # The common case, French or English text: one byte per character, each casefolded and folded by
        # one table at C speed; a byte the table cannot fold ("ß", "µ", "æ") is marked, and the text
        # takes the general way.
        folded_bytes = latin.translate(_LATIN1_CASEFOLD)
        if _UNFOLDED not in folded_bytes:
            return folded_bytes.decode("ascii").split()
    # Typography is off already, and casefolding gives none.
    folded = text.casefold()
    latin = _latin1(folded)
    if latin is not None and not latin.translate(None, _LATIN1_FOLDED):
        # Casefolded first ("ß" "ss"), the text may be Latin-1 folded by the byte table after all (the
        # ligatures of Latin-1, "æ", "ø", are not among its bytes: they take the general way).
        return latin.translate(_LATIN1_FOLD).decode("ascii").split()
    if _LIGATURE.search(folded):
        folded = _LIGATURE.sub(lambda match: _LIGATURES[match.group()], folded)
    return _words_any_script(folded)


def _words_any_script(folded: str) -> list[str]:
    """normalised_words() of any casefolded text without ligatures: slower, and the reference for the
    fast paths."""
    folded = _fold(folded)
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return _NON_WORD.sub(" ", folded).split()


def _latin1(text: str) -> bytes | None:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _fold(text: str) -> str:
    """Accents off a casefolded text without ligatures; letters of other scripts stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    if _BEYOND_LATIN.search(text) is None:
        # Latin letters decompose into ASCII letters and combining marks: dropping
        # what is not ASCII drops exactly the marks.
        return decomposed.encode("ascii", "ignore").decode("ascii")
    return _MARKS.sub("", decomposed)


def _latin1_fold_table() -> tuple[bytes, bytes]:
    """What _words_any_script() makes of each Latin-1 character that is already casefolded, where it
    is one ASCII letter or digit ("é" "e", "ç" "c", "²" "2") or a separator ("«", "°", a no-break space):
    a 256-byte translation table, and the bytes it folds (the others take the slow path: "¼", "µ").
    Folding is done character by character, so a text made of these bytes folds alike either way."""
    table, folded = bytearray(range(256)), bytearray()
    for code in range(256):
        char = chr(code)
        if char.casefold() != char or char in _LIGATURES:
            continue
        alone = _words_any_script(f"a{char}b")
        if alone == ["a", "b"]:
            table[code] = ord(" ")
        elif len(alone) == 1 and len(alone[0]) == 3 and alone[0].isascii() and alone[0][1].isalnum():
            table[code] = ord(alone[0][1])
        else:
            continue
        folded.append(code)
    return bytes(table), bytes(folded)


_LATIN1_FOLD, _LATIN1_FOLDED = _latin1_fold_table()
# Where a Latin-1 character's casefold is one character that _LATIN1_FOLD folds ("É" "é" "e"): the two
# tables in one, for text not yet casefolded (casefolding, too, goes character by character). The
# others ("ß" "ss", "µ" "μ", ligatures) are marked with a byte that no folded character gives.
_UNFOLDED = 0
_LATIN1_CASEFOLD = bytes(
    _LATIN1_FOLD[ord(casefolded)]
    if len(casefolded := chr(code).casefold()) == 1 and casefolded in _LATIN1_FOLDED.decode("latin-1")
    else _UNFOLDED
    for code in range(256)
)
# Typography outside Latin-1 that is common in listings and only ever a separator: to spaces first, so
# that "l’arme", "10 €" or "–" keep the text on the fast path.
_TYPOGRAPHY = ("\u2019", "\u2018", "\u201c", "\u201d", "\u20ac", "\u2026", "\u2013", "\u2014", "\u202f")


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
