"""A seller's proposal under real concurrency (PostgreSQL): twenty buyers with the link, one booking."""

import pytest

from bookings.models import Booking, BookingStatus
from bookings.seller_proposals import (
    SellerProposalClosed,
    seller_proposal_confirm,
    seller_proposal_create,
    seller_proposal_take,
)
from tests import factories
from tests.bookings.test_race import THREADS, run_together, tomorrows_first_slot

pytestmark = pytest.mark.postgres


def test_twenty_buyers_taking_one_proposal_make_one_confirmed_booking(
    transactional_db, on_postgres, paris_11, officer, charter
):
    first = tomorrows_first_slot(paris_11)
    proposal = seller_proposal_create(
        station=paris_11,
        item={"item_title": "Console", "item_description": "", "item_kind": "goods", "listing_url": ""},
        slot_keys=[first.key],
        seller_email="seller@example.net",
        seller_first_name="Camille",
        seller_last_name="Vendeur",
        charter_version=charter,
    )
    seller_proposal_confirm(proposal=proposal)
    buyers = [factories.UserFactory(email=f"taker{i}@example.org") for i in range(THREADS)]

    results = run_together(
        lambda i: seller_proposal_take(proposal=proposal, buyer=buyers[i], key=first.key, charter_version=charter)
    )

    won = [r for r in results if isinstance(r, Booking)]
    assert len(won) == 1, results
    assert sum(isinstance(r, SellerProposalClosed) for r in results) == THREADS - 1, results
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    proposal.refresh_from_db()
    assert proposal.booking == won[0]
