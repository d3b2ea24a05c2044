"""Settings come from the environment and refuse malformed values at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DEBUG": "false",
    "SECRET_KEY": "s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "egov.example",
    "EMAIL_HOST": "smtp.example",
}


def load_settings(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "REDIS"))}
    env.update(GOOD)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_starts_with_good_values():
    result = load_settings()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL='mysql://x/y' is not a valid URL"),
        ("REDIS_URL", "http://cache", "REDIS_URL='http://cache' is not a valid URL"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT='twenty-five' is not an integer"),
        ("DESIGNATION_LINK_DAYS", "0", "DESIGNATION_LINK_DAYS=0 must be at least 1"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 50 characters"),
        ("SECRET_KEY", None, "The environment variable SECRET_KEY is required"),
        ("SECRET_KEY_FALLBACKS", "old-short", "SECRET_KEY_FALLBACKS: each key must be at least"),
        ("ALLOWED_HOSTS", None, "The environment variable ALLOWED_HOSTS is required"),
        ("EMAIL_HOST", None, "EMAIL_HOST is required when DEBUG is off"),
        ("OIDC_SERVER_URL", "not a url", "OIDC_SERVER_URL='not a url' is not a valid URL"),
    ],
)
def test_it_refuses_a_malformed_value_naming_the_variable(variable, value, message):
    result = load_settings(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_has_no_default_secret_but_development_has_one():
    assert load_settings(SECRET_KEY=None).returncode != 0
    assert load_settings(SECRET_KEY=None, DEBUG="true", EMAIL_HOST=None).returncode == 0


def test_oidc_provider_needs_its_client_credentials():
    result = load_settings(OIDC_SERVER_URL="https://idp.example/realms/fas")
    assert "OIDC_CLIENT_ID is required" in result.stderr
    ok = load_settings(
        OIDC_SERVER_URL="https://idp.example/realms/fas",
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
    )
    assert ok.returncode == 0, ok.stderr


def test_production_settings_pass_the_deploy_check_without_a_warning():
    # Only what production sets: the test settings put their own values in os.environ.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **GOOD}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _manage(*args: str) -> subprocess.CompletedProcess:
    """manage.py with no configuration at all, as on a fresh checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "DATABASE", "REDIS", "DEBUG", "SECRET_KEY"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_code_generating_commands_run_without_production_secrets():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_other_commands_still_need_the_production_settings():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
