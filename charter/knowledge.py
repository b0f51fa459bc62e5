"""The charter's knowledge as data: the files of charter/knowledge/, read into plain values.

The rules of a new charter version are not Python literals: each rule is a TOML file
(category, verdict, reasons in French and English, terms and exceptions one per line),
read in file-name order, so that lexicons of makers and models, slang, brand names or
species are edited as data and reviewed as a diff. `charter.toml` holds the public texts
and `qualifiers.toml` the general exceptions shared by every rule. charter.seed turns
them into a CharterVersion with its Rule rows; from then on the version is what counts,
edited by superusers in the admin (test box, impact preview) and published as a whole.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .validator import ALLOWED, FORBIDDEN, REVIEW, VEHICLE_CATEGORY, compile_rules, invalid_phrases

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
TEXTS_FILE = "charter.toml"
QUALIFIERS_FILE = "qualifiers.toml"
CATEGORIES = ("weapon", "blade", "bulky", "dangerous", "illegal", VEHICLE_CATEGORY)
VERDICTS = (FORBIDDEN, REVIEW, ALLOWED)
REASON_MAX_LENGTH = 300


class KnowledgeError(ValueError):
    """A knowledge file that cannot become a charter version, with the file and the reason."""


@dataclass(frozen=True)
class RuleData:
    source: str
    category: str
    verdict: str
    terms: str
    exceptions: str
    reason_fr: str
    reason_en: str


@dataclass(frozen=True)
class Knowledge:
    summary_fr: str
    summary_en: str
    text_fr: str
    text_en: str
    general_exceptions: str
    rules: tuple[RuleData, ...]


def _lines(text: str) -> str:
    """One phrase a line, stripped; blank lines and comments ("# ...") dropped (the form the admin keeps).

    No phrase can start with "#" (a model code needs a word before it), so a comment is never a term.
    """
    return "\n".join(line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KnowledgeError(f"{path.name}: {error}") from error


def _text(data: dict, key: str, source: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise KnowledgeError(f"{source}: {key} must be text")
    return value.strip()


def _rule(path: Path) -> RuleData:
    data = _read(path)
    source = path.name
    rule = RuleData(
        source=source,
        category=_text(data, "category", source),
        verdict=_text(data, "verdict", source),
        terms=_lines(_text(data, "terms", source)),
        exceptions=_lines(_text(data, "exceptions", source)),
        reason_fr=_text(data, "reason_fr", source),
        reason_en=_text(data, "reason_en", source),
    )
    if rule.category not in CATEGORIES:
        raise KnowledgeError(f"{source}: unknown category {rule.category!r} (one of {', '.join(CATEGORIES)})")
    if rule.verdict not in VERDICTS:
        raise KnowledgeError(f"{source}: unknown verdict {rule.verdict!r} (one of {', '.join(VERDICTS)})")
    if (rule.category == VEHICLE_CATEGORY) != (rule.verdict == ALLOWED):
        raise KnowledgeError(f"{source}: vehicle rules, and only they, are 'allowed' (they send the item to a bay)")
    if not rule.terms:
        raise KnowledgeError(f"{source}: no terms")
    if not (rule.reason_fr and rule.reason_en):
        raise KnowledgeError(f"{source}: a reason in French and in English is shown to the public")
    if max(len(rule.reason_fr), len(rule.reason_en)) > REASON_MAX_LENGTH:
        raise KnowledgeError(f"{source}: reasons are at most {REASON_MAX_LENGTH} characters")
    unreadable = invalid_phrases(rule.terms) + invalid_phrases(rule.exceptions)
    if unreadable:
        raise KnowledgeError(f"{source}: lines that could never match: {unreadable}")
    return rule


def knowledge_load(folder: Path = KNOWLEDGE_DIR) -> Knowledge:
    """The texts, general exceptions and rules of the folder; KnowledgeError names the first bad file."""
    texts = _read(folder / TEXTS_FILE)
    qualifiers = _read(folder / QUALIFIERS_FILE) if (folder / QUALIFIERS_FILE).exists() else {}
    rule_files = sorted(path for path in folder.glob("*.toml") if path.name not in (TEXTS_FILE, QUALIFIERS_FILE))
    if not rule_files:
        raise KnowledgeError(f"{folder}: no rule files")
    return Knowledge(
        summary_fr=_text(texts, "summary_fr", TEXTS_FILE),
        summary_en=_text(texts, "summary_en", TEXTS_FILE),
        text_fr=_text(texts, "text_fr", TEXTS_FILE),
        text_en=_text(texts, "text_en", TEXTS_FILE),
        general_exceptions=_lines(_text(qualifiers, "general_exceptions", QUALIFIERS_FILE)),
        rules=tuple(_rule(path) for path in rule_files),
    )


def knowledge_compile(knowledge: Knowledge) -> tuple:
    """The rules compiled as charter.selectors compiles a version's (ids are the rules' positions),
    without a database: for the benchmarks and the per-term tests."""
    return compile_rules(knowledge.rules, general_exceptions=knowledge.general_exceptions)
