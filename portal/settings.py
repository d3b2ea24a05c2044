"""Settings for the portal, read from the environment only.

Two modes:
- DEBUG=true (what `make run` uses): the embedded default. SQLite, Celery tasks run
  in-process, e-mails written to files and shown in the development mailbox.
- DEBUG=false (production, CI's deploy check): every secret must be given, cookies are
  `__Host-` and secure, HSTS, CSP with nonces, SSL redirect behind the proxy header.

README.md lists every variable.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.env import EnvError, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, the mailbox and beat's schedule live here

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    # Production has no default secret and no default host: a missing one stops the process,
    # with a hint for a developer who simply forgot the embedded default's switch.
    try:
        SECRET_KEY = env_str("SECRET_KEY")
    except EnvError as error:
        raise EnvError(
            f"{error} (DEBUG is off, so production settings apply; "
            "for the embedded development default set DEBUG=true)"
        ) from None
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise EnvError("SECRET_KEY must be at least 50 characters with at least 5 distinct ones.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise EnvError("ALLOWED_HOSTS must name at least one host when DEBUG is off.")

# The previous keys during a rotation: what they signed (sessions, links) and encrypted (the
# second factors' secrets, accounts/mfa_adapter.py) stays readable until `manage.py
# mfa_reencrypt` has rewritten the secrets under the new key and the old one is dropped.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
if not DEBUG and any(len(key) < 50 or len(set(key)) < 5 for key in SECRET_KEY_FALLBACKS):
    raise EnvError(
        "SECRET_KEY_FALLBACKS: each key must be at least 50 characters with at least 5 "
        "distinct ones."
    )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for portal.forms.FormRenderer
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.idp.oidc",
    "guardian",
    "reversion",
    "portal",
    "accounts",
    "enterprises",
    "roles",
    "mandates",
    "wizard",
    "relying",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the CSP middleware: lets a sign-in's forms end at the application (relying/csp.py).
    "relying.csp.ClientFormActionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and the CSRF check: the second factor and reauthentication rules.
    "accounts.mfa.ManagementGateMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.PermissionRefusedMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "portal.middleware.AdminNulRefusalMiddleware",
]

ROOT_URLCONF = "portal.urls"
# A form whose CSRF token no longer matches the session gets the portal's own page.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
FORM_RENDERER = "portal.forms.FormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    None,
    schemes=("postgres", "postgresql", "sqlite"),
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Checked connections survive a database restart: a stale one is replaced
        # instead of failing the next request.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
        # The only statements prepared on the server are `portal.db`'s (Django binds every
        # other query on the client): lookups by key whose best plan does not depend on
        # the values. PostgreSQL's first five runs of a prepared statement are planned for
        # their values, and for the decision API's batch (its questions as arrays) that
        # plan read every attribution of the application: 3 s, where the generic plan
        # takes 3 ms. Set at connection, so no rolled-back transaction undoes it.
        # (Added to any `options` the URL gives.)
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker --------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (the app lives in portal/celery.py). Without a broker, tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat's scheduler records beat's heartbeat; the worker's comes from a bootstep
# (portal/heartbeat.py). /healthz/ready answers 503 when either has been silent longer than
# HEALTH_MAX_AGE_SECONDS, or a task has waited that long in the outbox.
CELERY_BEAT_SCHEDULER = "portal.heartbeat:HeartbeatScheduler"
HEALTH_MAX_AGE_SECONDS = env_int("HEALTH_MAX_AGE_SECONDS", 180, minimum=60)
# Retries of e-mail tasks on SMTP errors: exponential backoff from TASK_RETRY_BACKOFF seconds.
TASK_RETRY_BACKOFF = env_int("TASK_RETRY_BACKOFF", 30, minimum=1)
TASK_RETRY_JITTER = env_bool("TASK_RETRY_JITTER", True)
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "portal.outbox_sweep", "schedule": 30.0},
    "prune-ledgers": {"task": "portal.prune_ledgers", "schedule": 86400.0},
    "roles-expire-due": {"task": "roles.expire_due", "schedule": 300.0},
    "roles-resume-stalled-deliveries": {
        "task": "roles.resume_stalled_deliveries",
        "schedule": 120.0,
    },
    "roles-send-reminders": {"task": "roles.send_reminders", "schedule": 3600.0},
    "relying-resume-stalled-events": {
        "task": "relying.resume_stalled_events",
        "schedule": 120.0,
    },
    "mandates-expire-proposals": {"task": "mandates.expire_proposals", "schedule": 3600.0},
    "enterprises-expire-designation-links": {
        "task": "enterprises.expire_designation_links",
        "schedule": 3600.0,
    },
}

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_TIMEOUT", 300, minimum=30)
# allauth's methods plus "sign-in": a sign-in counts as a recent authentication (accounts/mfa.py).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "code", "mfa", "sign-in")
# allauth's subjects name the portal (accounts.adapters.AccountAdapter.format_email_subject).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# allauth's rate limits (its defaults, written out so they are visible and tested).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# TOTP secrets and recovery-code seeds encrypted at rest, with keys derived from SECRET_KEY and
# SECRET_KEY_FALLBACKS (accounts/mfa_adapter.py).
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
# Every management act and everything staff do needs an enrolled second factor (the tables
# of accounts/mfa.py). On by default in production; off on the embedded development default.
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "eGov roles"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Identity provider (the federal authentication service in production).
OIDC_SERVER_URL = env_url("OIDC_SERVER_URL", None, schemes=("https", "http"))
OIDC_NATIONAL_NUMBER_CLAIM = env_str("OIDC_NATIONAL_NUMBER_CLAIM", "national_number")
OIDC_PROVIDER_ID = env_str("OIDC_PROVIDER_ID", "fas")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Federal Authentication Service")
# allauth's provider with the portal's nonce and issuer checks (accounts/identity_provider.py);
# named even without a server, because allauth picks the provider class once, at start.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "accounts.identity_provider.FederalIdentityProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = [
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": OIDC_PROVIDER_NAME,
            "client_id": env_str("OIDC_CLIENT_ID"),
            "secret": env_str("OIDC_CLIENT_SECRET"),
            "settings": {
                "server_url": OIDC_SERVER_URL,
                "token_auth_method": env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"),
                "scope": env_list("OIDC_SCOPES", ["openid", "profile", "email"]),
            },
        }
    ]
# Linking an account to the identity provider gives it a verified national number and a way
# in: the person proves they hold the account (password, second factor) first.
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = True
# The national number comes from the provider; the social sign-up form does not ask for one.
SOCIALACCOUNT_FORMS = {"signup": "accounts.social_forms.SocialSignupForm"}
# Accounts are linked by verified national number or verified e-mail in
# accounts.adapters.SocialAccountAdapter, never by allauth's e-mail matching.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False

# --- The OpenID provider for the applications of the catalogue (allauth's idp.oidc) ----------
# The signing key (RS256) of ID tokens and security events, published in the JWKS. Give it
# as a PEM file (OIDC_SIGNING_KEY_FILE): every process of one deployment must use the same.
# Without one, a key is generated on first start in PORTAL_VAR_DIR (mode 0600) and kept.
from portal.signing_key import load_or_create_signing_key  # noqa: E402

IDP_OIDC_PRIVATE_KEY = load_or_create_signing_key(
    env_str("OIDC_SIGNING_KEY_FILE", str(VAR_DIR / "oidc-signing-key.pem"))
)
IDP_OIDC_ADAPTER = "relying.adapter.PortalOIDCAdapter"
# Short access tokens: an application checks them by introspection, which re-reads the
# roles, and renews them with a refresh token that rotates on every use.
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = env_int("OIDC_ACCESS_TOKEN_SECONDS", 300, minimum=30)
IDP_OIDC_ID_TOKEN_EXPIRES_IN = 300
IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN = 60
IDP_OIDC_ROTATE_REFRESH_TOKEN = True
IDP_OIDC_REFRESH_TOKEN_EXPIRES_IN = env_int("OIDC_REFRESH_TOKEN_SECONDS", 8 * 3600, minimum=300)
IDP_OIDC_INTROSPECTION_ENABLED = True
IDP_OIDC_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
IDP_OIDC_RATE_LIMITS = {
    "introspect_ip": env_str("OIDC_INTROSPECT_RATE_IP", "600/m/ip"),
    "introspect_client": env_str("OIDC_INTROSPECT_RATE_CLIENT", "1200/m/key"),
}

GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False
ANONYMOUS_USER_NAME = None

# --- E-mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "eGov roles <noreply@egov.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
MAILBOX_DIR = VAR_DIR / "mailbox"
# Django 6.1's MAILERS (replacing EMAIL_BACKEND and the EMAIL_* connection settings).
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
            },
        }
    }
elif DEBUG:
    # The development mailbox (/dev/mailbox/) reads these files.
    MAILERS = {"default": {"BACKEND": "portal.mail.MailboxBackend"}}
else:
    raise EnvError("EMAIL_HOST is required when DEBUG is off (the portal must send e-mail).")
del EMAIL_HOST  # deprecated as a Django setting; MAILERS holds it

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
# The editors' fr/nl/de/en tabs need jQuery UI; modeltranslation fetches it (and jQuery) from
# ajax.googleapis.com by default, which fails offline and which the CSP refuses. The portal
# serves both itself: Django admin's own jQuery, and jQuery UI 1.13.3 as published on npm
# (portal/static/portal/vendor/, with its licence). Relative paths go through `static()`.
# modeltranslation reads these two names without its usual MODELTRANSLATION_ prefix.
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "portal/vendor/jquery-ui-1.13.3/jquery-ui.min.js"
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------------
# Django 6's built-in CSP: scripts and styles only from our origin or with the per-request
# nonce; nothing inline without it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF] + ([OIDC_SERVER_URL] if OIDC_SERVER_URL else []),
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=60)
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and monitors poll the nodes directly over HTTP: a redirect to HTTPS
    # would read as "down". The health endpoints carry no session and no secret.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # `__Host-` cookies: secure, path /, no Domain: a sibling subdomain cannot plant them.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Reverse proxies in front of gunicorn, each appending the address it saw to
# X-Forwarded-For: the audit trail takes the client's address from that header's n-th entry
# from the right (portal/middleware.py). 0: the peer itself (REMOTE_ADDR) is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- Portal ------------------------------------------------------------------------------
DESIGNATION_LINK_DAYS = env_int("DESIGNATION_LINK_DAYS", 14, minimum=1)
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 14, minimum=1)
# A mandate proposal between enterprises that nobody answers expires after this many days.
MANDATE_PROPOSAL_DAYS = env_int("MANDATE_PROPOSAL_DAYS", 30, minimum=1)
# Invitations a manager / an enterprise may send per hour (a bulk CSV of 10,000 fits).
ROLES_INVITATION_LIMITS = {
    "manager": env_int("INVITATIONS_PER_MANAGER_PER_HOUR", 12000, minimum=1),
    "enterprise": env_int("INVITATIONS_PER_ENTERPRISE_PER_HOUR", 30000, minimum=1),
    "window": 3600,
}
ROLES_REMINDER_DAYS = env_int("ROLE_REMINDER_DAYS", 14, minimum=1)
ROLES_EMAIL_CHANGE_MAX_AGE = env_int("EMAIL_CHANGE_LINK_SECONDS", 2 * 24 * 3600, minimum=300)
# `{language}` becomes the reader's language (portal.links.contact_centre_url).
CONTACT_CENTRE_URL = env_url(
    "CONTACT_CENTRE_URL",
    "https://www.socialsecurity.be/site_{language}/general/helpcentre/contact.htm",
    schemes=("https", "http"),
)
PORTAL_NAME = _("My eGov role management")
# An outbox sweep re-enqueues messages whose broker hand-off failed (Redis down).
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60, minimum=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own (DEBUG) console handler prints the reloader's line already.
        "django.utils.autoreload": {"handlers": ["console"], "propagate": False},
        # Tasks run in-process (no Redis: the embedded default): Celery's tracer would log
        # "Task … succeeded …: False" for every e-mail a state change enqueues, the return
        # value of a task that had nothing left to do reading like a failure. A failing task
        # still logs (ERROR) and raises; a real worker logs every task as before.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
