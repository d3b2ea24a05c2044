"""The decision API against its own OpenAPI description (schemathesis, in process).

The description is loaded from the portal itself (`/access/v1/openapi.json`) through the
WSGI application, and requests generated from it, valid ones and invalid ones, are sent
with a valid client-credentials token: no 5xx, and every answer (status, content type,
headers, body) is one the description promises. Valid requests are accepted; invalid ones
refused with a 4xx. Bounded: a fixed seed and a few dozen examples per endpoint and mode.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relying.tests.authzen_support import client_credentials_token

pytestmark = pytest.mark.django_db

COMMON = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CHECKS = {
    GenerationMode.POSITIVE: [*COMMON, positive_data_acceptance],
    GenerationMode.NEGATIVE: [*COMMON, negative_data_rejection],
}


@contextmanager
def keeping_the_test_connection():
    """The WSGI handler closes "old" connections around each request, as it should in
    production; Django's test client switches that off so the test's transaction survives,
    and so must a test that calls the WSGI application itself."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", list(CHECKS), ids=lambda m: m.value)
@pytest.mark.parametrize("path", ["/access/v1/evaluation", "/access/v1/evaluations"])
def test_the_api_keeps_its_description(registered, holder, mode, path):
    registration, secret = registered
    token = client_credentials_token(registration.client_id, secret)
    headers = {"Authorization": f"Bearer {token}"}
    with keeping_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/access/v1/openapi.json", get_wsgi_application())
    operation = schema[path]["POST"]

    @seed(13)
    @hypothesis_settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def run(case):
        case.call_and_validate(checks=CHECKS[mode])

    with keeping_the_test_connection():
        run()


def test_the_description_is_valid_openapi_3_1(client):
    schema = schemathesis.openapi.from_dict(client.get("/access/v1/openapi.json").json())
    schema.validate()
    assert {op.ok().path for op in schema.get_all_operations()} == {
        "/access/v1/evaluation",
        "/access/v1/evaluations",
        "/.well-known/authzen-configuration",
    }
