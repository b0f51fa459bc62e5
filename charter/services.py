"""Every change to the charter and to a booking's charter check happens here."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BookingCharterReview, CharterOverride, CharterVerdict, CharterVersion, Rule
from .selectors import _compiled_rules, charter_check, charter_forget_current
from .validator import Verdict, invalid_phrases, invalid_qualifiers


class CharterError(Exception):
    message = _("This charter change cannot be made.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class AlreadyPublished(CharterError):
    message = _("This version is already published; published versions never change.")


class NotPublishable(CharterError):
    pass


CHARTER_TEXT_FIELDS = ("summary_fr", "summary_en", "text_fr", "text_en", "general_exceptions")
RULE_FIELDS = ("category", "verdict", "terms", "exceptions", "reason_fr", "reason_en")


def charter_version_create(*, number: int, source, rules, published_at: datetime | None = None) -> CharterVersion:
    """A version with `source`'s public texts and general exceptions and a copy of `rules`.

    `source` is a version being copied as a draft or the knowledge files (charter.knowledge);
    `rules` anything with a rule's fields, created one by one in the order given: the
    validator reads rules by id, first rule first.
    """
    version = CharterVersion.objects.create(
        number=number,
        published_at=published_at,
        **{name: getattr(source, name) for name in CHARTER_TEXT_FIELDS},
    )
    for rule in rules:
        Rule.objects.create(version=version, **{name: getattr(rule, name) for name in RULE_FIELDS})
    return version


def charter_versions_copy(*, versions) -> list[CharterVersion]:
    """Each of `versions` (oldest first) copied as a new draft, numbered after the highest version.

    The drafts are made in one transaction: a copy of several versions is all or nothing. The
    numbers are unique in the table, so two staff copying at once cannot share one: the second
    transaction fails rather than numbering a draft twice.
    """
    drafts = []
    with transaction.atomic():
        next_number = (CharterVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
        for version in versions.order_by("number").prefetch_related("rules"):
            rules = sorted(version.rules.all(), key=lambda rule: rule.pk)
            drafts.append(charter_version_create(number=next_number, source=version, rules=rules))
            next_number += 1
    return drafts


def charter_version_publish(*, version: CharterVersion, now: datetime | None = None) -> CharterVersion:
    """Publish a draft: from now on bookings and seller acceptances are checked against it.

    Bookings made earlier stay tied to the versions their parties accepted
    (Booking.buyer_charter_version and seller_charter_version).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = CharterVersion.objects.select_for_update().get(pk=version.pk)
        if not locked.is_draft:
            raise AlreadyPublished
        rules = list(Rule.objects.filter(version=locked))
        if not rules:
            raise NotPublishable(_("A version without rules cannot be published."))
        for rule in rules:
            if not rule.terms.strip() or invalid_phrases(rule.terms) or invalid_phrases(rule.exceptions):
                raise NotPublishable(_("Rule “%(rule)s” has a line without any letter or digit.") % {"rule": rule})
        if invalid_qualifiers(locked.general_exceptions):
            raise NotPublishable(_("The general exceptions have a line without any letter or digit."))
        latest = CharterVersion.objects.published().aggregate(latest=Max("number"))["latest"]
        if latest is not None and locked.number <= latest:
            raise NotPublishable(
                _("Version %(number)s is older than the published version %(latest)s: copy it as a new draft.")
                % {"number": locked.number, "latest": latest}
            )
        locked.published_at = now
        locked.save(update_fields=["published_at"])
    # The current version is cached across processes (dropped by the save signal);
    # compiled rules are per process and keyed by version id, so the new version
    # gets its own entry. Clearing ours also frees what an old draft id held.
    _compiled_rules.cache_clear()
    charter_forget_current()
    version.published_at = now
    return version


def charter_review_record(*, booking, version: CharterVersion, verdict: Verdict, now: datetime | None = None):
    """Keep the automatic verdict on a booking's item (made at booking, redone at the seller's acceptance)."""
    review, _created = BookingCharterReview.objects.update_or_create(
        booking=booking, defaults={"version": version, "checked_at": now or timezone.now(), **_review_fields(verdict)}
    )
    return review


def _review_fields(verdict: Verdict) -> dict:
    return {
        # What the rules said: a staff override stays in its own fields.
        "verdict": verdict.automatic or verdict.verdict,
        "space_kind": verdict.space_kind,
        "category": verdict.category,
        "rule_id": verdict.rule_id,
        "term": verdict.term[:200],
    }


def charter_review_create(*, booking, version: CharterVersion, verdict: Verdict, now: datetime | None = None):
    """The automatic verdict on a new booking's item: one INSERT (the booking has no review yet)."""
    return BookingCharterReview.objects.create(
        booking=booking, version=version, checked_at=now or timezone.now(), **_review_fields(verdict)
    )


def booking_charter_override(
    *, review: BookingCharterReview, verdict: str, reason: str, user, now: datetime | None = None
) -> BookingCharterReview:
    """Station staff decide on a booking's item: their verdict wins over the automatic one, with a logged reason."""
    if verdict not in CharterVerdict.values:
        raise CharterError(_("Unknown verdict."))
    reason = reason.strip()
    if not reason:
        raise CharterError(_("Say why the verdict is changed."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = BookingCharterReview.objects.select_for_update().get(pk=review.pk)
        CharterOverride.objects.create(
            review=locked, at=now, by=user, from_verdict=locked.effective_verdict, to_verdict=verdict, reason=reason
        )
        locked.override_verdict = verdict
        locked.override_reason = reason
        locked.overridden_by = user
        locked.overridden_at = now
        locked.save(update_fields=["override_verdict", "override_reason", "overridden_by", "overridden_at"])
    review.refresh_from_db()
    return review


def booking_charter_review_ensure(*, booking) -> BookingCharterReview:
    """The booking's charter check, made now under the version its parties accepted if it has none yet.

    Bookings made before verdicts were recorded have none; staff can still override them.
    """
    review = BookingCharterReview.objects.filter(booking=booking).first()
    if review is not None:
        return review

    version = booking.seller_charter_version or booking.buyer_charter_version
    verdict = charter_check(version=version, title=booking.item_title, description=booking.item_description)
    return charter_review_record(booking=booking, version=version, verdict=verdict)
