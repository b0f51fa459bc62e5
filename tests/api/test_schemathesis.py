"""schemathesis drives every operation of the OpenAPI schema with generated input: no 5xx, every answer
one the schema documents (status, content type, headers, body), and input outside the schema refused.

Not checked: "schema-valid input is accepted". The API refuses some schema-valid input on purpose,
with a 4xx and a code: business rules JSON Schema cannot say (lat without lon, a date range past the
booking horizon, an unknown station, an item the charter forbids).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Scope
from api.services import partner_key_create
from tests import factories

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

# Bounded: 25 examples per operation keeps the run under a minute on SQLite.
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _connection_kept_across_requests():
    """The WSGI app closes the database connection when a request finishes; the test's transaction must
    survive it, as Django's own test client arranges for its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(db, paris_11, charter):
    factories.StationFactory(slug="kennewick", name="Kennewick", address="211 W 6th Ave, Kennewick, WA")
    row, plain = partner_key_create(
        name="Fuzzer",
        scopes=list(Scope.values),
        created_by=None,
        requests_per_minute=100_000,
        webhook_url="https://partner.example/hooks",
    )
    return plain


@schema.parametrize()
@EXAMPLES
def test_every_operation_answers_what_its_schema_says(case, key):
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


# Schema-violating bodies are refused. Only bodies: a query string carries text only, so a "wrong
# type" there (null, false, a number for a string) reaches the server as valid text, and schemathesis
# reports its acceptance as a failure (its issues #2312 and #3962).
@schema.include(method="POST").parametrize()
@settings(EXAMPLES, max_examples=15)
def test_a_body_outside_the_schema_is_refused(case, key):
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=[*CHECKS, negative_data_rejection])
