"""A public page's whole HTML kept in the process for anonymous visitors.

An anonymous visitor of a public page (the wizard) gets what every other anonymous visitor of
that page in that language gets, but for two values of their own: the CSRF token of the
language form and the CSP nonce of the stylesheet. The page is rendered once with a marker in
place of each, kept here, and each visit only puts its own token and nonce in place of the
markers (`{% csrf_token %}` and `csp_nonce` read the context, where the view's values come
before the context processors'). Rendering the layout and the page cost four times the
stack's floor; a kept page costs the two replacements.

Nothing personal is kept: only requests without a signed-in person, without a query string
and without a message waiting for them (those render as usual), keyed by what the page
depends on (the caller's key, which must say when the content changes, the language and the
path, which the language form sends back). The store is per process and bounded, so a
deployment (new templates, new translations) starts empty.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

CSRF_MARKER = "portal-kept-page-csrf-token"
NONCE_MARKER = "portal-kept-page-csp-nonce"
MAX_PAGES = 512

_pages: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def key_for(request, page_key: Callable[[], tuple]) -> tuple | None:
    """The key of the kept page for this request, or None when it must be rendered.
    `page_key()` (asked only for such a request) says which page, in which version."""
    if request.method != "GET" or request.GET or request.user.is_authenticated:
        return None
    if len(get_messages(request)):  # counts them without marking them read
        return None
    return (*page_key(), get_language(), request.path)


def serve(request, key: tuple) -> HttpResponse | None:
    with _lock:
        html = _pages.get(key)
        if html is not None:
            _pages.move_to_end(key)
    if html is None:
        return None
    return _response(request, html)


def keep(request, key: tuple, template_name: str, context: dict) -> HttpResponse:
    html = render_to_string(
        template_name, {**context, "csrf_token": CSRF_MARKER, "csp_nonce": NONCE_MARKER}, request
    )
    with _lock:
        _pages[key] = html
        _pages.move_to_end(key)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)
    return _response(request, html)


def clear() -> None:
    with _lock:
        _pages.clear()


def _response(request, html: str) -> HttpResponse:
    # The same calls as the template's: a fresh mask of the visitor's CSRF secret (setting
    # the cookie when there is none yet), and the nonce that the CSP middleware then names.
    html = html.replace(NONCE_MARKER, str(get_nonce(request))).replace(
        CSRF_MARKER, get_token(request)
    )
    return HttpResponse(html)
