"""The wire format of the OpenID AuthZEN Authorization API 1.0, as the portal speaks it:
a request body read into `decisions.Question`s, decisions written back.

Everything a caller sends is checked here, before any query: the body's size, JSON itself
(no NaN, nothing nested deeper than `MAX_DEPTH`, no NUL and no lone surrogate in any string
or key), the shape of each object, and the identifiers (printable ASCII, at most
`MAX_ID_LENGTH` characters). A refusal is `InvalidRequest`, which the views turn into a 400;
a well-formed question about something that does not exist is a decision, not an error.

The batch (`/access/v1/evaluations`) follows the specification: the top-level `subject`,
`action`, `resource` and `context` are defaults that each item of `evaluations` replaces
(whole objects, not merged field by field); `options.evaluations_semantic` says whether to
answer all (`execute_all`, the default) or stop after the first denial or the first permit.
Without items, the request is a single evaluation and is answered as one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from relying.decisions import REASON_LANGUAGE, SUBJECT_TYPES, Decision, Question

MAX_BODY_BYTES = 1024 * 1024
MAX_EVALUATIONS = 1000
MAX_ID_LENGTH = 255
MAX_DEPTH = 32
# Subjects, enterprise numbers and role codes are written in ASCII ("BE 0123.456.749",
# "85.07.30-033.28", "dimona-declaration"); anything else is a malformed request.
ID_PATTERN = r"^[\x20-\x7e]+$"
_ID = re.compile(r"[\x20-\x7e]+")
RESOURCE_TYPE = "enterprise"

EXECUTE_ALL = "execute_all"
DENY_ON_FIRST_DENY = "deny_on_first_deny"
PERMIT_ON_FIRST_PERMIT = "permit_on_first_permit"
SEMANTICS = (EXECUTE_ALL, DENY_ON_FIRST_DENY, PERMIT_ON_FIRST_PERMIT)


class InvalidRequest(Exception):
    """The request cannot be evaluated: `description` says why, in English."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Batch:
    questions: list[Question]
    semantic: str
    # No `evaluations` items: answered as the single evaluation endpoint answers.
    single: bool


def parse_json(body: bytes) -> Any:
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest(f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise InvalidRequest("The body is not UTF-8.") from None
    except (ValueError, RecursionError):
        raise InvalidRequest("The body is not a JSON document.") from None
    _check_values(document)
    return document


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _check_values(document: Any) -> None:
    """Depth, NUL bytes and lone surrogates, anywhere in the document (context included:
    nothing the portal cannot store or log is taken in)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidRequest(f"The document is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_string(value)


def _check_string(value: str) -> None:
    if "\x00" in value:
        raise InvalidRequest("A string contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest("A string contains a lone surrogate.") from None


def _object(value: Any, name: str, *, required: bool = True) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"`{name}` must be an object.")
    return value


def _identifier(container: dict, key: str, name: str) -> str:
    value = container.get(key)
    if not isinstance(value, str):
        raise InvalidRequest(f"`{name}` must be a string.")
    if not value or len(value) > MAX_ID_LENGTH:
        raise InvalidRequest(f"`{name}` must have 1 to {MAX_ID_LENGTH} characters.")
    if not _ID.fullmatch(value):
        raise InvalidRequest(f"`{name}` must be printable ASCII.")
    return value


def _subject(value: Any, name: str) -> tuple[str, str]:
    subject = _object(value, name)
    _object(subject.get("properties"), f"{name}.properties", required=False)
    kind = _identifier(subject, "type", f"{name}.type")
    if kind not in SUBJECT_TYPES:
        raise InvalidRequest(f"`{name}.type` must be one of: {', '.join(SUBJECT_TYPES)}.")
    return kind, _identifier(subject, "id", f"{name}.id")


def _resource(value: Any, name: str) -> str:
    resource = _object(value, name)
    _object(resource.get("properties"), f"{name}.properties", required=False)
    if _identifier(resource, "type", f"{name}.type") != RESOURCE_TYPE:
        raise InvalidRequest(f"`{name}.type` must be “{RESOURCE_TYPE}”.")
    return _identifier(resource, "id", f"{name}.id")


def _action(value: Any, name: str) -> str:
    action = _object(value, name)
    _object(action.get("properties"), f"{name}.properties", required=False)
    return _identifier(action, "name", f"{name}.name")


def _context(value: Any, name: str) -> None:
    _object(value, name)


_MEMBERS = {"subject": _subject, "resource": _resource, "action": _action, "context": _context}


def parse_question(document: Any, where: str = "") -> Question:
    """One evaluation request: subject, resource, action (and an optional context)."""
    document = _object(document, where.rstrip(".") or "the body")
    subject_type, subject_id = _subject(document.get("subject"), f"{where}subject")
    enterprise = _resource(document.get("resource"), f"{where}resource")
    role = _action(document.get("action"), f"{where}action")
    if "context" in document:
        _context(document["context"], f"{where}context")
    return Question(
        subject_type=subject_type, subject_id=subject_id, enterprise=enterprise, role=role
    )


def parse_batch(document: Any) -> Batch:
    document = _object(document, "the body")
    items = document.get("evaluations")
    if items is None or items == []:
        return Batch(questions=[parse_question(document)], semantic=EXECUTE_ALL, single=True)
    if not isinstance(items, list):
        raise InvalidRequest("`evaluations` must be an array.")
    if len(items) > MAX_EVALUATIONS:
        raise InvalidRequest(f"At most {MAX_EVALUATIONS} evaluations per request.")
    options = _object(document.get("options"), "options", required=False)
    semantic = options.get("evaluations_semantic", EXECUTE_ALL)
    if semantic not in SEMANTICS:
        raise InvalidRequest(
            f"`options.evaluations_semantic` must be one of: {', '.join(SEMANTICS)}."
        )
    defaults = {key: document[key] for key in _MEMBERS if key in document}
    for key, value in defaults.items():
        # A default is checked even where every item replaces it: it is part of the request.
        _MEMBERS[key](value, key)
    questions = []
    for index, item in enumerate(items):
        item = _object(item, f"evaluations[{index}]")
        merged = {**defaults, **{key: item[key] for key in _MEMBERS if key in item}}
        questions.append(parse_question(merged, where=f"evaluations[{index}]."))
    return Batch(questions=questions, semantic=semantic, single=False)


def apply_semantic(decisions: list[Decision], semantic: str) -> list[Decision]:
    """The decisions answered: all, or up to and including the first denial (or permit)."""
    stop_at = {DENY_ON_FIRST_DENY: False, PERMIT_ON_FIRST_PERMIT: True}.get(semantic)
    if stop_at is None:
        return decisions
    for index, decision in enumerate(decisions):
        if decision.allowed is stop_at:
            return decisions[: index + 1]
    return decisions


def decision_json(decision: Decision) -> dict:
    if decision.allowed:
        if decision.through:
            # Allowed only through a provider, under a mandate: the application is told
            # which one, as the `act` claim of the person's token names it.
            return {"decision": True, "context": {"through": decision.through}}
        return {"decision": True}
    context: dict[str, Any] = {
        "id": decision.reason,
        "reason_admin": {REASON_LANGUAGE: decision.reason_text},
    }
    if decision.through:
        # The provider the person acted through (its enterprise number), as the `act`
        # claim names it.
        context["through"] = decision.through
    return {"decision": False, "context": context}
