"""What publishing a charter version would change for the bookings to come (the admin's impact preview).

On the bookings side: it reads bookings under the charter's rules, and the charter app
never imports the bookings app (stations <- charter <- bookings).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from charter.models import CharterVerdict, CharterVersion, RuleCategory
from charter.selectors import compiled_rules, published_rules
from charter.validator import Verdict, check_item
from stations.admin_scoping import scope_queryset

from .models import Booking


@dataclass(frozen=True)
class ImpactRow:
    booking: object
    tied_version_id: int
    before: Verdict
    after: Verdict
    override: str

    @property
    def newly_refused(self) -> bool:
        return self.after.forbidden and not self.before.forbidden

    @property
    def newly_reviewed(self) -> bool:
        return self.after.needs_review and self.before.verdict == CharterVerdict.ALLOWED

    @property
    def before_label(self) -> str:
        return CharterVerdict(self.before.verdict).label

    @property
    def category_label(self) -> str:
        return RuleCategory(self.after.category).label if self.after.category else ""

    @property
    def seller_still_to_accept(self) -> bool:
        return self.booking.seller_charter_version_id is None


def charter_version_impact(*, version: CharterVersion, user, now: datetime | None = None) -> dict:
    """What publishing `version` would change for the upcoming active bookings the user may see.

    Each booking is checked under the version its parties accepted (the seller's if
    the seller has answered, else the buyer's) and under `version`. A booking whose
    seller has not answered yet would be refused at acceptance; a confirmed one stays
    tied to its version, and its officer should know. A staff override to "allowed"
    keeps a booking off the refused list. Queries: the bookings (one, joined), the
    draft's rules (one), and each older version's rules once per process.
    """
    now = now or timezone.now()
    upcoming = scope_queryset(
        Booking.objects.active(now)
        .filter(starts_at__gt=now)
        .select_related("station", "space", "charter_review")
        .order_by("starts_at", "pk"),
        user,
    )
    after_rules = compiled_rules(version)
    refused, reviewed, checked = [], [], 0
    for booking in upcoming:
        checked += 1
        tied = booking.seller_charter_version_id or booking.buyer_charter_version_id
        item = {"title": booking.item_title, "description": booking.item_description}
        before = check_item(published_rules(tied), **item) if tied != version.pk else None
        after = check_item(after_rules, **item)
        review = getattr(booking, "charter_review", None)
        row = ImpactRow(booking, tied, before or after, after, review.override_verdict if review else "")
        if row.newly_refused and row.override != CharterVerdict.ALLOWED:
            refused.append(row)
        elif row.newly_reviewed and not row.override:
            reviewed.append(row)
    return {"refused": refused, "reviewed": reviewed, "checked": checked, "now": now}
