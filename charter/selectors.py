"""Reads of the charter, and the verdict on an item.

Two caches keep the database out of the hot path:

- the current version's id lives in Django's cache (Redis in production, shared by
  every process) and is dropped whenever a version is saved or deleted
  (charter.signals), so a publication reaches every process on its next request; the
  published row itself is kept in each process (_published_version);
- a published version's compiled rules live in this process (lru_cache), keyed by
  the version's id: a published version never changes (the admin refuses), so the
  entry stays right for as long as bookings point at that version. Drafts change,
  so they are compiled afresh each time.

A check is then pure Python: no database query once a version is loaded.
"""

from functools import lru_cache

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import BookingCharterReview, CharterVerdict, CharterVersion, Rule
from .validator import CompiledRule, Verdict, check_item, compile_rules

CURRENT_VERSION_KEY = "charter:current-version"
# A safety net only: saving or deleting a version drops the key at once.
CURRENT_VERSION_TIMEOUT = 300


class NoPublishedCharter(Exception):
    pass


def charter_current() -> CharterVersion:
    version_id = cache.get(CURRENT_VERSION_KEY)
    if version_id is None:
        version_id = CharterVersion.objects.published().order_by("-number").values_list("pk", flat=True).first()
        if version_id is None:
            raise NoPublishedCharter
        cache.set(CURRENT_VERSION_KEY, version_id, CURRENT_VERSION_TIMEOUT)
    return _published_version(version_id)


@lru_cache(maxsize=16)
def _published_version(version_id: int) -> CharterVersion:
    # Only the id travels through the shared cache: a published version never changes,
    # so each process keeps its row (texts included) instead of unpickling it per call.
    return CharterVersion.objects.get(pk=version_id)


def charter_forget_current() -> None:
    cache.delete(CURRENT_VERSION_KEY)


@lru_cache(maxsize=16)
def _compiled_rules(version_id: int) -> tuple[CompiledRule, ...]:
    # First rule first: among rules of one verdict, the first that fires is reported.
    general_exceptions = CharterVersion.objects.values_list("general_exceptions", flat=True).get(pk=version_id)
    return compile_rules(
        Rule.objects.filter(version_id=version_id).order_by("id"), general_exceptions=general_exceptions
    )


def published_rules(version_id: int) -> tuple[CompiledRule, ...]:
    """A published version's compiled rules, by its id (kept per process: it never changes)."""
    return _compiled_rules(version_id)


def compiled_rules(version: CharterVersion) -> tuple[CompiledRule, ...]:
    if version.is_draft:
        rules = Rule.objects.filter(version_id=version.pk).order_by("id")
        return compile_rules(rules, general_exceptions=version.general_exceptions)
    return _compiled_rules(version.pk)


def charter_check(*, version: CharterVersion, title: str, description: str = "", explain: bool = False) -> Verdict:
    return check_item(compiled_rules(version), title=title, description=description, explain=explain)


STAFF_REFUSED = _("The police station has looked at this item and refused it.")


def charter_verdict_for_booking(*, booking, version: CharterVersion) -> Verdict:
    """The verdict on a booking's item under `version`, where station staff's override wins."""
    verdict = charter_check(version=version, title=booking.item_title, description=booking.item_description)
    override = BookingCharterReview.objects.filter(booking=booking).values_list("override_verdict", flat=True).first()
    if not override:
        return verdict
    if override == CharterVerdict.FORBIDDEN:
        reasons = {}
        for language in ("fr", "en"):
            with translation.override(language):
                reasons[f"reason_{language}"] = str(STAFF_REFUSED)
        return verdict.overridden(override, **reasons)
    return verdict.overridden(override)
