"""The audit trail records the client's address, also behind reverse proxies.

Each request goes through the real RequestContextMiddleware, and the audit event written
during it is read back from the database (an inet column on PostgreSQL).
"""

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory

from portal.audit import Action, audit
from portal.middleware import RequestContextMiddleware
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def recorded_ip(**meta) -> str | None:
    """The IP address of an audit event written while serving a request with `meta`."""

    def view(request):
        audit(actor=None, action=Action.CONTACT_CENTRE_LOOKUP)
        return HttpResponse("ok")

    request = RequestFactory().get("/", **meta)
    response = RequestContextMiddleware(view)(request)
    assert response.status_code == 200
    return AuditEvent.objects.get(action=Action.CONTACT_CENTRE_LOOKUP).ip_address


def test_the_middleware_is_installed():
    assert "portal.middleware.RequestContextMiddleware" in django_settings.MIDDLEWARE


def test_the_setting_is_read_from_the_environment():
    # The README documents TRUSTED_PROXY_COUNT; the settings must read it (default 0).
    assert django_settings.TRUSTED_PROXY_COUNT == 0


def test_without_proxies_it_records_the_peer_and_ignores_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    ip = recorded_ip(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ip == "203.0.113.9"


def test_behind_one_proxy_it_records_the_address_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    ip = recorded_ip(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert ip == "198.51.100.7"


def test_entries_the_client_wrote_itself_are_ignored(settings):
    # The client sent "X-Forwarded-For: 192.0.2.66, 192.0.2.77"; the proxy appended the
    # address it really saw. Only that last entry is the proxy's word.
    settings.TRUSTED_PROXY_COUNT = 1
    ip = recorded_ip(
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 192.0.2.77, 198.51.100.7"
    )
    assert ip == "198.51.100.7"


def test_behind_two_proxies_it_takes_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    ip = recorded_ip(
        REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="192.0.2.66, 2001:db8::5, 10.0.0.2"
    )
    assert ip == "2001:db8::5"


@pytest.mark.parametrize(
    "header",
    [
        "",  # no header at all: the request bypassed the proxy
        "not-an-address",
        "198.51.100.7, <script>",
        "198.51.100.7:8080",
        "\x00",
        "," * 50,
    ],
)
def test_a_malformed_header_records_no_address_and_never_fails(settings, header):
    # Behind a proxy, REMOTE_ADDR is the proxy: recording it would blame the proxy.
    settings.TRUSTED_PROXY_COUNT = 1
    assert recorded_ip(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header) is None


def test_a_header_shorter_than_the_proxy_chain_records_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert recorded_ip(REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="198.51.100.7") is None


def test_a_page_behind_a_proxy_with_a_malformed_header_still_answers(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/", HTTP_X_FORWARDED_FOR="garbage, ,,\x7f")
    assert response.status_code == 200
