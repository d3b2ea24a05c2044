"""Persona fixtures: a whole chain built through the services (so grants are real)."""

import time
from dataclasses import dataclass, field

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from accounts.tests.factories import UserFactory
from enterprises import services
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Quality
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.groups import CONTACT_CENTRE


def signed_in(user, *, fresh: bool = True) -> Client:
    """A client signed in as `user`; `fresh` marks the session as just reauthenticated
    (what allauth's reauthentication check reads), otherwise the sign-in is older than the
    reauthentication timeout."""
    client = Client()
    client.force_login(user)
    session = client.session
    at = time.time() if fresh else time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": at, "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def person(user) -> services.PersonData:
    return services.PersonData.of_user(user)


def designate_and_accept(designator, user, **kwargs) -> Designation:
    kind = kwargs.pop("kind")
    if kind == "co_rae":
        d = services.co_rae_designate(actor=designator, person=person(user), **kwargs)
    else:
        d = services.gl_designate(actor=designator, person=person(user), kind=kind, **kwargs)
    if d.is_pending:
        d = services.designation_accept(actor=user, designation=d)
    return d


@dataclass
class Chain:
    enterprise: Enterprise
    employer: EnterpriseQuality
    people: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_chain(*, name: str = "Boulangerie Test") -> Chain:
    enterprise = EnterpriseFactory(name=name)
    lr, rae, co_rae, gl, co_gl, user = (UserFactory() for _ in range(6))
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(rae))
    services.designation_accept(
        actor=rae, designation=Designation.objects.get(enterprise=enterprise, kind="rae")
    )
    designate_and_accept(rae, co_rae, kind="co_rae", enterprise=enterprise)
    employer = services.quality_activate(
        actor=rae, enterprise=enterprise, quality=Quality.objects.get(code="employer")
    )
    designate_and_accept(rae, gl, kind="gl", enterprise_quality=employer)
    designate_and_accept(gl, co_gl, kind="co_gl", enterprise_quality=employer)
    return Chain(
        enterprise=enterprise,
        employer=employer,
        people={"lr": lr, "rae": rae, "co_rae": co_rae, "gl": gl, "co_gl": co_gl, "user": user},
    )


@pytest.fixture
def chain(db) -> Chain:
    return build_chain()


@pytest.fixture
def agent(db):
    user = UserFactory(is_staff=True, national_number=None)
    user.groups.add(Group.objects.get(name=CONTACT_CENTRE))
    return user
