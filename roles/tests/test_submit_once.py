"""Back and submit again: each rendered form of role management acts once."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import national_number_for
from portal import submissions
from portal.models import AuditEvent, OutboxMessage, SubmissionKey
from roles.models import AccessLink, Invitation, InvitationBatch, RoleAttribution

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r'name="submission_key" value="([A-Za-z0-9_-]+)"')


def rendered_key(client, url) -> str:
    """The key the page renders, as a browser would send it back."""
    page = client.get(url)
    assert page.status_code == 200
    keys = KEY_RE.findall(page.content.decode())
    assert len(keys) == 1, keys
    return keys[0]


def said_already_sent(response) -> bool:
    # Messages are written in the request's language (French by default).
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = str(submissions.ALREADY_SENT)
    return expected in [str(m) for m in get_messages(response.wsgi_request)]


def post_twice(client, url, data, capture):
    with capture(execute=True):
        first = client.post(url, data)
    with capture(execute=True):
        second = client.post(url, data)
    return first, second


def invitation_data(key, dimona, email="marie@example.test"):
    return {"roles": [dimona.pk], "invitees": f"Marie; Peeters; {email}", "submission_key": key}


# --- Every rendered form carries a key, a fresh one per render --------------------------------


@pytest.mark.parametrize(
    "name", ["roles:invite", "roles:direct", "roles:links", "roles:bulk_upload"]
)
def test_every_form_renders_a_fresh_key(client, gl, eq, name):
    client.force_login(gl)
    url = reverse(name, args=[eq.pk])
    first, second = rendered_key(client, url), rendered_key(client, url)
    assert first != second
    assert len(first) >= 22  # 128 random bits


def test_the_batch_preview_renders_a_key(client, gl, eq):
    client.force_login(gl)
    upload = SimpleUploadedFile("p.csv", b"Marie,Peeters,marie@example.test,dimona-declaration,,\n")
    client.post(reverse("roles:bulk_upload", args=[eq.pk]), {"file": upload})
    batch = InvitationBatch.objects.get()
    assert rendered_key(client, reverse("roles:bulk_preview", args=[eq.pk, batch.pk]))


# --- The same form sent twice ------------------------------------------------------------------


def test_an_invitation_form_sent_twice_invites_once(
    client, gl, eq, dimona, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    url = reverse("roles:invite", args=[eq.pk])
    data = invitation_data(rendered_key(client, url), dimona)
    first, second = post_twice(client, url, data, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="invitation.created").count() == 1
    # The repeat goes where the first one went, and says why nothing happened.
    assert second.status_code == 302
    assert second["Location"] == reverse("roles:invitations", args=[eq.pk])
    assert said_already_sent(second)


def test_a_direct_attribution_sent_twice_gives_once(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    url = reverse("roles:direct", args=[eq.pk])
    data = {
        "roles": [dimona.pk],
        "national_number": person.national_number,
        "first_name": "Marie",
        "last_name": "Peeters",
        "email": "marie.work@example.test",
        "submission_key": rendered_key(client, url),
    }
    first, second = post_twice(client, url, data, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    assert RoleAttribution.objects.count() == 1
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="role.attributed").count() == 1
    # Not the "already holds these roles" form error: the first result, with the message.
    assert second.status_code == 302
    assert second["Location"] == reverse("roles:list", args=[eq.pk])
    assert said_already_sent(second)


def test_a_link_form_sent_twice_publishes_one_link(
    client, gl, eq, dimona, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    client.force_login(gl)
    url = reverse("roles:links", args=[eq.pk])
    data = {
        "label": "Intranet",
        "roles": [dimona.pk],
        "expires_on": timezone.localdate().isoformat(),
        "max_uses": 5,
        "submission_key": rendered_key(client, url),
    }
    first, second = post_twice(client, url, data, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    assert AccessLink.objects.count() == 1
    assert AuditEvent.objects.filter(action="link.created").count() == 1
    assert second.status_code == 302 and said_already_sent(second)


def test_a_csv_upload_sent_twice_makes_one_batch_and_shows_its_preview(client, gl, eq):
    client.force_login(gl)
    url = reverse("roles:bulk_upload", args=[eq.pk])
    key = rendered_key(client, url)
    content = b"Marie,Peeters,marie@example.test,dimona-declaration,,\n"
    first = client.post(url, {"file": SimpleUploadedFile("p.csv", content), "submission_key": key})
    second = client.post(url, {"file": SimpleUploadedFile("p.csv", content), "submission_key": key})
    batch = InvitationBatch.objects.get()
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("roles:bulk_preview", args=[eq.pk, batch.pk])
    assert said_already_sent(second)
    assert AuditEvent.objects.filter(action="invitation_batch.uploaded").count() == 1


def test_a_batch_confirmation_sent_twice_sends_once(
    client, gl, eq, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    upload = SimpleUploadedFile("p.csv", b"Marie,Peeters,marie@example.test,dimona-declaration,,\n")
    client.post(reverse("roles:bulk_upload", args=[eq.pk]), {"file": upload})
    batch = InvitationBatch.objects.get()
    url = reverse("roles:bulk_preview", args=[eq.pk, batch.pk])
    data = {"submission_key": rendered_key(client, url)}
    first, second = post_twice(client, url, data, django_capture_on_commit_callbacks)
    progress = reverse("roles:bulk_progress", args=[eq.pk, batch.pk])
    assert first["Location"] == second["Location"] == progress
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="invitation_batch.confirmed").count() == 1
    assert said_already_sent(second)


# --- Two renders of the same invitation: the open one is offered for resend ---------------------


def test_a_second_render_of_the_same_invitation_is_refused_with_resend_offered(
    client, gl, eq, dimona, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    url = reverse("roles:invite", args=[eq.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, invitation_data(rendered_key(client, url), dimona))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, invitation_data(rendered_key(client, url), dimona))
    assert again.status_code == 200
    [error] = again.context["form"].non_field_errors()
    assert "marie@example.test" in error and "Invitations en attente" in error
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1
    # The refusal rolled its key back: the same page, once corrected, can still be sent.
    assert not SubmissionKey.objects.filter(key=again.context["form"]["submission_key"].value())


def test_the_same_person_may_be_invited_again_once_the_invitation_is_closed(
    client, gl, eq, dimona, dimona_read, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    url = reverse("roles:invite", args=[eq.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, invitation_data(rendered_key(client, url), dimona))
    # Other roles are another invitation.
    other_roles = invitation_data(rendered_key(client, url), dimona)
    other_roles["roles"] = [dimona.pk, dimona_read.pk]
    assert client.post(url, other_roles).status_code == 302
    # A revoked invitation is no longer open.
    Invitation.objects.update(status=Invitation.Status.REVOKED)
    response = client.post(url, invitation_data(rendered_key(client, url), dimona))
    assert response.status_code == 302
    assert Invitation.objects.count() == 3


# --- Without a key, with a bad one, after a refusal ---------------------------------------------


def test_a_submission_without_a_key_is_acted_on(client, gl, eq, dimona, person):
    # An old page or a scripted client: a fresh submission each time.
    client.force_login(gl)
    response = client.post(
        reverse("roles:invite", args=[eq.pk]),
        {"roles": [dimona.pk], "invitees": "Marie; Peeters; marie@example.test"},
    )
    assert response.status_code == 302
    assert Invitation.objects.count() == 1
    assert not SubmissionKey.objects.exists()


@pytest.mark.parametrize("key", ["x" * 65, "a b", "é" * 10, "k\x00"])
def test_a_malformed_key_is_a_clear_error_and_a_fresh_key_is_rendered(client, gl, eq, dimona, key):
    client.force_login(gl)
    response = client.post(reverse("roles:invite", args=[eq.pk]), invitation_data(key, dimona))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Invitation.objects.exists() and not SubmissionKey.objects.exists()
    [fresh] = KEY_RE.findall(response.content.decode())
    assert fresh != key


def test_a_refused_submission_leaves_its_key_for_the_corrected_one(
    client, gl, eq, dimona, dimona_read, person, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    url = reverse("roles:direct", args=[eq.pk])
    data = {
        "roles": [dimona.pk],
        "national_number": person.national_number,
        "first_name": "Marie",
        "last_name": "Peeters",
        "email": "marie@example.test",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "submission_key": rendered_key(client, url)})
    key = rendered_key(client, url)
    refused = client.post(url, {**data, "submission_key": key})  # already holds the role
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert KEY_RE.findall(refused.content.decode()) == [key]  # the page keeps its key
    corrected = client.post(url, {**data, "roles": [dimona_read.pk], "submission_key": key})
    assert corrected.status_code == 302
    assert not said_already_sent(corrected)
    assert RoleAttribution.objects.count() == 2


def test_a_key_belongs_to_its_sender(client, gl, co_gl, eq, dimona, dimona_read):
    # Another manager sending the same key (a shared, copied page) is not a repeat.
    url = reverse("roles:direct", args=[eq.pk])
    data = {
        "national_number": national_number_for(321),
        "first_name": "Nina",
        "last_name": "Nieuw",
        "email": "nina@example.test",
        "submission_key": "same-key-for-both-1234",
    }
    client.force_login(gl)
    assert client.post(url, {**data, "roles": [dimona.pk]}).status_code == 302
    client.force_login(co_gl)
    response = client.post(url, {**data, "roles": [dimona_read.pk]})
    assert response.status_code == 302 and not said_already_sent(response)
    assert RoleAttribution.objects.count() == 2
