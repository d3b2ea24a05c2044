"""The portal's own invitation limits answer 429 at the threshold, over HTTP, on every way of
sending invitations (the form, a resend, a CSV batch) and per enterprise across managers;
the refused request changes nothing. (roles/tests covers the first 429 of the form.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.testing import clear_cache
from roles.models import Invitation, InvitationBatch

from .security_helpers import snapshot
from .test_csrf_and_safe_methods import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    clear_cache()  # the world's own invitations start no count: each test sets its limits
    return world


def limit(settings, *, manager=100, enterprise=1000):
    settings.ROLES_INVITATION_LIMITS = {
        "manager": manager,
        "enterprise": enterprise,
        "window": 3600,
    }


def invite(client, world, *emails):
    lines = "\n".join(f"P; Q; {email}" for email in emails)
    return client.post(
        reverse("roles:invite", args=[world.eq.pk]),
        {"roles": [world.dimona.pk], "invitees": lines},
    )


def test_exactly_the_limit_passes_and_one_more_is_refused(world, settings):
    limit(settings, manager=3)
    gl = client_for(world.chain.gl, enforce_csrf=False)
    assert invite(gl, world, "a@example.test", "b@example.test").status_code == 302
    assert invite(gl, world, "c@example.test").status_code == 302  # 3 of 3
    before = snapshot()
    refused = invite(gl, world, "d@example.test")
    assert refused.status_code == 429
    assert "roles/rate_limited.html" in [t.name for t in refused.templates]
    assert snapshot() == before


def test_a_batch_that_would_pass_the_limit_is_refused_whole(world, settings):
    limit(settings, manager=2)
    gl = client_for(world.chain.gl, enforce_csrf=False)
    refused = invite(gl, world, "a@example.test", "b@example.test", "c@example.test")
    assert refused.status_code == 429
    assert not Invitation.objects.filter(email__in=["a@example.test", "c@example.test"]).exists()


def test_resending_counts_too(world, settings):
    limit(settings, manager=1)
    gl = client_for(world.chain.gl, enforce_csrf=False)
    url = reverse("roles:invitation_action", args=[world.eq.pk, world.invitation.pk])
    assert gl.post(url, {"action": "resend"}).status_code == 302
    before = snapshot()
    assert gl.post(url, {"action": "resend"}).status_code == 429
    assert snapshot() == before


def test_confirming_a_csv_batch_counts_too(world, settings):
    limit(settings, manager=1)
    gl = client_for(world.chain.gl, enforce_csrf=False)
    rows = "".join(f"P,Q,p{i}@example.test,dimona-declaration,,\n" for i in range(2))
    gl.post(
        reverse("roles:bulk_upload", args=[world.eq.pk]),
        {"file": SimpleUploadedFile("p.csv", rows.encode())},
    )
    batch = InvitationBatch.objects.latest("pk")
    before = snapshot()
    response = gl.post(reverse("roles:bulk_preview", args=[world.eq.pk, batch.pk]))
    assert response.status_code == 429
    assert snapshot() == before


def test_the_enterprise_limit_holds_across_its_managers(world, settings):
    limit(settings, manager=100, enterprise=2)
    gl = client_for(world.chain.gl, enforce_csrf=False)
    co_gl = client_for(world.chain.co_gl, enforce_csrf=False)
    assert invite(gl, world, "a@example.test", "b@example.test").status_code == 302
    assert invite(co_gl, world, "c@example.test").status_code == 429
