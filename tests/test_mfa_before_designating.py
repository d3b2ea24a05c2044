"""Anyone who designates or manages (a legal representative, an RAE, a co-RAE, a local
manager) must have a second factor first: a designation hands out access to an enterprise's
data, and so do deactivating a quality, ending a designation and granting a role.

Without one, each of these views answers the explained 403 page and changes nothing; with
a TOTP authenticator the same POST works. Every other URL: tests/test_management_gate.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from enterprises.models import Designation
from enterprises.tests.factories import EnterpriseFactory, MandateFactory

from .security_helpers import build_chain, enrol_totp, person_data, signed_in, snapshot

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    name: str
    # (actor, url, data) from the chain fixture.
    build: Callable


def _register(chain):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    data = {
        **person_data(901, prefix="rae-"),
        "co_rae-TOTAL_FORMS": "1",
        "co_rae-INITIAL_FORMS": "0",
        **person_data(902, prefix="co_rae-0-"),
    }
    return lr, reverse("enterprises:register_designate", args=[enterprise.number]), data


def _replace_rae(chain):
    url = reverse("enterprises:replace_rae", args=[chain.enterprise.number])
    return chain.lr, url, person_data(903)


def _co_rae(chain):
    url = reverse("enterprises:designate_co_rae", args=[chain.enterprise.number])
    return chain.rae, url, person_data(904)


def _gl_by_rae(chain):
    url = reverse("enterprises:designate_gl", args=[chain.enterprise.number, chain.employer.pk])
    return chain.rae, url, person_data(905)


def _gl_by_co_rae(chain):
    url = reverse("enterprises:designate_gl", args=[chain.enterprise.number, chain.employer.pk])
    return chain.co_rae, url, person_data(906)


def _co_gl(chain):
    url = reverse("enterprises:designate_co_gl", args=[chain.enterprise.number, chain.employer.pk])
    return chain.gl, url, person_data(907)


CASES = [
    Case("registration with its RAE", _register),
    Case("replace the RAE", _replace_rae),
    Case("designate a co-RAE", _co_rae),
    Case("designate a local manager (RAE)", _gl_by_rae),
    Case("designate a local manager (co-RAE)", _gl_by_co_rae),
    Case("designate a co-local manager", _co_gl),
]


@pytest.fixture
def chain(db):
    return build_chain()


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_without_a_second_factor_the_designation_is_refused_and_explained(chain, case):
    actor, url, data = case.build(chain)
    before = snapshot()
    response = signed_in(actor).post(url, data)
    assert response.status_code == 403
    assert "accounts/mfa_required.html" in [t.name for t in response.templates]
    assert reverse("mfa_index").encode() in response.content  # where to enrol
    assert snapshot() == before


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_form_itself_already_says_so(chain, case):
    actor, url, _data = case.build(chain)
    response = signed_in(actor).get(url)
    assert response.status_code == 403
    assert "accounts/mfa_required.html" in [t.name for t in response.templates]


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_with_a_totp_authenticator_it_works(chain, case, django_capture_on_commit_callbacks):
    actor, url, data = case.build(chain)
    enrol_totp(actor)
    before = Designation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(actor).post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert Designation.objects.count() > before


@pytest.mark.parametrize("case", CASES[:1], ids=lambda c: c.name)
def test_when_the_setting_is_off_nobody_is_asked(chain, case, settings):
    settings.MFA_REQUIRED = False
    actor, url, data = case.build(chain)
    assert signed_in(actor).post(url, data).status_code == 302


@pytest.mark.usefixtures("mfa_on")
def test_a_recovery_code_set_alone_is_not_a_second_factor(chain):
    from allauth.mfa.models import Authenticator

    from accounts.mfa_adapter import encrypt_secret

    Authenticator.objects.create(
        user=chain.rae,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": encrypt_secret("00" * 20)},
    )
    actor, url, data = _co_rae(chain)
    assert signed_in(actor).post(url, data).status_code == 403


# --- The other management acts: the same rule (accounts/mfa.py), the same refusal ------------


def _deactivate_quality(chain):
    url = reverse(
        "enterprises:quality_deactivate", args=[chain.enterprise.number, chain.employer.pk]
    )
    return chain.rae, url, {}


def _revoke_co_gl(chain):
    designation = Designation.objects.get(enterprise=chain.enterprise, kind="co_gl")
    url = reverse("enterprises:revoke", args=[chain.enterprise.number, designation.pk])
    return chain.gl, url, {}


def _grant_a_role(chain):
    from roles.models import Role

    url = reverse("roles:direct", args=[chain.employer.pk])
    data = {"roles": [Role.objects.get(code="dimona-declaration").pk], **person_data(908)}
    data.pop("language")
    return chain.gl, url, data


ACTS = [
    Case("an RAE deactivates a quality", _deactivate_quality),
    Case("a local manager ends a co-local manager", _revoke_co_gl),
    Case("a local manager grants a role", _grant_a_role),
]


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("case", ACTS, ids=lambda c: c.name)
def test_without_a_second_factor_a_management_act_is_refused(chain, case):
    actor, url, data = case.build(chain)
    before = snapshot()
    response = signed_in(actor).post(url, data)
    assert response.status_code == 403
    assert "accounts/mfa_required.html" in [t.name for t in response.templates]
    assert snapshot() == before


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("case", ACTS, ids=lambda c: c.name)
def test_with_a_second_factor_the_management_act_works(chain, case):
    actor, url, data = case.build(chain)
    enrol_totp(actor)
    before = snapshot()
    response = signed_in(actor).post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert snapshot() != before
