"""The role-management rows of the permission matrix, from one table."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from enterprises.models import Designation
from enterprises.tests.factories import EnterpriseFactory
from roles import services
from roles.models import Invitation, RoleAttribution
from tests.personas import (
    activate,
    built_once,
    ensure_catalogue,
    make_agent,
    make_co_rae,
    make_gl,
    register,
)

pytestmark = pytest.mark.django_db

# persona -> expected status on the quality's role-management pages
MATRIX = [
    ("anonymous", 302, None),
    ("user", 404, None),
    ("agent", 404, None),
    ("legal_representative", 403, "lr-manage-roles"),
    ("rae", 403, "rae-manage-roles"),
    ("co_rae", 403, "rae-manage-roles"),
    ("gl", 200, None),
    ("co_gl", 200, None),
    ("other_gl", 404, None),
    # No designation, no role management: not even a superuser (guardian's direct grants,
    # never `has_perm`), nor staff, nor someone who typed the legal representative's number.
    ("superuser", 404, None),
    ("staff", 404, None),
    ("impostor", 404, None),
]

PAGES = [
    "roles:list",
    "roles:invite",
    "roles:direct",
    "roles:links",
    "roles:invitations",
    "roles:bulk_upload",
    "roles:export",
]


def build_personas() -> dict:
    """The conftest's personas, all of them, through the services: an enterprise registered
    by its legal representative, its RAE and co-RAE, the "employer" quality with a GL and a
    co-GL, and another enterprise's GL."""
    ensure_catalogue()
    enterprise = EnterpriseFactory(name="Boulangerie Dupont")
    lr, rae = register(enterprise)
    eq = activate(enterprise, "employer", actor=rae)
    other = EnterpriseFactory(name="Autre SA")
    _other_lr, other_rae = register(other)
    other_eq = activate(other, "employer", actor=other_rae)
    return {
        "enterprise": enterprise,
        "legal_representative": lr,
        "rae": rae,
        "co_rae": make_co_rae(enterprise, by=rae),
        "eq": eq,
        "gl": make_gl(eq, by=rae),
        "co_gl": make_gl(eq, kind=Designation.Kind.CO_GL, by=rae),
        "other_eq": other_eq,
        "other_gl": make_gl(other_eq, by=other_rae),
        "agent": make_agent(),
    }


# Built once for the module's ~100 cases; each case starts from them (savepoint, fresh copies).
@pytest.fixture(scope="module")
def personas_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_personas) as built:
        yield built


@pytest.fixture
def personas(personas_once, db):
    return personas_once.fresh()


def _persona_fixture(name):
    @pytest.fixture(name=name)
    def fixture(personas):
        return personas[name]

    return fixture


# The conftest's persona fixtures (eq, gl, rae, ...), here drawn from the module's personas.
for _name in (
    "enterprise", "legal_representative", "rae", "co_rae", "eq", "gl", "co_gl",
    "other_eq", "other_gl", "agent",
):  # fmt: skip
    globals()[f"_{_name}_fixture"] = _persona_fixture(_name)


@pytest.fixture
def who(request):
    def get(name):
        if name == "anonymous":
            return None
        if name == "user":
            return UserFactory()
        if name == "superuser":
            return UserFactory(is_staff=True, is_superuser=True, national_number=None)
        if name == "staff":
            return UserFactory(is_staff=True, national_number=None)
        if name == "impostor":
            lr = request.getfixturevalue("legal_representative")
            return UserFactory(declared=True, national_number=lr.national_number)
        return request.getfixturevalue(name)

    return get


@pytest.mark.parametrize(("persona", "status", "help_slug"), MATRIX)
@pytest.mark.parametrize("page", PAGES)
def test_role_management_pages(client, who, eq, persona, status, help_slug, page):
    user = who(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(page, args=[eq.pk]))
    assert response.status_code == status
    if help_slug:
        assert (
            f"/{help_slug}/" in response.content.decode() or help_slug in response.content.decode()
        )


@pytest.mark.parametrize(("persona", "status", "help_slug"), MATRIX)
def test_inviting_by_post(client, who, eq, dimona, persona, status, help_slug):
    user = who(persona)
    if user is not None:
        client.force_login(user)
    response = client.post(
        reverse("roles:invite", args=[eq.pk]),
        {"roles": [dimona.pk], "invitees": "A; B; a@example.test"},
    )
    allowed = status == 200
    assert response.status_code == (302 if allowed else status)
    assert Invitation.objects.exists() is allowed


@pytest.mark.parametrize(
    ("persona", "status"),
    [("gl", 200), ("co_gl", 200), ("rae", 403), ("co_rae", 403), ("legal_representative", 403)],
)
def test_manage_home(client, who, eq, persona, status):
    client.force_login(who(persona))
    assert client.get(reverse("roles:manage_home")).status_code == status


def test_manage_home_lists_only_managed_qualities(client, gl, eq, other_eq):
    client.force_login(gl)
    page = client.get(reverse("roles:manage_home")).content.decode()
    assert eq.enterprise.name in page
    assert other_eq.enterprise.name not in page


def test_a_manager_of_a_cannot_touch_anything_of_b(
    client, gl, eq, other_gl, other_eq, dimona, person
):
    [attribution] = services.attribution_grant_direct(
        actor=other_gl,
        enterprise_quality=other_eq,
        roles=[dimona],
        national_number=person.national_number,
        first_name="M",
        last_name="P",
        email=person.email,
    )
    [invitation] = services.invitations_create(
        actor=other_gl,
        enterprise_quality=other_eq,
        roles=[dimona],
        invitees=[services.Invitee("A", "B", "a@example.test")],
    )
    client.force_login(gl)
    # B's objects through A's quality, and B's quality directly: all 404.
    assert client.get(reverse("roles:attribution", args=[eq.pk, attribution.pk])).status_code == 404
    assert (
        client.post(
            reverse("roles:attribution", args=[eq.pk, attribution.pk]), {"action": "revoke"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("roles:attribution", args=[other_eq.pk, attribution.pk]), {"action": "revoke"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("roles:invitation_action", args=[eq.pk, invitation.pk]), {"action": "revoke"}
        ).status_code
        == 404
    )
    assert client.get(reverse("roles:list", args=[other_eq.pk])).status_code == 404
    attribution.refresh_from_db()
    invitation.refresh_from_db()
    assert attribution.status == "active"
    assert invitation.status != "revoked"


def test_a_revoked_manager_loses_access_on_the_next_request(client, gl, eq):
    from guardian.shortcuts import remove_perm

    client.force_login(gl)
    assert client.get(reverse("roles:list", args=[eq.pk])).status_code == 200
    remove_perm("enterprises.manage_roles", gl, eq)
    assert client.get(reverse("roles:list", args=[eq.pk])).status_code == 404


def test_list_search_filters_and_export(client, gl, eq, dimona, dimona_read, person):
    services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona, dimona_read],
        national_number=person.national_number,
        first_name="Marie",
        last_name="Peeters",
        email=person.email,
    )
    other = UserFactory()
    services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        national_number=other.national_number,
        first_name="Jan",
        last_name="=cmd()",
        email=other.email,
    )
    client.force_login(gl)
    url = reverse("roles:list", args=[eq.pk])
    assert client.get(url, {"q": "peeters"}).context["page"].paginator.count == 2
    assert client.get(url, {"q": person.national_number[:6]}).context["page"].paginator.count == 2
    assert client.get(url, {"role": dimona_read.pk}).context["page"].paginator.count == 1
    assert client.get(url, {"status": "ended"}).context["page"].paginator.count == 0
    # Bad filter values never give a 500.
    assert client.get(url, {"role": "abc", "sort": "evil", "page": "x"}).status_code == 200
    response = client.get(reverse("roles:export", args=[eq.pk]), {"q": ""})
    body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 4
    assert "'=cmd()" in body  # CSV injection neutralised
    assert RoleAttribution.objects.count() == 3


def test_the_export_quotes_every_cell_so_a_semicolon_starts_no_formula(client, gl, eq, dimona):
    """A spreadsheet set to split on `;` (Belgian ones are) must not find a formula after a
    `;` inside a name: every cell is quoted, whatever separator the reader assumes."""
    import csv
    import io

    services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        national_number=UserFactory().national_number,
        first_name="Eve;=cmd|' /C calc'!A0",
        last_name="Mal;@SUM(1+1)",
        email="eve@example.test",
    )
    client.force_login(gl)
    response = client.get(reverse("roles:export", args=[eq.pk]))
    body = b"".join(response.streaming_content).decode()
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(body), delimiter=delimiter):
            assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@")], row
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][:2] == ["Mal;'@SUM(1+1)", "Eve;'=cmd|' /C calc'!A0"]
