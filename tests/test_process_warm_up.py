"""A web process compiles the current charter's rules before serving (config.warm, called by config.wsgi)."""

import pytest

from charter import selectors
from config.warm import process_warm_up


@pytest.fixture
def no_compiled_rules():
    selectors._compiled_rules.cache_clear()
    yield
    selectors._compiled_rules.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_warm_up_compiles_the_published_charter(charter, no_compiled_rules):
    process_warm_up()

    assert selectors._compiled_rules.cache_info().currsize == 1
    assert selectors.published_rules(charter.pk)  # kept: no compiling again


@pytest.mark.django_db(transaction=True)
def test_without_a_published_charter_the_warm_up_does_nothing(no_compiled_rules):
    process_warm_up()

    assert selectors._compiled_rules.cache_info().currsize == 0
