"""The decision API (OpenID AuthZEN 1.0): the matrix of answers, the batch, authentication,
malformed requests and the cost in queries.

Every state is reached through the services a manager, a holder or the registry import use
(ending, revoking, deactivating, expiring, deactivating the quality), except the dates of an
attribution and an enterprise's registry status, which are set as the import and time do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from allauth.idp.oidc.models import Client as OIDCClient
from allauth.idp.oidc.models import Token
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum.be import nn

from accounts.models import NationalNumberSource
from accounts.tests.factories import UserFactory, national_number_for
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from enterprises.tests.factories import EnterpriseFactory
from relying import decisions, services
from relying.tests.authzen_support import (
    EVALUATION,
    EVALUATIONS,
    client_credentials_token,
    person_access_token,
    post,
    question,
    sub_of,
)
from relying.tests.conftest import give
from roles.models import Application, RoleAttribution
from roles.services import attribution_end, attribution_grant_direct
from roles.services.lifecycle import expire_due
from roles.services.profile import attribution_deactivate
from tests.personas import activate, make_gl, quietly, rae_of, register, run_on_commit
from tests.security_helpers import snapshot

pytestmark = pytest.mark.django_db


@dataclass
class World:
    registration: object
    secret: str
    token: str
    holder: object
    gl: object
    eq: object
    attribution: RoleAttribution

    @property
    def enterprise(self) -> Enterprise:
        return self.eq.enterprise

    def sub(self, person=None) -> str:
        return sub_of(self.registration, person or self.holder)

    def ask(self, body, *, path: str = EVALUATION, token: str | None = None):
        return post(path, body, token=token or self.token)


@pytest.fixture
def w(registered, holder, gl, employer_eq) -> World:
    registration, secret = registered
    return World(
        registration=registration,
        secret=secret,
        token=client_credentials_token(registration.client_id, secret),
        holder=holder,
        gl=gl,
        eq=employer_eq,
        attribution=RoleAttribution.objects.get(person=holder, role__code="dimona-declaration"),
    )


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


def _other_registered_enterprise(w: World):
    other = EnterpriseFactory(name="Brasserie Voisine")
    _lr, rae = register(other)
    eq = activate(other, "employer", actor=rae)
    return eq, make_gl(eq)


# --- The matrix: each row sets a state up and says the answer ------------------------------


def allowed(w):
    return question(w.sub(), w.enterprise.number, "dimona-declaration")


def allowed_number_with_dots_and_prefix(w):
    n = w.enterprise.number
    return question(w.sub(), f"BE {n[:4]}.{n[4:7]}.{n[7:]}", "dimona-declaration")


def allowed_by_national_number(w):
    return question(
        nn.format(w.holder.national_number), w.enterprise.number, "dimona-declaration",
        subject_type="egovnrn",
    )  # fmt: skip


def ended(w):
    attribution_end(actor=w.gl, attribution=w.attribution)
    return allowed(w)


def revoked(w):
    attribution_end(actor=w.gl, attribution=w.attribution, revoke=True)
    return allowed(w)


def deactivated_by_holder(w):
    attribution_deactivate(actor=w.holder, attribution=w.attribution)
    return allowed(w)


def past_end_date(w):
    RoleAttribution.objects.filter(pk=w.attribution.pk).update(
        valid_from=_days(-30), valid_until=_days(-1)
    )
    return allowed(w)


def expired_by_the_daily_job(w):
    past_end_date(w)
    assert expire_due()
    assert RoleAttribution.objects.get(pk=w.attribution.pk).status == "expired"
    return allowed(w)


def not_yet_valid(w):
    person = UserFactory()
    run_on_commit(
        lambda: attribution_grant_direct(
            actor=w.gl,
            enterprise_quality=w.eq,
            roles=[w.attribution.role],
            national_number=person.national_number,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            valid_from=_days(3),
        )
    )
    return question(w.sub(person), w.enterprise.number, "dimona-declaration")


def other_enterprise(w):
    other_eq, _gl = _other_registered_enterprise(w)
    return question(w.sub(), other_eq.enterprise.number, "dimona-declaration")


def held_only_in_another_enterprise(w):
    other_eq, other_gl = _other_registered_enterprise(w)
    person = UserFactory()
    give(other_gl, other_eq, person, "dimona-declaration")
    return question(w.sub(person), w.enterprise.number, "dimona-declaration")


def other_applications_role(w):
    give(w.gl, w.eq, w.holder, "dmfa-declaration")
    return question(w.sub(), w.enterprise.number, "dmfa-declaration")


def unknown_role(w):
    return question(w.sub(), w.enterprise.number, "dimona-nonexistent")


def the_other_role_of_this_application(w):
    return question(w.sub(), w.enterprise.number, "dimona-consultation")


def unverified_person(w):
    person = UserFactory(declared=True)
    give(w.gl, w.eq, person, "dimona-declaration")
    return question(w.sub(person), w.enterprise.number, "dimona-declaration")


def unknown_subject(w):
    return question("987654321", w.enterprise.number, "dimona-declaration")


def subject_not_a_number(w):
    return question("alice@example.test", w.enterprise.number, "dimona-declaration")


def subject_with_a_leading_zero(w):
    return question("0" + w.sub(), w.enterprise.number, "dimona-declaration")


def subject_beyond_the_column(w):
    return question("9" * 40, w.enterprise.number, "dimona-declaration")


def inactive_account(w):
    type(w.holder).objects.filter(pk=w.holder.pk).update(is_active=False)
    return allowed(w)


def unknown_national_number(w):
    stranger = UserFactory.build()  # a valid number nobody holds here
    return question(
        stranger.national_number, w.enterprise.number, "dimona-declaration",
        subject_type="egovnrn",
    )  # fmt: skip


def only_declared_national_number(w):
    person = UserFactory(declared=True)
    return question(
        person.national_number, w.enterprise.number, "dimona-declaration",
        subject_type="egovnrn",
    )  # fmt: skip


def national_number_for_a_client_not_allowed_it(w):
    w.registration.allow_nrn = False
    services.client_change(actor=None, registration=w.registration)
    return allowed_by_national_number(w)


def quality_deactivated(w):
    enterprise_services.quality_deactivate(actor=rae_of(w.enterprise), enterprise_quality=w.eq)
    return allowed(w)


def enterprise_stopped(w):
    # The registry import marks a stopped enterprise so (status "ST").
    Enterprise.objects.filter(pk=w.enterprise.pk).update(status=Enterprise.Status.STOPPED)
    return allowed(w)


def enterprise_not_registered(w):
    return question(w.sub(), EnterpriseFactory().number, "dimona-declaration")


def enterprise_not_in_registry(w):
    return question(w.sub(), "0417.497.106", "dimona-declaration")


def enterprise_number_invalid(w):
    return question(w.sub(), "0123.456.789", "dimona-declaration")


MATRIX = [
    (allowed, True),
    (allowed_number_with_dots_and_prefix, True),
    (allowed_by_national_number, True),
    (ended, "ended"),
    (revoked, "ended"),
    (deactivated_by_holder, "ended"),
    (past_end_date, "expired"),
    (expired_by_the_daily_job, "expired"),
    (not_yet_valid, "not_yet_valid"),
    (other_enterprise, "no_role"),
    (held_only_in_another_enterprise, "no_role"),
    (other_applications_role, "not_this_application"),
    (unknown_role, "not_this_application"),
    (the_other_role_of_this_application, "no_role"),
    (unverified_person, "unverified"),
    (unknown_subject, "unknown_subject"),
    (subject_not_a_number, "unknown_subject"),
    (subject_with_a_leading_zero, "unknown_subject"),
    (subject_beyond_the_column, "unknown_subject"),
    (inactive_account, "unknown_subject"),
    (unknown_national_number, "unknown_subject"),
    (only_declared_national_number, "unknown_subject"),
    (national_number_for_a_client_not_allowed_it, "nrn_not_allowed"),
    (quality_deactivated, "enterprise_inactive"),
    (enterprise_stopped, "enterprise_inactive"),
    (enterprise_not_registered, "enterprise_inactive"),
    (enterprise_not_in_registry, "enterprise_unknown"),
    (enterprise_number_invalid, "enterprise_unknown"),
]


@pytest.mark.parametrize(("setup", "expected"), MATRIX, ids=[s.__name__ for s, _ in MATRIX])
def test_the_decision_matrix(w, setup, expected):
    with quietly():
        body = setup(w)
    response = w.ask(body)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    if expected is True:
        assert response.json() == {"decision": True}
    else:
        assert response.json() == {
            "decision": False,
            "context": {"id": expected, "reason_admin": {"en": decisions.REASONS[expected]}},
        }
    # The batch endpoint gives the same answer for the same question.
    batch = w.ask({"evaluations": [body]}, path=EVALUATIONS).json()
    assert batch == {"evaluations": [response.json()]}


def test_access_ends_on_the_very_next_call(w):
    body = allowed(w)
    assert w.ask(body).json()["decision"] is True
    attribution_end(actor=w.gl, attribution=w.attribution)
    assert w.ask(body).json()["context"]["id"] == "ended"


# --- The caller: an application's back-end, by client credentials, scoped to its roles ----


@pytest.fixture
def dmfa_client():
    """(registration, secret) of a second application, DmfA, not allowed national numbers."""
    return services.client_register(
        actor=None,
        application=Application.objects.get(code="dmfa"),
        redirect_uris=["https://dmfa.example.test/callback"],
    )


def test_another_application_is_answered_for_its_own_roles_only(w, dmfa_client):
    registration, secret = dmfa_client
    token = client_credentials_token(registration.client_id, secret)
    give(w.gl, w.eq, w.holder, "dmfa-declaration")
    sub = sub_of(registration, w.holder)
    ask = lambda role: w.ask(question(sub, w.enterprise.number, role), token=token).json()  # noqa: E731
    assert ask("dmfa-declaration") == {"decision": True}
    # The holder does hold Dimona's role there: DmfA is not told.
    assert ask("dimona-declaration")["context"]["id"] == "not_this_application"
    assert ask("dimona-declaration") == ask("dimona-nonexistent")
    # And Dimona is not told about DmfA's.
    other = w.ask(question(w.sub(), w.enterprise.number, "dmfa-declaration")).json()
    assert other["context"]["id"] == "not_this_application"


def _refused(response, *, presented: bool):
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"] == (
        'Bearer error="invalid_token"' if presented else "Bearer"
    )


@pytest.mark.parametrize("path", [EVALUATION, EVALUATIONS])
def test_a_post_without_a_bearer_token_is_refused_and_changes_nothing(w, path):
    before = snapshot()
    _refused(post(path, allowed(w)), presented=False)
    _refused(post(path, allowed(w), HTTP_AUTHORIZATION="Basic eDp5"), presented=True)
    assert snapshot() == before


def test_a_wrong_or_expired_token_is_refused(w):
    _refused(w.ask(allowed(w), token="not-a-token"), presented=True)
    Token.objects.filter(type=Token.Type.ACCESS_TOKEN, user=None).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _refused(w.ask(allowed(w)), presented=True)


def test_a_persons_access_token_is_not_an_applications(w):
    token = person_access_token(w.registration, w.secret, w.holder)
    # The token is good for the person's own userinfo...
    assert post("/identity/o/api/userinfo", {}, token=token).status_code == 200
    # ...not for asking about anybody's roles.
    _refused(w.ask(allowed(w), token=token), presented=True)


def test_a_client_that_is_no_application_of_the_catalogue_is_refused(w):
    from allauth.idp.oidc.adapter import get_adapter

    stray = OIDCClient(name="stray", type=OIDCClient.Type.CONFIDENTIAL)
    secret = get_adapter().generate_client_secret()
    stray.set_secret(secret)
    stray.set_grant_types([OIDCClient.GrantType.CLIENT_CREDENTIALS])
    stray.set_scopes(["openid"])
    stray.save()
    _refused(w.ask(allowed(w), token=client_credentials_token(stray.id, secret)), presented=True)


def test_the_token_from_an_independent_oauth_client_library(w, live_server):
    """authlib's OAuth2Session (requests) against a live server: the grant an application
    team would use, the token endpoint discovered, then a decision asked over HTTP."""
    from authlib.integrations.requests_client import OAuth2Session

    discovery = requests.get(
        f"{live_server.url}/.well-known/openid-configuration", timeout=10
    ).json()
    session = OAuth2Session(
        w.registration.client_id, w.secret, token_endpoint_auth_method="client_secret_basic"
    )
    # Discovery names the token endpoint by the portal's SITE_URL: keep its path only.
    token_path = discovery["token_endpoint"].split("/", 3)[3]
    session.fetch_token(f"{live_server.url}/{token_path}", grant_type="client_credentials")
    config = requests.get(f"{live_server.url}/.well-known/authzen-configuration", timeout=10).json()
    evaluation_path = config["access_evaluation_endpoint"].split("/", 3)[3]
    response = session.post(f"{live_server.url}/{evaluation_path}", json=allowed(w))
    assert response.status_code == 200
    assert response.json() == {"decision": True}


# --- The batch ----------------------------------------------------------------------------


def test_batch_defaults_and_overrides(w):
    body = {
        "subject": {"type": "user", "id": w.sub()},
        "action": {"name": "dimona-declaration"},
        "resource": {"type": "enterprise", "id": w.enterprise.number},
        "evaluations": [
            {},
            {"action": {"name": "dimona-consultation"}},
            {"resource": {"type": "enterprise", "id": "0417.497.106"}},
            {"subject": {"type": "user", "id": "987654321"}},
            {"subject": {"type": "egovnrn", "id": w.holder.national_number}},
        ],
    }
    answers = w.ask(body, path=EVALUATIONS).json()["evaluations"]
    assert [a["decision"] for a in answers] == [True, False, False, False, True]
    assert [a.get("context", {}).get("id") for a in answers] == [
        None, "no_role", "enterprise_unknown", "unknown_subject", None,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("semantic", "expected"),
    [
        ("execute_all", [True, False, True, False]),
        ("deny_on_first_deny", [True, False]),
        ("permit_on_first_permit", [True]),
    ],
)
def test_batch_semantics(w, semantic, expected):
    yes = allowed(w)
    no = unknown_role(w)
    body = {"options": {"evaluations_semantic": semantic}, "evaluations": [yes, no, yes, no]}
    answers = w.ask(body, path=EVALUATIONS).json()["evaluations"]
    assert [a["decision"] for a in answers] == expected


def test_permit_on_first_permit_answers_every_denial_before_it(w):
    no = unknown_role(w)
    body = {
        "options": {"evaluations_semantic": "permit_on_first_permit"},
        "evaluations": [no, no, allowed(w), no],
    }
    answers = w.ask(body, path=EVALUATIONS).json()["evaluations"]
    assert [a["decision"] for a in answers] == [False, False, True]


@pytest.mark.parametrize("items", [None, []])
def test_a_batch_without_items_is_one_evaluation(w, items):
    body = {**allowed(w), **({} if items is None else {"evaluations": items})}
    assert w.ask(body, path=EVALUATIONS).json() == {"decision": True}


def test_a_batch_of_a_thousand_and_no_more(w):
    yes = allowed(w)
    response = w.ask({"evaluations": [yes] * 1000}, path=EVALUATIONS)
    assert response.status_code == 200
    assert len(response.json()["evaluations"]) == 1000
    response = w.ask({"evaluations": [yes] * 1001}, path=EVALUATIONS)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_an_incomplete_item_names_its_place(w):
    body = {"evaluations": [allowed(w), {"action": {"name": "dimona-declaration"}}]}
    response = w.ask(body, path=EVALUATIONS)
    assert response.status_code == 400
    assert "evaluations[1].subject" in response.json()["error_description"]


# --- Cost: a constant number of queries -----------------------------------------------------


def _many_attributions(w, count: int) -> None:
    """`count` more attributions in the holder's enterprise: other people's, and a long
    history of the holder's own ended ones (what a denial's reasons read)."""
    User = type(w.holder)
    start = User.objects.count()
    people = User.objects.bulk_create(
        [
            User(
                email=f"bulk{start + i}@example.test",
                national_number=national_number_for(100_000 + start + i),
                national_number_verified=True,
                national_number_source=NationalNumberSource.IDENTITY_PROVIDER,
                national_number_verified_at=timezone.now(),
            )
            for i in range(count // 2)
        ]
    )
    common = {
        "enterprise": w.enterprise,
        "enterprise_quality": w.eq,
        "role": w.attribution.role,
        "first_name": "Bulk",
        "last_name": "Person",
        "email": "bulk@example.test",
        "source": "direct",
        "granted_by": w.gl,
    }
    RoleAttribution.objects.bulk_create(
        [RoleAttribution(person=p, national_number=p.national_number, **common) for p in people]
        + [
            RoleAttribution(
                person=w.holder, national_number=w.holder.national_number, status="ended", **common
            )
            for _ in range(count - len(people))
        ]
    )


def _queries(w, body, path=EVALUATION) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = w.ask(body, path=path)
    assert response.status_code == 200
    return len(queries)


# One statement: the caller (its token with its registration) with the holder of an
# effective attribution asked about; a denial adds the person, the role, the enterprise
# and the attributions behind it.
ALLOWED_QUERIES = 1
DENIED_QUERIES = 5


def test_a_decision_costs_the_same_queries_with_ten_or_many_attributions(
    w, django_assert_num_queries
):
    _many_attributions(w, 9)
    assert RoleAttribution.objects.count() == 10
    with django_assert_num_queries(ALLOWED_QUERIES):
        assert w.ask(allowed(w)).json()["decision"] is True
    give(w.gl, w.eq, w.holder, "dimona-consultation")
    attribution_end(
        actor=w.gl,
        attribution=RoleAttribution.objects.get(person=w.holder, role__code="dimona-consultation"),
    )
    denied = question(w.sub(), w.enterprise.number, "dimona-consultation")
    with django_assert_num_queries(DENIED_QUERIES):
        assert w.ask(denied).json()["context"]["id"] == "ended"

    _many_attributions(w, 3000)
    assert RoleAttribution.objects.count() > 3000
    with django_assert_num_queries(ALLOWED_QUERIES):
        assert w.ask(allowed(w)).json()["decision"] is True
    with django_assert_num_queries(DENIED_QUERIES):
        assert w.ask(denied).json()["context"]["id"] == "ended"


def test_a_batch_costs_the_same_queries_for_five_or_five_hundred_questions(w):
    def mixed(n):
        people = [UserFactory() for _ in range(n // 5)]
        for person in people:
            give(w.gl, w.eq, person, "dimona-declaration")
        items = []
        for i, person in enumerate(people):
            sub = w.sub(person)
            items += [
                question(sub, w.enterprise.number, "dimona-declaration"),
                question(sub, w.enterprise.number, "dimona-consultation"),
                question(sub, "0417.497.106", "dimona-declaration"),
                question(str(10**9 + i), w.enterprise.number, "dimona-declaration"),
                question(person.national_number, w.enterprise.number, "dimona-declaration",
                         subject_type="egovnrn"),
            ]  # fmt: skip
        return {"evaluations": items}

    with quietly():
        small, large = mixed(5), mixed(500)
    assert len(large["evaluations"]) == 500
    assert _queries(w, small, EVALUATIONS) == _queries(w, large, EVALUATIONS)
    answers = w.ask(large, path=EVALUATIONS).json()["evaluations"]
    assert [a["decision"] for a in answers[:5]] == [True, False, False, False, True]


# --- Malformed requests: 400, never a 500, nothing changed ----------------------------------

NESTED = '{"context": ' * 40 + "{}" + "}" * 40


def _good(w):
    return allowed(w)


MALFORMED = [
    ("not JSON", lambda w: b"{not json"),
    ("not UTF-8", lambda w: b'{"subject": "\xff"}'),
    ("an array", lambda w: b"[1, 2]"),
    ("NaN", lambda w: json.dumps(_good(w)).replace("}}", '}, "context": {"x": NaN}}', 1)),
    ("nested too deep", lambda w: NESTED),
    ("subject not an object", lambda w: {**_good(w), "subject": "x"}),
    ("subject id a number", lambda w: {**_good(w), "subject": {"type": "user", "id": 1}}),
    ("subject id empty", lambda w: {**_good(w), "subject": {"type": "user", "id": ""}}),
    ("subject id too long", lambda w: {**_good(w), "subject": {"type": "user", "id": "1" * 256}}),
    ("NUL in an id", lambda w: {**_good(w), "action": {"name": "dimona\x00-declaration"}}),
    ("NUL in the context", lambda w: {**_good(w), "context": {"note": "a\x00b"}}),
    ("NUL in a key", lambda w: {**_good(w), "context": {"a\x00": 1}}),
    ("lone surrogate", lambda w: json.dumps(_good(w)).replace(w.sub(), "\\ud800")),
    ("not ASCII", lambda w: {**_good(w), "action": {"name": "dimona-déclaration"}}),
    ("unknown subject type", lambda w: {**_good(w), "subject": {"type": "group", "id": "1"}}),
    ("resource not an enterprise", lambda w: {**_good(w), "resource": {"type": "doc", "id": "1"}}),
    ("action missing", lambda w: {k: v for k, v in _good(w).items() if k != "action"}),
    ("properties not an object", lambda w: {**_good(w), "action": {"name": "x", "properties": 1}}),
    ("context not an object", lambda w: {**_good(w), "context": []}),
    ("huge body", lambda w: {**_good(w), "context": {"x": "a" * (1024 * 1024)}}),
    (
        "huge number",
        lambda w: json.dumps(_good(w))[:-1] + ', "context": {"n": 1' + "0" * 5000 + "}}",
    ),
]


@pytest.mark.parametrize(("name", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("path", [EVALUATION, EVALUATIONS])
def test_a_malformed_request_is_a_400_and_changes_nothing(w, name, body, path):
    before = snapshot()
    response = w.ask(body(w), path=path)
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"evaluations": {}},
        {"evaluations": ["x"]},
        {"evaluations": [{}], "options": []},
        {"evaluations": [{}], "options": {"evaluations_semantic": "first"}},
    ],
)
def test_a_malformed_batch_is_a_400(w, body):
    response = w.ask(body, path=EVALUATIONS)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("path", [EVALUATION, EVALUATIONS])
@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_are_405(w, path, method):
    from django.test import Client

    response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {w.token}")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


def test_the_request_id_is_echoed(w):
    response = post(EVALUATION, allowed(w), token=w.token, HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    response = post(EVALUATION, allowed(w), token=w.token, HTTP_X_REQUEST_ID="a b")
    assert "X-Request-ID" not in response


# --- Metadata ----------------------------------------------------------------------------


def test_the_metadata_names_the_endpoints_absolutely(settings, client):
    settings.SITE_URL = "https://roles.example.test"
    response = client.get("/.well-known/authzen-configuration")
    assert response.status_code == 200
    assert response.json() == {
        "policy_decision_point": "https://roles.example.test",
        "access_evaluation_endpoint": "https://roles.example.test/access/v1/evaluation",
        "access_evaluations_endpoint": "https://roles.example.test/access/v1/evaluations",
    }
    assert client.post("/.well-known/authzen-configuration").status_code == 405


def test_the_reasons_are_the_ones_described(client):
    described = client.get("/access/v1/openapi.json").json()
    denial = described["components"]["schemas"]["DenialContext"]
    assert denial["properties"]["id"]["enum"] == list(decisions.REASONS)
    assert {
        "unknown_subject", "unverified", "not_this_application", "no_role", "ended", "expired",
        "not_yet_valid", "enterprise_unknown", "enterprise_inactive", "nrn_not_allowed",
    } <= set(decisions.REASONS)  # fmt: skip
