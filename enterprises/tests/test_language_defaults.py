"""The designation forms propose, as the language of the e-mail, the language the manager
reads the page in (its browser's, or the language chosen in the header), not French."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory
from enterprises.tests.conftest import signed_in
from enterprises.tests.factories import EnterpriseFactory, MandateFactory

pytestmark = pytest.mark.django_db

SELECTED = re.compile(r'<option value="(\w+)" selected>')


def proposed_languages(response) -> list[str]:
    """The selected option of every "language of the e-mail" select of the page."""
    assert response.status_code == 200
    html = response.content.decode()
    selects = re.findall(r'<select name="[\w-]*language"[^>]*>.*?</select>', html, re.S)
    assert selects, "no language select on the page"
    return [SELECTED.search(select).group(1) for select in selects]


def pages(chain):
    number = chain.enterprise.number
    return {
        "replace_rae": (chain.lr, reverse("enterprises:replace_rae", args=[number])),
        "designate_co_rae": (chain.rae, reverse("enterprises:designate_co_rae", args=[number])),
        "designate_gl": (
            chain.rae,
            reverse("enterprises:designate_gl", args=[number, chain.employer.pk]),
        ),
        "designate_co_gl": (
            chain.gl,
            reverse("enterprises:designate_co_gl", args=[number, chain.employer.pk]),
        ),
    }


@pytest.mark.parametrize(
    "page", ["replace_rae", "designate_co_rae", "designate_gl", "designate_co_gl"]
)
@pytest.mark.parametrize("language", ["nl", "de"])
def test_a_designation_form_proposes_the_browser_s_language(chain, page, language):
    actor, url = pages(chain)[page]
    assert actor.language == "fr"  # the manager's saved preference does not decide
    response = signed_in(actor).get(url, HTTP_ACCEPT_LANGUAGE=f"{language}-BE,{language};q=0.9")
    assert response.headers["Content-Language"] == language
    assert proposed_languages(response) == [language]


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_registration_proposes_the_language_chosen_in_the_header(db, language):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    client = signed_in(lr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("enterprises:register_designate", args=[enterprise.number]))
    # The RAE's form and every co-RAE row of the formset.
    languages = proposed_languages(response)
    assert len(languages) >= 2 and set(languages) == {language}


def test_a_french_page_still_proposes_french(chain):
    actor, url = pages(chain)["designate_co_rae"]
    response = signed_in(actor).get(url, HTTP_ACCEPT_LANGUAGE="fr-BE")
    assert proposed_languages(response) == ["fr"]
