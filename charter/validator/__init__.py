"""Decides whether an item may be exchanged at a station. Pure Python: no database, no Django models.

Three steps, one module each:

- folding (charter.validator.folding): a listing's text casefolded, accents, ligatures and
  punctuation off, and the plural and feminine forms of a word;
- phrase matching (charter.validator.phrases, charter.validator.rules): a term or exception
  compiled into one pattern, and a version's rules compiled once (charter.selectors caches them
  per published version), with the general exceptions every rule shares (parts, toys, media...);
- the verdict (charter.validator.verdict): which rules a listing sets off, what cancels them, and
  the most severe verdict with its rule, words and reason.
"""

from .folding import normalise, word_forms
from .rules import (
    ALLOWED,
    BAY,
    BULKY_CATEGORY,
    FORBIDDEN,
    REVIEW,
    ROOM,
    SEVERITY,
    VEHICLE_CATEGORY,
    CompiledRule,
    Qualifiers,
    compile_qualifiers,
    compile_rule,
    compile_rules,
    invalid_phrases,
    invalid_qualifiers,
)
from .verdict import Step, Verdict, check_item

__all__ = [
    "ALLOWED",
    "BAY",
    "BULKY_CATEGORY",
    "FORBIDDEN",
    "REVIEW",
    "ROOM",
    "SEVERITY",
    "VEHICLE_CATEGORY",
    "CompiledRule",
    "Qualifiers",
    "Step",
    "Verdict",
    "check_item",
    "compile_qualifiers",
    "compile_rule",
    "compile_rules",
    "invalid_phrases",
    "invalid_qualifiers",
    "normalise",
    "word_forms",
]
