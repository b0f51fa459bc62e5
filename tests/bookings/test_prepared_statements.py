"""The booking's large statements run prepared on PostgreSQL (bookings.slots.sql.execute): planned once
per connection instead of on every booking, with the PREPARE in the first EXECUTE's round trip."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.slots.sql import execute

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")

SQL = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"


def _run(name: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        execute(cursor, SQL, params, prepared_as=name)
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_statement_is_prepared_once_then_executed_by_name():
    with CaptureQueriesContext(connection) as first:
        assert _run("sx_test_sum", {"a": 2, "b": 3}) == [(5, 2)]
    with CaptureQueriesContext(connection) as again:
        assert _run("sx_test_sum", {"a": 10, "b": 1}) == [(11, 10)]

    assert len(first.captured_queries) == len(again.captured_queries) == 1
    assert first.captured_queries[0]["sql"].startswith("PREPARE sx_test_sum_")
    assert again.captured_queries[0]["sql"].startswith("EXECUTE sx_test_sum_")


@pytest.mark.django_db
def test_a_first_execution_that_fails_leaves_the_statement_usable():
    """The PREPARE outlives the failed EXECUTE and the rollback: the next use prepares under a fresh name."""
    with pytest.raises(DatabaseError), transaction.atomic():
        _run("sx_test_fails", {"a": 1, "b": "not a number"})

    assert _run("sx_test_fails", {"a": 1, "b": 1}) == [(2, 1)]
    assert _run("sx_test_fails", {"a": 4, "b": 1}) == [(5, 4)]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    assert _run("sx_test_reconnect", {"a": 1, "b": 2}) == [(3, 1)]
    connection.close()
    with CaptureQueriesContext(connection) as after:
        assert _run("sx_test_reconnect", {"a": 2, "b": 2}) == [(4, 2)]
    assert after.captured_queries[0]["sql"].startswith("PREPARE sx_test_reconnect_")


@pytest.mark.django_db
def test_prepared_statements_run_their_generic_plan():
    """Left to choose, PostgreSQL planned the one-slot check again on every call (config/settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
