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
    # The role sort's pages read by group (each role's rows, then any other role's).
    ranked = TwoEndedPaginator(
        queryset, 5, ranked=selectors.attributions_ranking(eq, params={"sort": sort})
    )
    assert [a.pk for number in ranked.page_range for a in ranked.page(number)] == expected


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


def test_a_capped_count_pages_hold_the_rows_of_plain_offset_paging(gl, eq, dimona):
    _attributions(23, eq=eq, gl=gl, roles=[dimona])
    queryset = selectors.attributions_for_manager(eq, params={})
    expected = [a.pk for a in queryset]
    first = TwoEndedPaginator(queryset, 5, count_cap=10).get_page(1)
    # Counted up to the cap only: a bound, three pages at least.
    assert not first.paginator.count_is_exact
    assert first.paginator.count == 11 and first.paginator.pages_lower_bound == 2
    assert first.has_next()
    seen = []
    for number in range(1, 6):
        page = TwoEndedPaginator(queryset, 5, count_cap=10).get_page(number)
        seen += [a.pk for a in page]
        # From the page whose end the cap cannot tell, the count is the real one.
        assert page.paginator.count_is_exact == (number >= 3)
        assert page.has_next() == (number < 5)
    assert seen == expected
    # Beyond the end: the last page, as Django's get_page answers.
    last = TwoEndedPaginator(queryset, 5, count_cap=10).get_page(99)
    assert last.number == 5 and [a.pk for a in last] == expected[20:]


def test_a_list_under_the_cap_is_counted_exactly(gl, eq, dimona):
    _attributions(10, eq=eq, gl=gl, roles=[dimona])
    page = TwoEndedPaginator(
        selectors.attributions_for_manager(eq, params={}), 5, count_cap=10
    ).get_page(1)
    assert page.paginator.count_is_exact and page.paginator.count == 10
    assert page.paginator.num_pages == 2


def test_the_list_says_more_than_the_cap_and_then_the_real_count(client, gl, eq, dimona, settings):
    import roles.views

    settings.LANGUAGE_CODE = "en"
    _attributions(60, eq=eq, gl=gl, roles=[dimona])
    client.force_login(gl)
    url = reverse("roles:list", args=[eq.pk])
    original = roles.views.LIST_COUNT_CAP
    roles.views.LIST_COUNT_CAP = 30
    try:
        first = client.get(url, headers={"accept-language": "en"}).content.decode()
        last = client.get(url, {"page": 3}, headers={"accept-language": "en"}).content.decode()
    finally:
        roles.views.LIST_COUNT_CAP = original
    assert "More than 30 attributions" in first and "Page 1 of more than 1" in first
    assert "60 attributions" in last and "Page 3 of 3" in last


def test_the_role_choices_are_the_roles_offered_for_the_quality(eq, employer, foreign_role):
    from roles.models import Application

    role = Role.objects.for_quality(employer).first()
    role.is_available = False
    role.save()
    application = Application.objects.filter(quality=employer).exclude(pk=role.application_id)
    application = application.first()
    application.is_available = False
    application.save()
    offered = list(selectors.roles_for_quality(eq))
    assert [r.pk for r in selectors.role_choices(eq)] == [r.pk for r in offered]
    assert [(r.pk, r.name, r.application.name) for r in selectors.role_choices(eq)] == [
        (r.pk, r.name, r.application.name) for r in offered
    ]
    # Every role of the quality, in the catalogue's order, for the sort by role.
    everything = list(Role.objects.filter(application__quality=employer))
    assert [r.pk for r in selectors.quality_roles(eq)] == [r.pk for r in everything]
    assert foreign_role.pk not in {r.pk for r in selectors.quality_roles(eq)}


def test_the_role_filter_accepts_only_a_role_on_offer(client, gl, eq, dimona, foreign_role):
    _attributions(4, eq=eq, gl=gl, roles=[dimona])
    client.force_login(gl)
    url = reverse("roles:list", args=[eq.pk])
    assert client.get(url, {"role": dimona.pk}).context["page"].paginator.count == 4
    for value in (foreign_role.pk, "x", "9" * 30, "1\x00"):
        response = client.get(url, {"role": value})
        assert response.status_code == 200
        assert response.context["form"].errors.get("role")
        assert response.context["page"].paginator.count == 4  # the filter ignored


@pytest.mark.parametrize("sort", ["role", "-role"])
@pytest.mark.parametrize("cap", [None, 10])
def test_the_role_sort_reads_each_role_then_the_others(
    gl, eq, dimona, dimona_read, foreign_role, sort, cap
):
    # A role outside the quality's (never offered, but the list must still show its rows).
    _attributions(23, eq=eq, gl=gl, roles=[dimona, foreign_role, dimona_read])
    params = {"sort": sort}
    queryset = selectors.attributions_for_manager(eq, params=params)
    expected = [a.pk for a in queryset]
    seen = []
    for number in range(1, 6):
        paginator = TwoEndedPaginator(
            queryset, 5, count_cap=cap, ranked=selectors.attributions_ranking(eq, params=params)
        )
        seen += [a.pk for a in paginator.get_page(number)]
    assert seen == expected


def test_only_the_role_sort_is_ranked(eq, dimona, foreign_role):
    assert selectors.attributions_ranking(eq, params={"sort": "name"}) is None
    assert selectors.attributions_ranking(eq, params={}) is None
    field, groups = selectors.attributions_ranking(eq, params={"sort": "-role"})
    assert field == "role_id"
    others = set(groups[0])
    assert foreign_role.pk in others and dimona.pk not in others
    assert groups[1:] == [r.pk for r in selectors.quality_roles(eq)][::-1]


@pytest.mark.parametrize("sort", ["role", "-role"])
def test_the_ids_read_by_group_are_the_pages_rows(gl, eq, dimona, dimona_read, foreign_role, sort):
    # ranked_ids itself, from both ends (the paginator takes it only for long lists).
    from roles.paging import ranked_ids

    _attributions(23, eq=eq, gl=gl, roles=[dimona, foreign_role, dimona_read])
    params = {"sort": sort}
    queryset = selectors.attributions_for_manager(eq, params=params)
    expected = [a.pk for a in queryset]
    field, groups = selectors.attributions_ranking(eq, params=params)
    for bottom in range(0, 23, 5):
        top = min(bottom + 5, 23)
        for backwards in (False, True):
            ids = ranked_ids(queryset, field, groups, bottom, top, count=23, reverse=backwards)
            assert [a.pk for a in queryset.filter(pk__in=ids)] == expected[bottom:top]
