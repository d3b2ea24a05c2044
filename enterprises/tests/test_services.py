"""The services: database state, audit rows and guardian grants after each change."""

import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_user_perms

from accounts.tests.factories import UserFactory
from enterprises import services
from enterprises.models import Designation, EnterpriseQuality, Quality, Registration
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent
from tests.personas import build_chain, designate_and_accept, person

pytestmark = pytest.mark.django_db


def perms(user, obj) -> set[str]:
    return set(get_user_perms(user, obj))


def test_the_chain_grants_the_contract_permissions(chain):
    e, q = chain.enterprise, chain.employer
    assert perms(chain.rae, e) == {"view_chain", "manage_enterprise", "designate_co_rae"}
    assert perms(chain.co_rae, e) == {"view_chain", "manage_enterprise"}
    assert perms(chain.gl, e) == set()
    assert perms(chain.gl, q) == {"manage_roles", "designate_co_gl"}
    assert perms(chain.co_gl, q) == {"manage_roles"}
    assert perms(chain.lr, e) == set()
    assert chain.rae.has_perm("enterprises.manage_enterprise", e)


def test_registration_with_self_designation_is_active_at_once(db):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(lr))
    rae = Designation.objects.get(enterprise=enterprise)
    assert rae.status == "active" and rae.person == lr
    assert "designate_co_rae" in perms(lr, enterprise)
    actions = set(AuditEvent.objects.filter(enterprise=enterprise).values_list("action", flat=True))
    assert actions == {"enterprise.registered", "designation.activated"}


def test_registration_of_another_person_is_pending_and_grants_nothing(db):
    enterprise = EnterpriseFactory()
    lr, other = UserFactory(), UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    services.enterprise_register(
        actor=lr, enterprise=enterprise, rae=person(other), co_raes=[person(UserFactory())]
    )
    assert Designation.objects.filter(enterprise=enterprise, status="pending").count() == 2
    assert perms(other, enterprise) == set()


@pytest.mark.parametrize("problem", ["no_mandate", "not_signing", "ended", "stopped", "twice"])
def test_registration_refusals_change_nothing(db, problem):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    mandate = MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    if problem == "no_mandate":
        mandate.delete()
    elif problem == "not_signing":
        mandate.signing_authority = False
        mandate.save()
    elif problem == "ended":
        mandate.end_date = "2020-01-01"
        mandate.save()
    elif problem == "stopped":
        enterprise.status = "ST"
        enterprise.save()
    elif problem == "twice":
        services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(lr))
    before = (Registration.objects.count(), Designation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(UserFactory()))
    after = (Registration.objects.count(), Designation.objects.count(), AuditEvent.objects.count())
    assert before == after


def test_the_same_person_twice_at_registration_is_refused(db):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    with pytest.raises(ValidationError):
        services.enterprise_register(
            actor=lr, enterprise=enterprise, rae=person(lr), co_raes=[person(lr)]
        )
    assert not Registration.objects.exists()


def test_designating_a_holder_again_is_refused(chain):
    with pytest.raises(ValidationError) as exc:
        services.co_rae_designate(
            actor=chain.rae, enterprise=chain.enterprise, person=person(chain.co_rae)
        )
    assert exc.value.code == "already_designated"
    with pytest.raises(ValidationError):
        services.gl_designate(
            actor=chain.rae, enterprise_quality=chain.employer, person=person(chain.gl)
        )


def test_designating_oneself_twice_is_refused(chain):
    services.gl_designate(
        actor=chain.rae, enterprise_quality=chain.employer, person=person(chain.rae)
    )
    with pytest.raises(ValidationError):
        services.gl_designate(
            actor=chain.rae, enterprise_quality=chain.employer, person=person(chain.rae)
        )
    assert Designation.objects.filter(person=chain.rae, kind="gl").count() == 1


def test_revoking_the_rae_is_refused(chain):
    rae = Designation.objects.get(enterprise=chain.enterprise, kind="rae", status="active")
    with pytest.raises(ValidationError) as exc:
        services.designation_revoke(actor=chain.lr, designation=rae)
    assert exc.value.code == "revoke_rae"
    rae.refresh_from_db()
    assert rae.is_active


def test_revoking_removes_the_grants_and_audits(chain):
    gl = Designation.objects.get(person=chain.gl, kind="gl")
    services.designation_revoke(actor=chain.co_rae, designation=gl)
    gl.refresh_from_db()
    assert gl.status == "revoked" and gl.ended_by == chain.co_rae
    assert perms(chain.gl, chain.employer) == set()
    event = AuditEvent.objects.filter(action="designation.revoked").get()
    assert event.actor == chain.co_rae and event.target_id == str(gl.pk)


def test_grants_follow_every_active_designation(chain):
    # The RAE is also GL: losing the GL designation keeps the RAE rights, and vice versa.
    designate_and_accept(chain.rae, chain.rae, kind="gl", enterprise_quality=chain.employer)
    assert "designate_co_gl" in perms(chain.rae, chain.employer)
    gl = Designation.objects.get(person=chain.rae, kind="gl")
    services.designation_revoke(actor=chain.co_rae, designation=gl)
    assert perms(chain.rae, chain.employer) == set()
    assert "designate_co_rae" in perms(chain.rae, chain.enterprise)


def test_replacing_the_rae_by_self_designation_is_one_transaction(chain):
    services.rae_replace(actor=chain.lr, enterprise=chain.enterprise, person=person(chain.lr))
    raes = Designation.objects.filter(enterprise=chain.enterprise, kind="rae")
    assert {(d.person, d.status) for d in raes} == {(chain.rae, "replaced"), (chain.lr, "active")}
    assert perms(chain.rae, chain.enterprise) == set()
    assert "designate_co_rae" in perms(chain.lr, chain.enterprise)


def test_replacing_the_rae_by_another_person_waits_for_acceptance(chain):
    new = UserFactory()
    designation = services.rae_replace(
        actor=chain.lr, enterprise=chain.enterprise, person=person(new)
    )
    assert designation.is_pending
    assert "designate_co_rae" in perms(chain.rae, chain.enterprise)
    services.designation_accept(actor=new, designation=designation)
    old = Designation.objects.get(person=chain.rae, kind="rae")
    assert old.status == "replaced"
    assert perms(chain.rae, chain.enterprise) == set()
    assert "designate_co_rae" in perms(new, chain.enterprise)


def test_deactivating_a_quality_ends_its_designations(chain):
    pending = services.gl_designate(
        actor=chain.rae, enterprise_quality=chain.employer, person=person(UserFactory())
    )
    services.quality_deactivate(actor=chain.rae, enterprise_quality=chain.employer)
    assert EnterpriseQuality.objects.get(pk=chain.employer.pk).status == "inactive"
    statuses = dict(
        Designation.objects.filter(enterprise_quality=chain.employer).values_list("pk", "status")
    )
    assert statuses[pending.pk] == "cancelled"
    assert sorted(statuses.values()) == ["cancelled", "revoked", "revoked"]
    assert perms(chain.gl, chain.employer) == set()
    assert perms(chain.co_gl, chain.employer) == set()


def test_reactivating_a_quality_starts_empty(chain):
    services.quality_deactivate(actor=chain.rae, enterprise_quality=chain.employer)
    eq = services.quality_activate(
        actor=chain.co_rae, enterprise=chain.enterprise, quality=chain.employer.quality
    )
    assert eq.pk == chain.employer.pk and eq.is_active
    assert not Designation.objects.open().filter(enterprise_quality=eq).exists()


def test_activating_an_active_quality_is_refused(chain):
    with pytest.raises(ValidationError):
        services.quality_activate(
            actor=chain.rae, enterprise=chain.enterprise, quality=chain.employer.quality
        )


def test_expiry_marks_pending_designations(chain, settings):
    from datetime import timedelta

    from django.utils import timezone

    from enterprises.tasks import expire_designation_links

    d = services.co_rae_designate(
        actor=chain.rae, enterprise=chain.enterprise, person=person(UserFactory())
    )
    Designation.objects.filter(pk=d.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_designation_links.apply().get() == 1
    d.refresh_from_db()
    assert d.status == "expired"
    assert AuditEvent.objects.filter(action="designation.expired", target_id=str(d.pk)).exists()
    assert expire_designation_links.apply().get() == 0


def test_the_catalogue_is_seeded_and_translated(db):
    employer = Quality.objects.get(code="employer")
    assert (employer.name_fr, employer.name_nl, employer.name_de, employer.name_en) == (
        "Employeur",
        "Werkgever",
        "Arbeitgeber",
        "Employer",
    )
    assert Quality.objects.count() >= 9


def test_two_chains_do_not_mix(chain):
    other = build_chain(name="Other SA")
    assert perms(chain.rae, other.enterprise) == set()
    assert perms(other.gl, chain.employer) == set()
