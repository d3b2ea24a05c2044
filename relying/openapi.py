"""The decision API's OpenAPI 3.1 description, served at `/access/v1/openapi.json`.

Written by hand from the same constants the code checks (`authzen`: limits, identifiers,
semantics; `decisions`: subject kinds, reason codes), so the description cannot promise a
limit or a code the API does not keep. The schemathesis test
(`relying/tests/test_authzen_schema.py`) holds the API to it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from relying import authzen, decisions

JSON = "application/json"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, **extra) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}, **extra}


def _identifier(description: str) -> dict:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": authzen.MAX_ID_LENGTH,
        "pattern": authzen.ID_PATTERN,
        "description": description,
    }


# Members the API does not read (`properties`, `context`, extensions) are accepted as any
# JSON, but, as everywhere in the body, without a NUL character in a string or a key.
NO_NUL = r"^[^\x00]*$"


def _open(schema: dict) -> dict:
    """An object schema that also takes members it does not name (AuthZEN's extensions)."""
    return {
        **schema,
        "propertyNames": {"pattern": NO_NUL},
        "additionalProperties": _ref("Value"),
    }


PROPERTIES = _open({"type": "object", "description": "Accepted and not used."})
VALUE = {
    "description": (
        f"Any JSON value nested at most {authzen.MAX_DEPTH} levels deep, with no NUL "
        "character in its strings or keys."
    ),
    "anyOf": [
        {"type": ["null", "boolean", "number"]},
        {"type": "string", "pattern": NO_NUL},
        {"type": "array", "items": {"$ref": "#/components/schemas/Value"}},
        _open({"type": "object"}),
    ],
}


def _schemas() -> dict:
    subject = _open(
        {
            "type": "object",
            "required": ["type", "id"],
            "properties": {
                "type": {
                    "type": "string",
                    "enum": list(decisions.SUBJECT_TYPES),
                    "description": (
                        "`user`: `id` is the `sub` the portal gives this client (in its ID tokens "
                        "and userinfo). `egovnrn`: `id` is a Belgian national number (11 digits, "
                        "dots and dashes allowed), only for clients allowed to receive it."
                    ),
                },
                "id": _identifier("The subject's identifier, per `type`."),
                "properties": PROPERTIES,
            },
        }
    )
    resource = _open(
        {
            "type": "object",
            "required": ["type", "id"],
            "properties": {
                "type": {"type": "string", "const": authzen.RESOURCE_TYPE},
                "id": _identifier(
                    "The enterprise number, in any usual writing: 0123456749, 0123.456.749, "
                    "BE0123456749, 123456749."
                ),
                "properties": PROPERTIES,
            },
        }
    )
    action = _open(
        {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": _identifier("The code of one of this application's roles."),
                "properties": PROPERTIES,
            },
        }
    )
    context = _open({"type": "object", "description": "Accepted and not used."})
    item = _open(
        {
            "type": "object",
            "description": "One evaluation; each member present replaces the request's default.",
            "properties": {
                "subject": _ref("Subject"),
                "resource": _ref("Resource"),
                "action": _ref("Action"),
                "context": _ref("Context"),
            },
        }
    )
    return {
        "Value": VALUE,
        "Subject": subject,
        "Resource": resource,
        "Action": action,
        "Context": context,
        "EvaluationRequest": _open(
            {
                "type": "object",
                "required": ["subject", "resource", "action"],
                "properties": {
                    "subject": _ref("Subject"),
                    "resource": _ref("Resource"),
                    "action": _ref("Action"),
                    "context": _ref("Context"),
                },
            }
        ),
        "EvaluationsRequest": _open(
            {
                "type": "object",
                "description": (
                    "The top-level `subject`, `resource`, `action` and `context` are defaults for "
                    "every item of `evaluations`; each item must end up with a subject, a resource "
                    "and an action. Without items (absent or empty), the request is one evaluation "
                    "of the top-level members, answered as `/access/v1/evaluation` answers."
                ),
                # Each of subject, resource and action: a default, or in every item.
                "allOf": [
                    {
                        "anyOf": [
                            {"required": [member]},
                            {
                                "required": ["evaluations"],
                                "properties": {
                                    "evaluations": {"minItems": 1, "items": {"required": [member]}}
                                },
                            },
                        ]
                    }
                    for member in ("subject", "resource", "action")
                ],
                "properties": {
                    "subject": _ref("Subject"),
                    "resource": _ref("Resource"),
                    "action": _ref("Action"),
                    "context": _ref("Context"),
                    "evaluations": {
                        "type": "array",
                        "maxItems": authzen.MAX_EVALUATIONS,
                        "items": _ref("EvaluationItem"),
                    },
                    "options": {
                        "type": "object",
                        "properties": {
                            "evaluations_semantic": {
                                "type": "string",
                                "enum": list(authzen.SEMANTICS),
                                "default": authzen.EXECUTE_ALL,
                                "description": (
                                    "`execute_all`: every decision. `deny_on_first_deny` / "
                                    "`permit_on_first_permit`: the decisions up to and including "
                                    "the first denial / the first permit."
                                ),
                            }
                        },
                    },
                },
            }
        ),
        "EvaluationItem": item,
        "Decision": {
            "type": "object",
            "required": ["decision"],
            "additionalProperties": False,
            "properties": {
                "decision": {"type": "boolean"},
                "context": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/DenialContext"},
                        {"$ref": "#/components/schemas/PermitContext"},
                    ]
                },
            },
        },
        "DenialContext": {
            "type": "object",
            "description": "On a denial: why.",
            "required": ["id", "reason_admin"],
            "additionalProperties": False,
            "properties": {
                "id": {
                    "type": "string",
                    "enum": list(decisions.REASONS),
                    "description": "\n".join(
                        f"- `{code}`: {text}" for code, text in decisions.REASONS.items()
                    ),
                },
                "reason_admin": {
                    "type": "object",
                    "required": [decisions.REASON_LANGUAGE],
                    "additionalProperties": False,
                    "properties": {decisions.REASON_LANGUAGE: {"type": "string"}},
                },
                "through": {
                    "type": "string",
                    "pattern": "^[0-9]{10}$",
                    "description": (
                        "With `mandate_ended` only: the enterprise number of the "
                        "provider the person acted through (the `act` claim's `sub`)."
                    ),
                },
            },
        },
        "PermitContext": {
            "type": "object",
            "description": (
                "On a permit held only through a provider, under a mandate (absent when the "
                "person holds the role in the enterprise itself)."
            ),
            "required": ["through"],
            "additionalProperties": False,
            "properties": {
                "through": {
                    "type": "string",
                    "pattern": "^[0-9]{10}$",
                    "description": (
                        "The enterprise number of the provider the person acts through (the "
                        "`act` claim's `sub`); the lowest, if through several."
                    ),
                },
            },
        },
        "Evaluations": {
            "type": "object",
            "required": ["evaluations"],
            "additionalProperties": False,
            "properties": {"evaluations": {"type": "array", "items": _ref("Decision")}},
        },
        "Error": {
            "type": "object",
            "required": ["error", "error_description"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "string",
                    "enum": ["invalid_request", "invalid_token", "method_not_allowed"],
                },
                "error_description": {"type": "string"},
            },
        },
        "Configuration": {
            "type": "object",
            "required": [
                "policy_decision_point",
                "access_evaluation_endpoint",
                "access_evaluations_endpoint",
            ],
            "properties": {
                "policy_decision_point": {"type": "string", "format": "uri"},
                "access_evaluation_endpoint": {"type": "string", "format": "uri"},
                "access_evaluations_endpoint": {"type": "string", "format": "uri"},
            },
        },
    }


def _errors() -> dict:
    return {
        "400": _json(
            _ref("Error"),
            "Malformed request (`invalid_request`): not JSON, a wrong type, a string too long "
            "or not printable ASCII, a NUL character, an unknown subject or resource type, "
            f"more than {authzen.MAX_EVALUATIONS} evaluations, a body over "
            f"{authzen.MAX_BODY_BYTES} bytes.",
        ),
        "401": _json(
            _ref("Error"),
            "No access token, or not a valid client-credentials token of an application.",
            headers={
                "WWW-Authenticate": {"schema": {"type": "string"}, "required": True},
            },
        ),
    }


def _decision_operation(*, summary: str, request: str, response: dict, description: str):
    return {
        "post": {
            "summary": summary,
            "description": description,
            "security": [{"bearer": []}],
            "parameters": [
                {
                    "name": "X-Request-ID",
                    "in": "header",
                    "required": False,
                    "description": (
                        "Echoed in the response when it is 1 to 128 printable ASCII characters "
                        "without spaces; ignored otherwise."
                    ),
                    "schema": {"type": "string"},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": _ref(request)}},
            },
            "responses": {"200": _json(response, "The decision(s)."), **_errors()},
        }
    }


def document() -> dict:
    token_url = settings.SITE_URL + reverse("idp:oidc:token")
    with translation.override(decisions.REASON_LANGUAGE):
        portal = str(settings.PORTAL_NAME)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{portal}: decision API",
            "version": "1.0",
            "description": (
                "OpenID AuthZEN Authorization API 1.0: may this person act with this role of "
                "your application for this enterprise, now? Answered from the live role "
                "attributions (no cache), for the calling application's roles only."
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            reverse("authzen:evaluation"): _decision_operation(
                summary="One decision",
                description="Allowed iff the person holds the role there now.",
                request="EvaluationRequest",
                response=_ref("Decision"),
            ),
            reverse("authzen:evaluations"): _decision_operation(
                summary="Several decisions",
                description=f"Up to {authzen.MAX_EVALUATIONS} evaluations in one request.",
                request="EvaluationsRequest",
                response={"oneOf": [_ref("Evaluations"), _ref("Decision")]},
            ),
            reverse("authzen:configuration"): {
                "get": {
                    "summary": "The policy decision point's metadata",
                    "security": [],
                    "responses": {"200": _json(_ref("Configuration"), "The metadata.")},
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "An access token of the client-credentials grant, from "
                        f"{token_url} (`grant_type=client_credentials`, the client's id and "
                        "secret)."
                    ),
                }
            },
        },
    }
