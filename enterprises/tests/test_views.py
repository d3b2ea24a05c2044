"""Pages and refusals: what each person sees, and bad input that changes nothing."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory, national_number_for
from enterprises.models import Designation, EnterpriseQuality, Registration
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def register(client, number):
    return client.get(reverse("enterprises:register"), {"number": number})


# --- Registration refusals, each with its explanation and what to do -----------------------------


def test_registration_of_an_unknown_number_links_to_the_public_search(db):
    response = register(signed_in(UserFactory()), "0999.999.922")
    assert response.context["refusal"] == "not_found"
    assert reverse("enterprises:search").encode() in response.content


@pytest.mark.parametrize("number", ["12", "BE0123456789", "abc", "0123.456.748"])
def test_a_malformed_number_is_a_form_error(db, number):
    response = register(signed_in(UserFactory()), number)
    assert response.status_code == 200
    assert response.context["form"].errors["number"]


def test_registration_without_verified_national_number_says_how_to_verify(db, settings):
    settings.CONTACT_CENTRE_URL = "https://contact.example/"
    enterprise = EnterpriseFactory()
    response = register(signed_in(UserFactory(national_number=None)), enterprise.number)
    assert response.context["refusal"] == "unverified_national_number"
    assert b"https://contact.example/" in response.content


def test_registration_by_a_non_representative_links_to_the_wizard(db):
    enterprise = EnterpriseFactory()
    MandateFactory(enterprise=enterprise)
    response = register(signed_in(UserFactory()), enterprise.number_display)
    assert response.context["refusal"] == "not_legal_representative"
    assert b"/wizard/legal-representative/" in response.content


def test_registration_of_a_registered_enterprise_offers_the_contact_centre_and_replacement(chain):
    response = register(signed_in(chain.lr), "BE" + chain.enterprise.number)
    assert response.context["refusal"] == "already_registered"
    assert reverse("enterprises:replace_rae", args=[chain.enterprise.number]).encode() in (
        response.content
    )
    other = register(signed_in(chain.user), chain.enterprise.number)
    assert b"replace-rae" not in other.content


def test_registration_in_any_writing_leads_to_the_designation_step(db):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    response = register(signed_in(lr), f"BE {enterprise.number_display}")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/enterprises/register/{enterprise.number}/")


def test_register_with_a_co_rae_in_the_formset(db, mailoutbox, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    data = {
        "rae-myself": "on",
        "rae-language": "fr",
        "co_rae-TOTAL_FORMS": "2",
        "co_rae-INITIAL_FORMS": "0",
        "co_rae-0-first_name": "Jan",
        "co_rae-0-last_name": "Peeters",
        "co_rae-0-national_number": national_number_for(555),
        "co_rae-0-email": "jan@example.test",
        "co_rae-0-language": "nl",
        "co_rae-1-language": "fr",
    }
    url = reverse("enterprises:register_designate", args=[enterprise.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(lr).post(url, data)
    assert response.status_code == 302
    kinds = dict(Designation.objects.filter(enterprise=enterprise).values_list("kind", "status"))
    assert kinds == {"rae": "active", "co_rae": "pending"}
    assert [m.to for m in mailoutbox] == [["jan@example.test"]]


def test_register_with_an_incomplete_person_changes_nothing(db):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    data = {
        "rae-first_name": "Only",
        "rae-language": "fr",
        "co_rae-TOTAL_FORMS": "0",
        "co_rae-INITIAL_FORMS": "0",
    }
    url = reverse("enterprises:register_designate", args=[enterprise.number])
    response = signed_in(lr).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["national_number"]
    assert not Registration.objects.exists() and not Designation.objects.exists()


# --- Bad input on the administration pages ---


def test_designating_an_existing_holder_is_a_clear_error(chain):
    url = reverse("enterprises:designate_co_rae", args=[chain.enterprise.number])
    co_rae = chain.co_rae
    data = {
        "first_name": co_rae.first_name,
        "last_name": co_rae.last_name,
        "national_number": co_rae.national_number,
        "email": co_rae.email,
        "language": "fr",
    }
    before = Designation.objects.count()
    response = signed_in(chain.rae).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Designation.objects.count() == before


def test_forged_fields_are_ignored(chain):
    url = reverse("enterprises:designate_gl", args=[chain.enterprise.number, chain.employer.pk])
    data = {
        "first_name": "Fo",
        "last_name": "Rged",
        "national_number": national_number_for(777),
        "email": "forged@example.test",
        "language": "fr",
        "status": "active",
        "kind": "rae",
        "enterprise": "999",
        "person": str(chain.user.pk),
    }
    response = signed_in(chain.rae).post(url, data)
    assert response.status_code == 302
    d = Designation.objects.get(email="forged@example.test")
    assert (d.status, d.kind, d.enterprise, d.person) == ("pending", "gl", chain.enterprise, None)


def test_another_enterprises_ids_answer_404(chain):
    from tests.personas import build_chain

    other = build_chain(name="Other")
    other_gl = Designation.objects.get(person=other.gl, kind="gl")
    client = signed_in(chain.rae)
    number = chain.enterprise.number
    before = AuditEvent.objects.count()
    assert client.post(reverse("enterprises:revoke", args=[number, other_gl.pk])).status_code == 404
    url = reverse("enterprises:designate_gl", args=[number, other.employer.pk])
    assert client.post(url, {}).status_code == 404
    url = reverse("enterprises:quality_deactivate", args=[number, other.employer.pk])
    assert client.post(url).status_code == 404
    assert AuditEvent.objects.count() == before


def test_activating_a_forged_quality_id_is_a_form_error(chain):
    url = reverse("enterprises:quality_activate", args=[chain.enterprise.number])
    response = signed_in(chain.rae).post(url, {"quality": chain.employer.quality.pk})
    assert response.status_code == 200 and response.context["form"].errors["quality"]
    response = signed_in(chain.rae).post(url, {"quality": "x'; drop"})
    assert response.status_code == 200 and response.context["form"].errors["quality"]


def test_revoking_the_rae_over_http_is_refused_with_the_way_to_replace(chain):
    rae = Designation.objects.get(enterprise=chain.enterprise, kind="rae", status="active")
    response = signed_in(chain.lr).post(
        reverse("enterprises:revoke", args=[chain.enterprise.number, rae.pk])
    )
    assert response.status_code == 400
    assert b"/wizard/lr-designate-rae/" in response.content
    rae.refresh_from_db()
    assert rae.is_active


@pytest.mark.parametrize("number", ["nonsense", "0123456789", "0999999922"])
def test_malformed_or_unknown_enterprise_numbers_answer_404(chain, number):
    client = signed_in(chain.rae)
    assert client.get(reverse("enterprises:detail", args=[number])).status_code == 404
    assert client.get(reverse("enterprises:chain_svg", args=[number])).status_code == 404


def test_the_gl_revokes_the_co_gl_of_its_quality(chain):
    co_gl = Designation.objects.get(person=chain.co_gl, kind="co_gl")
    url = reverse("enterprises:revoke", args=[chain.enterprise.number, co_gl.pk])
    assert signed_in(chain.co_gl).post(url).status_code == 403
    assert signed_in(chain.gl).post(url).status_code == 302
    co_gl.refresh_from_db()
    assert co_gl.status == "revoked"


def test_the_rae_revokes_a_co_rae_but_a_co_rae_cannot(chain):
    co_rae = Designation.objects.get(person=chain.co_rae, kind="co_rae")
    url = reverse("enterprises:revoke", args=[chain.enterprise.number, co_rae.pk])
    other_co_rae = UserFactory()
    from tests.personas import designate_and_accept

    designate_and_accept(chain.rae, other_co_rae, kind="co_rae", enterprise=chain.enterprise)
    assert signed_in(other_co_rae).post(url).status_code == 403
    assert signed_in(chain.rae).post(url).status_code == 302


def test_sensitive_actions_ask_for_reauthentication(chain):
    client = signed_in(chain.rae, fresh=False)
    url = reverse(
        "enterprises:quality_deactivate", args=[chain.enterprise.number, chain.employer.pk]
    )
    # The confirmation page itself asks first (accounts/mfa.py: REAUTHENTICATE_FORMS).
    response = client.get(url)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    response = client.post(url)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert EnterpriseQuality.objects.get(pk=chain.employer.pk).is_active


def test_deactivation_has_a_confirmation_page_listing_what_ends(chain):
    url = reverse(
        "enterprises:quality_deactivate", args=[chain.enterprise.number, chain.employer.pk]
    )
    response = signed_in(chain.rae).get(url)
    assert chain.gl.last_name.encode() in response.content
    assert chain.co_gl.last_name.encode() in response.content


# --- Pages ---


def test_my_enterprises_lists_every_profile(chain):
    for key in ("lr", "rae", "co_rae", "gl", "co_gl"):
        response = signed_in(chain.people[key]).get(reverse("enterprises:mine"))
        assert chain.enterprise.name.encode() in response.content, key
    response = signed_in(chain.user).get(reverse("enterprises:mine"))
    assert chain.enterprise.name.encode() not in response.content


def test_the_local_managers_page(chain):
    response = signed_in(chain.gl).get(
        reverse("enterprises:detail", args=[chain.enterprise.number])
    )
    assert response.status_code == 200
    designate_co_gl = reverse(
        "enterprises:designate_co_gl", args=[chain.enterprise.number, chain.employer.pk]
    )
    assert designate_co_gl.encode() in response.content
    co_gl_page = signed_in(chain.co_gl).get(
        reverse("enterprises:detail", args=[chain.enterprise.number])
    )
    assert designate_co_gl.encode() not in co_gl_page.content
    assert chain.co_rae.last_name.encode() not in co_gl_page.content  # not the whole chain


def test_the_legal_representatives_page(chain):
    response = signed_in(chain.lr).get(
        reverse("enterprises:detail", args=[chain.enterprise.number])
    )
    assert chain.rae.last_name.encode() in response.content
    assert chain.co_rae.last_name.encode() not in response.content
    assert reverse("enterprises:replace_rae", args=[chain.enterprise.number]).encode() in (
        response.content
    )


def test_the_chain_picture(chain):
    chain.co_rae.first_name = "<script>alert(1)</script>"
    chain.co_rae.save()
    Designation.objects.filter(person=chain.co_rae).update(first_name="<b>&x</b>")
    response = signed_in(chain.rae).get(
        reverse("enterprises:chain_svg", args=[chain.enterprise.number])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert "<title" in body and "<desc" in body
    assert "<b>" not in body and "&lt;b&gt;&amp;x&lt;/b&gt;" in body
    assert chain.gl.last_name in body


def test_the_chain_picture_marks_pending_designations_dashed(chain):
    from enterprises import services
    from tests.personas import person

    services.co_rae_designate(
        actor=chain.rae, enterprise=chain.enterprise, person=person(UserFactory(last_name="Zed"))
    )
    body = (
        signed_in(chain.rae)
        .get(reverse("enterprises:chain_svg", args=[chain.enterprise.number]))
        .content.decode()
    )
    line = next(line for line in body.splitlines() if "Zed" in line and "<rect" in line)
    assert "stroke-dasharray" in line and "pending" in line


def test_the_legal_representative_sees_registration_and_rae_only(chain):
    response = signed_in(chain.lr).get(reverse("enterprises:chain", args=[chain.enterprise.number]))
    assert response.status_code == 200
    assert chain.rae.last_name.encode() in response.content
    assert chain.gl.last_name.encode() not in response.content
    svg = signed_in(chain.lr).get(reverse("enterprises:chain_svg", args=[chain.enterprise.number]))
    assert chain.gl.last_name.encode() not in svg.content


def test_the_chain_page_shows_the_history(chain):
    response = signed_in(chain.co_rae).get(
        reverse("enterprises:chain", args=[chain.enterprise.number])
    )
    actions = {event.action for event in response.context["history"]}
    assert {"enterprise.registered", "designation.accepted", "quality.activated"} <= actions


def test_the_chain_history_names_every_action_in_the_readers_language(chain):
    # "designation.created" (a person designated by someone else) used to show as its code.
    body = (
        signed_in(chain.co_rae)
        .get(
            reverse("enterprises:chain", args=[chain.enterprise.number]), HTTP_ACCEPT_LANGUAGE="fr"
        )
        .content.decode()
    )
    assert "Désignation créée" in body and "Désignation acceptée" in body
    assert "designation.created" not in body and "designation.accepted" not in body


# --- Contact centre ---


def test_the_contact_centre_lookup_is_audited_with_its_reason(chain, agent):
    client = signed_in(agent)
    assert client.get(reverse("enterprises:contact_centre")).status_code == 200
    response = client.post(
        reverse("enterprises:contact_centre"),
        {"number": chain.enterprise.number_display, "reason": "Call 42: who is the RAE?"},
    )
    assert response.status_code == 200
    assert chain.rae.last_name.encode() in response.content
    assert chain.gl.last_name.encode() in response.content
    event = AuditEvent.objects.get(action="contact_centre.lookup")
    assert event.actor == agent and event.enterprise == chain.enterprise
    assert event.details["reason"] == "Call 42: who is the RAE?"


def test_the_contact_centre_requires_a_reason(chain, agent):
    response = signed_in(agent).post(
        reverse("enterprises:contact_centre"), {"number": chain.enterprise.number, "reason": ""}
    )
    assert response.context["form"].errors["reason"]
    assert not AuditEvent.objects.filter(action="contact_centre.lookup").exists()


def test_the_contact_centre_unknown_number(agent):
    response = signed_in(agent).post(
        reverse("enterprises:contact_centre"), {"number": "0999999922", "reason": "Caller asks"}
    )
    assert response.context["result"] == {"enterprise": None, "chain": None, "mandates": None}
    assert AuditEvent.objects.get(action="contact_centre.lookup").details["found"] is False


def test_staff_outside_the_group_is_refused(db):
    staff = UserFactory(is_staff=True)
    assert signed_in(staff).get(reverse("enterprises:contact_centre")).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("enterprises:designate_co_rae", []),
        ("enterprises:quality_activate", []),
        ("enterprises:designate_gl", ["eq"]),
        ("enterprises:designate_co_gl", ["eq"]),
        ("enterprises:revoke", ["gl"]),
        ("enterprises:detail", []),
        ("enterprises:chain", []),
    ],
)
def test_the_rae_pages_render(chain, name, args):
    values = {
        "eq": chain.employer.pk,
        "gl": Designation.objects.get(person=chain.gl, kind="gl").pk,
    }
    url = reverse(name, args=[chain.enterprise.number, *[values[a] for a in args]])
    response = signed_in(chain.rae).get(url)
    assert response.status_code == 200
    assert b"<h1>" in response.content and b'style="' not in response.content


def test_the_registration_form_renders_for_the_legal_representative(db):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    response = signed_in(lr).get(
        reverse("enterprises:register_designate", args=[enterprise.number])
    )
    assert response.status_code == 200
    assert b'name="co_rae-TOTAL_FORMS"' in response.content
    assert b'for="id_rae-national_number"' in response.content


def test_my_enterprises_offers_to_register_only_what_can_be_registered(chain):
    from enterprises.models import Enterprise

    lr = chain.lr
    active = EnterpriseFactory(name="Active Unregistered SA")
    stopped = EnterpriseFactory(name="Stopped Unregistered SA", status=Enterprise.Status.STOPPED)
    for enterprise in (active, stopped):
        MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    html = signed_in(lr).get(reverse("enterprises:mine")).content.decode()
    register = reverse("enterprises:register")
    assert f"{register}?number={active.number}" in html
    assert f"{register}?number={stopped.number}" not in html
    from django.utils.translation import gettext, override

    with override("fr"):
        reason = gettext("This enterprise is not active in the Crossroads Bank for Enterprises.")
    assert reason in html
