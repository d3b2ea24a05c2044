"""The page header: who is offered the administration, and how each designation is named."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from enterprises.chain import Kind
from enterprises.tests.conftest import build_chain, signed_in
from portal.groups import CONTACT_CENTRE, WIZARD_EDITORS

pytestmark = pytest.mark.django_db

ADMIN_LINK = f'href="{reverse("admin:index")}"'
CONTACT_CENTRE_LINK = f'href="{reverse("enterprises:contact_centre")}"'


def staff(group: str | None = None, **kwargs):
    kwargs.setdefault("is_staff", True)
    user = UserFactory(**kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# who -> (sees "Administration", sees "Contact centre")
PERSONAS = {
    "editor": (lambda chain: staff(WIZARD_EDITORS), True, False),
    "superuser": (lambda chain: staff(is_superuser=True), True, False),
    # The agents' group holds no admin permission: their tools are the contact centre's pages.
    "contact_centre_agent": (lambda chain: staff(CONTACT_CENTRE), False, True),
    "staff_with_nothing_in_the_admin": (lambda chain: staff(), False, False),
    "editors_group_without_staff_status": (
        lambda chain: staff(WIZARD_EDITORS, is_staff=False),
        False,
        False,
    ),
    "rae": (lambda chain: chain.rae, False, False),
    "local_manager": (lambda chain: chain.gl, False, False),
    "user": (lambda chain: chain.user, False, False),
}


@pytest.mark.parametrize("who", PERSONAS)
def test_the_header_offers_the_administration_to_those_who_may(who):
    make, sees_admin, sees_contact_centre = PERSONAS[who]
    user = make(build_chain())
    html = signed_in(user).get(reverse("wizard:home")).content.decode()
    assert (ADMIN_LINK in html) is sees_admin
    assert (CONTACT_CENTRE_LINK in html) is sees_contact_centre
    if sees_admin:
        # The link leads somewhere: the admin index lists what this person may edit.
        index = signed_in(user).get(reverse("admin:index"))
        assert index.status_code == 200
        assert index.context["app_list"]


def test_an_anonymous_visitor_is_offered_no_administration(client):
    assert ADMIN_LINK not in client.get(reverse("wizard:home")).content.decode()


def header_labels(html: str) -> list[str]:
    acting = re.search(r'<nav class="acting".*?</nav>', html, re.S).group(0)
    return [re.sub(r"\s+", " ", s).strip() for s in re.findall(r"<small>\((.*?)\)</small>", acting)]


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_header_names_a_co_local_manager_as_co_local_manager(language):
    chain = build_chain()
    quality = chain.employer.quality
    for person, kind in ((chain.co_gl, Kind.CO_GL), (chain.gl, Kind.GL)):
        client = signed_in(person)
        html = client.get(reverse("wizard:home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        with translation.override(language):
            expected = f"{kind.label} · {quality.name}"
        assert header_labels(html) == [expected], (person, language)
    with translation.override(language):
        assert str(Kind.CO_GL.label) != str(Kind.GL.label)
