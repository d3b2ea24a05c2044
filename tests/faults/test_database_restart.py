"""PostgreSQL restarted under load: requests fail cleanly and recover by themselves.

A private PostgreSQL cluster (initdb as the `postgres` OS user, its own port, data in a
temporary folder) — never the shared one — and gunicorn (2 workers, 4 threads) serving the
portal on it. While threads keep hitting pages as a signed-in person, the cluster is stopped,
started and restarted. Every answer must be a page (200, or a 500/503 that carries the
portal's layout); never a bare error or a dropped connection; and once the database is back,
requests succeed again without restarting anything (CONN_HEALTH_CHECKS).
"""

import contextlib
import glob
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
LAYOUT_MARKERS = ('class="site-header"', "portal/portal.css", '<main id="main">')


def _skip_reason() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "needs PostgreSQL (DATABASE_URL)"
    if not os.environ.get("REDIS_URL"):
        return "needs REDIS_URL (fault tests run with the real services)"
    if not PG_BIN:
        return "needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "needs root (initdb and pg_ctl run as the postgres OS user through runuser)"
    return None


class PrivatePostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")
        self.bin = PG_BIN[-1]

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            timeout=timeout,
            capture_output=True,
            cwd=self.root,
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            f"{self.bin}/pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            *extra,
            action,
        )

    def init(self) -> None:
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.pg_ctl("start")
        self._run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "portal")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
user = User.objects.create_user(email="restart@example.test", password="x" * 12,
                                first_name="Re", last_name="Start")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""


@pytest.fixture
def portal_on_private_postgres(tmp_path):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    pg = PrivatePostgres()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "DATABASE_URL": pg.url,
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL")  # only the database is under test: tasks in-process, local cache
    env.pop("PYTEST_XDIST_WORKER", None)
    server = None
    try:
        pg.init()
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=180)
        session = subprocess.run(
            [*manage, "shell", "-c", SESSION_SCRIPT],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=60,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        port = free_port()
        log = tmp_path / "gunicorn.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    "2",
                    "-k",
                    "gthread",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                ],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        client = PortalClient(port, session)
        client.log = log
        wait_until(lambda: client.get("/profile/")[0] == 200, 60, 0.3, message=log.read_text())
        yield pg, client
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pg.destroy()


class PortalClient:
    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.cookie = f"__Host-sessionid={session_key}"

    def get(self, path: str) -> tuple[int | str, str]:
        """(status, body); a dropped connection gives ('connection error: ...', '')."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            return f"connection error: {exc!r}", ""
        finally:
            connection.close()


def is_clean(status, body: str) -> bool:
    if status == 200:
        return True
    return status in (500, 503) and all(marker in body for marker in LAYOUT_MARKERS)


PAGES = ["/profile/", "/"]  # signed in: the session and the user come from the database


def test_postgresql_restarted_under_load_fails_cleanly_and_recovers(portal_on_private_postgres):
    pg, client = portal_on_private_postgres

    # 1. Database down: every page is the portal's error page, with its layout.
    pg.pg_ctl("stop", "-m", "fast")
    for path in PAGES:
        status, body = client.get(path)
        assert status in (500, 503), (path, status, body[:500])
        assert is_clean(status, body), body[:2000] + client.log.read_text()[-6000:]

    # 2. Back up: the same gunicorn workers serve again, nothing restarted but PostgreSQL.
    pg.pg_ctl("start")
    wait_until(lambda: all(client.get(p)[0] == 200 for p in PAGES), 20, 0.2)

    # 3. Restarted under load: eight threads keep requesting pages during `restart -m fast`.
    results: list[tuple[float, float, str, object, bool]] = []
    stop = threading.Event()

    def hammer(index: int) -> None:
        while not stop.is_set():
            path = PAGES[index % len(PAGES)]
            started = time.monotonic()
            status, body = client.get(path)
            results.append((started, time.monotonic(), path, status, is_clean(status, body)))

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        restart_started = time.monotonic()
        pg.pg_ctl("restart", "-m", "fast")
        restarted_at = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    unclean = [(path, status) for _s, _e, path, status, clean in results if not clean]
    assert not unclean, f"bare errors or dropped connections: {unclean[:10]}"
    before = [r for r in results if r[1] < restart_started]
    after = [r for r in results if r[0] > restarted_at + 1]
    assert before and all(status == 200 for _s, _e, _p, status, _c in before)
    assert len(after) >= 8, "too few requests after the restart to judge the recovery"
    failed_after = [(path, status) for _s, _e, path, status, _c in after if status != 200]
    assert not failed_after, f"not recovered 1 s after the restart: {failed_after[:10]}"
