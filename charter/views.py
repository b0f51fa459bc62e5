from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .models import CharterVerdict, Rule, RuleCategory
from .selectors import NoPublishedCharter, charter_check, charter_current

# The item form's own limits: longer text could not be booked anyway.
MAX_TITLE = 200
MAX_DESCRIPTION = 2000

CATEGORY_ORDER = {value: index for index, value in enumerate(RuleCategory.values)}


def charter_page(request):
    """The current charter, in French and English side by side, with every rule's reason."""
    try:
        version = charter_current()
    except NoPublishedCharter:
        raise Http404 from None
    rules = sorted(
        Rule.objects.filter(version_id=version.pk).order_by("id"),
        key=lambda rule: (CATEGORY_ORDER.get(rule.category, 99), rule.id),
    )
    seen = set()
    for rule in rules:
        # The first rule of each category carries the anchor the item form's refusal links to.
        rule.anchor = "" if rule.category in seen else rule.category
        seen.add(rule.category)
    return render(request, "charter/charter.html", {"version": version, "rules": rules})


def verdict_message(verdict) -> str:
    """What the buyer reads under the item as they type."""
    if verdict.forbidden:
        return verdict.reason
    if verdict.needs_review:
        return _("An officer will look at this item: you can book, and the station may refuse it on the spot.")
    if verdict.is_vehicle:
        return _(
            "This is a vehicle: the exchange takes place on a parking bay in front of the station. Give its plate."
        )
    return _("Nothing in the charter stops this item.")


@ratelimit(key="ip", rate="120/m", method=["GET", "POST"], block=False)
@require_http_methods(["GET", "POST"])
def check_listing(request):
    """The charter's verdict on a listing, for the item step's live check (JSON, no state change).

    The booking is checked again on the server when it is submitted: this only tells
    the buyer early. No database query once the current version is cached. The item
    page POSTs (with its CSRF token): a 2,000-character description in another script
    percent-encodes to far more than the request line a proxy or gunicorn accepts
    (4 KB by default). GET stays for short checks by hand.
    """
    data = request.POST if request.method == "POST" else request.GET
    if getattr(request, "limited", False):
        return JsonResponse({"error": _("Too many checks in a minute; wait a little.")}, status=429)
    try:
        version = charter_current()
    except NoPublishedCharter:
        return JsonResponse({"error": _("No charter is published yet.")}, status=503)
    verdict = charter_check(
        version=version,
        title=data.get("title", "")[:MAX_TITLE],
        description=data.get("description", "")[:MAX_DESCRIPTION],
    )
    payload = verdict.as_dict()
    payload |= {
        "verdict_label": str(CharterVerdict(verdict.verdict).label),
        "category_label": str(RuleCategory(verdict.category).label) if verdict.category else "",
        "message": verdict_message(verdict),
        "charter_url": reverse("charter:current") + (f"#{verdict.category}" if verdict.category else ""),
        "version": version.number,
    }
    return JsonResponse(payload)
