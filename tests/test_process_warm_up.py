"""A web process loads its URLs and compiles the current charter's rules before serving (config.warm, called by
config.wsgi)."""

import pytest
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.urls import clear_url_caches, get_resolver

from charter import selectors
from config.celery import app as celery_app
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


@pytest.mark.django_db(transaction=True)
def test_the_warm_up_loads_the_urls_before_the_first_request():
    clear_url_caches()
    is_language_prefix_patterns_used.cache_clear()
    assert "url_patterns" not in vars(get_resolver())

    process_warm_up()

    assert "url_patterns" in vars(get_resolver())  # the cached_property was computed: the URLs are imported
    assert is_language_prefix_patterns_used.cache_info().currsize == 1
    assert celery_app.finalized
