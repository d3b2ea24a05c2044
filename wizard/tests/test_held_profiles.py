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
