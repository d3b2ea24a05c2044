"""Revocation events: which applications must be told that a person's access ended, and the
Security Event Tokens (RFC 8417, OpenID CAEP) that tell them.

A change that ends access (an attribution ended, revoked, deactivated or expired; a quality
deactivated; an enterprise stopped in the registry) makes one `SecurityEvent` per ended
attribution and client concerned: the client of the role's application, when it has an
events URL. The event says `session-revoked` when the person holds no effective role of
that application in that enterprise and quality any more (the capacity their tokens carry),
`token-claims-change` with the roles still held otherwise, read when the event is made.

Each event is unique per change and client (`source`): the tasks that call this module may
run twice (a duplicate publish, a redelivery) and create nothing the second time; only the
events created now are handed to the delivery (`relying/delivery.py`), through the outbox.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from allauth.core.internal import jwkkit
from allauth.idp.oidc.adapter import get_adapter
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise, EnterpriseQuality
from mandates import rules as mandate_rules
from portal.models import AuditEvent
from portal.outbox import enqueue
from relying import capacities, task_names
from relying.models import ApplicationClient, SecurityEvent, new_jti
from roles.models import RoleAttribution

SESSION_REVOKED = SecurityEvent.Type.SESSION_REVOKED
TOKEN_CLAIMS_CHANGE = SecurityEvent.Type.TOKEN_CLAIMS_CHANGE
# RFC 8417 §2.3: the media type of a SET, also its `typ` header (without "application/").
MEDIA_TYPE = "application/secevent+jwt"
# Events made (and enqueued) per transaction: a quality with 100,000 attributions is
# handled in steps that each commit, so a crash half-way redoes only the rest.
CHUNK = 500

# A pending event no task has moved on by then is queued again by the sweeper (beat).
STALLED_AFTER = timedelta(minutes=10)

Status = RoleAttribution.Status

# How each end of an attribution reads to the application: CAEP's `initiating_entity` and
# the `reason_admin` shown to its administrators (English: the application's logs are not
# the portal's pages, and one language keeps them searchable).
ENDINGS: dict[str, tuple[str, str]] = {
    Status.ENDED: ("admin", "The role was ended by a manager of the enterprise."),
    Status.REVOKED: ("admin", "The role was revoked by a manager of the enterprise."),
    Status.DEACTIVATED: ("user", "The holder of the role deactivated it."),
    Status.EXPIRED: ("system", "The role reached its end date."),
}
QUALITY_DEACTIVATED = ("admin", "The quality was deactivated in the enterprise.")
ENTERPRISE_STOPPED = ("system", "The enterprise is stopped in the Crossroads Bank for Enterprises.")
# A role held for a client through a provider that ended with the mandate behind it.
MANDATE_ENDINGS: dict[str, tuple[str, str]] = {
    Status.ENDED: ("admin", "The mandate through which the person acted for the enterprise ended."),
    Status.EXPIRED: (
        "system",
        "The mandate through which the person acted for the enterprise reached its end "
        "(its end date, or its transfer to another provider).",
    ),
}


@dataclass(frozen=True)
class Change:
    """One attribution that stopped giving access, and why."""

    source: str  # unique per change of this attribution: the event's key with the client
    attribution: RoleAttribution
    initiating_entity: str
    reason: str
    at: datetime


# --- Which changes --------------------------------------------------------------------------


def _attributions():
    return RoleAttribution.objects.filter(person__isnull=False).select_related(
        "person", "enterprise", "role"
    )


def _ending(attribution, today) -> tuple[str, str]:
    """Why it reads as ended: its own end, or the end of the mandate it was held under."""
    mandate = attribution.mandate
    if mandate is not None and attribution.status in MANDATE_ENDINGS:
        over = mandate.state not in mandate_rules.HOLDING_STATES or (
            mandate.end_date is not None and mandate.end_date < today
        )
        if over:
            return MANDATE_ENDINGS[attribution.status]
    return ENDINGS[attribution.status]


def attributions_ended(attribution_ids: Iterable[int]) -> list[int]:
    """Events for attributions that ended, were revoked, deactivated or expired (with the
    mandate they were held under, when that is why)."""
    ended = (
        _attributions()
        .select_related("mandate")
        .filter(pk__in=list(attribution_ids), status__in=list(ENDINGS))
    )
    today = timezone.localdate()
    return create(
        Change(
            source=f"attribution:{attribution.pk}:{attribution.status}",
            attribution=attribution,
            initiating_entity=_ending(attribution, today)[0],
            reason=_ending(attribution, today)[1],
            at=attribution.ended_at or attribution.updated_at,
        )
        for attribution in ended.order_by("pk").iterator(chunk_size=CHUNK)
    )


def quality_deactivated(enterprise_quality_id: int, audit_event_id: int) -> list[int]:
    """Events for every attribution that gave access under the quality until it was
    deactivated (`audit_event_id`, the deactivation's audit event, tells this deactivation
    from a later one of the same quality)."""
    eq = EnterpriseQuality.objects.filter(pk=enterprise_quality_id).first()
    if eq is None or eq.is_active:
        return []  # activated again meanwhile: its roles give access again
    at = _when(audit_event_id)
    lost = (
        _attributions()
        .current()
        .filter(
            enterprise_quality=eq,
            enterprise__status=Enterprise.Status.ACTIVE,
            enterprise__registration__isnull=False,
        )
    )
    return create(
        Change(
            source=f"quality-deactivated:{audit_event_id}:{attribution.pk}",
            attribution=attribution,
            initiating_entity=QUALITY_DEACTIVATED[0],
            reason=QUALITY_DEACTIVATED[1],
            at=at,
        )
        for attribution in lost.order_by("pk").iterator(chunk_size=CHUNK)
    )


def enterprises_stopped(audit_event_id: int, enterprise_ids: Iterable[int]) -> list[int]:
    """Events for every attribution that gave access in registered enterprises the registry
    import (`audit_event_id`) found stopped."""
    at = _when(audit_event_id)
    lost = (
        _attributions()
        .current()
        .filter(
            enterprise_id__in=list(enterprise_ids),
            enterprise__status=Enterprise.Status.STOPPED,  # not active again meanwhile
            enterprise__registration__isnull=False,
            enterprise_quality__status=EnterpriseQuality.Status.ACTIVE,
        )
    )
    return create(
        Change(
            source=f"enterprise-stopped:{audit_event_id}:{attribution.pk}",
            attribution=attribution,
            initiating_entity=ENTERPRISE_STOPPED[0],
            reason=ENTERPRISE_STOPPED[1],
            at=at,
        )
        for attribution in lost.order_by("pk").iterator(chunk_size=CHUNK)
    )


def _when(audit_event_id: int) -> datetime:
    event = AuditEvent.objects.filter(pk=audit_event_id).only("created_at").first()
    return event.created_at if event is not None else timezone.now()


# --- Making the events ----------------------------------------------------------------------


def _chunks(changes: Iterable[Change]) -> Iterator[list[Change]]:
    chunk: list[Change] = []
    for change in changes:
        chunk.append(change)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def create(changes: Iterable[Change]) -> list[int]:
    """The events of these changes, one per change and client concerned; returns the ids
    of the events created now, each handed to the delivery in the same transaction."""
    created: list[int] = []
    for chunk in _chunks(changes):
        created += _create_chunk(chunk)
    return created


def _create_chunk(changes: list[Change]) -> list[int]:
    registrations = {
        registration.application_id: registration
        for registration in ApplicationClient.objects.filter(
            application_id__in={change.attribution.role.application_id for change in changes}
        )
        .exclude(events_url="")
        .select_related("client")
    }
    concerned = [
        (change, registrations[change.attribution.role.application_id])
        for change in changes
        if change.attribution.role.application_id in registrations
    ]
    if not concerned:
        return []
    held = capacities.role_codes_held(
        _capacity_key(change.attribution, reg) for change, reg in concerned
    )
    adapter = get_adapter()
    issued_at = timezone.now()
    events = []
    for change, registration in concerned:
        attribution = change.attribution
        roles = held.get(_capacity_key(attribution, registration), [])
        event_type = TOKEN_CLAIMS_CHANGE if roles else SESSION_REVOKED
        jti = new_jti()
        events.append(
            SecurityEvent(
                jti=jti,
                source=change.source,
                client=registration.client,
                person=attribution.person,
                enterprise=attribution.enterprise,
                event_type=event_type,
                claims=claims(
                    jti=jti,
                    issued_at=issued_at,
                    audience=registration.client_id,
                    subject=adapter.get_user_sub(registration.client, attribution.person),
                    tenant=attribution.enterprise.number,
                    event_type=event_type,
                    occurred_at=change.at,
                    initiating_entity=change.initiating_entity,
                    reason=change.reason,
                    roles=roles,
                ),
            )
        )
    with transaction.atomic():
        # A concurrent or earlier run made some already: theirs stand, ours are dropped, and
        # only the rows holding our own jti are ours to deliver.
        SecurityEvent.objects.bulk_create(events, ignore_conflicts=True)
        ours = list(
            SecurityEvent.objects.filter(jti__in=[event.jti for event in events])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        enqueue_delivery(ours)
    return ours


def _capacity_key(attribution, registration) -> tuple:
    """The capacity an attribution gives access in (`capacities.role_codes_held`'s key): the
    enterprise acted for, the quality managing it, the mandate it is held under."""
    return (
        attribution.person_id,
        attribution.enterprise_id,
        attribution.enterprise_quality_id,
        attribution.mandate_id,
        registration.application_id,
    )


def enqueue_delivery(event_ids: list[int], *, countdown: float | None = None) -> None:
    """Queue one delivery task per event, in the caller's transaction, and the time after
    which the sweeper takes over if none has moved the event on by then."""
    resume_after = timezone.now() + timedelta(seconds=countdown or 0) + STALLED_AFTER
    SecurityEvent.objects.filter(pk__in=event_ids, status=SecurityEvent.Status.PENDING).update(
        claimed_by="", resume_after=resume_after
    )
    for event_id in event_ids:
        enqueue(task_names.DELIVER_EVENT, event_id, countdown=countdown)


def claims(
    *,
    jti: str,
    issued_at: datetime,
    audience: str,
    subject: str,
    tenant: str | None,
    event_type: str,
    occurred_at: datetime,
    initiating_entity: str,
    reason: str,
    roles: list[str],
) -> dict[str, Any]:
    """The SET's claims: the person as this client knows them (its `sub`) in the enterprise
    acted for (`tenant`; none for a citizen capacity), and exactly one CAEP event."""
    subject_id: dict[str, Any] = {"format": "complex", "user": {"format": "opaque", "id": subject}}
    if tenant:
        subject_id["tenant"] = {"format": "opaque", "id": tenant}
    event: dict[str, Any] = {
        "event_timestamp": int(occurred_at.timestamp()),
        "initiating_entity": initiating_entity,
        "reason_admin": {"en": reason},
    }
    if event_type == TOKEN_CLAIMS_CHANGE:
        event["claims"] = {"roles": list(roles)}
    return {
        "iss": settings.SITE_URL,
        "aud": audience,
        "iat": int(issued_at.timestamp()),
        "jti": jti,
        "sub_id": subject_id,
        "events": {str(event_type): event},
    }


@functools.lru_cache(maxsize=4)
def _key(pem: str):
    jwk, private_key = jwkkit.load_jwk_from_pem(pem)
    return jwk["kid"], private_key


def sign(payload: dict[str, Any]) -> str:
    """The SET as a compact JWS, signed (RS256) with the provider's current signing key:
    the key its JWKS publishes under the same `kid`, as for its ID tokens."""
    kid, private_key = _key(get_adapter().get_signing_key().pem)
    return jwt.encode(
        payload,
        private_key,
        algorithm="RS256",
        headers={"kid": kid, "typ": MEDIA_TYPE.removeprefix("application/")},
    )
