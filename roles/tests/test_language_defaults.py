"""An invitation is written in the invitee's language when the portal knows it (their
account's preference), else in the language the manager reads the form in."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory
from roles.models import Invitation

pytestmark = pytest.mark.django_db


def post_invitation(client, eq, role, invitees: str, **headers):
    return client.post(
        reverse("roles:invite", args=[eq.pk]),
        {"roles": [role.pk], "invitees": invitees},
        **headers,
    )


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_invitation_follows_the_manager_s_browser(
    client, gl, eq, dimona, language, django_capture_on_commit_callbacks
):
    assert gl.language == "fr"
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_invitation(
            client, eq, dimona, "Marie; Peeters; marie@example.test",
            HTTP_ACCEPT_LANGUAGE=language,
        )  # fmt: skip
    assert response.status_code == 302
    assert Invitation.objects.get(email="marie@example.test").language == language


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_invitation_follows_the_language_chosen_in_the_header(
    client, gl, eq, dimona, language, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with django_capture_on_commit_callbacks(execute=True):
        post_invitation(client, eq, dimona, "Marie; Peeters; marie@example.test")
    assert Invitation.objects.get(email="marie@example.test").language == language


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_invitee_with_an_account_keeps_their_preference(
    client, gl, eq, dimona, language, django_capture_on_commit_callbacks
):
    UserFactory(email="piet@example.test", language="en")
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        post_invitation(
            client, eq, dimona, "Piet; Peeters; piet@example.test", HTTP_ACCEPT_LANGUAGE=language
        )
    assert Invitation.objects.get(email="piet@example.test").language == "en"
