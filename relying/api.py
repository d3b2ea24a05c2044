"""The decision API for the applications' back-ends (OpenID AuthZEN Authorization API 1.0).

The caller is an application, not a person: its back-end authenticates with an access
token of the client-credentials grant (`Authorization: Bearer …`, from the token endpoint),
and every question is answered for that client's application only. No session, no cookie,
hence no CSRF token: the bearer token is the proof, and a browser cannot send it by itself.

Thin views: authenticate (`selectors`), read the body (`authzen`), decide (`decisions`).
"""

from __future__ import annotations

import functools
import re
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from relying import authzen, decisions, openapi, selectors

# An X-Request-ID the caller sends is echoed back (the specification's correlation header),
# if it is a reasonable one.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


def _error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _unauthorized(request) -> JsonResponse:
    if request.headers.get("Authorization"):
        response = _error(
            HTTPStatus.UNAUTHORIZED,
            "invalid_token",
            "The access token is not a valid client-credentials token of an application.",
        )
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    else:
        response = _error(
            HTTPStatus.UNAUTHORIZED,
            "invalid_token",
            "Send an access token of the client-credentials grant: Authorization: Bearer ….",
        )
        # RFC 6750 §3: no error code in the challenge when no token was presented at all.
        response["WWW-Authenticate"] = "Bearer"
    return response


def _methods(*allowed: str):
    """Answer any other method with a JSON 405 that names the allowed ones."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                response = _error(
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    f"Use {' or '.join(allowed)}.",
                )
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _decision_endpoint(view):
    """POST only, the body read as JSON, the caller authenticated; `view(request,
    document)` returns the answer, or None when the caller is not an application."""

    @csrf_exempt
    @_methods("POST")
    @functools.wraps(view)
    def wrapper(request):
        response = _answer(view, request)
        response["Cache-Control"] = "no-store"
        request_id = request.headers.get("X-Request-ID", "")
        if _REQUEST_ID.fullmatch(request_id):
            response["X-Request-ID"] = request_id
        return response

    return wrapper


def _answer(view, request) -> JsonResponse:
    # The body is read before the caller is known, so that the single decision can read
    # the caller and the answer in one statement; an unknown caller is still told 401
    # first, whatever its body.
    try:
        answer = view(request, _document(request))
    except authzen.InvalidRequest as refusal:
        if selectors.caller_registration(request) is None:
            return _unauthorized(request)
        return _error(HTTPStatus.BAD_REQUEST, "invalid_request", refusal.description)
    return _unauthorized(request) if answer is None else JsonResponse(answer)


def _document(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= authzen.MAX_BODY_BYTES:
        raise authzen.InvalidRequest(
            f"The body must be a JSON document of at most {authzen.MAX_BODY_BYTES} bytes."
        )
    try:
        return authzen.parse_json(request.body)
    except RequestDataTooBig:
        raise authzen.InvalidRequest("The body is too large.") from None


@_decision_endpoint
def evaluation(request, document) -> dict | None:
    question = authzen.parse_question(document)
    decision = decisions.evaluate(selectors.bearer_hash(request), question)
    return None if decision is None else authzen.decision_json(decision)


@_decision_endpoint
def evaluations(request, document) -> dict | None:
    batch = authzen.parse_batch(document)
    registration = selectors.caller_registration(request)
    if registration is None:
        return None
    answered = authzen.apply_semantic(
        decisions.decide(registration, batch.questions), batch.semantic
    )
    if batch.single:
        return authzen.decision_json(answered[0])
    return {"evaluations": [authzen.decision_json(decision) for decision in answered]}


def _absolute(name: str) -> str:
    return settings.SITE_URL + reverse(name)


@_methods("GET", "HEAD")
def configuration(request):
    """The policy decision point's metadata (AuthZEN 1.0, `/.well-known/authzen-configuration`)."""
    response = JsonResponse(
        {
            "policy_decision_point": settings.SITE_URL,
            "access_evaluation_endpoint": _absolute("authzen:evaluation"),
            "access_evaluations_endpoint": _absolute("authzen:evaluations"),
        }
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@_methods("GET", "HEAD")
def openapi_description(request):
    """The API's OpenAPI 3.1 description."""
    response = JsonResponse(openapi.document())
    response["Cache-Control"] = "public, max-age=3600"
    return response
