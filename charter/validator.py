"""Decides whether an item may be exchanged at a station. Pure Python: no database here."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_'’`/.,;:!?()\[\]\"«»]+")


def normalise(text: str) -> str:
    """Casefold, drop accents and turn hyphens, apostrophes and punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return f" {_SEPARATORS.sub(' ', without_accents).strip()} "


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int
    category: str
    pattern: re.Pattern
    exceptions: tuple[str, ...]
    reason_fr: str
    reason_en: str

    @property
    def reason(self) -> str:
        return self.reason_fr if translation.get_language() == "fr" else self.reason_en


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    category: str = ""
    rule_id: int | None = None
    reason: str = ""


def _term_pattern(term: str) -> str:
    # Each word may take a plural ending (s, x, es); words may be joined by
    # spaces or nothing ("lave linge", "lavelinge").
    words = normalise(term).split()
    return r"\s?".join(re.escape(word) + r"(?:s|x|es)?" for word in words)


def compile_rule(*, rule_id: int, category: str, terms: str, exceptions: str, reason_fr: str, reason_en: str):
    alternatives = [_term_pattern(t) for t in terms.splitlines() if t.strip()]
    pattern = re.compile(r"\s(?:" + "|".join(alternatives) + r")\s") if alternatives else re.compile(r"(?!)")
    return CompiledRule(
        rule_id=rule_id,
        category=category,
        pattern=pattern,
        exceptions=tuple(normalise(e) for e in exceptions.splitlines() if e.strip()),
        reason_fr=reason_fr,
        reason_en=reason_en,
    )


def check_item(rules: list[CompiledRule], *, title: str, description: str = "") -> Verdict:
    text = normalise(f"{title} {description}")
    for rule in rules:
        # An exception phrase ("glue gun", "pistolet à colle") is cut out of the
        # text before the rule's terms are looked for.
        remaining = text
        for phrase in rule.exceptions:
            remaining = remaining.replace(phrase, " ")
        if rule.pattern.search(remaining):
            return Verdict(allowed=False, category=rule.category, rule_id=rule.rule_id, reason=rule.reason)
    return Verdict(allowed=True)
