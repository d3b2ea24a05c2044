"""A published link as its manager and its visitors meet it: the messages name the person
and the roles, the e-mails name the enterprise and the roles (never the manager's label), a
visitor sees the offer before signing in, and a refused request gives its use back."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from portal.refusals import Refusal
from roles import services
from roles.models import AccessLink, AccessRequest, RoleAttribution

pytestmark = pytest.mark.django_db

LABEL = "Private label for the HR team"


@pytest.fixture(autouse=True)
def english(settings):
    # Pages in English unless a test asks for another language; French is the default.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _link(gl, eq, roles, **kwargs):
    defaults = {
        "label": LABEL,
        "expires_at": timezone.now() + timedelta(days=7),
        "max_uses": 1,
        "requires_approval": True,
    }
    return services.link_create(
        actor=gl, enterprise_quality=eq, roles=roles, **{**defaults, **kwargs}
    )


def _decide(client, gl, eq, request, decision, capture=None):
    client.force_login(gl)
    url = reverse("roles:request_decide", args=[eq.pk, request.pk])
    if capture is None:
        return client.post(url, {"decision": decision})
    with capture(execute=True):
        return client.post(url, {"decision": decision})


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_approving_names_the_person_and_the_roles(client, gl, eq, dimona, dimona_read):
    link = _link(gl, eq, [dimona, dimona_read])
    person = UserFactory(first_name="Marie", last_name="Dupont")
    request = services.link_use(actor=person, link=link)
    response = _decide(client, gl, eq, request, "approve")
    assert response.status_code == 302
    (message,) = _flash(response)
    # The roles in the catalogue's order (application, then role).
    assert message == f"Marie Dupont now holds {dimona_read}, {dimona}."


def test_refusing_names_the_person_and_the_roles_in_the_managers_language(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona])
    person = UserFactory(first_name="Marie", last_name="Dupont")
    request = services.link_use(actor=person, link=link)
    client.force_login(gl)
    response = client.post(
        reverse("roles:request_decide", args=[eq.pk, request.pk]),
        {"decision": "reject"},
        headers={"accept-language": "fr"},
    )
    (message,) = _flash(response)
    assert "Marie Dupont" in message and str(dimona) in message
    with translation.override("fr"):
        expected = translation.gettext("The request of %(name)s for %(roles)s was refused.") % {
            "name": "Marie Dupont",
            "roles": str(dimona),
        }
    assert message == expected
    assert message != f"The request of Marie Dupont for {dimona} was refused."  # French


def test_emails_about_a_link_name_the_enterprise_and_the_roles_not_the_label(
    client, gl, eq, dimona, mailoutbox, django_capture_on_commit_callbacks
):
    link = _link(gl, eq, [dimona])
    person = UserFactory(first_name="Marie", last_name="Dupont", language="en")
    gl.language = "en"
    gl.save(update_fields=["language"])
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:link_follow", args=[link.slug]))
    (to_manager,) = mailoutbox
    assert to_manager.to == [gl.email]
    assert to_manager.subject == f"Marie Dupont asks for {dimona} at Boulangerie Dupont"
    request = AccessRequest.objects.get()
    _decide(client, gl, eq, request, "reject", capture=django_capture_on_commit_callbacks)
    to_person = mailoutbox[-1]
    assert to_person.to == [person.email]
    assert to_person.subject == f"Boulangerie Dupont: your request for {dimona} was refused"
    # The label is the manager's own: the person's e-mail never shows it.
    assert LABEL not in to_person.subject + to_person.body
    assert LABEL not in to_person.alternatives[0].content
    assert str(dimona) in to_person.body
    assert LABEL not in to_manager.subject


def test_a_visitor_not_signed_in_sees_the_offer_before_signing_in(eq, gl, dimona):
    link = _link(gl, eq, [dimona], valid_until=timezone.localdate() + timedelta(days=90))
    url = reverse("roles:link_follow", args=[link.slug])
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Boulangerie Dupont" in page
    assert eq.quality.name in page
    assert dimona.name in page and dimona.application.name in page
    assert "This link works until" in page
    assert f"{reverse('account_login')}?next={url}" in page
    assert reverse("account_signup") in page
    assert LABEL not in page  # the manager's label is not the visitor's title
    assert '<form method="post"' not in page
    # Taking the roles still needs an account: a POST goes to the sign-in, nothing changes.
    response = Client().post(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not AccessRequest.objects.exists()
    assert AccessLink.objects.get().uses == 0


def test_an_unknown_link_is_404_for_a_visitor_too(db):
    assert Client().get(reverse("roles:link_follow", args=["x" * 32])).status_code == 404


def test_the_links_page_offers_a_copy_button_over_a_read_only_address(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona])
    client.force_login(gl)
    page = client.get(reverse("roles:links", args=[eq.pk])).content.decode()
    follow = reverse("roles:link_follow", args=[link.slug])
    assert f'id="link-url-{link.pk}"' in page and "readonly" in page
    assert follow in page
    assert f'data-copy="link-url-{link.pk}"' in page
    assert "roles/links.js" in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_a_refused_request_gives_its_use_back(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona], max_uses=1)
    first, second = UserFactory(), UserFactory()
    request = services.link_use(actor=first, link=link)
    # A pending request holds its place: the next person is told why, and may try later.
    with pytest.raises(Refusal) as refused:
        services.link_use(actor=second, link=link)
    assert "waiting for the manager" in str(refused.value.message)
    client.force_login(second)
    page = client.get(reverse("roles:link_follow", args=[link.slug])).content.decode()
    assert "A refused request frees its place" in page
    client.force_login(gl)
    links_page = client.get(reverse("roles:links", args=[eq.pk])).content.decode()
    assert "1 / 1" in links_page and "1 waiting for your decision" in links_page
    _decide(client, gl, eq, request, "reject")
    link.refresh_from_db()
    assert link.uses == 0
    assert "0 / 1" in client.get(reverse("roles:links", args=[eq.pk])).content.decode()
    # The place is free again.
    assert isinstance(services.link_use(actor=second, link=link), AccessRequest)
    link.refresh_from_db()
    assert link.uses == 1


def test_an_approved_request_keeps_its_use(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona], max_uses=1)
    request = services.link_use(actor=UserFactory(), link=link)
    _decide(client, gl, eq, request, "approve")
    link.refresh_from_db()
    assert link.uses == 1
    with pytest.raises(Refusal) as refused:
        services.link_use(actor=UserFactory(), link=link)
    assert str(refused.value.message) == "This link has reached its limit of uses."
    assert RoleAttribution.objects.count() == 1


def test_a_second_decision_gives_nothing_back_twice(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona], max_uses=2)
    request = services.link_use(actor=UserFactory(), link=link)
    services.link_use(actor=UserFactory(), link=link)
    services.access_request_decide(actor=gl, access_request=request, approve=False)
    with pytest.raises(Refusal):
        services.access_request_decide(actor=gl, access_request=request, approve=False)
    link.refresh_from_db()
    assert link.uses == 1


def test_a_disabled_or_expired_link_says_which(client, gl, eq, dimona):
    disabled = _link(gl, eq, [dimona])
    services.link_disable(actor=gl, link=disabled)
    expired = _link(gl, eq, [dimona])
    AccessLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    client.force_login(UserFactory())
    response = client.post(reverse("roles:link_follow", args=[disabled.slug]))
    assert response.status_code == 409
    assert "The manager disabled this link." in response.content.decode()
    response = client.post(reverse("roles:link_follow", args=[expired.slug]))
    assert response.status_code == 409
    assert "This link has expired." in response.content.decode()
