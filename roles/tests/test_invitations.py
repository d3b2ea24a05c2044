import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from portal.models import AuditEvent
from portal.refusals import Refusal
from portal.tokens import hash_token
from roles import services
from roles.models import Invitation, RoleAttribution

from .helpers import invite, token_from

pytestmark = pytest.mark.django_db


def test_it_invites_through_the_form_task_and_email(
    client, gl, eq, dimona, dimona_read, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("roles:invite", args=[eq.pk]),
            {
                "roles": [dimona.pk, dimona_read.pk],
                "invitees": "Marie; Peeters; marie@example.test\nJan; Janssens; jan@example.test",
                "message": "Bienvenue !",
            },
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(status=Invitation.Status.SENT).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["jan@example.test", "marie@example.test"]
    mail = next(m for m in mailoutbox if m.to == ["marie@example.test"])
    assert "Bienvenue !" in mail.body
    token = token_from(mail)
    invitation = Invitation.objects.get(email="marie@example.test")
    # Only the hash is stored, never the token itself.
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    assert AuditEvent.objects.filter(
        action="invitation.sent", target_id=str(invitation.pk)
    ).exists()


def test_the_invitation_is_written_in_the_invitees_language(
    gl, eq, dimona, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="piet@example.test", language="nl")
    invite(
        django_capture_on_commit_callbacks,
        actor=gl,
        eq=eq,
        roles=[dimona],
        email="piet@example.test",
    )
    # The Dutch catalogue name of the application.
    invitation = Invitation.objects.get()
    assert invitation.language == "nl"


def test_the_invitee_signs_in_and_accepts(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email)
    url = reverse("roles:invitation", args=[token_from(mailoutbox[0])])
    # Anonymous: what the invitation offers, and sign-in / sign-up links that come back here.
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert dimona.name in html and gl.get_full_name() in html
    assert f"/accounts/login/?next={url}" in html
    # Signing up starts with the invited address filled in (allauth reads ?email=).
    signup = f"/accounts/signup/?next={url}&amp;email={person.email.replace('@', '%40')}"
    assert signup in html
    assert f'value="{person.email}"' in client.get(signup.replace("&amp;", "&")).content.decode()
    assert 'value="accept"' not in html
    # An answer needs an account: a POST leads to sign-in and changes nothing.
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not RoleAttribution.objects.exists()
    client.force_login(person)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    attribution = RoleAttribution.objects.get()
    assert attribution.person == person
    assert attribution.source == "invitation"
    assert attribution.granted_by == gl
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    assert AuditEvent.objects.filter(action="invitation.accepted").exists()
    # Opened again: it says so instead of erroring.
    response = client.get(url)
    assert response.status_code == 200
    assert "already accepted" in response.content.decode() or "déjà" in response.content.decode()
    # And a second accept changes nothing.
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 409
    assert RoleAttribution.objects.count() == 1


def test_the_invitee_declines(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email)
    client.force_login(person)
    client.post(
        reverse("roles:invitation", args=[token_from(mailoutbox[0])]), {"action": "decline"}
    )
    assert Invitation.objects.get().status == Invitation.Status.DECLINED
    assert not RoleAttribution.objects.exists()


def test_a_tampered_token_is_refused(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email)
    token = token_from(mailoutbox[0])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    client.force_login(person)
    response = client.post(reverse("roles:invitation", args=[tampered]), {"action": "accept"})
    assert response.status_code == 404
    assert not RoleAttribution.objects.exists()


def test_an_expired_link_offers_to_ask_for_a_new_one(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email)
    token = token_from(mailoutbox[0])
    url = reverse("roles:invitation", args=[token])
    client.force_login(person)
    # The link's expiry passed (the session would not survive moving the clock 14 days).
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 409
    assert not RoleAttribution.objects.exists()
    page = client.get(url).content.decode()
    assert reverse("roles:invitation_renew", args=[token]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:invitation_renew", args=[token]))
    assert mailoutbox[-1].to == [gl.email]
    assert AuditEvent.objects.filter(action="invitation.renewal_requested").count() == 1
    # Asking twice does not spam the manager.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:invitation_renew", args=[token]))
    assert AuditEvent.objects.filter(action="invitation.renewal_requested").count() == 1
    assert [m.to for m in mailoutbox[1:]] == [[gl.email]]
    # The next day the invitee may ask again, and that is a new notice for the manager.
    cache.delete(f"roles:renew:{Invitation.objects.get().pk}")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:invitation_renew", args=[token]))
    assert AuditEvent.objects.filter(action="invitation.renewal_requested").count() == 2
    assert [m.to for m in mailoutbox[1:]] == [[gl.email], [gl.email]]


def test_only_the_invitee_may_ask_for_a_new_link(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    """Whoever holds an expired link is not the invitee: the page says so (403) instead of
    offering a renewal, and a renewal asked anyway is refused (the manager's notice would
    present it as the invitee's)."""
    invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email)
    token = token_from(mailoutbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory())
    page = client.get(reverse("roles:invitation", args=[token]))
    assert page.status_code == 403
    assert reverse("roles:invitation_renew", args=[token]) not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:invitation_renew", args=[token]))
    assert not AuditEvent.objects.filter(action="invitation.renewal_requested").exists()
    assert len(mailoutbox) == 1


def test_a_revoked_invitation_cannot_be_accepted(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(
        django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email
    )
    client.force_login(gl)
    client.post(
        reverse("roles:invitation_action", args=[eq.pk, invitation.pk]), {"action": "revoke"}
    )
    assert Invitation.objects.get().status == Invitation.Status.REVOKED
    client.force_login(person)
    url = reverse("roles:invitation", args=[token_from(mailoutbox[0])])
    assert "withdrew" in client.get(url).content.decode() or client.get(url).status_code == 200
    assert client.post(url, {"action": "accept"}).status_code == 409
    assert not RoleAttribution.objects.exists()


def test_resend_rotates_the_token(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(
        django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email
    )
    old = token_from(mailoutbox[0])
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roles:invitation_action", args=[eq.pk, invitation.pk]), {"action": "resend"}
        )
    new = token_from(mailoutbox[1])
    assert new != old
    client.force_login(person)
    assert client.get(reverse("roles:invitation", args=[old])).status_code == 404
    client.post(reverse("roles:invitation", args=[new]), {"action": "accept"})
    assert RoleAttribution.objects.filter(person=person).count() == 1


def test_the_national_number_must_match(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invitee = UserFactory()
    invite(
        django_capture_on_commit_callbacks,
        actor=gl,
        eq=eq,
        roles=[dimona],
        email=invitee.email,
        national_number=invitee.national_number,
    )
    url = reverse("roles:invitation", args=[token_from(mailoutbox[0])])
    client.force_login(person)  # another account
    assert client.post(url, {"action": "accept"}).status_code == 403
    assert not RoleAttribution.objects.exists()
    client.force_login(invitee)
    client.post(url, {"action": "accept"})
    assert RoleAttribution.objects.get().person == invitee


def test_concurrent_double_acceptance_gives_one_attribution(
    gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(
        django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email
    )
    results = []
    for _ in range(2):
        try:
            services.invitation_accept(actor=person, invitation=invitation)
            results.append("ok")
        except Refusal:
            results.append("refused")
    assert sorted(results) == ["ok", "refused"]
    assert RoleAttribution.objects.count() == 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_parallel_double_acceptance_gives_one_attribution(gl, eq, dimona, person, mailoutbox):
    from django.db import close_old_connections

    invitation = services.invitations_create(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        invitees=[services.Invitee("M", "P", person.email)],
    )[0]
    invitation.refresh_from_db()
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        barrier.wait()
        try:
            services.invitation_accept(actor=person, invitation=invitation)
            outcomes.append("ok")
        except Refusal:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=click) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["ok", "refused"]
    assert RoleAttribution.objects.count() == 1


def test_only_roles_of_the_managers_quality(client, gl, eq, foreign_role):
    client.force_login(gl)
    response = client.post(
        reverse("roles:invite", args=[eq.pk]),
        {"roles": [foreign_role.pk], "invitees": "A; B; a@example.test"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_bad_invitee_lines_are_explained(client, gl, eq, dimona):
    client.force_login(gl)
    response = client.post(
        reverse("roles:invite", args=[eq.pk]),
        {
            "roles": [dimona.pk],
            "invitees": "Marie; Peeters; not-an-email\nJan; Janssens; j@example.test; 123",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Line 1" in body or "Ligne 1" in body or "errorlist" in body
    assert not Invitation.objects.exists()


def test_invitations_are_rate_limited(
    client, settings, gl, eq, dimona, django_capture_on_commit_callbacks
):
    settings.ROLES_INVITATION_LIMITS = {"manager": 2, "enterprise": 100, "window": 3600}
    client.force_login(gl)
    url = reverse("roles:invite", args=[eq.pk])
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            url, {"roles": [dimona.pk], "invitees": "A; B; a@example.test\nC; D; c@example.test"}
        )
        refused = client.post(url, {"roles": [dimona.pk], "invitees": "E; F; e@example.test"})
    assert ok.status_code == 302
    assert refused.status_code == 429
    assert Invitation.objects.count() == 2


def test_the_beat_task_expires_invitations(
    gl, eq, dimona, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = invite(django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona])
    from roles.tasks import expire_due

    expire_due.apply()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=15)):
        expire_due.apply()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    assert AuditEvent.objects.filter(action="invitation.expired").count() == 1


def test_a_revoked_invitations_page_says_to_ask_the_manager(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    invitation = invite(
        django_capture_on_commit_callbacks, actor=gl, eq=eq, roles=[dimona], email=person.email
    )
    services.invitation_revoke(actor=gl, invitation=invitation)
    url = reverse("roles:invitation", args=[token_from(mailoutbox[0])])
    for who in (None, person):  # before signing in, and signed in
        if who:
            client.force_login(who)
        page = client.get(url).content.decode()
        assert "The manager withdrew this invitation." in page
        assert f"ask {gl}, local manager of Boulangerie Dupont for the quality Employer" in page
        assert reverse("wizard:page", kwargs={"slug": "user-request-role"}) in page
