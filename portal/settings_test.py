"""Test settings: production mode (DEBUG off, so the security settings are what is tested),
with fast hashing, in-memory mail and tasks run in-process unless a test starts a worker."""

import os
import tempfile
import uuid

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-" + "k1m2n3o4p5" * 6)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("EMAIL_HOST", "localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tests that are about MFA switch it on (tests/test_mfa_required.py); the others need not enrol.
os.environ.setdefault("MFA_REQUIRED", "false")
os.environ.setdefault("TASK_RETRY_BACKOFF", "1")  # real-worker tests retry within seconds
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))
# A prefix of this test run's own (inherited by the worker processes it starts): the cache is
# cleared by prefix (conftest.py), so two runs on one Redis never clear each other's keys.
os.environ.setdefault(
    "CACHE_KEY_PREFIX",
    f"test-{uuid.uuid4().hex[:12]}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
)

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in tests; the worker tests (tests marked `worker`) switch this off.
CELERY_TASK_ALWAYS_EAGER = True

# Parallel test processes (pytest-xdist) each get their own Redis database too.
if REDIS_URL:  # noqa: F405
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
    _index = int(_worker[2:]) + 1 if _worker[2:].lstrip("-").isdigit() else 0
    CACHES["default"]["LOCATION"] = REDIS_URL.rsplit("/", 1)[0] + f"/{10 + _index}"  # noqa: F405
