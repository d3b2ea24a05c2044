"""The demo's social secretariat: its RAE and local manager hold their profiles, its clients
have active, proposed and ended mandates (idempotent)."""

import io

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from enterprises import demo as enterprises_demo
from enterprises.access import Access
from mandates import demo
from mandates.models import ClientMandate
from roles.models import RoleAttribution

pytestmark = pytest.mark.django_db


def test_the_demo_social_secretariat_and_its_clients():
    out = io.StringIO()
    accounts_demo.load(password="demo-password-123", stdout=out)
    enterprises_demo.load(password="demo-password-123", stdout=out)
    assert demo.load(password="demo-password-123", stdout=out) == []
    count = ClientMandate.objects.count()
    assert demo.load(password="demo-password-123", stdout=out) == []  # idempotent
    assert ClientMandate.objects.count() == count
    provider = ClientMandate.objects.order_by().values_list("mandatary", flat=True).distinct()
    assert len(provider) == 1
    mandates = ClientMandate.objects.select_related("mandatary", "mandator")
    secretariat = mandates.first().mandatary
    assert secretariat.name == demo.PROVIDER_NAME
    assert {m.state for m in mandates} == {"active", "proposed", "ended"}
    assert len({m.mandator_id for m in mandates}) >= 2
    rae = User.objects.get(email=demo.PROVIDER_RAE)
    gl = User.objects.get(email=demo.PROVIDER_GL)
    assert Access(rae, secretariat).may_manage_mandates
    assert Access(gl, secretariat).gl_quality_ids
    staff = User.objects.get(email=demo.PROVIDER_USER)
    # provider-user holds Dimona roles for the first client, under its active mandate, given
    # by the secretariat's local manager (once: the second load gave nothing more).
    held = RoleAttribution.objects.effective().filter(person=staff)
    assert {a.role.code for a in held} == set(demo.PROVIDER_USER_ROLES)
    assert {a.mandate.state for a in held} == {"active"}
    assert {a.enterprise.name for a in held} == {enterprises_demo.DEMO_NAME}
    assert {a.enterprise_quality.enterprise for a in held} == {secretariat}
    assert {a.granted_by for a in held} == {gl}
    # The client's RAE answers the proposal the secretariat made.
    proposed = mandates.get(state="proposed")
    client_rae = User.objects.get(email=demo.CLIENT_RAE)
    assert Access(client_rae, proposed.mandator).may_act_on_mandate(proposed, "validate")
