import email
from email import policy
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health


def home(request):
    return render(request, "portal/home.html", {"help_slug": None})


@never_cache
@require_GET
def healthz(request):
    """Liveness, for the load balancer: 503 only when the database or the broker is down."""
    report = health.check()
    body = {"status": "unavailable" if report.down else "ok", **report.body}
    if report.down:
        body["reasons"] = report.down
    return JsonResponse(body, status=503 if report.down else 200)


@never_cache
@require_GET
def healthz_ready(request):
    """Readiness, for alerting: 503 also when the background work is not getting done."""
    report = health.check()
    reasons = report.down + report.not_ready
    body = {"status": "unavailable" if reasons else "ok", **report.body, "reasons": reasons}
    return JsonResponse(body, status=503 if reasons else 200)


# --- Development mailbox (DEBUG only) ------------------------------------------------------


def _mailbox_files() -> list[Path]:
    directory = Path(settings.MAILBOX_DIR)
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.eml"), reverse=True)


def _parse(path: Path) -> dict:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    return {
        "id": path.stem,
        "subject": message["subject"],
        "to": message["to"],
        "from": message["from"],
        "date": message["date"],
        "text": text.get_content() if text else "",
    }


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


@never_cache
def mailbox(request):
    _require_debug()
    messages = [_parse(p) for p in _mailbox_files()[:200]]
    return render(request, "portal/mailbox.html", {"mails": messages})


@never_cache
def mailbox_message(request, message_id: str):
    _require_debug()
    path = Path(settings.MAILBOX_DIR) / f"{message_id}.eml"
    # The id comes from the URL: only names the mailbox itself listed are readable.
    if path not in _mailbox_files():
        raise Http404
    return render(request, "portal/mailbox_message.html", {"mail": _parse(path)})


def error_400(request, exception=None):
    # Without a request context, as the 500 page: the request may name a host that is not
    # allowed, or hold a body too large to read, which the layout's context would touch.
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def csrf_failure(request, reason=""):
    """A form sent from a page that no longer matches the session (signed in again since,
    another tab): the portal's page, in the person's language, saying what to do. Django's
    own is an untranslated page for developers."""
    return render(request, "403_csrf.html", status=403)


def error_500(request):
    # The layout without any database access: a 500 often means the database is down.
    # Hence no request context either: the context processors would load the signed-in
    # user from the session, in the database, and fail again (a bare gunicorn error page;
    # seen in tests/faults/test_database_restart.py).
    return HttpResponseServerError(loader.get_template("500.html").render())
