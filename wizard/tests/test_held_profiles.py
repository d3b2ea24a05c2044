"""A signed-in person sees first the profiles they hold; the cached page stays public."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import (
    DesignationFactory,
    EnterpriseFactory,
    EnterpriseQualityFactory,
    MandateFactory,
)


@pytest.mark.django_db
def test_signed_in_person_sees_the_profiles_they_hold(client):
    person = UserFactory()
    acme = EnterpriseFactory(name="Acme SA")
    beta = EnterpriseFactory(name="Beta SRL")
    MandateFactory(enterprise=acme, national_number=person.national_number)
    DesignationFactory(enterprise=beta, person=person, kind="rae")
    quality = EnterpriseQualityFactory(enterprise=acme)
    DesignationFactory(enterprise=acme, person=person, kind="gl", enterprise_quality=quality)
    DesignationFactory(
        enterprise=EnterpriseFactory(name="Gamma"), person=person, kind="co_rae", status="revoked"
    )
    client.force_login(person)

    html = client.get(reverse("wizard:page", kwargs={"slug": "profiles"})).content.decode()
    mine = html.split('id="wizard-mine-title"')[1].split("</section>")[0]
    assert "Acme SA" in mine and "Beta SRL" in mine
    assert "Gamma" not in mine
    assert f'href="{reverse("wizard:page", kwargs={"slug": "legal-representative"})}"' in mine
    assert f'href="{reverse("wizard:page", kwargs={"slug": "rae"})}"' in mine
    assert f'href="{reverse("wizard:page", kwargs={"slug": "local-manager"})}"' in mine

    # The same page, anonymous, from the cache: nobody else's profiles leak into it.
    client.logout()
    html = client.get(reverse("wizard:page", kwargs={"slug": "profiles"})).content.decode()
    assert "Acme SA" not in html and "wizard-mine" not in html


@pytest.mark.django_db
def test_person_without_profiles_sees_the_plain_page(client):
    client.force_login(UserFactory())
    html = client.get(reverse("wizard:home")).content.decode()
    assert "wizard-mine" not in html


@pytest.mark.django_db
def test_a_person_of_many_enterprises_sees_the_first_ones_and_a_link_to_all(client):
    from wizard.views import HELD_PROFILES_SHOWN

    person = UserFactory()
    for i in range(HELD_PROFILES_SHOWN + 3):
        DesignationFactory(enterprise=EnterpriseFactory(name=f"Ent {i:02d}"), person=person)
    client.force_login(person)

    html = client.get(reverse("wizard:page", kwargs={"slug": "profiles"})).content.decode()
    mine = html.split('id="wizard-mine-title"')[1].split("</section>")[0]
    assert "Ent 00" in mine and f"Ent {HELD_PROFILES_SHOWN - 1:02d}" in mine
    assert f"Ent {HELD_PROFILES_SHOWN:02d}" not in mine
    assert reverse("enterprises:mine") in mine


@pytest.mark.django_db
def test_a_person_of_few_enterprises_gets_no_link_to_more(client):
    person = UserFactory()
    DesignationFactory(enterprise=EnterpriseFactory(name="Only One"), person=person)
    client.force_login(person)
    html = client.get(reverse("wizard:page", kwargs={"slug": "profiles"})).content.decode()
    mine = html.split('id="wizard-mine-title"')[1].split("</section>")[0]
    assert "Only One" in mine and reverse("enterprises:mine") not in mine
