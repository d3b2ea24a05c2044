"""Access ends when the role ends, on the very next call: introspection answers inactive,
the refresh fails, userinfo refuses, whichever way the attribution behind the capacity
ended (a manager ends or revokes it, the holder deactivates it, it expires, the quality is
deactivated). And the ordinary life of the tokens: the refresh rotates, introspection is
the client's own. Driven by authlib's client (relying/tests/rp.py).

`test_flow_on_sqlite.py` runs this module again on SQLite when the suite runs on PostgreSQL.
"""

from datetime import timedelta

import pytest
from allauth.idp.oidc.models import Token
from authlib.integrations.base_client import OAuthError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises import services as enterprise_services
from relying import services
from relying.tests.conftest import give
from relying.tests.rp import Application, basic, query, visit
from roles import services as role_services
from roles.models import Application as CatalogueApplication
from roles.models import RoleAttribution
from roles.services import lifecycle, profile
from tests.personas import rae_of, run_on_commit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_at_testserver")]


def refused(call) -> OAuthError:
    with pytest.raises(OAuthError) as error:
        call()
    return error.value


def attribution_of(holder, code: str) -> RoleAttribution:
    return RoleAttribution.objects.get(person=holder, role__code=code)


def end(attribution):
    role_services.attribution_end(actor=attribution.granted_by, attribution=attribution)


def revoke(attribution):
    role_services.attribution_end(
        actor=attribution.granted_by, attribution=attribution, revoke=True
    )


def deactivate(attribution):
    profile.attribution_deactivate(actor=attribution.person, attribution=attribution)


def expire(attribution):
    # Its last day was yesterday (a day has passed since it was given until today), and the
    # nightly run marks it expired; access ends with the date already, before that run.
    today = timezone.localdate()
    RoleAttribution.objects.filter(pk=attribution.pk).update(
        valid_from=today - timedelta(days=10), valid_until=today - timedelta(days=1)
    )
    run_on_commit(lifecycle.expire_due)
    assert RoleAttribution.objects.get(pk=attribution.pk).status == "expired"


def deactivate_quality(attribution):
    eq = attribution.enterprise_quality
    run_on_commit(
        lambda: enterprise_services.quality_deactivate(
            actor=rae_of(eq.enterprise), enterprise_quality=eq
        )
    )


ENDINGS = {
    "ended by the manager": end,
    "revoked by the manager": revoke,
    "deactivated by the holder": deactivate,
    "expired": expire,
    "quality deactivated": deactivate_quality,
}


def assert_refused_everywhere(rp, token):
    assert rp.introspect(token["access_token"]) == {"active": False}
    response = rp.userinfo(token["access_token"])
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert refused(lambda: rp.refresh(token["refresh_token"])).error == "invalid_grant"


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_access_ends_on_the_next_call_after_the_role_ends(rp, browser, holder, ending):
    token = rp.sign_in(browser)
    assert rp.introspect(token["access_token"])["active"] is True
    assert rp.userinfo(token["access_token"]).status_code == 200
    ending(attribution_of(holder, "dimona-declaration"))
    assert_refused_everywhere(rp, token)
    # The refused refresh ended the whole sign-in: none of its tokens is left.
    assert not Token.objects.exclude(type=Token.Type.AUTHORIZATION_CODE).exists()


def test_userinfo_refuses_the_token_as_a_form_field_too_once_the_role_ends(rp, browser, holder):
    """RFC 6750 (2.2) lets a POST carry the token in its body: checked as the header is."""
    token = rp.sign_in(browser)

    def userinfo():
        return rp.back_channel().post(
            rp.endpoint("userinfo_endpoint"),
            data={"access_token": token["access_token"]},
            withhold_token=True,
        )

    assert userinfo().status_code == 200
    end(attribution_of(holder, "dimona-declaration"))
    response = userinfo()
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error_description"] == "The roles have ended."


def test_the_refresh_fails_right_after_the_role_ends(rp, browser, holder):
    token = rp.sign_in(browser)
    end(attribution_of(holder, "dimona-declaration"))
    error = refused(lambda: rp.refresh(token["refresh_token"]))
    assert error.error == "invalid_grant"
    assert rp.introspect(token["access_token"]) == {"active": False}


def test_the_code_is_not_exchanged_once_the_role_ended(rp, browser, holder):
    location = visit(browser, rp.authorization_url())["Location"]
    end(attribution_of(holder, "dimona-declaration"))
    assert refused(lambda: rp.exchange(query(location)["code"])).error == "invalid_grant"
    assert not Token.objects.exists()


def test_ending_one_of_two_roles_keeps_access_with_the_other(rp, browser, holder, gl, employer_eq):
    give(gl, employer_eq, holder, "dimona-consultation")
    token = rp.sign_in(browser)
    assert token["userinfo"]["roles"] == ["dimona-consultation", "dimona-declaration"]
    end(attribution_of(holder, "dimona-declaration"))
    assert rp.introspect(token["access_token"])["roles"] == ["dimona-consultation"]
    assert rp.userinfo(token["access_token"]).json()["roles"] == ["dimona-consultation"]
    refreshed = rp.refresh(token["refresh_token"])
    assert rp.introspect(refreshed["access_token"])["roles"] == ["dimona-consultation"]


def test_the_same_role_in_another_enterprise_does_not_keep_the_capacity(
    rp, browser, holder, other_gl_eq
):
    token = rp.sign_in(browser)  # for Boulangerie Dupont, the one enterprise then
    boulangerie_role = attribution_of(holder, "dimona-declaration")
    eq, gl = other_gl_eq
    give(gl, eq, holder, "dimona-declaration")
    end(boulangerie_role)
    assert_refused_everywhere(rp, token)


def test_a_colleagues_role_ending_changes_nothing_for_the_holder(rp, browser, gl, employer_eq):
    token = rp.sign_in(browser)
    colleague = UserFactory()
    [attribution] = give(gl, employer_eq, colleague, "dimona-declaration")
    end(attribution)
    assert rp.introspect(token["access_token"])["active"] is True
    assert rp.refresh(token["refresh_token"])["access_token"]


# --- The tokens' ordinary life ------------------------------------------------------------------


def test_the_refresh_rotates_and_the_old_refresh_token_is_refused(rp, browser):
    token = rp.sign_in(browser)
    new = rp.refresh(token["refresh_token"])
    assert new["refresh_token"] != token["refresh_token"]
    assert new["access_token"] != token["access_token"]
    assert rp.introspect(new["access_token"])["roles"] == ["dimona-declaration"]
    assert refused(lambda: rp.refresh(token["refresh_token"])).error == "invalid_grant"
    # The new one goes on working, and rotates in its turn.
    newer = rp.refresh(new["refresh_token"])
    assert newer["refresh_token"] not in (token["refresh_token"], new["refresh_token"])


def test_introspection_answers_for_the_refresh_token_too(rp, browser, holder):
    token = rp.sign_in(browser)
    answer = rp.introspect(token["refresh_token"], token_type_hint="refresh_token")
    assert answer["active"] is True
    assert answer["token_type"] == "refresh_token"
    end(attribution_of(holder, "dimona-declaration"))
    assert rp.introspect(token["refresh_token"]) == {"active": False}


def test_introspection_says_whose_token_it_is(rp, browser, holder):
    token = rp.sign_in(browser)
    answer = rp.introspect(token["access_token"])
    assert answer["client_id"] == rp.client_id
    assert answer["sub"] == token["userinfo"]["sub"]
    assert answer["iss"] == rp.metadata["issuer"]
    assert answer["scope"].split() == ["openid", "enterprise", "roles"]
    assert answer["exp"] > answer["iat"]


def test_another_client_cannot_introspect_this_clients_token(rp, browser):
    dmfa = CatalogueApplication.objects.get(code="dmfa")
    registration, secret = services.client_register(
        actor=None, application=dmfa, redirect_uris=["https://dmfa.example.test/callback"]
    )
    other = Application(registration.client_id, secret)
    token = rp.sign_in(browser)
    assert other.introspect(token["access_token"]) == {"active": False}
    assert rp.introspect(token["access_token"])["active"] is True


@pytest.mark.parametrize("credentials", ["wrong secret", "none"])
def test_introspection_needs_the_clients_secret(rp, browser, credentials):
    token = rp.sign_in(browser)
    headers = {"Authorization": basic(rp.client_id, "wrong")} if credentials != "none" else {}
    response = rp.back_channel().post(
        rp.endpoint("introspection_endpoint"),
        data={"token": token["access_token"]},
        headers=headers,
        withhold_token=True,
    )
    assert response.status_code == 401
    assert "active" not in response.json()


def test_a_revoked_refresh_token_ends_the_sign_in(rp, browser):
    token = rp.sign_in(browser)
    response = rp.back_channel().revoke_token(
        rp.endpoint("revocation_endpoint"), token["refresh_token"], "refresh_token"
    )
    assert response.status_code == 200
    assert rp.introspect(token["access_token"]) == {"active": False}
    assert refused(lambda: rp.refresh(token["refresh_token"])).error == "invalid_grant"
