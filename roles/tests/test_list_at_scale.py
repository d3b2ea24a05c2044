"""The manager's list stays correct where it was made cheap (docs/performance.md): pages read
from the other end, ids first, the role sort by rank; the home page paginated."""

import pytest
from django.urls import reverse

from enterprises.tests.factories import EnterpriseFactory, EnterpriseQualityFactory
from roles import selectors
from roles.models import Role, RoleAttribution, Source
from roles.paging import TwoEndedPaginator
from tests.personas import make_gl

pytestmark = pytest.mark.django_db


def _attributions(n, *, eq, gl, roles):
    RoleAttribution.objects.bulk_create(
        [
            RoleAttribution(
                enterprise=eq.enterprise,
                enterprise_quality=eq,
                role=roles[i % len(roles)],
                national_number=f"{i:011d}",
                first_name="P",
                last_name=f"N{i % 7}",
                email=f"p{i}@example.test",
                status="ended" if i % 3 else "active",
                source=Source.DIRECT,
                granted_by=gl,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("sort", ["", "created", "name", "role", "-role", "until", "status"])
def test_every_page_holds_the_rows_of_plain_offset_paging(gl, eq, dimona, dimona_read, sort):
    _attributions(53, eq=eq, gl=gl, roles=[dimona, dimona_read])
    queryset = selectors.attributions_for_manager(eq, params={"sort": sort})
    expected = [a.pk for a in queryset]
    paginator = TwoEndedPaginator(queryset, 5)
    seen = [a.pk for number in paginator.page_range for a in paginator.page(number)]
    assert seen == expected
    assert len(set(seen)) == 53


def test_the_role_sort_follows_application_then_role_name(gl, eq, employer):
    roles = list(Role.objects.for_quality(employer))
    _attributions(len(roles) * 2, eq=eq, gl=gl, roles=roles)
    listed = selectors.attributions_for_manager(eq, params={"sort": "role"})
    names = [(a.role.application.name, a.role.name) for a in listed]
    assert names == sorted(names)


def test_the_last_page_lists_the_oldest_attributions(client, gl, eq, dimona):
    _attributions(60, eq=eq, gl=gl, roles=[dimona])
    oldest = RoleAttribution.objects.order_by("created_at", "id").first()
    client.force_login(gl)
    response = client.get(reverse("roles:list", args=[eq.pk]), {"page": 3})
    assert response.status_code == 200
    assert list(response.context["page"])[-1].pk == oldest.pk
    assert response.context["page"].number == 3


def test_manage_home_pages_a_manager_of_many_qualities(client, employer):
    first = EnterpriseQualityFactory(enterprise=EnterpriseFactory(name="Aaa"), quality=employer)
    person = make_gl(first)
    for i in range(31):
        eq = EnterpriseQualityFactory(
            enterprise=EnterpriseFactory(name=f"B{i:02d}"), quality=employer
        )
        make_gl(eq, person=person)
    client.force_login(person)
    # The header lists the enterprises too: look at the page's own content only.
    page1 = client.get(reverse("roles:manage_home")).content.decode().split("<main")[1]
    page2 = client.get(reverse("roles:manage_home"), {"page": 2}).content.decode().split("<main")[1]
    assert "Aaa" in page1 and "B30" not in page1
    assert "B30" in page2 and "Aaa" not in page2
