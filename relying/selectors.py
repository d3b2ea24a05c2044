"""Reads of the OpenID provider's state that the views need (tokens by value, a client's
registration). Every token read goes through allauth's own `valid()` and hash lookup."""

from __future__ import annotations

from allauth.idp.oidc.models import Client, Token

from relying.models import ApplicationClient


def registration_for_client(client_id) -> ApplicationClient | None:
    if not isinstance(client_id, str):
        return None
    return (
        ApplicationClient.objects.select_related("application__quality", "client")
        .filter(client_id=client_id)
        .first()
    )


def caller_registration(client_id: str) -> ApplicationClient | None:
    """The registration of a client calling an API with its token: its own columns and
    the client's (the decision API reads the application by id only), in one query."""
    return ApplicationClient.objects.select_related("client").filter(client_id=client_id).first()


def token_being_redeemed(grant_type: str | None, data) -> Token | None:
    """The refresh token or authorization code a token request presents, if still valid."""
    if grant_type == Client.GrantType.REFRESH_TOKEN:
        return Token.objects.lookup(Token.Type.REFRESH_TOKEN, data.get("refresh_token", ""))
    if grant_type == Client.GrantType.AUTHORIZATION_CODE:
        return Token.objects.lookup(Token.Type.AUTHORIZATION_CODE, data.get("code", ""))
    return None


def bearer_token(request) -> Token | None:
    """The valid access token of an `Authorization: Bearer` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return Token.objects.lookup(Token.Type.ACCESS_TOKEN, value.strip())
