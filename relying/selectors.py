"""Reads of the OpenID provider's state that the views need (tokens by value, a client's
registration). Every token is looked up by allauth's hash of it, and only while valid."""

from __future__ import annotations

from allauth.idp.oidc.adapter import get_adapter
from allauth.idp.oidc.models import Client, Token
from django.db.models import Q
from django.utils import timezone

from portal import db
from relying import client_ids
from relying.models import ApplicationClient


def registration_for_client(client_id) -> ApplicationClient | None:
    # A NUL in a query parameter is a DataError on PostgreSQL: ask first (client_ids).
    if not client_ids.is_client_id(client_id):
        return None
    return (
        ApplicationClient.objects.select_related("application__quality", "client")
        .filter(client_id=client_id)
        .first()
    )


def caller_registration(request) -> ApplicationClient | None:
    """The registration of the application calling an API with a client-credentials access
    token (`Authorization: Bearer …`), in one query planned once per connection (this runs
    on every call of the decision API). A person's access token (user set) is for the
    application's front-end and that person's own data: it is not the application's."""
    return caller_by_hash(bearer_hash(request))


def caller_by_hash(token_hash: str | None) -> ApplicationClient | None:
    if token_hash is None:
        return None
    found = _CALLER.rows(hash=token_hash, now=timezone.now())
    return registration_from_row(found[0]) if found else None


def bearer_hash(request) -> str | None:
    """allauth's hash of the `Authorization: Bearer` token (tokens are stored hashed)."""
    value = _bearer_value(request)
    return None if value is None else get_adapter().hash_token(value)


def callers(hash, now):
    """The registration whose valid client-credentials access token has this hash (its
    `CALLER_VALUES` are what `registration_from_row` reads): the one definition of who may
    call the APIs, which the decision API extends with its question (`decisions`)."""
    return ApplicationClient.objects.filter(
        Q(client__token__expires_at__isnull=True) | Q(client__token__expires_at__gt=now),
        client__token__hash=hash,
        client__token__type=Token.Type.ACCESS_TOKEN,
        client__token__user__isnull=True,
    )


def registration_from_row(row) -> ApplicationClient:
    """The registration of a row of `CALLER_VALUES` (extra values after them are ignored). Built
    from the row, never saved: what the decision API reads of the client (with a secret
    given, or the model's default would hash a new one)."""
    fields = row[: len(_REGISTRATION_FIELDS)]
    client_type = row[len(_REGISTRATION_FIELDS)]
    registration = ApplicationClient(**dict(zip(_REGISTRATION_FIELDS, fields, strict=True)))
    registration.client = Client(id=registration.client_id, type=client_type, secret="")
    return registration


_REGISTRATION_FIELDS = ("id", "application_id", "client_id", "allow_nrn", "allow_citizens")

CALLER_VALUES = (*_REGISTRATION_FIELDS, "client__type")

_CALLER = db.Statement(
    lambda hash, now: callers(hash, now).values_list(*CALLER_VALUES),
    hash="\x00hash",
    now=db.MARKER_DATETIME,
)


def token_being_redeemed(grant_type: str | None, data) -> Token | None:
    """The refresh token or authorization code a token request presents, if still valid."""
    if grant_type == Client.GrantType.REFRESH_TOKEN:
        return Token.objects.lookup(Token.Type.REFRESH_TOKEN, data.get("refresh_token", ""))
    if grant_type == Client.GrantType.AUTHORIZATION_CODE:
        return Token.objects.lookup(Token.Type.AUTHORIZATION_CODE, data.get("code", ""))
    return None


def _bearer_value(request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def bearer_token(request) -> Token | None:
    """The valid access token a request to a protected resource presents, or None, read
    where oauthlib reads it (RFC 6750, section 2): the `Authorization: Bearer` header, or,
    without an `Authorization` header, a POST's form field `access_token` (allauth refuses
    one in the query). Looked up by its hash, whatever characters it holds."""
    if "Authorization" in request.headers:
        value = _bearer_value(request)
    elif request.method == "POST":
        value = request.POST.get("access_token") or None
    else:
        value = None
    return None if value is None else Token.objects.lookup(Token.Type.ACCESS_TOKEN, value)
