import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.models import RoleAttribution, Source

pytestmark = pytest.mark.django_db


def _bulk(n, *, eq, role, person, gl):
    RoleAttribution.objects.bulk_create(
        [
            RoleAttribution(
                enterprise=eq.enterprise,
                enterprise_quality=eq,
                role=role,
                person=person if i == 0 else None,
                national_number="" if i == 0 else f"{i:011d}",
                first_name="P",
                last_name=f"N{i}",
                email=f"p{i}@example.test",
                status="ended" if i else "active",
                source=Source.DIRECT,
                granted_by=gl,
            )
            for i in range(n)
        ]
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_manager_list_queries_do_not_grow(client, gl, eq, dimona, person):
    page = "roles:list"
    client.force_login(gl)
    _bulk(10, eq=eq, role=dimona, person=person, gl=gl)
    small = _count(client, reverse(page, args=[eq.pk]))
    RoleAttribution.objects.all().delete()
    _bulk(1000, eq=eq, role=dimona, person=person, gl=gl)
    assert _count(client, reverse(page, args=[eq.pk])) == small


def test_profile_queries_do_not_grow(client, gl, eq, dimona, person):
    client.force_login(person)

    def give(n):
        RoleAttribution.objects.all().delete()
        RoleAttribution.objects.bulk_create(
            [
                RoleAttribution(
                    enterprise=eq.enterprise,
                    enterprise_quality=eq,
                    role=dimona,
                    person=person,
                    first_name="P",
                    last_name="N",
                    email=f"p{i}@example.test",
                    status="active" if i == 0 else "ended",
                    source=Source.DIRECT,
                    granted_by=gl,
                )
                for i in range(n)
            ]
        )

    give(10)
    small = _count(client, reverse("roles:profile"))
    give(1000)
    assert _count(client, reverse("roles:profile")) == small


def test_the_list_counts_what_waits_for_the_manager_as_the_selectors_list_it(
    client, gl, eq, other_eq, dimona, django_capture_on_commit_callbacks
):
    from roles import selectors
    from roles.tests.helpers import invite

    for email in ("a@example.test", "b@example.test"):
        invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=email)
    assert selectors.waiting_for_manager(eq) == (
        selectors.invitations_for_manager(eq).count(),
        selectors.pending_requests_for_manager(eq).count(),
    )
    assert selectors.waiting_for_manager(eq)[0] == 2
    assert selectors.waiting_for_manager(other_eq) == (0, 0)
    client.force_login(gl)
    assert (
        "2 "
        in client.get(reverse("roles:list", args=[eq.pk]))
        .content.decode()
        .split('class="notice"')[1]
        .split("</p>")[0]
    )
