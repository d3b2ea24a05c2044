"""A relying application of the eGov role management portal, small enough to copy.

It plays the demo application "Dimona" and shows the four things an application does with
the portal, each in one place of this module:

1. **Sign in** (`login`, `callback`): OpenID Connect, authorization code with PKCE (S256);
   authlib's Flask client makes the request, checks `state`, and verifies the ID token
   (signature from the portal's JWKS, issuer, audience, `nonce`). The ID token carries the
   capacity the person chose on the portal (`enterprise`) and the roles they hold there.
2. **Check the access on every call** (`current_sign_in`): the access token is short; the
   application renews it with the refresh token (which the portal refuses once the roles
   have ended) and asks the portal about it by introspection (RFC 7662) on every page view.
   Inactive: the access has ended, the local session too.
3. **Ask for a decision** (`decisions`): the back-end, authenticated as the application
   (client credentials), asks the portal's AuthZEN decision API "may this person act with
   role R for enterprise E now?".
4. **Receive the events** (`receive_event`): the portal pushes a signed Security Event
   Token (RFC 8417, CAEP) when a role ends (RFC 8935). The receiver verifies it, stores it
   once per `jti`, and ends the sessions it names before their next page view.

Configuration by environment variables (defaults: the demo of `make run`; see README.md).
Sessions live server-side in SQLite (stdlib) under the instance folder: the browser's
cookie holds a random session id only, never a token.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

SCOPE = "openid profile email enterprise roles"
SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked"
CLAIMS_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/token-claims-change"
SET_MEDIA_TYPE = "application/secevent+jwt"
# How the application authenticates to the portal's token, introspection and revocation
# endpoints: its id and secret in an HTTP Basic header.
CLIENT_AUTHENTICATION = "client_secret_basic"
# Renew the access token a little before it expires rather than have it refused mid-call.
RENEW_BEFORE_SECONDS = 30
HTTP_TIMEOUT_SECONDS = 10
# An unknown `kid` may mean the portal rotated its key: fetch its JWKS again, but not more
# often than this, so that forged events cannot make the receiver hammer the portal.
JWKS_REFETCH_SECONDS = 60
MAX_SET_BYTES = 64 * 1024

# Every setting, its environment variable and its default (the demo: `make run` serves the
# portal on 8000, `load_demo` registers this client with this id and secret).
DEFAULTS = {
    "PORTAL_URL": "http://127.0.0.1:8000",
    "SAMPLE_URL": "http://127.0.0.1:8001",
    "SAMPLE_CLIENT_ID": "sample-dimona",
    "SAMPLE_CLIENT_SECRET": "sample-dimona-demo-secret",
    "SAMPLE_APPLICATION_NAME": "Dimona",
    # The roles "Check a decision" asks about (besides those the person received).
    "SAMPLE_ROLES": "dimona-declaration dimona-consultation",
    # Where the sessions, the events and the cookie key are kept (default: sample_app/instance).
    "SAMPLE_INSTANCE_DIR": "",
    "SAMPLE_SECRET_KEY": "",
}

bp = Blueprint("sample", __name__)


# --- Configuration ------------------------------------------------------------------------


def create_app(config: dict[str, str] | None = None) -> Flask:
    """The application, configured from the environment; `config` overrides (tests)."""
    settings = {name: os.environ.get(name, default) for name, default in DEFAULTS.items()}
    settings.update(config or {})
    instance = settings["SAMPLE_INSTANCE_DIR"] or str(Path(__file__).parent / "instance")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings)
    app.config["PORTAL_URL"] = settings["PORTAL_URL"].rstrip("/")
    app.config["SAMPLE_URL"] = settings["SAMPLE_URL"].rstrip("/")
    app.config["SECRET_KEY"] = settings["SAMPLE_SECRET_KEY"] or _secret_key(app.instance_path)
    # The portal runs on the same host in the demo: cookies do not tell ports apart, so this
    # one is named apart from the portal's. Lax: the portal's redirect back is a top-level GET.
    app.config.update(
        SESSION_COOKIE_NAME="sample_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SAMPLE_URL"].startswith("https:"),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )

    oauth = OAuth(app)
    oauth.register(
        "portal",
        client_id=app.config["SAMPLE_CLIENT_ID"],
        client_secret=app.config["SAMPLE_CLIENT_SECRET"],
        server_metadata_url=app.config["PORTAL_URL"] + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": CLIENT_AUTHENTICATION,
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )
    app.extensions["sample"] = Portal(app, oauth.portal)
    app.register_blueprint(bp)
    app.teardown_appcontext(_close_db)
    _create_tables(app)
    return app


def _secret_key(instance: str) -> str:
    """A key for the session cookie's signature, made once and kept in the instance folder."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Storage: sessions and received events (SQLite, stdlib) --------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS sign_ins (
    id TEXT PRIMARY KEY,
    sub TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    enterprise TEXT,            -- JSON {number, name, quality}; NULL for a citizen
    enterprise_number TEXT,     -- digits only, to match the events' tenant
    roles TEXT NOT NULL,        -- JSON list of role codes
    acr TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    expires_at REAL NOT NULL,
    signed_in_at REAL NOT NULL,
    ended_by TEXT               -- the jti of the event that ended it
);
CREATE INDEX IF NOT EXISTS sign_ins_sub ON sign_ins (sub);
CREATE TABLE IF NOT EXISTS events (
    jti TEXT PRIMARY KEY,       -- one row per event id: a second delivery changes nothing
    received_at REAL NOT NULL,
    event_type TEXT NOT NULL,
    sub TEXT NOT NULL,
    tenant TEXT,
    claims TEXT NOT NULL        -- the verified claims, JSON
);
"""


def _connect(instance_path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(Path(instance_path) / "sample.sqlite3", timeout=10)
    connection.row_factory = sqlite3.Row
    return connection


def _create_tables(app: Flask) -> None:
    with contextlib.closing(_connect(app.instance_path)) as connection:
        connection.executescript(SCHEMA)


def db() -> sqlite3.Connection:
    """This request's connection (one per request: the server answers in threads)."""
    if "db" not in g:
        g.db = _connect(current_app.instance_path)
    return g.db


def _close_db(_exc) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def _digits(number: str | None) -> str | None:
    """An enterprise number in any usual writing (0403.170.701, BE0403170701) as digits."""
    return "".join(c for c in number if c.isdigit()) if number else None


def acting_for(claims: dict) -> dict | None:
    """The enterprise acted for, as the claims say it: `enterprise`, and, when the person
    acts for it through a provider (a social secretariat under a mandate), the provider
    from RFC 8693's `act` claim (`sub` its enterprise number), kept as `through`."""
    enterprise = claims.get("enterprise")
    act = claims.get("act")
    if enterprise and isinstance(act, dict) and act.get("sub"):
        enterprise = {
            **enterprise,
            "through": {
                "number": act["sub"],
                "name": act.get("name", ""),
                "quality": act.get("quality", ""),
            },
        }
    return enterprise


def sign_in_save(token: dict, claims: dict) -> str:
    enterprise = acting_for(claims)
    sign_in_id = secrets.token_urlsafe(32)
    with db() as connection:
        connection.execute(
            "INSERT INTO sign_ins (id, sub, name, email, enterprise, enterprise_number, roles,"
            " acr, access_token, refresh_token, expires_at, signed_in_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sign_in_id,
                claims["sub"],
                claims.get("name", ""),
                claims.get("email", ""),
                json.dumps(enterprise) if enterprise else None,
                _digits(enterprise["number"]) if enterprise else None,
                json.dumps(claims.get("roles", [])),
                claims.get("acr", ""),
                token["access_token"],
                token.get("refresh_token"),
                _expires_at(token),
                time.time(),
            ),
        )
    return sign_in_id


def _expires_at(token: dict) -> float:
    if token.get("expires_at"):
        return float(token["expires_at"])
    return time.time() + float(token.get("expires_in", 0))


def sign_in_load(sign_in_id: str | None) -> sqlite3.Row | None:
    if not sign_in_id:
        return None
    return db().execute("SELECT * FROM sign_ins WHERE id = ?", (sign_in_id,)).fetchone()


def sign_in_delete(sign_in_id: str) -> None:
    with db() as connection:
        connection.execute("DELETE FROM sign_ins WHERE id = ?", (sign_in_id,))


def event_load(jti: str | None) -> sqlite3.Row | None:
    if not jti:
        return None
    return db().execute("SELECT * FROM events WHERE jti = ?", (jti,)).fetchone()


# --- The portal: metadata, tokens, introspection, decisions, keys ---------------------------


class PortalUnavailable(Exception):
    """The portal could not be asked (network, 5xx): nothing is decided on that."""


class Portal:
    """What the application asks the portal, with authlib's client for every OAuth call."""

    def __init__(self, app: Flask, client):
        self.client = client  # authlib's Flask client: metadata, sign-in, JWKS
        self.client_id = app.config["SAMPLE_CLIENT_ID"]
        self.client_secret = app.config["SAMPLE_CLIENT_SECRET"]
        self.portal_url = app.config["PORTAL_URL"]
        self._lock = threading.Lock()
        self._service_token: dict[str, Any] | None = None
        self._authzen: dict[str, Any] | None = None
        self._jwks_fetched_at = 0.0

    def metadata(self) -> dict[str, Any]:
        try:
            return self.client.load_server_metadata()
        except requests.RequestException as error:
            raise PortalUnavailable(str(error)) from error

    def session(self) -> OAuth2Session:
        """An OAuth client authenticated as this application (client secret basic)."""
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            token_endpoint_auth_method=CLIENT_AUTHENTICATION,
            default_timeout=HTTP_TIMEOUT_SECONDS,
        )

    def refresh(self, refresh_token: str) -> dict | None:
        """New tokens, or None when the portal refuses (the roles behind them ended)."""
        with self.session() as client:
            try:
                return client.refresh_token(
                    self.metadata()["token_endpoint"], refresh_token=refresh_token
                )
            except OAuthError:
                return None
            except requests.RequestException as error:
                raise PortalUnavailable(str(error)) from error

    def introspect(self, access_token: str) -> dict:
        """RFC 7662: `{"active": false}` once the access has ended; the claims otherwise."""
        with self.session() as client:
            try:
                response = client.introspect_token(
                    self.metadata()["introspection_endpoint"],
                    token=access_token,
                    token_type_hint="access_token",  # noqa: S106 (a token type, no secret)
                )
            except requests.RequestException as error:
                raise PortalUnavailable(str(error)) from error
        if response.status_code != 200:
            raise PortalUnavailable(f"introspection answered {response.status_code}")
        return response.json()

    def revoke(self, token: str, hint: str) -> None:
        """RFC 7009, on sign-out: the portal forgets the token (best effort)."""
        # Signing out locally does not wait for the portal.
        unreachable = (requests.RequestException, PortalUnavailable, KeyError)
        with self.session() as client, contextlib.suppress(*unreachable):
            client.revoke_token(
                self.metadata()["revocation_endpoint"], token=token, token_type_hint=hint
            )

    def _service_access_token(self, *, renew: bool = False) -> str:
        """The application's own token (client credentials), kept until it expires."""
        with self._lock:
            token = self._service_token
            if renew or not token or token["expires_at"] - RENEW_BEFORE_SECONDS < time.time():
                with self.session() as client:
                    try:
                        token = client.fetch_token(
                            self.metadata()["token_endpoint"], grant_type="client_credentials"
                        )
                    except (OAuthError, requests.RequestException) as error:
                        raise PortalUnavailable(str(error)) from error
                token["expires_at"] = _expires_at(token)
                self._service_token = token
            return token["access_token"]

    def authzen(self) -> dict[str, Any]:
        """The decision API's metadata (`/.well-known/authzen-configuration`)."""
        if self._authzen is None:
            url = self.portal_url + "/.well-known/authzen-configuration"
            try:
                response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
                response.raise_for_status()
            except requests.RequestException as error:
                raise PortalUnavailable(str(error)) from error
            self._authzen = response.json()
        return self._authzen

    def evaluate(self, *, sub: str, enterprise_number: str, role: str) -> dict:
        """One AuthZEN evaluation: may `sub` act with `role` for the enterprise now?"""
        body = {
            "subject": {"type": "user", "id": sub},
            "resource": {"type": "enterprise", "id": enterprise_number},
            "action": {"name": role},
        }
        url = self.authzen()["access_evaluation_endpoint"]
        for renew in (False, True):
            headers = {"Authorization": "Bearer " + self._service_access_token(renew=renew)}
            try:
                response = requests.post(
                    url, json=body, headers=headers, timeout=HTTP_TIMEOUT_SECONDS
                )
            except requests.RequestException as error:
                raise PortalUnavailable(str(error)) from error
            if response.status_code != 401:  # 401: our token expired or was revoked
                break
        if response.status_code != 200:
            raise PortalUnavailable(f"the decision API answered {response.status_code}")
        return response.json()

    def keys(self, *, refresh: bool = False) -> KeySet:
        """The portal's public keys (its JWKS), fetched again when asked and allowed."""
        with self._lock:
            force = refresh and time.time() - self._jwks_fetched_at > JWKS_REFETCH_SECONDS
            if force or not self._jwks_fetched_at:
                self._jwks_fetched_at = time.time()
            try:
                return KeySet.import_key_set(self.client.fetch_jwk_set(force=force))
            except requests.RequestException as error:
                raise PortalUnavailable(str(error)) from error


def portal() -> Portal:
    return current_app.extensions["sample"]


# --- Every page view: is the access still there? ---------------------------------------------


@dataclass
class Ended:
    """Why the access ended: the event that said so, or the portal's answer to a call."""

    how: str  # "event" | "refresh" | "introspection"
    event: sqlite3.Row | None = None


def current_sign_in() -> sqlite3.Row | Ended | None:
    """The signed-in person's sign-in after asking the portal, `Ended` if it is over (the
    local session is then signed out), None when nobody is signed in."""
    record = sign_in_load(session.get("sign_in"))
    if record is None:
        session.pop("sign_in", None)
        return None
    if record["ended_by"]:
        return _end(record, Ended("event", event_load(record["ended_by"])))
    if record["expires_at"] - RENEW_BEFORE_SECONDS < time.time():
        renewed = _renew(record)
        if renewed is None:
            return _end(record, Ended("refresh"))
        record = renewed
    answer = portal().introspect(record["access_token"])
    if not answer.get("active"):
        return _end(record, Ended("introspection"))
    # Introspection carries the roles held now: a role added or ended elsewhere shows at once.
    if isinstance(answer.get("roles"), list) and answer["roles"] != json.loads(record["roles"]):
        with db() as connection:
            connection.execute(
                "UPDATE sign_ins SET roles = ? WHERE id = ?",
                (json.dumps(answer["roles"]), record["id"]),
            )
        record = sign_in_load(record["id"])
    return record


def _renew(record: sqlite3.Row) -> sqlite3.Row | None:
    """New tokens for an expiring access token, or None when the portal refuses.

    The refresh token rotates: of two page views renewing at once, the portal refuses the
    slower one's (already used) token. That one then finds the tokens the faster one kept."""
    used = record["refresh_token"]
    token = portal().refresh(used) if used else None
    if token is None:
        current = sign_in_load(record["id"])
        renewed_meanwhile = current is not None and current["refresh_token"] != used
        return current if renewed_meanwhile else None
    with db() as connection:
        connection.execute(
            "UPDATE sign_ins SET access_token = ?, refresh_token = ?, expires_at = ?"
            " WHERE id = ? AND refresh_token = ?",
            (
                token["access_token"],
                token.get("refresh_token", used),
                _expires_at(token),
                record["id"],
                used,
            ),
        )
    return sign_in_load(record["id"])


def _end(record: sqlite3.Row, ended: Ended) -> Ended:
    sign_in_delete(record["id"])
    session.pop("sign_in", None)
    return ended


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, "The form expired: go back, reload the page and try again.")


@bp.app_context_processor
def _template_context() -> dict[str, Any]:
    return {
        "application_name": current_app.config["SAMPLE_APPLICATION_NAME"],
        "portal_url": current_app.config["PORTAL_URL"],
        "csrf_token": csrf_token,
    }


def _view(record) -> dict[str, Any]:
    return {
        "sub": record["sub"],
        "name": record["name"],
        "email": record["email"],
        "enterprise": json.loads(record["enterprise"]) if record["enterprise"] else None,
        "roles": json.loads(record["roles"]),
        "acr": record["acr"],
    }


def _ended_page(ended: Ended):
    event = None
    if ended.event is not None:
        event = {
            "jti": ended.event["jti"],
            "type": _short_type(ended.event["event_type"]),
            "reason": _reason(json.loads(ended.event["claims"]), ended.event["event_type"]),
        }
    return render_template("ended.html", how=ended.how, event=event), 403


@bp.errorhandler(PortalUnavailable)
def _portal_unavailable(error):
    current_app.logger.warning("The portal could not be asked: %s", error)
    return render_template("unavailable.html"), 503


# --- Pages ----------------------------------------------------------------------------------


@bp.get("/")
def home():
    current = current_sign_in()
    if isinstance(current, Ended):
        return _ended_page(current)
    if current is None:
        return render_template("home.html", person=None)
    return render_template("home.html", person=_view(current))


@bp.get("/login")
def login():
    """To the portal's sign-in. `?enterprise=NUMBER` asks for that enterprise in advance:
    the portal then offers only it on its capacity screen."""
    extra = {}
    if enterprise := request.args.get("enterprise", "").strip()[:40]:
        extra["enterprise"] = enterprise
    redirect_uri = current_app.config["SAMPLE_URL"] + url_for("sample.callback")
    return portal().client.authorize_redirect(redirect_uri, **extra)


@bp.get("/callback")
def callback():
    if request.args.get("error"):
        # The person cancelled, or holds no role of this application (the portal said so).
        return render_template("refused.html", error=request.args["error"]), 403
    try:
        token = portal().client.authorize_access_token()
    except MismatchingStateError:
        return render_template("refused.html", error="state"), 400
    except OAuthError as error:
        return render_template("refused.html", error=error.error or "invalid"), 400
    except JoseError:
        return render_template("refused.html", error="id_token"), 400
    except requests.RequestException as error:
        raise PortalUnavailable(str(error)) from error
    claims = token.get("userinfo")
    if not claims:  # no ID token: not an OpenID Connect answer
        return render_template("refused.html", error="id_token"), 400
    previous = session.get("sign_in")
    if previous:
        sign_in_delete(previous)
    session["sign_in"] = sign_in_save(token, claims)
    return redirect(url_for("sample.home"))


@bp.post("/logout")
def logout():
    _check_csrf()
    record = sign_in_load(session.get("sign_in"))
    if record is not None:
        if record["refresh_token"]:
            portal().revoke(record["refresh_token"], "refresh_token")
        sign_in_delete(record["id"])
    session.clear()
    return redirect(url_for("sample.home"))


@bp.get("/decisions")
def decisions():
    current = current_sign_in()
    if isinstance(current, Ended):
        return _ended_page(current)
    if current is None:
        return redirect(url_for("sample.home"))
    person = _view(current)
    answers = []
    if person["enterprise"]:
        known = current_app.config["SAMPLE_ROLES"].split()
        for role in dict.fromkeys([*person["roles"], *known]):
            answer = portal().evaluate(
                sub=person["sub"], enterprise_number=person["enterprise"]["number"], role=role
            )
            context = answer.get("context") or {}
            answers.append(
                {
                    "role": role,
                    "decision": answer.get("decision") is True,
                    "reason": context.get("id", ""),
                    "explanation": (context.get("reason_admin") or {}).get("en", ""),
                }
            )
    return render_template("decisions.html", person=person, answers=answers)


@bp.get("/events")
def events():
    rows = db().execute("SELECT * FROM events ORDER BY received_at DESC LIMIT 50").fetchall()
    shown = [
        {
            "jti": row["jti"],
            "received_at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["received_at"])),
            "type": _short_type(row["event_type"]),
            "sub": row["sub"],
            "tenant": row["tenant"] or "",
            "reason": _reason(json.loads(row["claims"]), row["event_type"]),
        }
        for row in rows
    ]
    return render_template("events.html", events=shown)


# --- The events receiver (RFC 8935 push) ------------------------------------------------------


class Refused(Exception):
    """A SET the receiver does not accept; `err` is RFC 8935's error code."""

    def __init__(self, err: str, description: str):
        super().__init__(description)
        self.err = err
        self.description = description


@bp.post("/events")
def receive_event():
    try:
        claims, event_type = verify_set(request.content_type or "", request.get_data())
    except Refused as refused:
        return jsonify(err=refused.err, description=refused.description), 400
    record_event(claims, event_type)
    return "", 202


def verify_set(content_type: str, body: bytes) -> tuple[dict, str]:
    """The claims of a Security Event Token signed by the portal for this application, and
    its one event type; `Refused` with the reason otherwise."""
    if content_type.split(";")[0].strip().lower() != SET_MEDIA_TYPE:
        raise Refused("invalid_request", f"Content-Type must be {SET_MEDIA_TYPE}.")
    if len(body) > MAX_SET_BYTES:
        raise Refused("invalid_request", "The token is too large.")
    try:
        signed = jws.extract_compact(body.strip())
    except (JoseError, ValueError):
        raise Refused("invalid_request", "Not a JWS in compact serialization.") from None
    header = signed.headers()
    if str(header.get("typ", "")).lower() not in ("secevent+jwt", SET_MEDIA_TYPE):
        raise Refused("invalid_request", "The header's typ must be secevent+jwt.")
    if header.get("alg") != "RS256":
        raise Refused("invalid_key", "Only RS256 signatures are accepted.")
    if not _signature_valid(signed):
        raise Refused("invalid_key", "The signature does not verify with the portal's keys.")
    try:
        claims = json.loads(signed.payload)
    except ValueError:
        raise Refused("invalid_request", "The payload is not JSON.") from None
    if not isinstance(claims, dict):
        raise Refused("invalid_request", "The payload is not a JSON object.")
    if claims.get("iss") != portal().metadata()["issuer"]:
        raise Refused("invalid_issuer", "The issuer is not the portal.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if portal().client_id not in audiences:
        raise Refused("invalid_audience", "The token is meant for another application.")
    events = claims.get("events")
    sub_id = claims.get("sub_id")
    subject = sub_id.get("user") if isinstance(sub_id, dict) else None
    if not isinstance(claims.get("jti"), str) or not claims["jti"] or len(claims["jti"]) > 200:
        raise Refused("invalid_request", "The jti claim is missing.")
    if not isinstance(events, dict) or len(events) != 1:
        raise Refused("invalid_request", "The events claim must hold exactly one event.")
    if not isinstance(subject, dict) or not isinstance(subject.get("id"), str):
        raise Refused("invalid_request", "The sub_id claim names no user.")
    return claims, next(iter(events))


def _signature_valid(signed) -> bool:
    for refresh in (False, True):
        try:
            return jws.validate_compact(signed, portal().keys(refresh=refresh), ["RS256"])
        except JoseError:
            continue  # an unknown kid: the portal may have rotated its key
    return False


def record_event(claims: dict, event_type: str) -> bool:
    """Store the event once per `jti`, and apply it to the sign-ins it names: the first
    delivery acts, a repeated one (the portal retrying) changes nothing. True if new."""
    sub = claims["sub_id"]["user"]["id"]
    tenant = ((claims["sub_id"].get("tenant") or {}).get("id")) or None
    number = _digits(tenant)
    with db() as connection:
        inserted = connection.execute(
            "INSERT OR IGNORE INTO events (jti, received_at, event_type, sub, tenant, claims)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (claims["jti"], time.time(), event_type, sub, tenant, json.dumps(claims)),
        ).rowcount
        if not inserted:
            return False
        # A citizen capacity's event has no tenant: it names the sign-ins without one.
        if event_type == SESSION_REVOKED:
            connection.execute(
                "UPDATE sign_ins SET ended_by = ?"
                " WHERE sub = ? AND enterprise_number IS ? AND ended_by IS NULL",
                (claims["jti"], sub, number),
            )
        elif event_type == CLAIMS_CHANGE:
            roles = (claims["events"][event_type].get("claims") or {}).get("roles")
            if isinstance(roles, list):
                connection.execute(
                    "UPDATE sign_ins SET roles = ? WHERE sub = ? AND enterprise_number IS ?",
                    (json.dumps(roles), sub, number),
                )
    return True


def _short_type(event_type: str) -> str:
    return event_type.rsplit("/", 1)[-1]


def _reason(claims: dict, event_type: str) -> str:
    event = (claims.get("events") or {}).get(event_type) or {}
    return (event.get("reason_admin") or {}).get("en", "")
