"""Which strings can name an OpenID client: asked before every look-up of one.

A client id arrives as the request sent it (a query parameter, a form field, HTTP Basic),
and was looked up as it came: PostgreSQL refuses a NUL in a text parameter (DataError), so
`client_id=abc%00` answered 500 where an unknown client is refused. RFC 6749 (appendix A.1)
makes a client id VSCHARs, printable ASCII (%x20-7E), and allauth's column holds 100
characters. A string outside that names no client: every look-up answers "no such client"
without a query, and every endpoint then refuses it exactly as it refuses an unknown client
(the authorization endpoint's page, `401 invalid_client` at the token, introspection and
revocation endpoints).

The portal's look-up (`selectors.registration_for_client`) asks `is_client_id` itself.
allauth looks a client id from the request up in two functions, and offers no hook in front
of either (its adapter is not asked; its server builds its own request validator):
`clientkit.lookup_client`, the client (its request validator's `_lookup_client`, the device
flow's `lookup_public_client`, the logout form), and `authorization_codes.lookup`, a code of
that client (asked by oauthlib before the client is authenticated, to tell an OpenID token
request from a plain one). `guard_allauth_lookups` wraps both at start-up, in every module
that holds one under its own name (`from … import lookup_client`). The other queries on a
client id (`authorization_codes.validate`, `claim`) run once the client is authenticated,
with its own id. A module of a later allauth holding an unwrapped look-up would escape the
guard: `relying/tests/test_oidc_malformed_requests.py` looks through allauth's modules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from allauth.idp.oidc import forms as allauth_forms
from allauth.idp.oidc.internal import clientkit
from allauth.idp.oidc.internal.oauthlib import authorization_codes, request_validator
from allauth.idp.oidc.models import Client
from django.core.exceptions import ImproperlyConfigured

CLIENT_ID_MAX_LENGTH: int = Client._meta.get_field("id").max_length
# VSCHAR (RFC 6749, appendix A.1).
_FIRST, _LAST = "\x20", "\x7e"
# allauth's look-ups by a client id (their first argument): where each is defined, and every
# module that holds it under the same name.
LOOKUPS = (
    (clientkit, "lookup_client", (clientkit, request_validator, allauth_forms)),
    (authorization_codes, "lookup", (authorization_codes,)),
)


def is_client_id(value: object) -> bool:
    """Can `value` be a client id at all? False for anything but a string of 1 to 100
    printable ASCII characters: no NUL, no other control character, nothing beyond ASCII."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= CLIENT_ID_MAX_LENGTH
        and all(_FIRST <= char <= _LAST for char in value)
    )


def _guarded[T](lookup: Callable[..., T | None]) -> Callable[..., T | None]:
    @functools.wraps(lookup)
    def guarded(client_id: object, *args: Any, **kwargs: Any) -> T | None:
        return lookup(client_id, *args, **kwargs) if is_client_id(client_id) else None

    guarded.asks_is_client_id = True  # type: ignore[attr-defined]
    return guarded


def guard_allauth_lookups() -> None:
    """Make allauth's look-ups by a client id ask `is_client_id` first (once, from
    `RelyingConfig.ready`). Fails at start-up if allauth no longer looks clients up where
    `LOOKUPS` says, rather than leave a look-up unguarded."""
    for home, name, sites in LOOKUPS:
        lookup = getattr(home, name, None)
        if getattr(lookup, "asks_is_client_id", False):
            continue  # guarded already
        if lookup is None or any(getattr(module, name, None) is not lookup for module in sites):
            raise ImproperlyConfigured(
                f"allauth no longer looks client ids up as {home.__name__}.{name} in every "
                "module relying.client_ids.LOOKUPS names: update it."
            )
        guarded = _guarded(lookup)
        for module in sites:
            setattr(module, name, guarded)
