"""The lists keep their query count whatever the number of mandates: the provider's list
(search, filters, last page), its CSV export (streamed: rows read in chunks, the query count
flat), and the proposals waiting for an answer, at 10 and at 300 mandates (bench/mandates.py
measures 100,000)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mandates import rules
from mandates.models import ClientMandate
from mandates.tests.test_views import _many
from tests.personas import signed_in

pytestmark = pytest.mark.django_db

PAGES = {
    "list": ("mandates:list", {"side": "mandatary"}),
    "search-name": ("mandates:list", {"side": "mandatary", "q": "enterprise"}),
    "search-number": ("mandates:list", {"side": "mandatary", "q": "1000.0"}),
    "ending": ("mandates:list", {"side": "mandatary", "ending": "on"}),
    "last": ("mandates:list", {"side": "mandatary", "page": "last"}),
    "export": ("mandates:export", {"side": "mandatary"}),
    "waiting": ("mandates:waiting", {}),
}


def _offers(provider, n: int, client_chain):
    """`n` proposals of other enterprises' providers waiting for the provider's answer."""
    rows = ClientMandate.objects.filter(mandatary=provider.enterprise)[:n]
    ClientMandate.objects.filter(pk__in=[m.pk for m in rows]).update(
        state=rules.PROPOSED, proposed_by_side=rules.Side.MANDATOR.value
    )


def _get(browser, name, number, params):
    response = browser.get(reverse(name, args=[number]), params)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).count(b"\n")
    return response


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_query_count_is_the_same_at_10_and_300_mandates(
    client_chain, provider, declarations, page, django_assert_max_num_queries
):
    name, params = PAGES[page]
    browser = signed_in(provider.rae)
    number = provider.enterprise.number
    _many(client_chain, 10, group=declarations, as_provider=provider.enterprise)
    _offers(provider, 5, client_chain)
    _get(browser, name, number, params)  # warm: the session, the catalogue
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _get(browser, name, number, params)
    _many(client_chain, 290, group=declarations, as_provider=provider.enterprise)
    _offers(provider, 150, client_chain)
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = _get(browser, name, number, params)
    if page == "export":
        assert result == 301  # the header and every mandate, read in chunks


def test_the_export_streams(provider, client_chain, declarations):
    _many(client_chain, 30, group=declarations, as_provider=provider.enterprise)
    response = signed_in(provider.rae).get(
        reverse("mandates:export", args=[provider.enterprise.number]), {"side": "mandatary"}
    )
    assert response.streaming  # never built in memory
    assert (
        ClientMandate.objects.filter(
            mandatary=provider.enterprise, start_date__lte=timezone.localdate() + timedelta(1)
        ).count()
        == 30
    )
