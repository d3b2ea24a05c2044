"""The portal's URLs plus the benches' floor: a view that does nothing.

`/bench/ping` goes through the whole middleware stack (sessions, locale, CSRF, auth, CSP,
the portal's own middleware) and returns a few bytes without a template or a query of its
own; signed in, it authenticates the request like every signed-in page.
`/healthz` is not a floor: it queries the database and pings the broker.
"""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def ping(request):
    # Touching the user makes a signed-in request pay what every signed-in page pays (the
    # session and the user look-ups, two queries); an anonymous one pays nothing.
    body = b"ok" if request.user.is_authenticated else b"ok, anonymous"
    return HttpResponse(body, content_type="text/plain")


urlpatterns = [path("bench/ping", ping, name="bench_ping"), *portal_urlpatterns]
