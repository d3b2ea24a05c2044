"""Role management's refusals and unknown objects, as tables.

The explained 403 of an LR, RAE or co-RAE who is not a local manager shows the "who can"
text and the wizard answer the access model declares (`ROLE_MANAGEMENT_REFUSALS`): swapping
them in the code fails here. An unknown quality, or an object of no managed quality, answers
404 to everyone, before any question of who they are.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from enterprises import chain
from enterprises.access import ROLE_MANAGEMENT_REASONS, ROLE_MANAGEMENT_REFUSALS
from enterprises.models import EnterpriseQuality

pytestmark = pytest.mark.django_db

PAGES = [
    "roles:list",
    "roles:invite",
    "roles:direct",
    "roles:links",
    "roles:invitations",
    "roles:bulk_upload",
    "roles:bulk_example",
    "roles:export",
]

# persona -> the refusal it is shown (the key of ROLE_MANAGEMENT_REFUSALS): whoever sees the
# chain is answered as an RAE even when also a legal representative.
REFUSAL_OF = {
    "legal_representative": chain.LEGAL_REPRESENTATIVE,
    "rae": "view_chain",
    "co_rae": "view_chain",
}
PERSONAS = ["legal_representative", "rae", "co_rae", "gl", "co_gl", "other_gl", "agent"]


@pytest.mark.parametrize("persona", sorted(REFUSAL_OF))
@pytest.mark.parametrize("page", PAGES)
def test_the_refusal_says_who_can_and_which_wizard_answer(client, request, eq, persona, page):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(page, args=[eq.pk]))
    assert response.status_code == 403
    key = REFUSAL_OF[persona]
    expected = ROLE_MANAGEMENT_REFUSALS[key]
    shown = response.context["refusal"]
    assert (str(shown.who_can), shown.help_slug) == (str(expected.who_can), expected.help_slug)
    assert str(shown.reason) == str(ROLE_MANAGEMENT_REASONS[key])
    body = response.content.decode()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert escape(str(expected.who_can)) in body
        assert escape(str(ROLE_MANAGEMENT_REASONS[key])) in body
    assert reverse("wizard:page", kwargs={"slug": expected.help_slug}) in body


def test_the_two_refusals_differ_by_their_wizard_answer_only():
    # The reason and the wizard answer name the person's profile; who can is the same rule.
    lr, rae = (ROLE_MANAGEMENT_REFUSALS[k] for k in (chain.LEGAL_REPRESENTATIVE, "view_chain"))
    assert lr.who_can == rae.who_can
    assert lr.help_slug != rae.help_slug


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_quality_answers_404(client, request, eq, persona, page):
    client.force_login(request.getfixturevalue(persona))
    unknown = EnterpriseQuality.objects.order_by("-pk").first().pk + 1000
    assert client.get(reverse(page, args=[unknown])).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("roles:attribution", [10**6]),
        ("roles:bulk_preview", [10**6]),
        ("roles:bulk_progress", [10**6]),
    ],
)
def test_an_unknown_object_of_a_managed_quality_answers_404(client, gl, eq, name, args):
    client.force_login(gl)
    assert client.get(reverse(name, args=[eq.pk, *args])).status_code == 404


@pytest.mark.parametrize(
    "name", ["roles:invitation_action", "roles:link_disable", "roles:request_decide"]
)
def test_an_unknown_object_answers_404_to_a_post(client, gl, eq, name):
    client.force_login(gl)
    assert client.post(reverse(name, args=[eq.pk, 10**6]), {}).status_code == 404


def test_an_unknown_link_or_own_attribution_answers_404(client, person):
    client.force_login(person)
    assert client.get(reverse("roles:link_follow", args=["no-such-link"])).status_code == 404
    assert client.get(reverse("roles:profile_deactivate", args=[10**6])).status_code == 404
