"""Roles given under a mandate: a provider's local manager (of the quality the mandate's group
asks of the mandatary) gives the provider's own staff the client's roles, "acting for C,
through P". They count only while the mandate is in effect, and end with it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises import services as enterprise_services
from mandates import rules, services
from mandates.models import ClientMandate
from mandates.selectors import workable_by
from portal.models import Action, AuditEvent, OutboxMessage
from portal.refusals import Refusal
from relying import task_names as relying_task_names
from roles import services as role_services
from roles.models import AccessLink, Invitation, Role, RoleAttribution
from roles.services import Invitee
from tests.personas import build_provider, mandate_between, quietly

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate(client_chain, provider):
    today = timezone.localdate()
    return mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(today),
    )


@pytest.fixture
def dimona(db):
    return Role.objects.get(code="dimona-declaration")


def _grant(provider, mandate, roles, **extra):
    with quietly():
        return role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=roles,
            national_number=provider.staff.national_number,
            first_name="Staff",
            last_name="Member",
            email=provider.staff.email,
            mandate=mandate,
            **extra,
        )


def _effective(person, enterprise, on=None):
    return RoleAttribution.objects.effective(on).filter(person=person, enterprise=enterprise)


def test_a_providers_manager_gives_the_clients_role_to_its_staff(
    client_chain, provider, mandate, dimona
):
    [attribution] = _grant(provider, mandate, [dimona])
    assert attribution.enterprise == client_chain.enterprise  # acted for
    assert attribution.enterprise_quality == provider.secretariat  # managed there
    assert attribution.mandate == mandate
    assert attribution.valid_from >= mandate.start_date
    assert list(_effective(provider.staff, client_chain.enterprise)) == [attribution]
    event = AuditEvent.objects.get(action=Action.ROLE_ATTRIBUTED, target_id=str(attribution.pk))
    assert event.enterprise == client_chain.enterprise
    assert event.details["through"] == provider.enterprise.number


def test_only_the_groups_roles_under_a_workable_mandate(
    client_chain, provider, other_provider, mandate, dimona
):
    ebox = Role.objects.filter(application__code="ebox-enterprise").first()
    with pytest.raises(Refusal):
        _grant(provider, mandate, [ebox])  # not of the mandate's group
    # Another provider's manager cannot work under this mandate...
    with pytest.raises(Refusal) as refused, quietly():
        role_services.attribution_grant_direct(
            actor=other_provider.sec_gl,
            enterprise_quality=other_provider.secretariat,
            roles=[dimona],
            national_number=other_provider.staff.national_number,
            first_name="A",
            last_name="B",
            email="a@example.com",
            mandate=mandate,
        )
    assert refused.value.code == "mandate_not_workable"
    # ... nor the provider's employer quality (not one the group asks of the mandatary).
    assert not workable_by(provider.employer).filter(pk=mandate.pk).exists()
    assert workable_by(provider.secretariat).filter(pk=mandate.pk).exists()
    assert not RoleAttribution.objects.filter(mandate=mandate).exists()


def test_held_directly_and_held_through_a_provider_are_two_things(
    client_chain, provider, mandate, dimona
):
    with quietly():
        role_services.attribution_grant_direct(
            actor=client_chain.gl,
            enterprise_quality=client_chain.employer,
            roles=[dimona],
            national_number=provider.staff.national_number,
            first_name="Staff",
            last_name="Member",
            email=provider.staff.email,
        )
    [through] = _grant(provider, mandate, [dimona])
    assert _effective(provider.staff, client_chain.enterprise).count() == 2
    with pytest.raises(Refusal):
        _grant(provider, mandate, [dimona])  # already held under this mandate
    assert through.mandate == mandate


def test_ending_the_mandate_ends_its_roles_invitations_and_links(
    client_chain, provider, mandate, dimona
):
    [attribution] = _grant(provider, mandate, [dimona])
    with quietly():
        [invitation] = role_services.invitations_create(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[dimona],
            invitees=[Invitee(first_name="New", last_name="Hire", email="hire@example.com")],
            mandate=mandate,
        )
        link = role_services.link_create(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            label="Staff",
            roles=[dimona],
            expires_at=timezone.now() + timedelta(days=5),
            max_uses=5,
            requires_approval=False,
            mandate=mandate,
        )
    assert invitation.enterprise == client_chain.enterprise
    last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    services.mandate_end(
        actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
    )
    attribution.refresh_from_db()
    assert attribution.status == RoleAttribution.Status.ENDED
    assert attribution.ended_by == client_chain.rae
    assert not _effective(provider.staff, client_chain.enterprise).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED
    assert AccessLink.objects.get(pk=link.pk).status == AccessLink.Status.DISABLED
    # The applications are told (revocation event) and the holder by e-mail.
    tasks = list(OutboxMessage.objects.filter(pk__gt=last).values_list("task_name", flat=True))
    assert relying_task_names.ATTRIBUTIONS_ENDED in tasks
    reasons = AuditEvent.objects.filter(action=Action.ROLE_ENDED, target_id=str(attribution.pk))
    assert reasons.get().details["reason"] == "mandate_ended"


def test_a_mandate_no_longer_in_effect_gives_nothing_even_before_any_job(
    client_chain, provider, mandate, dimona
):
    _grant(provider, mandate, [dimona])
    # Ended behind the services' back (say, by the registry's import): the rule alone decides.
    ClientMandate.objects.filter(pk=mandate.pk).update(state=rules.ENDED)
    assert not _effective(provider.staff, client_chain.enterprise).exists()
    ClientMandate.objects.filter(pk=mandate.pk).update(state=rules.ACTIVE)
    assert _effective(provider.staff, client_chain.enterprise).exists()
    with quietly():
        enterprise_services.enterprise_stopped_by_registry(enterprise=provider.enterprise)
    assert not _effective(provider.staff, client_chain.enterprise).exists()


def test_a_transfer_cuts_the_roles_to_the_mandates_last_day(
    client_chain, provider, other_provider, mandate, dimona
):
    [attribution] = _grant(provider, mandate, [dimona])
    start = rules.next_quarter_start(timezone.localdate())
    with quietly():
        proposal = services.mandate_transfer(
            actor=client_chain.rae,
            mandate=mandate,
            enterprise=client_chain.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=start,
        )
        services.mandate_validate(
            actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
        )
    attribution.refresh_from_db()
    last_day = start - timedelta(days=1)
    assert attribution.valid_until == last_day
    assert attribution.status == RoleAttribution.Status.ACTIVE
    assert _effective(provider.staff, client_chain.enterprise, on=last_day).exists()
    assert not _effective(provider.staff, client_chain.enterprise, on=start).exists()


def test_a_role_under_a_mandate_with_an_end_lies_within_it(client_chain, provider, dimona):
    today = timezone.localdate()
    end = rules.quarter_end(rules.next_quarter_start(today))
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(today),
        end=end,
    )
    [attribution] = _grant(provider, mandate, [dimona])
    assert attribution.valid_until == end
    [other] = _grant(
        provider,
        mandate,
        [Role.objects.get(code="dimona-consultation")],
        valid_until=end + timedelta(days=400),
    )
    assert other.valid_until == end


def test_an_invitation_under_a_mandate_ended_since_cannot_be_accepted(
    client_chain, provider, mandate, dimona
):
    with quietly():
        [invitation] = role_services.invitations_create(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[dimona],
            invitees=[Invitee(first_name="S", last_name="M", email=provider.staff.email)],
            mandate=mandate,
        )
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.SENT,
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    invitation.refresh_from_db()
    ClientMandate.objects.filter(pk=mandate.pk).update(state=rules.ENDED)
    with pytest.raises(Refusal):
        role_services.invitation_accept(actor=provider.staff, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.SENT
    assert not RoleAttribution.objects.filter(mandate=mandate).exists()
    ClientMandate.objects.filter(pk=mandate.pk).update(state=rules.ACTIVE)
    [attribution] = role_services.invitation_accept(actor=provider.staff, invitation=invitation)
    assert attribution.mandate == mandate and attribution.enterprise == client_chain.enterprise


def test_a_link_under_a_mandate_gives_the_clients_role(client_chain, provider, mandate, dimona):
    with quietly():
        link = role_services.link_create(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            label="Staff",
            roles=[dimona],
            expires_at=timezone.now() + timedelta(days=5),
            max_uses=5,
            requires_approval=False,
            mandate=mandate,
        )
        [attribution] = role_services.link_use(actor=provider.staff, link=link)
    assert attribution.mandate == mandate
    assert attribution.enterprise == client_chain.enterprise


def test_the_provider_alone_in_the_registry_cannot_be_its_own_client(db):
    provider = build_provider(name="Lonely Secretariat")
    assert not workable_by(provider.secretariat).exists()


def test_a_role_due_to_start_after_a_transfer_ends_with_it(
    client_chain, provider, other_provider, mandate, dimona
):
    start = rules.next_quarter_start(timezone.localdate())
    [later] = _grant(provider, mandate, [dimona], valid_from=start + timedelta(days=10))
    with quietly():
        proposal = services.mandate_transfer(
            actor=client_chain.rae,
            mandate=mandate,
            enterprise=client_chain.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=start,
        )
        services.mandate_validate(
            actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
        )
    later.refresh_from_db()
    assert later.status == RoleAttribution.Status.ENDED
    assert later.ended_by == other_provider.rae
    event = AuditEvent.objects.get(action=Action.ROLE_ENDED, target_id=str(later.pk))
    assert event.details["reason"] == "mandate_transferred"
