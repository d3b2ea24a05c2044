"""A person designated in many enterprises: the header shows the first ones, "My enterprises"
pages them, and neither costs more queries than for a person of one enterprise
(docs/performance.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from enterprises.selectors import HEADER_ENTERPRISES, header_enterprises
from enterprises.tests.factories import DesignationFactory, EnterpriseFactory
from enterprises.views import MINE_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _designated_in(n: int):
    person = UserFactory()
    for i in range(n):
        enterprise = EnterpriseFactory(name=f"Ent {i:03d}")
        DesignationFactory(enterprise=enterprise, person=person, kind="rae")
        if i % 2:
            DesignationFactory(enterprise=enterprise, person=person, kind="co_rae")
    return person


def test_the_header_holds_the_first_enterprises_with_all_their_designations():
    person = _designated_in(HEADER_ENTERPRISES + 5)
    with CaptureQueriesContext(connection) as captured:
        entries = header_enterprises(person)
    assert len(captured) == 1
    assert [e["enterprise"].name for e in entries] == [
        f"Ent {i:03d}" for i in range(HEADER_ENTERPRISES)
    ]
    assert [len(e["designations"]) for e in entries[:2]] == [1, 2]


def test_my_enterprises_pages_them(client):
    person = _designated_in(MINE_PAGE_SIZE + 3)
    client.force_login(person)
    first = client.get(reverse("enterprises:mine")).content.decode().split("<main")[1]
    second = client.get(reverse("enterprises:mine"), {"page": 2}).content.decode()
    second = second.split("<main")[1]
    assert "Ent 000" in first and f"Ent {MINE_PAGE_SIZE:03d}" not in first
    assert f"Ent {MINE_PAGE_SIZE + 2:03d}" in second and "Ent 000" not in second


def _queries(client, person, url) -> int:
    client.force_login(person)
    client.get(url)  # first request of the process: content types and the like get cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["enterprises:mine", "roles:manage_home", "roles:profile"])
def test_pages_cost_the_same_for_one_or_many_enterprises(client, url):
    few = _queries(client, _designated_in(1), reverse(url))
    many = _queries(client, _designated_in(HEADER_ENTERPRISES + MINE_PAGE_SIZE), reverse(url))
    assert many == few
