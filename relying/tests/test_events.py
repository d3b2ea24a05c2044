"""Revocation events: a signed Security Event Token per ended attribution, pushed to the
application's events URL (a real HTTP receiver here), retried, never sent twice."""

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlparse

import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from accounts.tests.factories import UserFactory
from enterprises import services as enterprise_services
from enterprises.importer import import_cbe
from enterprises.tests.factories import EnterpriseFactory
from enterprises.tests.test_import_cbe import ENTERPRISE_HEADER, write_csv
from portal.models import OutboxMessage
from relying import delivery, events, services, task_names, tasks
from relying.models import SecurityEvent
from relying.tests.conftest import REDIRECT_URI, give
from relying.tests.receiver import Receiver
from roles import services as role_services
from roles.models import Application, RoleAttribution
from tests.concurrency import ON_POSTGRES, run_together
from tests.personas import run_on_commit, signed_in

pytestmark = pytest.mark.django_db

SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked"
TOKEN_CLAIMS_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/token-claims-change"


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def listening(dimona, receiver):
    """(registration, secret) of Dimona's client, pushing its events to `receiver`."""
    return services.client_register(
        actor=None,
        application=dimona,
        redirect_uris=[REDIRECT_URI],
        events_url=receiver.url,
        allow_nrn=True,
    )


def end(gl, attribution, *, revoke=False):
    run_on_commit(
        lambda: role_services.attribution_end(actor=gl, attribution=attribution, revoke=revoke)
    )


def verified(token: str):
    """The SET checked as an application would: joserfc, the JWKS the portal serves."""
    keys = KeySet.import_key_set(Client().get("/.well-known/jwks.json").json())
    return jwt.decode(token, keys, algorithms=["RS256"])


def sign_in(registration, secret, person) -> dict:
    """The ID token's claims of a code + PKCE sign-in of `person` (as test_smoke_flow)."""
    client = signed_in(person)
    verifier = generate_token(48)
    response = client.get(
        "/identity/o/authorize",
        {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid enterprise roles",
            "state": generate_token(16),
            "nonce": generate_token(16),
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    basic = base64.b64encode(f"{registration.client_id}:{secret}".encode()).decode()
    token = client.post(
        "/identity/o/api/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=f"Basic {basic}",
    ).json()
    return verified(token["id_token"]).claims


# --- What is sent ---------------------------------------------------------------------------


def test_an_ended_role_is_one_signed_session_revoked_event(
    listening, receiver, gl, employer_eq, holder
):
    registration, secret = listening
    sub = sign_in(registration, secret, holder)["sub"]
    attribution = RoleAttribution.objects.get(person=holder)
    before = timezone.now()

    end(gl, attribution)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/events"
    assert request.headers["content-type"] == "application/secevent+jwt"
    assert request.headers["accept"] == "application/json"
    token = verified(request.body.decode())
    keys = Client().get("/.well-known/jwks.json").json()["keys"]
    assert token.header == {"alg": "RS256", "kid": keys[0]["kid"], "typ": "secevent+jwt"}
    event = SecurityEvent.objects.get()
    claims = token.claims
    assert claims["iss"] == settings.SITE_URL
    assert claims["aud"] == registration.client_id
    assert claims["jti"] == event.jti and len(event.jti) == 32
    assert abs(claims["iat"] - before.timestamp()) < 60
    assert claims["sub_id"] == {
        "format": "complex",
        "user": {"format": "opaque", "id": sub},
        "tenant": {"format": "opaque", "id": employer_eq.enterprise.number},
    }
    attribution.refresh_from_db()
    assert claims["events"] == {
        SESSION_REVOKED: {
            "event_timestamp": int(attribution.ended_at.timestamp()),
            "initiating_entity": "admin",
            "reason_admin": {"en": "The role was ended by a manager of the enterprise."},
        }
    }
    assert (event.status, event.attempts, event.last_status_code) == ("delivered", 1, 202)
    assert event.delivered_at is not None
    assert (event.person, event.enterprise) == (holder, employer_eq.enterprise)
    assert event.event_type == SESSION_REVOKED
    assert event.source == f"attribution:{attribution.pk}:ended"


def test_a_tampered_event_does_not_verify(listening, receiver, gl, holder):
    end(gl, RoleAttribution.objects.get(person=holder))
    header, payload, signature = receiver.tokens[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["aud"] = "another-client"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        verified(f"{header}.{forged}.{signature}")


def test_a_role_still_held_there_makes_a_token_claims_change(listening, receiver, gl, employer_eq):
    person = UserFactory()
    give(gl, employer_eq, person, "dimona-declaration", "dimona-consultation")
    declaration = RoleAttribution.objects.get(person=person, role__code="dimona-declaration")

    end(gl, declaration, revoke=True)

    claims = verified(receiver.tokens[0]).claims
    assert claims["events"] == {
        TOKEN_CLAIMS_CHANGE: {
            "event_timestamp": claims["events"][TOKEN_CLAIMS_CHANGE]["event_timestamp"],
            "initiating_entity": "admin",
            "reason_admin": {"en": "The role was revoked by a manager of the enterprise."},
            "claims": {"roles": ["dimona-consultation"]},
        }
    }
    assert SecurityEvent.objects.get().event_type == TOKEN_CLAIMS_CHANGE


def _deactivate(gl, attribution):
    run_on_commit(
        lambda: role_services.attribution_deactivate(
            actor=attribution.person, attribution=attribution
        )
    )


def _expire(gl, attribution):
    today = timezone.localdate()
    RoleAttribution.objects.filter(pk=attribution.pk).update(
        valid_from=today - dt.timedelta(days=10), valid_until=today - dt.timedelta(days=1)
    )
    run_on_commit(role_services.expire_due)


@pytest.mark.parametrize(
    ("way", "status", "initiating_entity"),
    [
        (lambda gl, a: end(gl, a), "ended", "admin"),
        (lambda gl, a: end(gl, a, revoke=True), "revoked", "admin"),
        (_deactivate, "deactivated", "user"),
        (_expire, "expired", "system"),
    ],
    ids=["ended", "revoked", "deactivated", "expired"],
)
def test_every_way_a_role_ends_is_told_once(
    listening, receiver, gl, holder, way, status, initiating_entity
):
    attribution = RoleAttribution.objects.get(person=holder)

    way(gl, attribution)

    assert len(receiver.received) == 1
    (event_type, event), *others = verified(receiver.tokens[0]).claims["events"].items()
    assert (event_type, others) == (SESSION_REVOKED, [])
    assert event["initiating_entity"] == initiating_entity
    assert SecurityEvent.objects.get().source == f"attribution:{attribution.pk}:{status}"


def test_a_citizen_capacity_has_no_tenant():
    moment = timezone.now()
    claims = events.claims(
        jti="a" * 32,
        issued_at=moment,
        audience="client",
        subject="7",
        tenant=None,
        event_type=events.SESSION_REVOKED,
        occurred_at=moment,
        initiating_entity="system",
        reason="Gone.",
        roles=[],
    )
    assert claims["sub_id"] == {"format": "complex", "user": {"format": "opaque", "id": "7"}}
    assert list(claims["events"]) == [SESSION_REVOKED]


# --- Who is told ----------------------------------------------------------------------------


def test_a_client_without_events_url_gets_no_event(registered, gl, holder):
    end(gl, RoleAttribution.objects.get(person=holder))

    assert OutboxMessage.objects.filter(task_name=task_names.ATTRIBUTIONS_ENDED).count() == 1
    assert not SecurityEvent.objects.exists()


def test_another_applications_client_gets_nothing(listening, receiver, gl, employer_eq, holder):
    with Receiver() as other:
        dmfa, _secret = services.client_register(
            actor=None,
            application=Application.objects.get(code="dmfa"),
            redirect_uris=["https://dmfa.example.test/callback"],
            events_url=other.url,
        )
        give(gl, employer_eq, holder, "dmfa-declaration")

        end(gl, RoleAttribution.objects.get(person=holder, role__code="dimona-declaration"))

        assert other.received == []
    assert len(receiver.received) == 1
    assert verified(receiver.tokens[0]).claims["aud"] == listening[0].client_id
    assert not SecurityEvent.objects.filter(client=dmfa.client).exists()


def test_an_application_without_a_client_gets_nothing(listening, receiver, gl, employer_eq):
    person = UserFactory()
    (attribution,) = give(gl, employer_eq, person, "dmfa-declaration")

    end(gl, attribution)

    assert receiver.received == []
    assert not SecurityEvent.objects.exists()


def test_deactivating_a_quality_tells_each_attribution_under_it(
    listening, receiver, gl, employer_eq, holder
):
    other = UserFactory()
    give(gl, employer_eq, other, "dimona-declaration", "dimona-consultation")
    ended = give(gl, employer_eq, UserFactory(), "dimona-declaration")
    end(gl, ended[0])  # already told, and no longer giving access
    receiver.received.clear()
    rae = employer_eq.activated_by

    run_on_commit(
        lambda: enterprise_services.quality_deactivate(actor=rae, enterprise_quality=employer_eq)
    )

    tokens = [verified(token).claims for token in receiver.tokens]
    assert len(tokens) == 3
    assert {c["events"][SESSION_REVOKED]["initiating_entity"] for c in tokens} == {"admin"}
    assert len({c["jti"] for c in tokens}) == 3
    told = SecurityEvent.objects.filter(source__startswith="quality-deactivated:")
    assert sorted(told.values_list("person_id", flat=True)) == sorted(
        [holder.pk, other.pk, other.pk]
    )
    assert set(told.values_list("status", flat=True)) == {"delivered"}

    # The task again (a duplicate message): nothing new is made or sent.
    message = OutboxMessage.objects.get(task_name=task_names.QUALITY_DEACTIVATED)
    run_on_commit(lambda: tasks.quality_deactivated.apply(args=message.args))
    assert told.count() == 3 and len(receiver.received) == 3


def test_a_registered_enterprise_stopped_by_the_registry_import_is_told(
    listening, receiver, employer_eq, holder, tmp_path
):
    enterprise = employer_eq.enterprise
    unregistered = EnterpriseFactory()
    write_csv(
        tmp_path / "enterprise.csv",
        ENTERPRISE_HEADER,
        [
            [enterprise.number, "ST", "000", "2", "014", "", "01-01-2000"],
            [unregistered.number, "ST", "000", "2", "014", "", "01-01-2000"],
        ],
    )

    run_on_commit(lambda: import_cbe(tmp_path))

    enterprise.refresh_from_db()
    assert enterprise.status == "ST"
    (token,) = receiver.tokens
    claims = verified(token).claims
    assert claims["sub_id"]["tenant"]["id"] == enterprise.number
    assert claims["events"][SESSION_REVOKED]["initiating_entity"] == "system"
    assert SecurityEvent.objects.get().source.startswith("enterprise-stopped:")


def test_a_dry_run_of_the_import_tells_nobody(listening, receiver, employer_eq, holder, tmp_path):
    write_csv(
        tmp_path / "enterprise.csv",
        ENTERPRISE_HEADER,
        [[employer_eq.enterprise.number, "ST", "000", "2", "014", "", "01-01-2000"]],
    )

    run_on_commit(lambda: import_cbe(tmp_path, dry_run=True))

    assert receiver.received == []
    assert not SecurityEvent.objects.exists()


# --- Delivery -------------------------------------------------------------------------------


def test_a_receiver_error_is_retried_and_delivered_once(listening, receiver, gl, holder, settings):
    settings.TASK_RETRY_JITTER = False
    receiver.answers = [(500, None), (503, {"err": "busy"})]

    end(gl, RoleAttribution.objects.get(person=holder))

    assert len(receiver.received) == 3
    assert len(set(receiver.tokens)) == 1  # the same event, the same jti, each time
    event = SecurityEvent.objects.get()
    assert (event.status, event.attempts, event.last_status_code) == ("delivered", 3, 202)
    # Each retry went through the outbox, with an exponential backoff.
    retries = OutboxMessage.objects.filter(task_name=task_names.DELIVER_EVENT, eta__isnull=False)
    delays = [round((m.eta - m.created_at).total_seconds()) for m in retries.order_by("pk")]
    assert delays == [settings.TASK_RETRY_BACKOFF, 2 * settings.TASK_RETRY_BACKOFF]

    assert delivery.deliver(event.pk) == "skipped"
    assert len(receiver.received) == 3


def test_a_rejected_event_is_not_retried(listening, receiver, gl, holder):
    receiver.answers = [(400, {"err": "invalid_audience", "description": "Not for us."})]

    end(gl, RoleAttribution.objects.get(person=holder))

    assert len(receiver.received) == 1
    event = SecurityEvent.objects.get()
    assert (event.status, event.attempts, event.last_status_code) == ("rejected", 1, 400)
    assert event.last_error == "invalid_audience: Not for us."
    assert event.delivered_at is None


def test_an_event_never_accepted_fails_after_the_retries(listening, receiver, gl, holder, settings):
    settings.TASK_MAX_RETRIES = 2
    receiver.answers = [(500, None)] * 10

    end(gl, RoleAttribution.objects.get(person=holder))

    assert len(receiver.received) == 3
    event = SecurityEvent.objects.get()
    assert (event.status, event.attempts, event.last_status_code) == ("failed", 3, 500)


def test_an_unreachable_receiver_is_retried_then_failed(listening, gl, holder, settings):
    settings.TASK_MAX_RETRIES = 1
    with Receiver() as closed:
        url = closed.url  # nothing listens there once it is closed
    registration = listening[0]
    registration.events_url = url
    registration.save()

    end(gl, RoleAttribution.objects.get(person=holder))

    event = SecurityEvent.objects.get()
    assert (event.status, event.attempts, event.last_status_code) == ("failed", 2, None)
    assert "Connection" in event.last_error


def test_running_the_task_twice_sends_once(listening, receiver, gl, holder):
    attribution = RoleAttribution.objects.get(person=holder)
    end(gl, attribution)

    run_on_commit(lambda: tasks.attributions_ended.apply(args=[attribution.pk]))

    assert SecurityEvent.objects.count() == 1
    assert len(receiver.received) == 1


def pending_event(gl, attribution) -> SecurityEvent:
    """The event of ending `attribution`, made but not delivered yet (its delivery task,
    queued on commit, is not run here)."""
    role_services.attribution_end(actor=gl, attribution=attribution)
    (event_id,) = events.attributions_ended([attribution.pk])
    return SecurityEvent.objects.get(pk=event_id)


def test_an_event_leased_by_another_run_is_left_to_it(listening, receiver, gl, holder):
    event = pending_event(gl, RoleAttribution.objects.get(person=holder))
    assert (event.status, event.attempts) == ("pending", 0)
    SecurityEvent.objects.filter(pk=event.pk).update(
        claimed_by="worker-a", resume_after=timezone.now() + delivery.LEASE
    )

    assert delivery.deliver(event.pk, claim="worker-b") == "skipped"
    assert receiver.received == []
    # The same message redelivered after worker-a died takes its lease over at once.
    assert delivery.deliver(event.pk, claim="worker-a") == "delivered"
    assert len(receiver.received) == 1
    assert delivery.deliver(event.pk, claim="worker-a") == "skipped"
    assert len(receiver.received) == 1


def test_a_stalled_event_is_resumed_by_the_sweeper(listening, receiver, gl, holder):
    event = pending_event(gl, RoleAttribution.objects.get(person=holder))
    assert run_on_commit(delivery.resume_stalled) == 0  # its task may still come
    # Its run died with the lease (or Redis lost the message): queued again, delivered.
    SecurityEvent.objects.filter(pk=event.pk).update(
        claimed_by="dead-worker", resume_after=timezone.now() - dt.timedelta(seconds=1)
    )

    assert run_on_commit(delivery.resume_stalled) == 1

    event.refresh_from_db()
    assert (event.status, event.attempts) == ("delivered", 1)
    assert len(receiver.received) == 1
    assert run_on_commit(delivery.resume_stalled) == 0


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_one_event_send_it_once(listening, receiver, holder, employer_eq):
    registration = listening[0]
    now = timezone.now()
    event = SecurityEvent.objects.create(
        source="test:two-workers",
        client=registration.client,
        person=holder,
        enterprise=employer_eq.enterprise,
        event_type=events.SESSION_REVOKED,
        claims=events.claims(
            jti="b" * 32,
            issued_at=now,
            audience=registration.client_id,
            subject=str(holder.pk),
            tenant=employer_eq.enterprise.number,
            event_type=events.SESSION_REVOKED,
            occurred_at=now,
            initiating_entity="admin",
            reason="Test.",
            roles=[],
        ),
    )
    receiver.delay = 0.3  # the first push is still under way when the second worker starts

    outcomes = run_together(
        lambda: delivery.deliver(event.pk, claim="worker-a"),
        lambda: delivery.deliver(event.pk, claim="worker-b"),
    )

    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(receiver.received) == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("delivered", 1)


# --- The log staff read ---------------------------------------------------------------------


def test_staff_read_the_delivery_log_and_cannot_change_it(listening, receiver, gl, holder):
    end(gl, RoleAttribution.objects.get(person=holder))
    event = SecurityEvent.objects.get()
    staff = signed_in(UserFactory(is_staff=True, is_superuser=True))
    changelist = "/admin/relying/securityevent/"

    found = staff.get(changelist, {"q": event.jti, "status__exact": "delivered"})
    assert found.status_code == 200
    assert event.jti in found.content.decode()
    assert event.jti not in staff.get(changelist, {"status__exact": "failed"}).content.decode()
    assert staff.get(f"{changelist}{event.pk}/change/").status_code == 200
    assert staff.get(f"{changelist}add/").status_code == 403
    assert staff.post(f"{changelist}{event.pk}/change/", {"status": "pending"}).status_code == 403
    assert staff.post(f"{changelist}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.status == "delivered"


def test_no_event_for_someone_who_never_signed_up(listening, receiver, gl, employer_eq):
    """An attribution waiting for its person's account (by national number) had no session."""
    (attribution,) = run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=employer_eq,
            roles=list(listening[0].application.roles.filter(code="dimona-declaration")),
            national_number="85073003328",
            first_name="Lucie",
            last_name="Renard",
            email="lucie@example.test",
        )
    )
    assert attribution.person is None

    end(gl, attribution)

    assert receiver.received == []
    assert not SecurityEvent.objects.exists()
