"""The state changes of relying applications: registering a client, rotating its secret,
binding the chosen capacity to a sign-in. Each in one transaction with its audit event."""

from __future__ import annotations

from allauth.idp.oidc.adapter import get_adapter
from allauth.idp.oidc.models import Client, Token
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import Action
from portal.refusals import Refusal
from relying.models import ApplicationClient, Capacity

# Scopes named as the federal service names them; `egovnrn` only for clients allowed it.
BASE_SCOPES = ["openid", "profile", "email", "enterprise", "roles"]
NRN_SCOPE = "egovnrn"


SUPPORTED_SCOPES = [*BASE_SCOPES, NRN_SCOPE]


def scopes_for(*, allow_nrn: bool, scopes: list[str] | None = None) -> list[str]:
    """The scopes a client may ask for: the ones chosen (all but `egovnrn` by default),
    always `openid`, and `egovnrn` only with the national number's release."""
    chosen = set(scopes if scopes is not None else BASE_SCOPES) | {"openid"}
    unknown = chosen - set(SUPPORTED_SCOPES)
    if unknown:
        raise Refusal(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(sorted(unknown))},
            code="unknown_scope",
        )
    if allow_nrn:
        chosen.add(NRN_SCOPE)
    else:
        chosen.discard(NRN_SCOPE)
    return [scope for scope in SUPPORTED_SCOPES if scope in chosen]


def check_client(
    *, redirect_uris: list[str], events_url: str, allow_nrn: bool, scopes: list[str] | None
) -> list[str]:
    """Refuse what no client may have; returns the scopes it will be allowed. The admin's
    form calls this too, so staff see the reason on the form."""
    _check_uris(redirect_uris, events_url)
    return scopes_for(allow_nrn=allow_nrn, scopes=scopes)


def _check_uris(redirect_uris: list[str], events_url: str) -> None:
    validate = URLValidator(schemes=["https", "http"])
    if not redirect_uris:
        raise Refusal(_("Give at least one redirect URI."), code="no_redirect_uri")
    for uri in [*redirect_uris, *([events_url] if events_url else [])]:
        if len(uri) > 500:
            raise Refusal(_("An address is longer than 500 characters."), code="too_long")
        try:
            validate(uri)
        except ValidationError:
            raise Refusal(
                _("“%(uri)s” is not a valid http(s) address.") % {"uri": uri}, code="bad_uri"
            ) from None


# A client id travels in URLs and in HTTP Basic credentials (where ":" separates it).
CLIENT_ID_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
)
MIN_SECRET_LENGTH = 16


def _check_fixed_credentials(*, client_id: str | None, secret: str | None, public: bool) -> None:
    if client_id is not None and not (
        0 < len(client_id) <= 100 and set(client_id) <= CLIENT_ID_CHARACTERS
    ):
        raise Refusal(_("A client id is 1 to 100 letters, digits or “-._~”."), code="bad_client_id")
    if secret is not None and (public or len(secret) < MIN_SECRET_LENGTH):
        raise Refusal(
            _("A fixed secret needs a confidential client and at least 16 characters."),
            code="bad_secret",
        )


def _details(registration: ApplicationClient) -> dict:
    client = registration.client
    return {
        "application": registration.application.code,
        "client_id": client.id,
        "type": client.type,
        "redirect_uris": client.get_redirect_uris(),
        "scopes": client.get_scopes(),
        "allow_nrn": registration.allow_nrn,
        "allow_citizens": registration.allow_citizens,
        "events_url": registration.events_url,
    }


def client_register(
    *,
    actor,
    application,
    redirect_uris: list[str],
    public: bool = False,
    events_url: str = "",
    allow_nrn: bool = False,
    allow_citizens: bool = False,
    scopes: list[str] | None = None,
    client_id: str | None = None,
    secret: str | None = None,
) -> tuple[ApplicationClient, str | None]:
    """Register `application` as an OpenID client; returns it and the secret, in clear
    this once (it is stored hashed). A public client (a browser or mobile app) has no
    secret and must use PKCE. An application has one client: registering again refuses.

    `client_id` and `secret` are for the demo only (`load_demo` registers the sample
    application with the values its defaults know); otherwise both are random."""
    allowed = check_client(
        redirect_uris=redirect_uris, events_url=events_url, allow_nrn=allow_nrn, scopes=scopes
    )
    _check_fixed_credentials(client_id=client_id, secret=secret, public=public)
    with transaction.atomic():
        if ApplicationClient.objects.select_for_update().filter(application=application).exists():
            raise Refusal(
                _("%(application)s already has a client; change it or rotate its secret.")
                % {"application": application.name},
                code="exists",
            )
        if client_id is not None and Client.objects.filter(pk=client_id).exists():
            raise Refusal(
                _("The client id “%(client_id)s” is taken.") % {"client_id": client_id},
                code="client_id_taken",
            )
        client = Client(name=application.name[:100])
        if client_id is not None:
            client.id = client_id
        client.type = Client.Type.PUBLIC if public else Client.Type.CONFIDENTIAL
        client.set_redirect_uris(redirect_uris)
        client.set_scopes(allowed)
        client.set_default_scopes(["openid"])
        grant_types = [Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN]
        if not public:
            # The decision API authenticates the application's back-end by this grant.
            grant_types.append(Client.GrantType.CLIENT_CREDENTIALS)
        client.set_grant_types(grant_types)
        client.set_response_types(["code"])
        # The capacity screen is the portal's consent: allauth's scope screen is skipped.
        client.skip_consent = True
        if public:
            secret = None
        elif secret is None:
            secret = get_adapter().generate_client_secret()
        # A public client authenticates with nothing; its stored secret is random, unused.
        client.set_secret(secret or get_adapter().generate_client_secret())
        client.full_clean(exclude=["owner"])
        client.save()
        registration = ApplicationClient.objects.create(
            application=application,
            client=client,
            events_url=events_url,
            allow_nrn=allow_nrn,
            allow_citizens=allow_citizens,
        )
        audit(
            actor=actor,
            action=Action.CLIENT_REGISTERED,
            target=registration,
            details=_details(registration),
        )
    return registration, secret


def client_change(
    *, actor, registration: ApplicationClient, scopes: list[str] | None = None
) -> ApplicationClient:
    """Save what staff changed in the admin (addresses, NRN release, events URL), with the
    scopes derived from the NRN release again, audited with the values after the change."""
    client = registration.client
    allowed = check_client(
        redirect_uris=client.get_redirect_uris(),
        events_url=registration.events_url,
        allow_nrn=registration.allow_nrn,
        scopes=scopes if scopes is not None else client.get_scopes(),
    )
    with transaction.atomic():
        client.set_scopes(allowed)
        client.skip_consent = True
        client.full_clean(exclude=["owner", "id", "secret"])
        client.save()
        registration.save()
        audit(
            actor=actor,
            action=Action.CLIENT_CHANGED,
            target=registration,
            details=_details(registration),
        )
    return registration


def client_rotate_secret(*, actor, registration: ApplicationClient) -> str:
    client = registration.client
    if client.type == Client.Type.PUBLIC:
        raise Refusal(_("A public client has no secret."), code="public")
    secret = get_adapter().generate_client_secret()
    with transaction.atomic():
        client.set_secret(secret)
        client.save(update_fields=["secret"])
        audit(
            actor=actor,
            action=Action.CLIENT_SECRET_ROTATED,
            target=registration,
            details={"application": registration.application.code, "client_id": client.id},
        )
    return secret


def capacity_bind(*, grant_id: str, client, person, option, second_factor: bool) -> Capacity:
    """Bind the chosen capacity to the sign-in's grant (its code and every token after it),
    and record the sign-in in the trail of the enterprise acted for (under a mandate: the
    client's, naming the provider acted through)."""
    capacity = Capacity.objects.create(
        grant_id=grant_id,
        client=client,
        person=person,
        enterprise=option.enterprise,
        enterprise_quality=option.enterprise_quality,
        mandate_id=option.mandate_id,
        second_factor=second_factor,
    )
    registration = client.application_registration
    audit(
        actor=person,
        action=Action.APPLICATION_SIGN_IN,
        enterprise=option.enterprise,
        target=capacity,
        details={
            "application": registration.application.code,
            "quality": option.enterprise_quality.quality.code if option.enterprise_quality else "",
            "citizen": option.is_citizen,
            "second_factor": second_factor,
            # Acting for the enterprise through a provider: which one, under which mandate.
            **(
                {"through": option.provider.number, "mandate": option.mandate_id}
                if option.mandate_id
                else {}
            ),
        },
    )
    return capacity


def grant_end(token: Token) -> int:
    """The access behind `token` is over: no token of its sign-in may be used again (the
    code, the access and refresh tokens share the grant)."""
    grant_id = token.get_grant_id()
    if not grant_id:
        return 0
    deleted, _ = Token.objects.filter(client_id=token.client_id, data__grant_id=grant_id).delete()
    return deleted
