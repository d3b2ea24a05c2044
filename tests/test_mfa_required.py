"""Staff, and anyone who manages an enterprise, must have a second factor enrolled.

The whole rule is `accounts/mfa.py`; `tests/test_management_gate.py` walks every URL with it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from accounts.mfa_adapter import encrypt_secret
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def enrol_totp(user) -> None:
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt_secret("JBSWY3DPEHPK3PXP")}
    )


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def test_it_is_on_by_default_in_production():
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("MFA_REQUIRED", "DEBUG")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "p" * 30 + "0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "egov.example",
        "EMAIL_HOST": "smtp.example",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.MFA_REQUIRED)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "True", out.stderr


@pytest.mark.usefixtures("mfa_on")
def test_staff_without_a_second_factor_cannot_use_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "accounts/mfa_required.html" in [t.name for t in response.templates]
    assert b"/accounts/2fa/" in response.content  # where to enrol
    assert response.context["next"] == "/admin/"  # and where to come back


@pytest.mark.usefixtures("mfa_on")
def test_staff_with_a_second_factor_can(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enrol_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("mfa_on")
def test_the_contact_centre_requires_it_too(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/contact-centre/")
    assert response.status_code == 403
    assert "accounts/mfa_required.html" in [t.name for t in response.templates]


@pytest.mark.usefixtures("mfa_on")
def test_people_who_are_not_staff_browse_normally(client):
    client.force_login(UserFactory())
    assert client.get("/account/settings/").status_code == 200
