"""The charter's state changes outside publishing (charter.services)."""

import pytest

from charter.models import CharterVersion
from charter.services import charter_versions_copy
from tests import factories

pytestmark = pytest.mark.django_db


def test_copies_are_drafts_numbered_after_the_highest_version_oldest_first(charter):
    second = factories.CharterVersionFactory(number=2, general_exceptions="jouet")
    factories.RuleFactory(version=second, category="bulky", terms="frigo")
    factories.CharterVersionFactory(number=7)

    drafts = charter_versions_copy(versions=CharterVersion.objects.filter(number__in=[2, 1]))

    assert [(d.number, d.published_at) for d in drafts] == [(8, None), (9, None)]
    assert drafts[1].general_exceptions == "jouet"
    fields = ("category", "verdict", "terms", "exceptions", "reason_fr", "reason_en")
    for draft, source in zip(drafts, (charter, second), strict=True):
        assert list(draft.rules.order_by("id").values_list(*fields)) == list(
            source.rules.order_by("id").values_list(*fields)
        )


def test_copying_nothing_makes_nothing(charter):
    assert charter_versions_copy(versions=CharterVersion.objects.none()) == []
    assert CharterVersion.objects.count() == 1
