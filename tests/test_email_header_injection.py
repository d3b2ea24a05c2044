"""E-mail header injection through names and addresses: refused by the form, or neutralised.

A name ends up in a subject (the renewal, request and deactivation notices name the person;
the invitation names the enterprise) and the inviting manager's address in Reply-To. Whatever
the value, the sent message has exactly its own headers: one To, no Bcc/Cc, a one-line
subject. Addresses with a line break never validate.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory

from .personas import new_person, renamed
from .security_helpers import snapshot
from .test_csrf_and_safe_methods import client_for

pytestmark = pytest.mark.django_db

EVIL_NAMES = [
    "Eve\r\nBcc: x@evil.example",
    "Eve\nBcc: x@evil.example",
    "Eve\rCc: x@evil.example",
    "Eve\r\n\r\n<h1>body</h1>",
    "=?utf-8?q?Eve=0D=0ABcc:_x@evil.example?=",
]
EVIL_ADDRESSES = [
    "eve@example.test\r\nBcc: x@evil.example",
    "eve@example.test\nBcc: x@evil.example",
    "eve@example.test%0ABcc:x@evil.example",
    "Eve <eve@example.test>, x@evil.example",
    "eve@example.test, x@evil.example",
    '"Eve\r\nBcc: x@evil.example" <eve@example.test>',
]


def assert_clean(message, *, to: str) -> None:
    """The message's headers are its own: one To, nothing smuggled."""
    assert message.recipients() == [to]
    parsed = message.message()
    raw = parsed.as_bytes()
    head = raw.split(b"\n\n", 1)[0] if b"\n\n" in raw else raw.split(b"\r\n\r\n", 1)[0]
    for name in ("Bcc", "Cc"):
        assert parsed.get(name) is None
        assert f"\n{name}:".encode() not in head
    assert parsed.get_all("To") == [to]
    assert len(parsed.get_all("Subject")) == 1
    assert "\n" not in message.subject and "\r" not in message.subject
    assert b"evil.example" not in head or b"Subject:" in head  # only ever inside the subject
    for line in head.split(b"\n"):
        assert not line.lower().startswith((b"bcc:", b"cc:")), line


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_a_designated_persons_name_cannot_add_headers(
    world, name, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    data = {**new_person(21), "first_name": name, "last_name": name}
    url = reverse("enterprises:designate_co_rae", args=[world.enterprise.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chain.rae, enforce_csrf=False).post(url, data)
    if response.status_code == 200:  # refused by the form: nothing sent, a clear error
        assert response.context["form"].errors
        assert not mail.outbox
        return
    assert response.status_code == 302
    [message] = mail.outbox
    assert_clean(message, to="new21@example.test")


@pytest.mark.parametrize("address", EVIL_ADDRESSES)
@pytest.mark.parametrize(
    "form", ["designation", "direct", "invitation", "profile_email", "settings_email"]
)
def test_an_address_with_a_line_break_or_a_list_is_refused(world, address, form):
    gl = client_for(world.chain.gl, enforce_csrf=False)
    mail.outbox.clear()
    before = snapshot()
    if form == "designation":
        response = client_for(world.chain.rae, enforce_csrf=False).post(
            reverse("enterprises:designate_co_rae", args=[world.enterprise.number]),
            {**new_person(22), "email": address},
        )
        errors = response.context["form"].errors["email"]
    elif form == "direct":
        response = gl.post(
            reverse("roles:direct", args=[world.eq.pk]),
            {
                "roles": [world.dimona.pk],
                "national_number": world.chain.co_rae.national_number,
                "first_name": "Eve",
                "last_name": "Evil",
                "email": address,
            },
        )
        errors = response.context["form"].errors["email"]
    elif form == "invitation":
        response = gl.post(
            reverse("roles:invite", args=[world.eq.pk]),
            {"roles": [world.dimona.pk], "invitees": f"Eve; Evil; {address}"},
        )
        errors = response.context["form"].errors["invitees"]
    elif form == "profile_email":
        response = client_for(world.chain.user, enforce_csrf=False).post(
            reverse("roles:profile_email"),
            {"attributions": [world.attribution.pk], "new_email": address},
        )
        errors = response.context["form"].errors["new_email"]
    else:
        response = client_for(world.chain.user, enforce_csrf=False).post(
            reverse("account_email"), {"action_add": "", "email": address}
        )
        errors = response.context["form"].errors["email"]
    assert response.status_code == 200
    assert errors
    assert snapshot() == before
    assert not mail.outbox


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_names_in_subjects_are_flattened(world, name, django_capture_on_commit_callbacks):
    """The access-request notice's subject names the person who followed the link."""
    person = UserFactory(first_name=name, last_name=name)
    link = world.approval_link
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(person, enforce_csrf=False).post(
            reverse("roles:link_follow", args=[link.slug])
        )
    assert response.status_code == 302
    assert mail.outbox
    for message in mail.outbox:
        assert_clean(message, to=message.to[0])
        assert "Eve" in message.subject


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_an_enterprise_name_in_a_subject_is_flattened(
    world, name, django_capture_on_commit_callbacks
):
    world = renamed(world, name)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chain.gl, enforce_csrf=False).post(
            reverse("roles:invite", args=[world.eq.pk]),
            {"roles": [world.dimona.pk], "invitees": "Ann; Smith; ann@example.test"},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert_clean(message, to="ann@example.test")
    # The manager's address goes into Reply-To: one address, nothing more.
    assert message.message().get_all("Reply-To") == [world.chain.gl.email]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_settings_names_reach_subjects_flattened(world, name, django_capture_on_commit_callbacks):
    """A person renames themself in the settings, then deactivates a role: the managers'
    notice names them in its subject."""
    user = world.chain.user
    client = client_for(user, enforce_csrf=False)
    response = client.post(
        reverse("accounts:settings"),
        {
            "first_name": name,
            "last_name": "X",
            "language": "fr",
            "national_number": user.national_number,
        },
    )
    if response.status_code == 200:  # refused by the form
        assert response.context["form"].errors
        return
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:profile_deactivate", args=[world.attribution.pk]))
    for message in mail.outbox:
        assert_clean(message, to=message.to[0])


def test_the_bulk_csv_cannot_smuggle_an_address(world):
    upload_text = 'Eve,Evil,"eve@example.test\r\nBcc: x@evil.example",dimona-declaration,,\n'
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(world.chain.gl, enforce_csrf=False).post(
        reverse("roles:bulk_upload", args=[world.eq.pk]),
        {"file": SimpleUploadedFile("p.csv", upload_text.encode())},
    )
    assert response.status_code == 302
    from roles.models import InvitationBatch

    batch = InvitationBatch.objects.latest("pk")
    assert batch.error_rows == 1
    assert timezone.now() - batch.created_at < timedelta(minutes=1)
