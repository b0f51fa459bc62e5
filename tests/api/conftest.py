"""Partner keys for the API tests: one with every scope, made through the service a superuser's admin uses."""

from datetime import UTC, datetime

import pytest
import time_machine

from api.models import Scope
from api.services import partner_key_create

# A Tuesday in term time, far from a time change.
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def partner(db):
    row, key = partner_key_create(
        name="Petites annonces",
        scopes=list(Scope.values),
        created_by=None,
        webhook_url="https://partner.example/hooks",
    )
    row.plain_key = key
    return row


@pytest.fixture
def api(client, partner):
    """The test client with the partner's key in every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {partner.plain_key}"
    return client
