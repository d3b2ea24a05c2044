"""The OpenID provider's endpoints that the portal extends.

allauth's `idp.oidc` does the protocol (PKCE, state, nonce, codes, token rotation). The
portal adds the capacity screen to its authorization endpoint, and checks the capacity
behind a token on the token endpoint (a refresh, a code's exchange) and on userinfo, so an
ended role refuses the very next call. Introspection's check is the adapter's.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.internal.httpkit import add_query_params, extract_basic_auth
from allauth.idp.oidc import views as oidc
from allauth.idp.oidc.adapter import get_adapter
from allauth.idp.oidc.internal.oauthlib.server import get_server
from allauth.idp.oidc.internal.oauthlib.utils import (
    extract_params,
    get_validator_context,
    respond_html_error,
    respond_json_error,
)
from allauth.idp.oidc.internal.resources import get_resources
from allauth.idp.oidc.models import Token
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauthlib.oauth2.rfc6749 import errors

from enterprises.numbers import normalize_enterprise_number
from relying import capacities, csp, selectors, services
from relying.forms import CapacityForm
from relying.models import ApplicationClient

# The authorization request's parameter by which an application asks for an enterprise in
# advance (docs/integration.md): the capacity screen then offers only that enterprise.
ENTERPRISE_PARAMETER = "enterprise"
# The capacity screen's own parameters (a GET of this endpoint): the search among the
# enterprises one acts for, and the page of them shown.
SEARCH_PARAMETER = "capacity_search"
PAGE_PARAMETER = "capacity_page"
# The POST form carries the request's parameters, so a screen shown again can search.
QUERY_FIELD = "authorization_query"
MAX_QUERY_LENGTH = 4000
# As for management acts (accounts/mfa.py): the portal's own second factor; a sign-in
# through the identity provider is not counted, since the portal cannot tell what it asked.
SECOND_FACTOR_METHODS = {"mfa"}


def _page_number(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1


def _page_links(query, offer) -> dict[str, str]:
    """The addresses of the previous and next pages, the search kept."""
    base = [*query, *([(SEARCH_PARAMETER, offer.search)] if offer.search else [])]
    links = {}
    if offer.page > 1:
        links["previous"] = "?" + urlencode([*base, (PAGE_PARAMETER, offer.page - 1)])
    if offer.page < offer.pages:
        links["next"] = "?" + urlencode([*base, (PAGE_PARAMETER, offer.page + 1)])
    return links


def used_second_factor(request) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") in SECOND_FACTOR_METHODS for record in records)


def _registered_exactly(params) -> bool:
    """Is the redirect URI one the client registered, character for character?

    allauth accepts any address with the registered scheme, host, port and path whose query
    includes the registered one; the OAuth security BCP (RFC 9700, 4.1.3) asks for exact
    matching, so that no query added to a registered address (an open redirector of the
    application's, say) receives a code. Unknown clients and missing addresses are left to
    oauthlib, which refuses them."""
    registration = selectors.registration_for_client(params.get("client_id"))
    uri = params.get("redirect_uri")
    if registration is None or uri is None:
        return True
    return uri in registration.client.get_redirect_uris()


def _carries_nul(params) -> bool:
    """Does a parameter of the application's authorization request (its name or a value)
    hold a NUL? The portal's own parameters of the capacity screen are cleaned where read."""
    return any(
        "\x00" in name + value
        for name, values in params.lists()
        if name not in (SEARCH_PARAMETER, PAGE_PARAMETER)
        for value in values
    )


def _refused(request, error):
    """The page for a request that cannot go back to the application (unknown client, a
    redirect URI it is not registered with): never a redirect there, and a 400, not a 200,
    so that monitoring and the application's own tests see the refusal."""
    response = respond_html_error(request, error=error)
    response.status_code = HTTPStatus.BAD_REQUEST
    return response


class AuthorizeView(oidc.AuthorizationView):
    """allauth's authorization endpoint, with the capacity screen in place of its consent
    screen: no choice to make, no screen; no capacity, a page that says who gives one."""

    form_class = CapacityForm
    template_name = "relying/capacity.html"

    def get(self, request, *args, **kwargs):
        # Before the sign-in it may lead to: its forms must be allowed to end at the client.
        csp.remember_client_origin(request)
        response = self._login_required(request)
        if response:
            return response
        if not _registered_exactly(request.GET):
            # Before oauthlib runs: its errors would redirect to the address it was given.
            return _refused(request, errors.MismatchingRedirectURIError())
        try:
            server = get_server()
            self._scopes, self._request_info = server.validate_authorization_request(
                *extract_params(request)
            )
            self._request_info["resources"] = get_resources(request)
        except (errors.FatalClientError, ValidationError) as error:
            return _refused(request, error)
        except errors.OAuth2Error as error:
            return oidc._ClientHttpResponseRedirect(error.in_uri(error.redirect_uri))
        if _carries_nul(request.GET):
            # The nonce, the PKCE challenge, the claims asked are kept in the code's JSON,
            # and PostgreSQL's JSON cannot hold a NUL (a DataError, a 500). The client and
            # its redirect URI are known good by now, so the malformed request goes back
            # to the application, with its state (RFC 6749, 4.1.2.1: invalid_request).
            return self._redirect_error("invalid_request", "A parameter holds a NUL character.")
        registration = self.registration()
        if registration is None:
            return _refused(request, errors.InvalidClientIdError())
        offer = self.offer()
        if "none" in (self._request_info.get("prompt") or ()):
            # Silent sign-in: possible only when there is nothing to choose.
            if offer.search or offer.total != 1:
                return self._redirect_error("interaction_required")
            return self._choose(offer.choices[0])
        if not offer.search:
            # A search narrows what is shown, never what is chosen without the person.
            if not offer.total:
                return self._no_capacity(registration)
            if offer.total == 1:
                return self._choose(offer.choices[0])
        return self.render_to_response(self.get_context_data())

    def registration(self) -> ApplicationClient | None:
        if not hasattr(self, "_registration"):
            self._registration = selectors.registration_for_client(
                self._request_info.get("client_id")
            )
        return self._registration

    def enterprise_number(self) -> str:
        raw = self.request.GET.get(ENTERPRISE_PARAMETER, "")
        if not raw:
            return ""
        try:
            return normalize_enterprise_number(raw[:40])
        except ValidationError:
            # An unreadable number offers nothing rather than everything.
            return "invalid"

    def offer(self) -> capacities.Offer:
        """The page of capacities shown: on a search's or a page link's GET, as asked; on a
        POST shown again (a refused choice), the first page."""
        if not hasattr(self, "_offer"):
            params = self.request.GET
            self._offer = capacities.offer(
                self.request.user,
                self.registration(),
                enterprise_number=self.enterprise_number(),
                search=capacities.clean_search(params.get(SEARCH_PARAMETER, "")),
                page=_page_number(params.get(PAGE_PARAMETER, "")),
            )
        return self._offer

    def resolve(self, key: str):
        return capacities.option_for(
            self.request.user, self.registration(), key, enterprise_number=self.enterprise_number()
        )

    def authorization_query(self) -> list[tuple[str, str]]:
        """The authorization request's parameters, for the search form and the page links to
        send again (the portal's own two replaced): from the address on a GET, from the form
        when a POST is shown again. Whatever they say, the endpoint checks them again."""
        if self.request.method == "GET":
            source = self.request.GET
        else:
            source = QueryDict(self.request.POST.get(QUERY_FIELD, "")[:MAX_QUERY_LENGTH])
        return [
            (name, value)
            for name, values in source.lists()
            if name not in (SEARCH_PARAMETER, PAGE_PARAMETER)
            for value in values
            if "\x00" not in name + value
        ]

    def _choose(self, option):
        # Before get_form_kwargs(): allauth's get_initial() drops the oauthlib request.
        scopes = self._request_info["request"].scopes
        form_kwargs = self.get_form_kwargs()
        form_kwargs["data"] = {
            "scopes": scopes,
            "request": "chosen-without-a-screen",
            "capacity": option.key,
        }
        form = self.get_form_class()(**form_kwargs)
        if not form.is_valid():
            return self._redirect_error("access_denied")
        return self.form_valid(form)

    def _redirect_error(self, error: str, description: str = ""):
        params = {"error": error}
        if description:
            params["error_description"] = description
        if state := self._request_info.get("state"):
            params["state"] = state
        return oidc._ClientHttpResponseRedirect(
            add_query_params(self._request_info["redirect_uri"], params)
        )

    def _no_capacity(self, registration):
        params = {"error": "access_denied"}
        if state := self._request_info.get("state"):
            params["state"] = state
        context = {
            "application": registration.application,
            "verified": capacities.may_act(self.request.user),
            "enterprise_number": self.request.GET.get(ENTERPRISE_PARAMETER, ""),
            "back_url": add_query_params(self._request_info["redirect_uri"], params),
            "help_slug": "user-request-role",
        }
        return render(self.request, "relying/no_capacity.html", context, status=403)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["options"] = self.offer().choices
        kwargs["resolve"] = self.resolve
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.registration()
        form = context["form"]
        offer = self.offer()
        query = self.authorization_query()
        context.update(
            application=registration.application,
            offer=offer,
            options=offer.choices,
            chosen=form["capacity"].value(),
            authorization_query=query,
            query_value=urlencode(query)[:MAX_QUERY_LENGTH],
            search_parameter=SEARCH_PARAMETER,
            list_at_most=capacities.LIST_AT_MOST,
            page_links=_page_links(query, offer),
            shared=[
                get_adapter().scope_display.get(scope, scope)
                for scope in self._scopes
                if scope != "openid"
            ],
        )
        return context

    def form_valid(self, form):
        option = form.cleaned_data["capacity"]
        with transaction.atomic():
            response = super().form_valid(form)
            grant_id = get_validator_context().grant_id
            if grant_id:
                registration = self.registration()
                services.capacity_bind(
                    grant_id=grant_id,
                    client=registration.client,
                    person=self.request.user,
                    option=option,
                    second_factor=used_second_factor(self.request),
                )
        return response


def _invalid_grant(description: str) -> JsonResponse:
    return JsonResponse(
        {"error": "invalid_grant", "error_description": description},
        status=HTTPStatus.BAD_REQUEST,
    )


def _invalid_target(error: ValidationError) -> JsonResponse:
    return JsonResponse(
        {"error": "invalid_target", "error_description": " ".join(error.messages)},
        status=HTTPStatus.BAD_REQUEST,
    )


def _invalid_token(description: str) -> JsonResponse:
    """A protected resource's refusal of the bearer token (RFC 6750, 3.1), as allauth
    refuses an unknown one."""
    response = JsonResponse(
        {"error": "invalid_token", "error_description": description},
        status=HTTPStatus.UNAUTHORIZED,
    )
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _names_two_clients(request) -> bool:
    """Does a token request authenticate with HTTP Basic as one client and name another
    in its body? oauthlib answers it with a 500 (`server_error`, "Discrepency found between
    client identifier"); RFC 6749 (2.3) allows one way of authenticating per request, so it
    is the client's error, and refused as a failed authentication: `401 invalid_client`."""
    basic_id, _secret = extract_basic_auth(request.headers)
    body_id = request.POST.get("client_id")
    return bool(basic_id and body_id) and basic_id != body_id


def _capacity_ended(token: Token | None) -> bool:
    """A user's token whose capacity no longer gives access (or never had one)."""
    if token is None or token.user_id is None:
        return False
    capacity = capacities.for_grant(token.get_grant_id())
    if capacity is None or capacity.client_id != token.client_id:
        return True
    return not capacities.is_current(capacity, capacity.client.application_registration)


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(oidc.TokenView):
    """A refresh, and a code's exchange, fail once the capacity behind them has ended."""

    def post(self, request):
        if _names_two_clients(request):
            return respond_json_error(request, errors.InvalidClientError())
        try:
            # allauth reads the resources again, and lets this error out as a 500.
            get_resources(request)
        except ValidationError as error:
            return _invalid_target(error)
        token = selectors.token_being_redeemed(request.POST.get("grant_type"), request.POST)
        if _capacity_ended(token):
            services.grant_end(token)
            return _invalid_grant("The roles behind this sign-in have ended.")
        return super().post(request)


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(oidc.UserInfoView):
    def _respond(self, request):
        token = selectors.bearer_token(request)
        if token is not None and token.user_id is None:
            # A client-credentials token: the application's own, for no person. Userinfo
            # "returns Claims about the authenticated End-User" with the access token
            # "obtained from an OpenID Connect Authentication Request" (OpenID Connect Core
            # 1.0, 5.3 and 5.3.1); this one was obtained from none and names nobody. Its
            # errors are RFC 6750's (5.3.3): not `insufficient_scope` (403, "higher
            # privileges", which the application would try to fix by asking for more
            # scope, and no scope makes this token a person's), but `invalid_token` (401,
            # "invalid for other reasons"): not a token this endpoint accepts. The decision
            # API refuses a person's token, the other way round, alike.
            return _invalid_token("This access token is an application's, for no person.")
        if _capacity_ended(token):
            return _invalid_token("The roles have ended.")
        return super()._respond(request)


@csrf_exempt
def device_flow_not_offered(request, *args, **kwargs):
    """allauth routes the device authorization grant (RFC 8628, for devices without a
    browser); the portal offers it to no application and does not announce it in its
    discovery document, so both of its addresses are simply not found, whatever is sent."""
    raise Http404


authorize = AuthorizeView.as_view()
token = TokenView.as_view()
user_info = UserInfoView.as_view()
