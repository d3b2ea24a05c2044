import email
from email import policy
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def home(request):
    return render(request, "portal/home.html", {"help_slug": None})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_state() -> str:
    """'ok', 'down', or 'none' on the embedded default (tasks run in-process)."""
    if not settings.REDIS_URL:
        return "none"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return "ok"
    except Exception:
        return "down"


@never_cache
@require_GET
def healthz(request):
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    healthy = database == "ok" and broker != "down"
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "broker": broker if broker != "none" else "none (tasks run in-process)",
    }
    return JsonResponse(body, status=200 if healthy else 503)


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


def error_500(request):
    # The layout without any database access: a 500 often means the database is down.
    # Hence no request context either: the context processors would load the signed-in
    # user from the session, in the database, and fail again (a bare gunicorn error page;
    # seen in tests/faults/test_database_restart.py).
    return HttpResponseServerError(loader.get_template("500.html").render())
