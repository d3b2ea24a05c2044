"""The capacity a person signs in to an application in, and the claims the application
receives for it, driven by authlib's client (relying/tests/rp.py): one enterprise (no
screen), several (the capacity screen), none (the page that says who gives the role), the
citizen, the `enterprise` parameter, the national number; never another application's
roles, never another enterprise's.

`test_flow_on_sqlite.py` runs this module again on SQLite when the suite runs on PostgreSQL.
"""

import pytest
from allauth.idp.oidc.models import Token
from authlib.integrations.base_client import OAuthError
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from enterprises.tests.factories import EnterpriseFactory
from relying import services
from relying.models import Capacity
from relying.tests.conftest import REDIRECT_URI, give, other_enterprise
from relying.tests.rp import Application, PageReader, query, visit
from roles.models import Application as CatalogueApplication
from tests.personas import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_at_testserver")]


def codes():
    return Token.objects.filter(type=Token.Type.AUTHORIZATION_CODE)


def screen(rp, browser, **params) -> PageReader:
    response = visit(browser, rp.authorization_url(**params))
    assert response.status_code == 200, response.get("Location")
    assert response.templates[0].name == "relying/capacity.html"
    return PageReader(response.content.decode())


def choose(rp, browser, key: str, *, button: str = "grant", **params):
    """Answer the capacity screen as a browser without JavaScript does: post the page's
    own form, with the radio button `key` chosen and `button` pressed."""
    page = screen(rp, browser, **params)
    form = page.form("capacity")
    assert form["method"].lower() == "post"
    data = page.submission(field="capacity", choose={"capacity": key}, button=button)
    return browser.post(form["action"], data, secure=True)


def sign_in_choosing(rp, browser, key: str) -> dict:
    response = choose(rp, browser, key)
    assert response.status_code == 302, response.content[:1500]
    return rp.callback(response["Location"])


def claims_everywhere(rp, token) -> list[dict]:
    """The portal's claims as the ID token, userinfo and introspection give them."""
    keys = ("enterprise", "roles")
    return [
        {key: source.get(key, "absent") for key in keys}
        for source in (
            token["userinfo"],
            rp.userinfo(token["access_token"]).json(),
            rp.introspect(token["access_token"]),
        )
    ]


def key(eq) -> str:
    """The capacity screen's key of an enterprise's own quality."""
    return f"{eq.enterprise_id}-{eq.pk}"


def enterprise_claim(eq) -> dict:
    return {"number": eq.enterprise.number, "name": eq.enterprise.name, "quality": "employer"}


@pytest.fixture
def two_enterprises(holder, employer_eq, other_gl_eq):
    """The holder holds Dimona's declaration at Boulangerie Dupont (`employer_eq`) and its
    consultation at Atelier Martin: (boulangerie, atelier)."""
    atelier, atelier_gl = other_gl_eq
    give(atelier_gl, atelier, holder, "dimona-consultation")
    return employer_eq, atelier


@pytest.fixture
def citizen_rp(dimona):
    """Dimona registered as a client open to citizens (acting for themselves)."""
    registration, secret = services.client_register(
        actor=None, application=dimona, redirect_uris=[REDIRECT_URI], allow_citizens=True
    )
    return Application(registration.client_id, secret)


# --- One enterprise: no screen ------------------------------------------------------------------


def test_with_one_enterprise_there_is_no_screen(rp, browser, employer_eq):
    response = visit(browser, rp.authorization_url())
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?code=")
    token = rp.callback(response["Location"])
    assert claims_everywhere(rp, token) == 3 * [
        {"enterprise": enterprise_claim(employer_eq), "roles": ["dimona-declaration"]}
    ]


# --- Several: the capacity screen ---------------------------------------------------------------


def test_with_two_enterprises_the_screen_lists_both_and_nothing_is_issued_yet(
    rp, browser, two_enterprises
):
    boulangerie, atelier = two_enterprises
    page = screen(rp, browser)
    # By the enterprises' names: Atelier, then Boulangerie.
    assert [radio["value"] for radio in page.radios("capacity")] == [
        key(atelier),
        key(boulangerie),
    ]
    for eq in (atelier, boulangerie):
        label = page.labels[f"capacity-{key(eq)}"]
        assert eq.enterprise.name in label
        assert eq.enterprise.number_display in label
    assert not codes().exists()
    assert not Capacity.objects.exists()


@pytest.mark.parametrize("chosen", [0, 1], ids=["boulangerie", "atelier"])
def test_the_chosen_enterprise_and_only_its_roles_are_in_the_tokens_never_the_others(
    rp, browser, two_enterprises, chosen
):
    eq = two_enterprises[chosen]
    roles = [["dimona-declaration"], ["dimona-consultation"]][chosen]
    token = sign_in_choosing(rp, browser, key(eq))
    claims = {"enterprise": enterprise_claim(eq), "roles": roles}
    assert claims_everywhere(rp, token) == 3 * [claims]
    # The ID token of a refresh says the same: the capacity is bound to the whole sign-in.
    refreshed = rp.refresh(token["refresh_token"])
    again = rp.app.parse_id_token(refreshed, nonce=None)
    assert {"enterprise": again["enterprise"], "roles": again["roles"]} == claims


@pytest.mark.parametrize(
    "forged",
    ["999999999", "citizen", "-1", "1 OR 1=1", "x" * 5000, "other-enterprise"],
)
def test_a_forged_capacity_is_refused_with_the_forms_error(rp, browser, two_enterprises, forged):
    if forged == "other-enterprise":
        # A real capacity of a third enterprise, where the holder holds nothing.
        forged = key(other_enterprise("Charcuterie Lambert")[0])
    response = choose(rp, browser, forged)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["capacity"]
    assert [error.code for error in errors] == ["invalid_choice"]
    page = PageReader(response.content.decode())
    assert len(page.radios("capacity")) == 2  # asked again, among the person's own
    assert b'id="capacity-error"' in response.content
    assert not codes().exists()
    assert not Capacity.objects.exists()


def test_no_choice_is_refused_with_the_forms_error(rp, browser, two_enterprises):
    page = screen(rp, browser)
    data = page.submission(field="capacity", choose={}, button="grant")
    response = browser.post(page.form("capacity")["action"], data, secure=True)
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["capacity"]] == ["required"]
    assert not codes().exists()


def test_a_tampered_signed_request_is_refused(rp, browser, two_enterprises):
    boulangerie, _atelier = two_enterprises
    page = screen(rp, browser)
    data = page.submission(field="capacity", choose={"capacity": key(boulangerie)}, button="grant")
    data["request"] = [data["request"][0][:-2] + "xx"]
    response = browser.post(page.form("capacity")["action"], data, secure=True)
    assert response.status_code == 403
    assert not codes().exists()


def test_cancel_on_the_screen_returns_access_denied_with_the_state(rp, browser, two_enterprises):
    boulangerie, _atelier = two_enterprises
    response = choose(rp, browser, key(boulangerie), button="cancel")
    assert response.status_code == 302
    back = query(response["Location"])
    assert back == {"error": "access_denied", "state": rp.sent["state"]}
    with pytest.raises(OAuthError) as refused:
        rp.callback(response["Location"])
    assert refused.value.error == "access_denied"
    assert not codes().exists()


def test_the_screen_is_accessible_and_needs_no_javascript(rp, browser, two_enterprises):
    page = screen(rp, browser)
    form = page.form("capacity")
    radios = page.radios("capacity")
    # One fieldset with its legend groups the choices; every choice has its own label.
    assert len(page.legends) == 1
    assert page.legends[0]
    assert page.fields_in_fieldset == [radio["id"] for radio in radios]
    assert all(page.labels.get(radio["id"]) for radio in radios)
    assert all("required" in radio for radio in radios)
    # Plain submit buttons: the form works as the HTML has it.
    assert {(b.get("type"), b.get("value")) for b in form["buttons"]} == {
        ("submit", "grant"),
        ("submit", "cancel"),
    }
    assert "csrfmiddlewaretoken" in {field.get("name") for field in form["fields"]}
    # What the application will receive is said before the person continues.
    assert "shared-heading" in page.ids


@pytest.mark.parametrize(
    ("language", "legend", "title"),
    [
        ("nl", "Voor wie handelt u?", "Aanmelden bij Dimona"),
        ("fr", "Pour qui agissez-vous ?", "Se connecter à Dimona"),
        ("de", "Für wen handeln Sie?", "Bei Dimona anmelden"),
    ],
)
def test_the_screen_is_translated(rp, browser, two_enterprises, language, legend, title):
    browser.cookies["portal_language"] = language
    response = visit(browser, rp.authorization_url())
    assert response["Content-Language"] == language
    page = PageReader(response.content.decode())
    assert page.legends == [legend]
    assert f"<h1>{title}</h1>" in response.content.decode()


# --- None: the page that says who gives the role -------------------------------------------------


def test_with_no_role_the_page_says_who_gives_it_and_links_to_the_wizard(rp, employer_eq):
    browser = signed_in(UserFactory())
    response = visit(browser, rp.authorization_url())
    assert response.status_code == 403
    assert response.templates[0].name == "relying/no_capacity.html"
    links = dict(PageReader(response.content.decode()).links)
    wizard = reverse("wizard:page", kwargs={"slug": "user-request-role"})
    assert wizard in links
    back = [href for href in links if href.startswith(REDIRECT_URI)]
    assert [query(href) for href in back] == [{"error": "access_denied", "state": rp.sent["state"]}]
    assert browser.get(wizard).status_code == 200
    assert not codes().exists()


def test_roles_of_another_application_only_give_the_none_page(rp, gl, employer_eq):
    person = UserFactory()
    give(gl, employer_eq, person, "dmfa-declaration", "ebox-read")
    response = visit(signed_in(person), rp.authorization_url())
    assert response.status_code == 403
    assert not codes().exists()


def test_an_unverified_person_gets_the_none_page(rp, gl, employer_eq):
    # A declared number: the attribution given for it is not theirs to use.
    person = UserFactory(declared=True)
    give(gl, employer_eq, person, "dimona-declaration")
    response = visit(signed_in(person), rp.authorization_url())
    assert response.status_code == 403
    assert response.context["verified"] is False
    assert not codes().exists()


def test_a_person_whose_number_is_no_longer_verified_gets_the_none_page(rp, holder):
    # The attribution names them (attached while the number was verified).
    User.objects.filter(pk=holder.pk).update(national_number_verified=False)
    response = visit(signed_in(User.objects.get(pk=holder.pk)), rp.authorization_url())
    assert response.status_code == 403
    assert response.context["verified"] is False
    assert not codes().exists()


# --- The citizen ------------------------------------------------------------------------------


def test_a_citizen_without_roles_signs_in_as_a_citizen(citizen_rp, employer_eq):
    token = citizen_rp.sign_in(signed_in(UserFactory()))
    assert claims_everywhere(citizen_rp, token) == 3 * [{"enterprise": None, "roles": []}]


def test_the_citizen_is_offered_after_the_enterprises_and_chosen(citizen_rp, browser, employer_eq):
    page = screen(citizen_rp, browser)
    assert [radio["value"] for radio in page.radios("capacity")] == [key(employer_eq), "citizen"]
    token = sign_in_choosing(citizen_rp, browser, "citizen")
    assert claims_everywhere(citizen_rp, token) == 3 * [{"enterprise": None, "roles": []}]


def test_a_client_closed_to_citizens_does_not_offer_the_citizen(rp, browser, two_enterprises):
    assert "citizen" not in [radio["value"] for radio in screen(rp, browser).radios("capacity")]


# --- The enterprise parameter: asked in advance ------------------------------------------------


@pytest.mark.parametrize("writing", ["number", "number_display", "BE"], ids=str)
def test_the_enterprise_parameter_asks_for_that_enterprise_only(
    rp, browser, two_enterprises, writing
):
    _boulangerie, atelier = two_enterprises
    number = {
        "number": atelier.enterprise.number,
        "number_display": atelier.enterprise.number_display,
        "BE": "BE" + atelier.enterprise.number,
    }[writing]
    token = rp.sign_in(browser, enterprise=number)  # no screen: only that one
    assert claims_everywhere(rp, token) == 3 * [
        {"enterprise": enterprise_claim(atelier), "roles": ["dimona-consultation"]}
    ]


@pytest.mark.parametrize("asked", ["elsewhere", "not-a-number", "0" * 100, "<b>1</b>"])
def test_an_enterprise_not_held_or_malformed_gets_the_none_page(
    citizen_rp, browser, two_enterprises, asked
):
    if asked == "elsewhere":
        asked = EnterpriseFactory().number
    response = visit(browser, citizen_rp.authorization_url(enterprise=asked))
    assert response.status_code == 403
    assert response.templates[0].name == "relying/no_capacity.html"
    assert b"<b>1</b>" not in response.content
    assert not codes().exists()


# --- The national number ----------------------------------------------------------------------


def test_egovnrn_is_released_to_a_client_allowed_it_when_asked(registered, browser, holder):
    registration, secret = registered
    asking = Application(registration.client_id, secret, scope="openid enterprise egovnrn")
    token = asking.sign_in(browser)
    assert token["userinfo"]["egovnrn"] == holder.national_number
    assert asking.userinfo(token["access_token"]).json()["egovnrn"] == holder.national_number
    assert asking.introspect(token["access_token"])["egovnrn"] == holder.national_number


def test_egovnrn_is_not_released_unasked(rp, browser):
    token = rp.sign_in(browser)
    assert "egovnrn" not in token["userinfo"]
    assert "egovnrn" not in rp.userinfo(token["access_token"]).json()
    assert "egovnrn" not in rp.introspect(token["access_token"])


def test_a_client_not_allowed_the_national_number_asking_for_it_is_refused(
    gl, employer_eq, holder, browser
):
    dmfa = CatalogueApplication.objects.get(code="dmfa")
    registration, secret = services.client_register(
        actor=None, application=dmfa, redirect_uris=["https://dmfa.example.test/callback"]
    )
    give(gl, employer_eq, holder, "dmfa-declaration")
    asking = Application(
        registration.client_id,
        secret,
        scope="openid roles egovnrn",
        redirect_uri="https://dmfa.example.test/callback",
    )
    response = visit(browser, asking.authorization_url())
    assert response.status_code == 302
    assert query(response["Location"]) == {"error": "invalid_scope", "state": asking.sent["state"]}
    assert not codes().exists()


# --- Never another application's roles, nor another enterprise's --------------------------------


def test_an_application_never_sees_another_applications_roles(rp, browser, holder, gl, employer_eq):
    give(gl, employer_eq, holder, "dmfa-declaration", "ebox-manage", "dimona-consultation")
    token = rp.sign_in(browser)
    assert claims_everywhere(rp, token) == 3 * [
        {
            "enterprise": enterprise_claim(employer_eq),
            "roles": ["dimona-consultation", "dimona-declaration"],
        }
    ]
