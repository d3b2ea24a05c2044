"""Signing in with the identity provider, against a real OpenID provider.

The npm package `oidc-provider` (an OpenID-certified implementation, pinned in package.json)
runs on loopback as a stand-in for the federal authentication service, with a national-number
claim (`tests/browser/oidc/provider.mjs`); Chromium signs in through it. One provider process
serves the whole session. Without Node or the package the journeys are skipped with a hint,
except in CI (CI=true), where that is a failure.
"""

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.utils.csp import CSP

from accounts.tests.factories import UserFactory, national_number_for
from tests.browser.conftest import PASSWORD, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
UNCHECKED = "La connexion n'a pas pu être vérifiée"

HERE = Path(__file__).parent
PROVIDER_JS = HERE / "oidc" / "provider.mjs"
PACKAGE = HERE / "node_modules" / "oidc-provider"
HINT = (
    "The identity-provider journeys need Node.js and the npm package oidc-provider: "
    "`npm ci --prefix tests/browser` (make test does it when npm is there)."
)
PROVIDER_ID = "fas"
PROVIDER_NAME = "FAS (stand-in)"
CLIENT_ID, CLIENT_SECRET = "portal", "stand-in-client-secret"
CLAIM, SCOPE = "egovNRN", "egovnrn"

NUMBERS = {name: national_number_for(900 + i) for i, name in enumerate("abcdefg")}
# The people the stand-in knows, by login; their claims as the federal service sends them.
PEOPLE = {
    "ada": {"email": "ada@idp.example", "given_name": "Ada", "family_name": "Peeters"},
    "bert": {"email": "bert@idp.example", "given_name": "Bert", "family_name": "Claes"},
    "chloe": {"email": "chloe@example.test", "given_name": "Chloé", "family_name": "Wouters"},
    "dirk": {"email": "dirk@idp.example", "given_name": "Dirk", "family_name": "Maes"},
    "erik": {"email": "erik@idp.example", "given_name": "Erik", "family_name": "Jacobs"},
    "gus": {"email": "gus@idp.example", "given_name": "Gus", "family_name": "Mertens"},
    "nonum": {"email": "nonum@idp.example", "given_name": "No", "family_name": "Number"},
    "badnum": {"email": "badnum@idp.example", "given_name": "Bad", "family_name": "Number"},
}
for login, letter in zip(["ada", "bert", "chloe", "dirk", "erik", "gus"], "abcdef", strict=True):
    PEOPLE[login][CLAIM] = NUMBERS[letter]
PEOPLE["badnum"][CLAIM] = "12345678901"  # 11 digits, wrong check digits
for claims in PEOPLE.values():
    claims["email_verified"] = True


@pytest.fixture(scope="session")
def identity_provider(live_server):
    node = shutil.which("node")
    if not node or not PACKAGE.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(HINT)
        pytest.skip(HINT)
    env = {
        **os.environ,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",
        "OIDC_ACCOUNTS": json.dumps(PEOPLE),
        "OIDC_NN_CLAIM": CLAIM,
        "OIDC_NN_SCOPE": SCOPE,
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_JS)], cwd=HERE, env=env, stdout=subprocess.PIPE, text=True
    )
    ready: list[str] = []
    reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()))
    reader.start()
    reader.join(timeout=20)
    try:
        if not ready or not ready[0].startswith("READY "):
            pytest.fail(f"the OpenID provider did not start: {ready!r}")
        issuer = ready[0].split()[1]
        yield SimpleNamespace(issuer=issuer, port=urlsplit(issuer).port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def configure(settings, server_url: str, form_action: str) -> None:
    """The portal as production configures it from OIDC_* (portal/settings.py)."""
    settings.OIDC_SERVER_URL = server_url
    settings.OIDC_PROVIDER_ID = PROVIDER_ID
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.OIDC_NATIONAL_NUMBER_CLAIM = CLAIM
    providers = json.loads(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))
    providers["openid_connect"]["APPS"] = [
        {
            "provider_id": PROVIDER_ID,
            "name": PROVIDER_NAME,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {
                "server_url": server_url,
                "token_auth_method": "client_secret_basic",
                "scope": ["openid", "profile", "email", SCOPE],
            },
        }
    ]
    settings.SOCIALACCOUNT_PROVIDERS = providers
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, form_action]}
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the live server speaks plain HTTP


@pytest.fixture
def fas(identity_provider, settings):
    configure(settings, identity_provider.issuer, identity_provider.issuer)
    return identity_provider


def start_sign_in(page):
    """From the portal's sign-in page to the provider's form (allauth asks to confirm)."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name=PROVIDER_NAME).click()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def at_provider(page, login: str):
    page.locator("input[name=login]").fill(login)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_with_eid(page, login: str):
    start_sign_in(page)
    at_provider(page, login)


def callbacks(page) -> list[str]:
    """Every callback URL the browser is sent to (redirects included)."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: seen.append(request.url) if "/login/callback/" in request.url else None,
    )
    return seen


def session_user(page) -> str | None:
    """Whom the browser's session belongs to (read on the server, not from the page)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import SESSION_KEY

    cookies = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    if not cookies:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store(session_key=cookies[0]["value"]).get(SESSION_KEY)


def signed_in_as(page, user) -> None:
    page.goto("/")
    assert session_user(page) == str(user.pk)


def people():
    from django.contrib.auth import get_user_model

    return get_user_model().objects


def links():
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects


def events(action: str):
    from portal.models import AuditEvent

    return AuditEvent.objects.filter(action=action)


# --- Which account a sign-in reaches ---------------------------------------------------------


def test_a_first_sign_in_creates_an_account_with_the_number_verified(page, fas):
    sign_in_with_eid(page, "ada")

    ada = people().get(email="ada@idp.example")
    assert (ada.national_number, ada.national_number_verified) == (NUMBERS["a"], True)
    assert ada.national_number_source == "identity_provider"
    assert (ada.first_name, ada.last_name) == ("Ada", "Peeters")
    assert links().get(uid="ada").user == ada
    event = events("identity.verified").get(target_id=str(ada.pk))
    assert event.details == {"source": "identity_provider"}
    signed_in_as(page, ada)
    assert not run_axe(page)
    # A fresh federal sign-in is a recent authentication: enrolling a second factor (which
    # asks for one) opens at once, with no password prompt the account could not answer.
    page.goto("/accounts/2fa/totp/activate/")
    assert "/reauthenticate" not in page.url, page.url
    page.locator("input[name=code]").wait_for()

    # Signing in again reaches the same account and records nothing new.
    page.context.clear_cookies()
    sign_in_with_eid(page, "ada")
    assert people().filter(email="ada@idp.example").count() == 1
    assert events("identity.verified").filter(target_id=str(ada.pk)).count() == 1
    signed_in_as(page, ada)


def test_a_sign_in_reaches_the_account_holding_the_number_verified(page, fas):
    bert = UserFactory(email="bert.work@example.test", national_number=NUMBERS["b"])
    count = people().count()

    sign_in_with_eid(page, "bert")

    assert people().count() == count
    assert links().get(uid="bert").user == bert
    signed_in_as(page, bert)


def test_an_enrolled_second_factor_is_still_asked_after_the_provider(page, fas):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    bert = UserFactory(email="bert.work@example.test", national_number=NUMBERS["b"])
    TOTP.activate(bert, generate_totp_secret())

    sign_in_with_eid(page, "bert")

    # The portal's second factor is not replaced by the provider's sign-in (docs/DESIGN.md).
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    assert session_user(page) is None  # not signed in before the second factor


def test_a_sign_in_reaches_the_account_that_verified_the_same_e_mail(page, fas):
    chloe = UserFactory(email="chloe@example.test", national_number=None)
    count = people().count()

    sign_in_with_eid(page, "chloe")

    assert people().count() == count
    chloe.refresh_from_db()
    assert (chloe.national_number, chloe.national_number_verified) == (NUMBERS["c"], True)
    assert links().get(uid="chloe").user == chloe
    assert events("identity.verified").filter(target_id=str(chloe.pk)).exists()
    signed_in_as(page, chloe)


def test_an_unconfirmed_e_mail_is_not_linked(page, fas):
    # The address is typed on the portal but never confirmed: it proves nothing.
    from allauth.account.models import EmailAddress

    typist = UserFactory(email="chloe@example.test", national_number=None, verified_email=False)
    EmailAddress.objects.create(user=typist, email=typist.email, verified=False, primary=True)

    sign_in_with_eid(page, "chloe")

    assert not links().filter(user=typist).exists()
    typist.refresh_from_db()
    assert not typist.national_number_verified


def test_an_account_that_only_declared_the_number_is_not_linked(page, fas):
    typist = UserFactory(
        email="dirk.typed@example.test", national_number=NUMBERS["d"], declared=True
    )

    sign_in_with_eid(page, "dirk")

    dirk = people().get(email="dirk@idp.example")
    assert dirk.pk != typist.pk
    assert (dirk.national_number, dirk.national_number_verified) == (NUMBERS["d"], True)
    assert links().get(uid="dirk").user == dirk
    typist.refresh_from_db()
    assert not typist.national_number_verified
    assert not links().filter(user=typist).exists()
    signed_in_as(page, dirk)


# --- Verifying a signed-in account (the "verify" link) --------------------------------------


def test_the_verify_link_connects_and_verifies_the_signed_in_account(page, fas, settings):
    # A sign-in counts as recent authentication for REAUTHENTICATION_TIMEOUT (accounts/mfa.py);
    # past it, linking a way in to the account asks its holder to prove it first.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 2
    erik = UserFactory(email="erik@example.test", national_number=NUMBERS["e"], declared=True)
    sign_in(page, erik.email, PASSWORD)
    page.wait_for_load_state()
    time.sleep(2.5)
    page.goto("/account/settings/")
    page.locator("main a[href*='process=connect']").click()
    page.locator("main form button[type=submit]").last.click()
    at_provider(page, "erik")
    # Linking a way in to an account asks its holder to prove it first.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    erik.refresh_from_db()
    assert (erik.national_number_verified, erik.national_number_source) == (
        True,
        "identity_provider",
    )
    assert links().get(uid="erik").user == erik
    assert people().count() == 1


def test_the_verify_link_is_refused_for_a_number_verified_on_another_account(page, fas):
    holder = UserFactory(email="bert.work@example.test", national_number=NUMBERS["b"])
    other = UserFactory(email="other@example.test", national_number=None)
    sign_in(page, other.email, PASSWORD)
    page.goto("/account/settings/")
    page.locator("main a[href*='process=connect']").click()
    page.locator("main form button[type=submit]").last.click()

    with page.expect_response("**/login/callback/**") as answer:
        at_provider(page, "bert")

    assert answer.value.status == 403
    assert (
        page.locator("h1").inner_text()
        == "Ce numéro de registre national appartient à un autre compte"
    )
    other.refresh_from_db()
    assert not other.national_number_verified
    assert not links().exists()
    assert links().filter(user=holder).count() == 0


# --- Refusals: a clear page, nothing created ------------------------------------------------


@pytest.mark.parametrize(
    ("login", "title"),
    [
        ("nonum", "Votre numéro de registre national n'a pas été reçu"),
        ("badnum", "Votre numéro de registre national n'a pas pu être lu"),
    ],
    ids=["missing-claim", "malformed-claim"],
)
def test_a_missing_or_malformed_number_is_refused(page, fas, login, title):
    with page.expect_response("**/login/callback/**") as answer:
        sign_in_with_eid(page, login)

    assert answer.value.status == 403
    assert page.locator("h1").inner_text() == title
    assert not people().exists()
    assert not links().exists()
    assert not run_axe(page)


def test_a_provider_naming_another_issuer_is_refused(
    page, identity_provider, settings, live_server
):
    # Configured as http://localhost:<port>; its discovery document names 127.0.0.1.
    wrong = f"http://localhost:{identity_provider.port}"
    configure(settings, wrong, identity_provider.issuer)
    page.goto("/accounts/login/")
    page.get_by_role("link", name=PROVIDER_NAME).click()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("main form button[type=submit]").last.click()

    assert answer.value.status == 502
    assert page.locator("h1").inner_text() == "Le fournisseur d'identité n'est pas celui attendu"
    assert page.url.startswith(live_server.url)  # the person was never sent to it
    assert not people().exists()


def authorization_request(page) -> str:
    """Start a sign-in and return the authorization request the portal sent the browser to."""
    seen: list[str] = []
    page.on(
        "request", lambda request: seen.append(request.url) if "/auth?" in request.url else None
    )
    start_sign_in(page)
    assert seen, "the portal sent the browser to the provider"
    return seen[-1]


def changed(url: str, **params) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **params})))


def test_a_tampered_state_is_refused(page, fas):
    request = authorization_request(page)
    # The state is altered on the way: the provider answers with a state this browser's
    # session never issued.
    page.goto(changed(request, state="forged" + dict(parse_qsl(urlsplit(request).query))["state"]))
    with page.expect_response("**/login/callback/**") as answer:
        at_provider(page, "gus")

    assert answer.value.status == 400
    assert page.locator("h1").inner_text() == UNCHECKED
    assert not people().exists()
    assert not links().exists()


def test_a_replayed_callback_is_refused(page, fas):
    seen = callbacks(page)
    sign_in_with_eid(page, "gus")
    assert people().count() == 1
    page.context.clear_cookies()  # someone else's browser, or the same one later

    response = page.goto(seen[-1])

    assert response.status == 400
    assert page.locator("h1").inner_text() == UNCHECKED
    assert people().count() == 1
    assert links().count() == 1


def test_an_id_token_with_another_nonce_is_refused(page, fas):
    request = authorization_request(page)
    nonce = dict(parse_qsl(urlsplit(request).query)).get("nonce")
    assert nonce, "the portal sends a nonce"
    # The provider is asked with another nonce than the one the portal keeps for this state:
    # its ID token then answers another authorization request than this browser's.
    page.goto(changed(request, nonce="another-" + nonce))
    with page.expect_response("**/login/callback/**") as answer:
        at_provider(page, "gus")

    assert answer.value.status == 400
    assert page.locator("h1").inner_text() == UNCHECKED
    assert not people().exists()
    assert not links().exists()
