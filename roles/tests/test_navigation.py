"""A local manager reaches the roles of a quality from the enterprise page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["gl", "co_gl"])
def test_the_enterprise_page_leads_a_local_manager_to_the_roles_of_the_quality(
    client, request, eq, who
):
    manager = request.getfixturevalue(who)
    client.force_login(manager)
    page = client.get(reverse("enterprises:detail", args=[eq.enterprise.number]))
    assert page.status_code == 200
    roles_url = reverse("roles:list", args=[eq.pk])
    assert f'href="{roles_url}"' in page.content.decode()
    assert client.get(roles_url).status_code == 200


def test_the_roles_filters_are_one_form_with_every_field(client, gl, eq):
    client.force_login(gl)
    html = client.get(reverse("roles:list", args=[eq.pk])).content.decode()
    assert 'class="panel filters"' in html
    for name in ("q", "role", "status", "source", "expiring", "sort"):
        assert f'name="{name}"' in html, name


def test_the_menu_offers_role_management_to_local_managers_only(client, gl, person):
    home = reverse("roles:manage_home")
    client.force_login(person)
    assert f'href="{home}"' not in client.get(reverse("roles:profile")).content.decode()
    client.force_login(gl)
    assert f'href="{home}"' in client.get(reverse("roles:profile")).content.decode()


def sub_navigation(html: str, css_class: str) -> str:
    start = html.index(f'class="{css_class}')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize(
    "url_name",
    [
        "roles:list",
        "roles:invite",
        "roles:bulk_upload",
        "roles:direct",
        "roles:links",
        "roles:invitations",
    ],
)
def test_the_sub_navigation_marks_the_current_page_and_only_it(client, gl, eq, url_name):
    client.force_login(gl)
    url = reverse(url_name, args=[eq.pk])
    nav = sub_navigation(client.get(url).content.decode(), "panel subnav")
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{url}" aria-current="page">' in nav


def test_the_account_pages_mark_the_current_page(client, person):
    client.force_login(person)
    url = reverse("accounts:settings")
    nav = sub_navigation(client.get(url).content.decode(), "account-nav subnav")
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{url}" aria-current="page">' in nav
