"""Fixtures of the relying applications' tests: the "dimona" application registered as a
client, and people holding its roles, every one built through the services."""

import pytest

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import EnterpriseFactory
from relying import services
from roles import services as role_services
from roles.models import Application, Role
from tests.personas import activate, ensure_catalogue, make_gl, register, run_on_commit, signed_in

REDIRECT_URI = "https://dimona.example.test/callback"


@pytest.fixture
def dimona():
    ensure_catalogue()
    return Application.objects.get(code="dimona")


@pytest.fixture
def registered(dimona):
    """(registration, secret) of a confidential client for Dimona, allowed the NRN.

    Without an events URL: a test that ends a role sends no revocation event out of the
    machine. The events' tests register a receiver of their own (test_events.py)."""
    return services.client_register(
        actor=None,
        application=dimona,
        redirect_uris=[REDIRECT_URI],
        allow_nrn=True,
    )


@pytest.fixture
def employer_eq():
    enterprise = EnterpriseFactory(name="Boulangerie Dupont")
    _lr, rae = register(enterprise)
    return activate(enterprise, "employer", actor=rae)


@pytest.fixture
def gl(employer_eq):
    return make_gl(employer_eq)


def give(gl, eq, person, *codes):
    """Attributions of `codes` to `person` in `eq`, given directly by the GL."""
    return run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=list(Role.objects.filter(code__in=codes)),
            national_number=person.national_number,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
        )
    )


@pytest.fixture
def holder(gl, employer_eq):
    person = UserFactory()
    give(gl, employer_eq, person, "dimona-declaration")
    return person


# --- The sign-in flow's tests (test_oidc_*.py): an application driven by authlib -----------


@pytest.fixture
def portal_at_testserver(settings):
    """The portal's address, its issuer, as the applications of the tests reach it
    (`relying.tests.rp.BASE`): the discovery document is then at the issuer's own URL."""
    settings.SITE_URL = "https://testserver"


@pytest.fixture
def rp(registered):
    """Dimona's application, signing in with the confidential client of `registered`."""
    from relying.tests.rp import Application

    registration, secret = registered
    return Application(registration.client_id, secret)


@pytest.fixture
def browser(holder):
    """The holder's browser, signed in to the portal with a password."""
    return signed_in(holder)


def other_enterprise(name: str):
    """One more registered enterprise with its "employer" quality and a GL: (eq, gl)."""
    enterprise = EnterpriseFactory(name=name)
    _lr, rae = register(enterprise)
    eq = activate(enterprise, "employer", actor=rae)
    return eq, make_gl(eq)


@pytest.fixture
def other_gl_eq():
    """A second enterprise, "Atelier Martin", its employer quality and its GL: (eq, gl)."""
    return other_enterprise("Atelier Martin")
