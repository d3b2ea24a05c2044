"""The README's production section, tried as written.

- Its environment table names exactly the variables the settings read: a variable the code
  reads but the table omits is a setting no operator can find; one the table lists but the
  code never reads (as `TRUSTED_PROXY_COUNT` was) is a promise nothing keeps.
- Its commands are what runs: the process commands are the ones `make serve` starts (which
  `scripts/prod-smoke`, a step of `.ci/run`, runs), and the install command is run as
  written by tests/test_production_install.py.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.test_production_install import README_INSTALL

ROOT = Path(__file__).resolve().parents[1]
APPS = ("portal", "accounts", "enterprises", "roles", "wizard")
# Read in code through portal/env.py's readers: env_str("NAME", ...), possibly wrapped.
READER = re.compile(r"\benv_[a-z]+\(\s*\"([A-Z][A-Z0-9_]*)\"")


def production_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Production set-up")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def documented() -> set[str]:
    names: set[str] = set()
    for line in production_section().splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_column))
    return names


def read_in_code() -> set[str]:
    names: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or path.name in {"settings_test.py", "env.py"}:
                continue
            names.update(READER.findall(path.read_text()))
    return names


INSTRUMENTED = """
import json, portal.env as env
seen = set()
original = env._raw
def recording(name, default):
    seen.add(name)
    return original(name, default)
env._raw = recording
import django
django.setup()
from django.conf import settings
assert settings.SOCIALACCOUNT_PROVIDERS
print(json.dumps(sorted(seen)))
"""


def read_at_start() -> set[str]:
    """What the settings really read, starting in production with every option set."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="readme-test-" + "a1b2c3d4e5" * 5,
        ALLOWED_HOSTS="egov.example",
        EMAIL_HOST="smtp.example",
        OIDC_SERVER_URL="https://idp.example/realms/fas",
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
        PORTAL_VAR_DIR=os.environ.get("PORTAL_VAR_DIR", "/tmp"),
    )
    result = subprocess.run(
        [sys.executable, "-c", INSTRUMENTED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_table_is_parsed():
    names = documented()
    assert {"SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXY_COUNT", "EMAIL_PORT"} <= names


def test_every_variable_the_code_reads_is_in_the_table():
    missing = (read_in_code() | read_at_start()) - documented()
    assert not missing, f"read by the code but not in the README's table: {sorted(missing)}"


def test_every_variable_in_the_table_is_read_by_the_code():
    unread = documented() - (read_in_code() | read_at_start())
    assert not unread, f"in the README's table but never read: {sorted(unread)}"


def test_the_settings_read_what_the_code_scan_finds():
    # The scan and the instrumented start agree on production with the identity provider
    # configured (the only reads left out are the embedded default's branch, DEBUG on).
    assert read_at_start() <= read_in_code()


# --- Commands -----------------------------------------------------------------------------


def code_blocks(section: str) -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [
        [
            line.split("#", 1)[0].strip()
            for line in block.splitlines()
            if line.split("#", 1)[0].strip()
        ]
        for block in blocks
    ]


def commands(lines: list[str]) -> list[list[str]]:
    found = []
    for line in lines:
        for part in line.split("&&"):
            found.append(shlex.split(part.strip()))
    return found


def normalise(words: list[str]) -> tuple[tuple[str, ...], set[str]]:
    """(the program and its subcommands, the option names), values left out."""
    words = [w.replace("$(PY)", "python").replace("$(VENV)/bin/", "") for w in words]
    # Both write option values as `--name=value`, so any other word is the program's.
    program = tuple(w for w in words if not w.startswith("-"))
    options = {w.split("=", 1)[0] for w in words if w.startswith("-")}
    return program, options


def serve_recipe() -> list[list[str]]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\nserve:") :].split("\n\n", 1)[0]
    found = []
    for line in recipe.splitlines():
        line = line.strip().rstrip("\\").strip().rstrip("&").strip()
        if line.startswith(("$(PY)", "$(VENV)/bin/")):
            found.append(shlex.split(line.replace("$${", "${")))
    return found


def test_the_process_commands_are_what_make_serve_runs():
    processes = next(
        block for block in code_blocks(production_section()) if "gunicorn" in str(block)
    )
    served = [normalise(words) for words in serve_recipe()]
    assert len(served) >= 5
    for words in commands(processes):
        program, options = normalise(words)
        matching = [opts for prog, opts in served if prog == program]
        assert matching, f"`{shlex.join(words)}` is not run by `make serve`"
        assert any(options <= opts for opts in matching), (
            f"`{shlex.join(words)}`: `make serve` runs it without {options - matching[0]}"
        )
    assert len(commands(processes)) == len(served)


def test_make_serve_runs_in_ci_from_requirements_alone():
    ci = (ROOT / ".ci" / "run").read_text()
    smoke = (ROOT / "scripts" / "prod-smoke").read_text()
    assert "scripts/prod-smoke" in ci
    assert ci.index("\nmake test") < ci.index(".venv/bin/python scripts/prod-smoke")
    assert '["make", "serve", f"VENV={VENV}"]' in smoke
    assert 'VENV = "var/prod-venv"' in smoke


def test_the_install_command_is_run_by_the_install_test():
    install = next(
        block for block in code_blocks(production_section()) if "requirements.txt" in str(block)
    )
    assert install == [README_INSTALL]
