"""The demo data: every demo account really holds its profile (idempotent)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from guardian.shortcuts import get_user_perms

from accounts import demo as accounts_demo
from accounts.models import User
from enterprises import demo
from enterprises.models import Designation, EnterpriseQuality, JuridicalForm, Mandate
from enterprises.permissions import is_contact_centre_agent
from portal.groups import CONTACT_CENTRE

pytestmark = pytest.mark.django_db


def test_the_demo_chain(mailoutbox):
    accounts_demo.load(password="demo-password-123", stdout=io.StringIO())
    assert demo.load(password="demo-password-123", stdout=io.StringIO()) == []
    assert demo.load(password="demo-password-123", stdout=io.StringIO()) == []  # idempotent
    people = {e.split("@")[0]: User.objects.get(email=e) for e in accounts_demo.DEMO_PEOPLE}
    # Two demo enterprises (the second gives the demo user a choice of capacity), with the
    # same RAE: the first is the one with the whole chain.
    raes = Designation.objects.filter(kind="rae", status="active").select_related("enterprise")
    assert {r.enterprise.name for r in raes} == {"Boulangerie Renard SRL", demo.SECOND_NAME}
    rae = raes.get(enterprise__name="Boulangerie Renard SRL")
    enterprise = rae.enterprise
    assert rae.person == people["rae"]
    assert (
        Mandate.objects.signing()
        .filter(enterprise=enterprise, national_number=people["lr"].national_number)
        .exists()
    )
    assert enterprise.registration.registered_by == people["lr"]
    active = set(
        Designation.objects.active()
        .filter(enterprise=enterprise)
        .values_list("person__email", "kind", "enterprise_quality__quality__code")
    )
    assert active == {
        ("rae@demo.egov.example", "rae", None),
        ("corae@demo.egov.example", "co_rae", None),
        ("gl@demo.egov.example", "gl", "employer"),
        ("cogl@demo.egov.example", "co_gl", "employer"),
    }
    codes = set(
        EnterpriseQuality.objects.filter(enterprise=enterprise, status="active").values_list(
            "quality__code", flat=True
        )
    )
    assert codes == {"employer", "social-secretariat"}
    employer = EnterpriseQuality.objects.get(enterprise=enterprise, quality__code="employer")
    assert "designate_co_gl" in get_user_perms(people["gl"], employer)
    assert is_contact_centre_agent(people["agent"])
    assert Group.objects.get(name=CONTACT_CENTRE).user_set.count() == 1


def test_the_demo_enterprise_shows_the_name_of_its_juridical_form(client):
    accounts_demo.load(password="demo-password-123", stdout=io.StringIO())
    demo.load(password="demo-password-123", stdout=io.StringIO())

    # From the sample's code.csv, as `make run` loads it.
    assert JuridicalForm.objects.filter(code="610").exists()
    client.cookies["portal_language"] = "fr"
    french = client.get(reverse("enterprises:search"), {"q": "0403170701"}).text
    client.cookies["portal_language"] = "nl"
    dutch = client.get(reverse("enterprises:search"), {"q": "0403170701"}).text

    assert "Boulangerie Renard SRL" in french
    assert "<td>Société à responsabilité limitée</td>" in french
    assert "<td>Besloten vennootschap</td>" in dutch
