"""The proposal link `/book/?station=…&title=…&listing_url=…&role=seller|buyer`, built for a partner and checked.

Every value is validated the same way whether the link came from the API or was typed by
hand. A link the API built also carries the partner's key prefix and a signature
(`partner`, `sig`): it expires after PROPOSAL_LINK_DAYS, and only a genuine one attributes
the booking to the partner (its webhooks). The charter is applied: a forbidden item gets
no link.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charter.selectors import NoPublishedCharter, charter_check, charter_current
from stations.models import Station

from .keys import partner_key_active
from .models import PartnerKey

PROPOSAL_LINK_DAYS = 14
ROLES = ("seller", "buyer")
MAX_TITLE = 200
MAX_LISTING_URL = 500
_SALT = "api.proposal-link"


class ProposalInvalid(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Proposal:
    station: Station
    title: str
    listing_url: str
    role: str
    verdict: object  # charter.validator.Verdict


def _canonical(station: str, title: str, listing_url: str, role: str, partner: str) -> str:
    return "\n".join((station, title, listing_url, role, partner))


def proposal_validate(*, station: str, title: str, listing_url: str, role: str) -> Proposal:
    """The proposal's values, each checked, and the charter's verdict; ProposalInvalid says what is wrong."""
    row = Station.objects.filter(slug=station, is_active=True).first() if len(station) <= 50 else None
    if row is None:
        raise ProposalInvalid("unknown_station", _("No open station has this identifier."))
    title = title.strip()
    if not title or len(title) > MAX_TITLE or not title.isprintable():
        raise ProposalInvalid("invalid_title", _("Give the item's title, at most 200 characters."))
    if len(listing_url) > MAX_LISTING_URL:
        raise ProposalInvalid("invalid_listing_url", _("Give the listing's address (http or https)."))
    try:
        URLValidator(schemes=["http", "https"])(listing_url)
    except ValidationError:
        raise ProposalInvalid("invalid_listing_url", _("Give the listing's address (http or https).")) from None
    if role not in ROLES:
        raise ProposalInvalid("invalid_role", _("The role is “seller” or “buyer”."))
    try:
        version = charter_current()
    except NoPublishedCharter:
        raise ProposalInvalid("no_charter", _("No charter is published yet.")) from None
    verdict = charter_check(version=version, title=title)
    if verdict.forbidden:
        raise ProposalInvalid("charter_forbidden", verdict.reason)
    return Proposal(station=row, title=title, listing_url=listing_url, role=role, verdict=verdict)


def proposal_link(*, proposal: Proposal, partner: PartnerKey, now: datetime | None = None) -> tuple[str, datetime]:
    """The signed link's path and query, and when it expires."""
    now = now or timezone.now()
    values = (proposal.station.slug, proposal.title, proposal.listing_url, proposal.role, partner.prefix)
    signer = signing.TimestampSigner(salt=_SALT)
    signed = signer.sign(_canonical(*values))
    signature = signed[len(_canonical(*values)) + 1 :]  # "timestamp:signature"
    query = {
        "station": proposal.station.slug,
        "title": proposal.title,
        "listing_url": proposal.listing_url,
        "role": proposal.role,
        "partner": partner.prefix,
        "sig": signature,
    }
    issued = datetime.fromtimestamp(signing.b62_decode(signature.split(":")[0]), tz=UTC)
    return f"{reverse('api-proposal-open')}?{urlencode(query)}", issued + timedelta(days=PROPOSAL_LINK_DAYS)


def proposal_partner(
    *, station: str, title: str, listing_url: str, role: str, partner: str, sig: str
) -> PartnerKey | None:
    """The partner whose genuine, unexpired signature the link carries; None for any other link."""
    if not partner or not sig or len(sig) > 100 or len(partner) > 16:
        return None
    canonical = _canonical(station, title, listing_url, role, partner)
    try:
        signing.TimestampSigner(salt=_SALT).unsign(f"{canonical}:{sig}", max_age=timedelta(days=PROPOSAL_LINK_DAYS))
    except signing.BadSignature:
        return None
    return partner_key_active(partner)
