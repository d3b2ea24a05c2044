"""A national number counts only when verified.

An impostor signs up and types somebody else's national number. Each test shows one thing that
number would have unlocked when typed numbers counted, and that it unlocks nothing now; then that
the real person, verified, gets it. The contact centre's verification and its refusals close.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import NationalNumberSource, User
from accounts.services import NumberTaken, national_number_verify
from accounts.tests.factories import UserFactory, national_number_for
from enterprises.models import Designation, Registration
from portal.models import AuditEvent
from roles import services as role_services
from roles.models import Invitation, RoleAttribution
from tests.personas import signed_in

from .personas import World, last_token, run_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world) -> World:
    return world


def impostor_of(person) -> User:
    """Someone who signed up and typed `person`'s national number (declared, unverified)."""
    return UserFactory(declared=True, national_number=person.national_number)


def verify_by_contact_centre(agent, user, number=None):
    return run_on_commit(
        lambda: national_number_verify(
            actor=agent,
            user=user,
            national_number=number or user.national_number,
            source=NationalNumberSource.CONTACT_CENTRE,
            document_kind="eid",
            reason="Identity card checked at the desk",
        )
    )


# --- What a declared number unlocks: nothing --------------------------------------------------


def test_a_declared_legal_representative_number_cannot_register_the_enterprise(w):
    impostor = impostor_of(w.lr_new)
    client = signed_in(impostor)
    page = client.get(reverse("enterprises:register"), {"number": w.unregistered.number})
    assert page.context["refusal"] == "unverified_national_number"
    # It says what is missing and how to verify.
    assert "accounts/_verify_identity.html" in [t.name for t in page.templates]
    url = reverse("enterprises:register_designate", args=[w.unregistered.number])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"rae-myself": "on", "rae-language": "fr", "co_rae-TOTAL_FORMS": "0"},
    )
    assert response.status_code == 403
    assert not Registration.objects.filter(enterprise=w.unregistered).exists()


def test_a_declared_legal_representative_number_cannot_replace_the_rae(w):
    impostor = impostor_of(w.chain.lr)
    client = signed_in(impostor)
    url = reverse("enterprises:replace_rae", args=[w.enterprise.number])
    before = list(Designation.objects.values_list("pk", "status"))
    response = client.post(
        url,
        {
            "first_name": "Evil",
            "last_name": "Twin",
            "national_number": national_number_for(901),
            "email": "evil@example.test",
            "language": "fr",
        },
    )
    assert response.status_code == 404  # the enterprise is none of their business
    assert list(Designation.objects.values_list("pk", "status")) == before


def test_a_declared_number_shows_no_enterprise_and_no_pending_designation(w):
    impostor = impostor_of(w.chain.user)  # w.pending names this number
    client = signed_in(impostor)
    page = client.get(reverse("enterprises:mine")).content.decode()
    assert w.enterprise.name not in page
    impostor_lr = impostor_of(w.lr_new)
    page = signed_in(impostor_lr).get(reverse("enterprises:mine")).content.decode()
    assert w.unregistered.name not in page


def test_a_declared_number_cannot_accept_a_designation_made_for_it(w):
    impostor = impostor_of(w.chain.user)
    client = signed_in(impostor)
    url = reverse("enterprises:accept", args=[w.pending_token])
    page = client.get(url)
    assert page.status_code == 403
    assert page.context["problem"] == "unverified_national_number"
    client.post(url)
    w.pending.refresh_from_db()
    assert w.pending.is_pending and w.pending.person_id is None


def test_a_declared_number_gets_no_attribution_made_for_it(w, client):
    number = national_number_for(902)
    [attribution] = run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=w.chain.gl,
            enterprise_quality=w.eq,
            roles=[w.dimona],
            national_number=number,
            first_name="Real",
            last_name="Person",
            email="real@example.test",
        )
    )
    impostor = UserFactory(declared=True, national_number=number)
    client.force_login(impostor)  # signing in attaches what is due to a verified number
    page = client.get(reverse("roles:profile")).content.decode()
    attribution.refresh_from_db()
    assert attribution.person is None
    assert "Dimona" not in page


def test_direct_attribution_to_a_number_only_declared_waits_for_the_verified_person(w):
    number = national_number_for(903)
    impostor = UserFactory(declared=True, national_number=number)
    [attribution] = role_services.attribution_grant_direct(
        actor=w.chain.gl,
        enterprise_quality=w.eq,
        roles=[w.dimona],
        national_number=number,
        first_name="Real",
        last_name="Person",
        email="real@example.test",
    )
    assert attribution.person is None  # not attached to whoever typed the number
    real = UserFactory(national_number=None, email="real@example.test")
    real.national_number = number
    real.save()
    verify_by_contact_centre(w.agent, real)
    attribution.refresh_from_db()
    assert attribution.person == real
    assert RoleAttribution.objects.filter(person=impostor).count() == 0


def test_an_invitation_naming_a_number_is_answered_only_by_that_verified_person(w):
    number = national_number_for(904)
    sent = len(mail.outbox)
    [invitation] = run_on_commit(
        lambda: role_services.invitations_create(
            actor=w.chain.gl,
            enterprise_quality=w.eq,
            roles=[w.dimona],
            invitees=[role_services.Invitee("Real", "Person", "real@example.test", number)],
        )
    )
    token = last_token(sent)
    url = reverse("roles:invitation", args=[token])
    # The impostor typed the number and even holds the invited address's link.
    impostor = UserFactory(declared=True, national_number=number, email="real@example.test")
    client = signed_in(impostor)
    page = client.get(url)
    assert page.status_code == 403
    assert page.context["not_for_you"] == "unverified"
    for action in ("accept", "decline"):
        assert client.post(url, {"action": action}).status_code == 403
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.SENT
    verify_by_contact_centre(w.agent, impostor)  # now it is the real person, checked
    assert client.post(url, {"action": "accept"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_an_invitation_without_number_is_for_the_invited_address_only(w):
    sent = len(mail.outbox)
    [invitation] = run_on_commit(
        lambda: role_services.invitations_create(
            actor=w.chain.gl,
            enterprise_quality=w.eq,
            roles=[w.dimona],
            invitees=[role_services.Invitee("Ann", "Smith", "ann@example.test", "")],
        )
    )
    url = reverse("roles:invitation", args=[last_token(sent)])
    forwarded_to = signed_in(UserFactory(email="someone.else@example.test"))
    page = forwarded_to.get(url)
    assert page.status_code == 403
    assert page.context["not_for_you"] == "other_address"
    for action in ("decline", "accept"):
        assert forwarded_to.post(url, {"action": action}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    ann = UserFactory(email="ann@example.test")
    assert signed_in(ann).post(url, {"action": "decline"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_the_managers_list_says_how_each_invitation_is_bound(w):
    role_services.invitations_create(
        actor=w.chain.gl,
        enterprise_quality=w.eq,
        roles=[w.dimona],
        invitees=[role_services.Invitee("N", "N", "nn@example.test", national_number_for(905))],
    )
    page = signed_in(w.chain.gl).get(reverse("roles:invitations", args=[w.eq.pk]))
    html = page.content.decode()
    assert "nn@example.test" in html
    assert page.context["page"] is not None
    assert html.count('class="binding') >= 2


# --- Uniqueness and enumeration ------------------------------------------------------------


def test_sign_up_answers_the_same_for_a_taken_and_a_free_number(client, w):
    def sign_up(email, number):
        return client.post(
            reverse("account_signup"),
            {
                "first_name": "Nora",
                "last_name": "Test",
                "language": "fr",
                "email": email,
                "password1": "a-long-password-2026",
                "password2": "a-long-password-2026",
                "national_number": number,
            },
        )

    taken = sign_up("taken@example.test", w.chain.rae.national_number)
    free = sign_up("free@example.test", national_number_for(906))
    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"]
    assert not User.objects.get(email="taken@example.test").national_number_verified


def test_settings_answer_the_same_for_a_taken_and_a_free_number(w):
    person = UserFactory(declared=True, national_number=None)
    client = signed_in(person)
    data = {"first_name": "A", "last_name": "B", "language": "fr"}
    taken = client.post(
        reverse("accounts:settings"), {**data, "national_number": w.chain.rae.national_number}
    )
    free = client.post(
        reverse("accounts:settings"), {**data, "national_number": national_number_for(907)}
    )
    assert taken.status_code == free.status_code == 302


def test_a_verified_number_cannot_be_changed_by_its_person(w):
    rae = w.chain.rae
    client = signed_in(rae)
    client.post(
        reverse("accounts:settings"),
        {"first_name": "A", "last_name": "B", "language": "fr", "national_number": "85073003328"},
    )
    rae.refresh_from_db()
    assert rae.national_number != "85073003328"
    assert rae.national_number_verified


def test_only_one_account_holds_a_number_verified(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(national_number=w.chain.rae.national_number)
    UserFactory(declared=True, national_number=w.chain.rae.national_number)  # declared: fine


# --- The contact centre verifies -----------------------------------------------------------


def test_the_contact_centre_verifies_a_number_from_an_identity_document(w):
    person = UserFactory(declared=True, national_number=national_number_for(908))
    client = signed_in(w.agent)
    assert client.get(reverse("identity_check")).status_code == 200
    sent = len(mail.outbox)
    with TestCaptureOnCommit():
        response = client.post(
            reverse("identity_check"),
            {
                "email": person.email.upper(),
                "national_number": person.national_number_display,
                "document_kind": "eid",
                "reason": "Caller came to the desk with her eID",
            },
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.national_number_verified
    assert person.national_number_source == NationalNumberSource.CONTACT_CENTRE
    assert person.national_number_verified_by == w.agent
    event = AuditEvent.objects.get(action="identity.verified", target_id=str(person.pk))
    assert event.actor == w.agent
    assert event.details["document_kind"] == "eid"
    assert event.details["reason"] == "Caller came to the desk with her eID"
    [notice] = mail.outbox[sent:]
    assert notice.to == [person.email]


def test_the_contact_centre_cannot_verify_a_number_verified_on_another_account(w):
    person = UserFactory(declared=True, national_number=w.chain.rae.national_number)
    response = signed_in(w.agent).post(
        reverse("identity_check"),
        {
            "email": person.email,
            "national_number": w.chain.rae.national_number,
            "document_kind": "eid",
            "reason": "Caller came to the desk",
        },
    )
    assert response.status_code == 200
    assert "national_number" in response.context["form"].errors
    person.refresh_from_db()
    assert not person.national_number_verified
    assert not AuditEvent.objects.filter(action="identity.verified").exists()


def test_verification_needs_document_and_reason_and_another_agent(w):
    person = UserFactory(declared=True)
    with pytest.raises(ValidationError) as missing:
        national_number_verify(
            actor=w.agent,
            user=person,
            national_number=person.national_number,
            source=NationalNumberSource.CONTACT_CENTRE,
        )
    assert missing.value.code == "document_required"
    w.agent.national_number = national_number_for(909)
    w.agent.save()
    with pytest.raises(ValidationError) as own:
        verify_by_contact_centre(w.agent, w.agent)
    assert own.value.code == "own_number"
    with pytest.raises(NumberTaken):
        national_number_verify(
            actor=person,
            user=person,
            national_number=w.chain.rae.national_number,
            source=NationalNumberSource.IDENTITY_PROVIDER,
        )


@pytest.mark.parametrize("who", ["user", "gl", "rae", "lr", "admin"])
def test_only_agents_verify_numbers(w, who):
    user = w.admin if who == "admin" else w.chain.people[who]
    person = UserFactory(declared=True)
    response = signed_in(user).post(
        reverse("identity_check"),
        {
            "email": person.email,
            "national_number": person.national_number,
            "document_kind": "eid",
            "reason": "I say so",
        },
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.national_number_verified


def test_an_anonymous_visitor_is_sent_to_sign_in(w):
    response = Client().get(reverse("identity_check"))
    assert response.status_code == 302


class TestCaptureOnCommit:
    """Run the on-commit callbacks (the e-mail task) of what happens inside."""

    def __enter__(self):
        from django.test import TestCase

        self._cm = TestCase.captureOnCommitCallbacks(execute=True)
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def test_demo_people_are_verified_with_the_demo_source(db):
    from accounts.demo import demo_user

    user = demo_user("gl@demo.egov.example", "demo-egov-2026")
    assert user.national_number_verified
    assert user.national_number_source == NationalNumberSource.DEMO
    assert user.national_number_verified_at <= timezone.now()


# --- What the pages offer matches what the services do ---------------------------------------


def test_the_chain_offers_no_revoke_for_the_rae_but_says_it_is_replaced(w):
    detail = reverse("enterprises:detail", args=[w.enterprise.number])
    rae = Designation.objects.get(enterprise=w.enterprise, kind=Designation.Kind.RAE)
    co_rae = Designation.objects.get(enterprise=w.enterprise, kind=Designation.Kind.CO_RAE)
    as_lr = signed_in(w.chain.lr).get(detail)
    assert as_lr.status_code == 200
    assert reverse("enterprises:revoke", args=[w.enterprise.number, rae.pk]) not in (
        as_lr.content.decode()
    )
    assert reverse("enterprises:replace_rae", args=[w.enterprise.number]) in as_lr.content.decode()
    as_rae = signed_in(w.chain.rae).get(detail).content.decode()
    assert reverse("enterprises:revoke", args=[w.enterprise.number, co_rae.pk]) in as_rae


def test_an_expired_invitation_shows_expired_in_the_managers_list(w):
    Invitation.objects.filter(pk=w.invitation.pk).update(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    page = signed_in(w.chain.gl).get(reverse("roles:invitations", args=[w.eq.pk]))
    html = page.content.decode()
    assert 'class="badge expired"' in html
    w.invitation.refresh_from_db()
    assert w.invitation.status == Invitation.Status.SENT  # the page changes nothing
