from functools import lru_cache

from .models import CharterVersion
from .validator import CompiledRule, Verdict, check_item, compile_rule


class NoPublishedCharter(Exception):
    pass


def charter_current() -> CharterVersion:
    version = CharterVersion.objects.published().order_by("-number").first()
    if version is None:
        raise NoPublishedCharter
    return version


@lru_cache(maxsize=8)
def _compiled_rules(version_id: int) -> tuple[CompiledRule, ...]:
    # A published version's rules do not change, so compiling them once per
    # process is safe; a new version gets a new id and its own entry.
    from .models import Rule

    return tuple(
        compile_rule(
            rule_id=r.id,
            category=r.category,
            terms=r.terms,
            exceptions=r.exceptions,
            reason_fr=r.reason_fr,
            reason_en=r.reason_en,
        )
        for r in Rule.objects.filter(version_id=version_id).order_by("id")
    )


def charter_check(*, version: CharterVersion, title: str, description: str = "") -> Verdict:
    return check_item(list(_compiled_rules(version.id)), title=title, description=description)
