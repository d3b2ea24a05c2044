"""Settings of the performance benches: production mode (DEBUG off) on PostgreSQL.

The portal's own settings, plus `bench.urls` (the portal's URLs and the trivial view the
benches use as their floor). Nothing here reaches production: the trivial view exists only
in this URLconf, so the portal gains no public endpoint for the sake of a benchmark.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "q7w8e9r0t1" * 6)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("EMAIL_HOST", "localhost")
# Plain HTTP on the loopback: the TLS proxy of a deployment is not part of what is measured.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("MFA_REQUIRED", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scale")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

ROOT_URLCONF = "bench.urls"
# The manifest storage needs `collectstatic`; the plain storage costs the same per {% static %}
# for what is measured here (a dictionary look-up against a string join).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
