"""`requirements.txt` alone gives a working production stack.

The test requirements bring packages of their own (pytest brings `packaging`): a stack that
only works with them installed hides its missing pins, as the worker's Redis transport did.
So this installs `requirements.txt` into a fresh virtual environment and starts the worker's
code from there.

It needs the package index (and some 15 s with pip's cache warm), so it runs in CI (`CI`
set) or when `PORTAL_TEST_INSTALL=1`; `scripts/prod-smoke` (a step of `.ci/run`) also runs
the whole production mode from such an environment.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("PORTAL_TEST_INSTALL")),
    reason="installs requirements.txt from the package index (set CI or PORTAL_TEST_INSTALL=1)",
)

SMOKE = """
import django
django.setup()
import kombu.transport.redis  # the worker's transport: it failed on `packaging`
from portal.celery import app
from kombu import Connection
Connection(app.conf.broker_url).transport  # the transport class loads
app.loader.import_default_modules()  # every app's tasks module
assert "portal.outbox_sweep" in app.tasks
print("tasks", len([name for name in app.tasks if not name.startswith("celery.")]))
"""


# The README's install command, run as written (tests/test_readme_production.py checks
# that it is the one the README shows).
README_INSTALL = "python -m venv .venv && .venv/bin/pip install -r requirements.txt"


@pytest.fixture(scope="module")
def production_python(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("prod-install")
    shutil.copy(ROOT / "requirements.txt", folder / "requirements.txt")
    # `python` is the interpreter running the tests (Python >= 3.12), first on PATH.
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    command = README_INSTALL.replace("pip install", "pip install --quiet")
    subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env={**os.environ, "PATH": path},
        check=True,
        timeout=600,
    )
    return folder / ".venv" / "bin" / "python"


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="install-test-" + "q8w7e6r5t4" * 5,
        ALLOWED_HOSTS="egov.example",
        EMAIL_HOST="smtp.example",
        REDIS_URL="redis://127.0.0.1:6379/0",
        PORTAL_VAR_DIR=os.environ.get("PORTAL_VAR_DIR", "/tmp"),
    )
    return env


def test_the_test_tools_are_not_installed_there(production_python):
    # The point of the fresh environment: nothing from requirements-dev.txt leaks in.
    result = subprocess.run(
        [production_python, "-c", "import pytest"], capture_output=True, text=True
    )
    assert result.returncode != 0


def test_the_worker_and_its_redis_transport_import_from_requirements_alone(production_python):
    result = subprocess.run(
        [production_python, "-c", SMOKE],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tasks ")


def test_the_celery_command_line_starts_from_requirements_alone(production_python):
    # `celery -A portal report` loads the app, the settings and the transport's module as
    # the worker does at start, without needing a broker to answer.
    result = subprocess.run(
        [production_python.parent / "celery", "-A", "portal", "report"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "transport:redis" in result.stdout


def test_the_installed_versions_are_consistent(production_python):
    result = subprocess.run(
        [production_python, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sys.version_info >= (3, 12)
