"""The two emails of a seller's proposal (bookings.seller_proposals), sent through the outbox like every other.

- "confirm": to the seller, the link that confirms their address and opens their page of the
  proposal (SellerProposal.confirm_sent_at);
- "buyer": once confirmed, to the buyer's address the seller gave, the link to take a time
  (SellerProposal.buyer_sent_at).
Both are written in the seller's language: the buyer has no account with us yet, and the
seller proposes from the same marketplace, most likely in the buyer's language.
"""

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings

from .emails import send_templated_email
from .models import SellerProposal
from .notifications import Notification, ids_in_batches
from .outbox import MAX_AGE, SEND_SELLER_PROPOSAL_EMAIL, settle_time
from .seller_proposals import seller_proposal_buyer_path, seller_proposal_manage_path, seller_proposal_times

# Which email, its outbox column, and the proposals that still owe it.
_SENT_AT = {"confirm": "confirm_sent_at", "buyer": "buyer_sent_at"}


def _owed(which: str):
    proposals = SellerProposal.objects.filter(withdrawn_at__isnull=True, booking__isnull=True)
    if which == "buyer":
        return proposals.filter(confirmed_at__isnull=False).exclude(buyer_email="")
    return proposals


def _claim(key: tuple[int, str], now: datetime) -> bool:
    proposal_id, which = key
    if which not in _SENT_AT:
        return False
    return bool(
        _owed(which).filter(pk=proposal_id, **{f"{_SENT_AT[which]}__isnull": True}).update(**{_SENT_AT[which]: now})
    )


def _send(key: tuple[int, str], now: datetime) -> int:
    proposal_id, which = key
    proposal = SellerProposal.objects.select_related("station").get(pk=proposal_id)
    context = {
        "proposal": proposal,
        "station": proposal.station,
        "times": [time.starts_at for time in seller_proposal_times(proposal=proposal, now=now)],
        "site_url": settings.SITE_URL,
        "seller_url": settings.SITE_URL + seller_proposal_manage_path(proposal),
        "buyer_url": settings.SITE_URL + seller_proposal_buyer_path(proposal),
    }
    recipient = proposal.seller_email if which == "confirm" else proposal.buyer_email
    send_templated_email(
        template=f"seller-proposal-{which}", to=[recipient], context=context, language=proposal.seller_language
    )
    return 1


def _unsent(now: datetime) -> Iterator[tuple[int, str]]:
    recent = {"created_at__gte": now - MAX_AGE, "created_at__lt": now - settle_time()}
    for which, column in _SENT_AT.items():
        rows = _owed(which).filter(**recent, **{f"{column}__isnull": True}).values_list("id", flat=True)
        for (proposal_id,) in ids_in_batches(rows):
            yield (proposal_id, which)


SELLER_PROPOSAL_EMAIL = Notification(
    "seller's proposal",
    claim=lambda key, now: _claim(tuple(key), now),
    send=lambda key, now: _send(tuple(key), now),
    task=SEND_SELLER_PROPOSAL_EMAIL,
    unsent=_unsent,
)
