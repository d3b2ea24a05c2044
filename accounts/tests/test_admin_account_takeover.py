"""The admin gives staff no way into another person's account (accounts/admin.py).

Each of these was a way for a superuser to become someone else, and through them to act in
their enterprises: attach a verified address (and with it the invitations bound to it), read
or set a second factor's secret, set a password. A superuser gets 403 or 404 on each, and
nothing changes; what staff legitimately change on an account (active, staff, groups) goes
through `account_staff_update` and is audited.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import UserFactory
from portal.groups import CONTACT_CENTRE
from portal.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

INVITED = "invited.person@example.test"


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True, national_number=None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def stranger():
    return UserFactory()


def email_url(view, *args):
    return reverse(f"admin:account_emailaddress_{view}", args=args)


def user_url(view, *args):
    return reverse(f"admin:accounts_user_{view}", args=args)


# --- E-mail addresses: read, never attached, changed or verified by staff ---------------------


def test_the_superuser_cannot_attach_a_verified_address_to_someone(admin_client, stranger):
    assert admin_client.get(email_url("add")).status_code == 403
    response = admin_client.post(
        email_url("add"),
        {"user": stranger.pk, "email": INVITED, "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email=INVITED).exists()


def test_the_superuser_cannot_change_or_delete_an_address(admin_client, stranger):
    address = EmailAddress.objects.get(user=stranger)
    response = admin_client.post(
        email_url("change", address.pk),
        {"user": stranger.pk, "email": INVITED, "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    assert admin_client.post(email_url("delete", address.pk), {"post": "yes"}).status_code == 403
    address.refresh_from_db()
    assert address.email == stranger.email


def test_the_superuser_cannot_mark_an_address_verified(admin_client, stranger):
    address = EmailAddress.objects.create(user=stranger, email=INVITED, verified=False)
    admin_client.post(
        email_url("changelist"), {"action": "make_verified", "_selected_action": [address.pk]}
    )
    address.refresh_from_db()
    assert not address.verified


def test_staff_still_read_the_addresses(admin_client, stranger):
    page = admin_client.get(email_url("changelist"), {"q": stranger.email})
    assert page.status_code == 200
    assert stranger.email in page.content.decode()
    assert list(page.context["cl"].list_display) == ["email", "user", "verified", "primary"]
    address = EmailAddress.objects.get(user=stranger)
    view = admin_client.get(email_url("change", address.pk))
    assert view.status_code == 200
    assert not view.context["adminform"].form.fields  # a read-only page


# --- Second factors: not in the admin at all ----------------------------------------------------


def test_the_authenticator_admin_is_gone(admin_client, stranger):
    totp = TOTP.activate(stranger, generate_totp_secret())
    with pytest.raises(NoReverseMatch):
        reverse("admin:mfa_authenticator_changelist")
    for path in (
        "/admin/mfa/authenticator/",
        f"/admin/mfa/authenticator/{totp.instance.pk}/change/",
        "/admin/mfa/authenticator/add/",
    ):
        assert admin_client.get(path).status_code == 404, path
    assert Authenticator.objects.filter(user=stranger).count() == 1


# --- The identity provider: configured by the settings; links read without their claims --------


def test_the_social_app_and_token_admins_are_gone(admin_client):
    for path in ("/admin/socialaccount/socialapp/add/", "/admin/socialaccount/socialtoken/"):
        assert admin_client.get(path).status_code == 404, path
    assert not SocialApp.objects.exists()


def test_a_link_to_the_identity_provider_is_shown_without_its_claims(admin_client, stranger):
    account = SocialAccount.objects.create(
        user=stranger,
        provider="fas",
        uid="subject-9f2c41",
        extra_data={"national_number": stranger.national_number, "id_token": "eyJ.secret"},
    )
    url = reverse("admin:socialaccount_socialaccount_change", args=[account.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "subject-9f2c41" not in content
    assert stranger.national_number not in content
    assert "eyJ.secret" not in content
    assert admin_client.post(url, {"user": stranger.pk, "uid": "x"}).status_code == 403


# --- People's accounts: no password, no address, no adding ----------------------------------


def test_the_superuser_cannot_set_someones_password(admin_client, stranger):
    url = f"/admin/accounts/user/{stranger.pk}/password/"
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url, {"password1": "Chosen-by-staff-42", "password2": "Chosen-by-staff-42"}
    )
    assert response.status_code == 403
    stranger.refresh_from_db()
    assert not stranger.check_password("Chosen-by-staff-42")
    assert stranger.check_password("correct-horse-battery")


def test_the_change_page_has_no_password_and_no_editable_address(admin_client, stranger):
    page = admin_client.get(user_url("change", stranger.pk))
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    assert "password" not in fields
    assert "email" not in fields
    assert "../password/" not in page.content.decode()
    assert stranger.email in page.content.decode()  # shown, read-only


def test_staff_do_not_create_accounts(admin_client):
    assert admin_client.get(user_url("add")).status_code == 403
    response = admin_client.post(
        user_url("add"),
        {"email": INVITED, "password1": "Chosen-by-staff-42", "password2": "Chosen-by-staff-42"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email=INVITED).exists()


def change_data(user, **changes) -> dict:
    """The change form as the page sends it, with `changes` applied."""
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [],
        **({"is_active": "on"} if user.is_active else {}),
        **({"is_staff": "on"} if user.is_staff else {}),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_address_cannot_be_changed_through_the_change_form(admin_client, stranger):
    response = admin_client.post(
        user_url("change", stranger.pk), change_data(stranger, email=INVITED)
    )
    assert response.status_code == 302
    stranger.refresh_from_db()
    assert stranger.email != INVITED


def test_giving_someone_staff_access_is_audited(admin_client, superuser, stranger):
    group = Group.objects.get_or_create(name=CONTACT_CENTRE)[0]
    response = admin_client.post(
        user_url("change", stranger.pk), change_data(stranger, is_staff="on", groups=[group.pk])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    stranger.refresh_from_db()
    assert stranger.is_staff
    assert list(stranger.groups.all()) == [group]
    event = AuditEvent.objects.get(action=Action.ACCOUNT_UPDATED, target_id=str(stranger.pk))
    assert event.actor == superuser
    assert event.details == {
        "fields": ["groups", "is_staff"],
        "groups": [CONTACT_CENTRE],
        "is_staff": True,
    }


def test_saving_without_a_change_writes_nothing(admin_client, stranger):
    response = admin_client.post(user_url("change", stranger.pk), change_data(stranger))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=Action.ACCOUNT_UPDATED).exists()


@pytest.mark.parametrize("field", ["email", "password", "national_number"])
def test_the_service_refuses_what_staff_do_not_change(superuser, stranger, field):
    with pytest.raises(ValueError):
        services.account_staff_update(actor=superuser, user=stranger, data={field: "x"})
    assert not AuditEvent.objects.filter(action=Action.ACCOUNT_UPDATED).exists()


def test_the_superuser_cannot_delete_a_person(admin_client):
    person = UserFactory()
    url = reverse("admin:accounts_user_delete", args=[person.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()


def test_staff_who_change_accounts_give_no_access(client, stranger):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(clerk)
    group = Group.objects.get_or_create(name=CONTACT_CENTRE)[0]
    response = client.post(
        user_url("change", clerk.pk),
        change_data(clerk, first_name="Renamed", is_superuser="on", groups=[group.pk]),
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.first_name == "Renamed"  # what the clerk may change is changed
    assert not clerk.is_superuser
    assert not clerk.groups.exists()


def test_a_staff_groups_permissions_are_not_changed_in_the_admin(admin_client):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=CONTACT_CENTRE)
    before = set(group.permissions.values_list("pk", flat=True))
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert admin_client.get(change).status_code == 200  # readable
    every = list(Permission.objects.values_list("pk", flat=True))
    response = admin_client.post(change, {"name": group.name, "permissions": every})
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert admin_client.get(reverse("admin:auth_group_add")).status_code == 403
