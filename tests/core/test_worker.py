"""The task worker and `hiwar serve` as real processes, on a SQLite database of their own."""

import http.cookiejar
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIWAR_", "PYTEST", "DJANGO_"))}
    env.update(
        HIWAR_HOME=str(home),
        HIWAR_TASKS="db",
        HIWAR_DEBUG="1",
        HIWAR_EMAIL_URL=f"file://{home / 'mails'}",
        HIWAR_BACKUP_EVERY_HOURS="0",  # the backup test below turns the scheduled backup on
        PYTHONPATH=str(REPO),  # so the worker can import tests.core.tasks_for_workers
        DJANGO_SETTINGS_MODULE="hiwar.settings",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _python(home: Path, code: str, **extra) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def migrated_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("worker-template")
    subprocess.run(
        [sys.executable, "-m", "hiwar.cli", "manage", "migrate", "--no-input", "-v", "0"],
        env=_env(home),
        check=True,
        timeout=300,
    )
    return home


@pytest.fixture
def home(migrated_home, tmp_path) -> Path:
    """A fresh copy of a migrated database, so each test starts empty without migrating again."""
    target = tmp_path / "home"
    target.mkdir()
    shutil.copy(migrated_home / "hiwar.sqlite3", target / "hiwar.sqlite3")
    shutil.copy(migrated_home / "secret_key", target / "secret_key")
    return target


def _start(args: list[str], home: Path, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hiwar.cli", *args],
        env=_env(home, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _mails(home: Path) -> list[str]:
    folder = home / "mails"
    return [p.read_text() for p in folder.glob("*")] if folder.exists() else []


QUEUE_A_MAIL = """
from hiwar.core.emails import record_email
record_email(to="amal@example.org", subject="Welcome", body="Your account is ready.")
"""


def test_worker_outlives_a_database_locked_longer_than_its_timeout_then_sends_what_was_queued(home):
    _python(home, QUEUE_A_MAIL)
    # A lock that blocks readers as well as writers: an exclusive-mode connection that has written.
    locker = sqlite3.connect(home / "hiwar.sqlite3", isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("CREATE TABLE lock_holder (x INTEGER)")
    worker = _start(["worker"], home, HIWAR_SQLITE_TIMEOUT="0.3")
    try:
        time.sleep(4)  # many times the worker's lock timeout
        assert worker.poll() is None, worker.stderr.read()
        assert _mails(home) == []
        locker.execute("ROLLBACK")
        locker.close()
        _wait_for(lambda: _mails(home), what="the queued mail")
        (mail,) = _mails(home)
        assert "Subject: Welcome" in mail and "amal@example.org" in mail
        assert worker.poll() is None
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        _stop(worker)
    status = _python(
        home,
        "from hiwar.core.models import EmailDelivery; print(EmailDelivery.objects.get().status)",
    )
    assert status == "sent"


def test_a_task_whose_worker_was_killed_is_run_again_by_another_worker(home, tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    _python(
        home,
        f"from tests.core.tasks_for_workers import hang_the_first_time\n"
        f"print(hang_the_first_time.enqueue({str(folder)!r}).id)",
    )
    fast = {"HIWAR_WORKER_BEAT_SECONDS": "0.2", "HIWAR_WORKER_DEAD_AFTER": "1.5"}
    first = _start(["worker"], home, **fast)
    try:
        _wait_for(lambda: list(folder.glob("run-1-*")), what="the first run to start")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    second = _start(["worker"], home, **fast)
    try:
        _wait_for(lambda: (folder / "done").exists(), what="the task to be run again")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
        _stop(second)
    assert (folder / "done").read_text() == "2"
    result = json.loads(
        _python(
            home,
            "import json\nfrom django_tasks_db.models import DBTaskResult\n"
            "t = DBTaskResult.objects.get()\nprint(json.dumps([t.status, len(t.worker_ids)]))",
        )
    )
    assert result == ["SUCCESSFUL", 2]


def _sign_up(base: str, email: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/en/accounts/signup/", timeout=10).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "name": "Newcomer",
            "email": email,
            "password": "a long enough passphrase",
            "password_again": "a long enough passphrase",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"{base}/en/accounts/signup/", data=form, headers={"Referer": f"{base}/en/accounts/signup/"}
    )
    opener.open(request, timeout=10).read()


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc (Linux)")
def test_serve_restarts_a_dead_worker_and_leaves_nothing_behind_on_sigterm(home, free_port):
    server = _start(["serve", "--port", str(free_port), "--workers", "1"], home)
    everyone: set[int] = set()
    try:

        def worker_pid():
            found = [p for p in _children(server.pid) if "hiwar.cli worker" in _command_line(p)]
            return found[0] if found else None

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/healthz", timeout=2) as r:  # noqa: S310
                    return r.status == 200
            except OSError:
                return False

        _wait_for(answers, what="the server")
        _wait_for(worker_pid, what="the worker")
        # A newcomer signs up; the verification link in the mail points at this server's port.
        _sign_up(f"http://127.0.0.1:{free_port}", "newcomer@example.org")
        _wait_for(lambda: _mails(home), what="the verification mail")
        assert f"http://127.0.0.1:{free_port}/" in _mails(home)[0]
        first_worker = worker_pid()
        os.kill(first_worker, signal.SIGKILL)
        _wait_for(lambda: worker_pid() not in (None, first_worker), what="a new worker")
        everyone = _children(server.pid)
        for child in list(everyone):
            everyone |= _children(child)  # gunicorn's own workers
        assert len(everyone) >= 3  # gunicorn master, its worker, the task worker
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        _wait_for(lambda: not any(_alive(pid) for pid in everyone), timeout=30, what="children to stop")
    finally:
        _stop(server)
        for pid in everyone:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_task_that_meets_a_lost_database_runs_again_instead_of_failing(home, tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    _python(
        home,
        f"from tests.core.tasks_for_workers import database_lost_the_first_time\n"
        f"database_lost_the_first_time.enqueue({str(folder)!r})",
    )
    subprocess.run(
        [sys.executable, "-m", "hiwar.cli", "worker", "--once"], env=_env(home), check=True, timeout=120
    )
    result = json.loads(
        _python(
            home,
            "import json\nfrom django_tasks_db.models import DBTaskResult\n"
            "t = DBTaskResult.objects.get()\nprint(json.dumps([t.status, t.return_value]))",
        )
    )
    assert result == ["SUCCESSFUL", 2]


def test_a_task_that_always_meets_a_database_error_fails_in_the_end(home):
    _python(
        home,
        "from tests.core.tasks_for_workers import always_meets_a_database_error\n"
        "always_meets_a_database_error.enqueue()",
    )
    subprocess.run(
        [sys.executable, "-m", "hiwar.cli", "worker", "--once"], env=_env(home), check=True, timeout=300
    )
    result = json.loads(
        _python(
            home,
            "import json\nfrom django_tasks_db.models import DBTaskResult\n"
            "t = DBTaskResult.objects.get()\nprint(json.dumps([t.status, len(t.worker_ids)]))",
        )
    )
    assert result == ["FAILED", 10]


def test_the_worker_writes_the_scheduled_backup_and_keeps_the_newest(home):
    backups = home / "backups"
    backups.mkdir()
    for n in range(3):  # older archives of earlier days
        old = backups / f"hiwar-2026010{n + 1}T000000Z.tar.gz"
        old.write_bytes(b"old")
        os.utime(old, (1_700_000_000 + n, 1_700_000_000 + n))
    subprocess.run(
        [sys.executable, "-m", "hiwar.cli", "worker", "--once"],
        env=_env(home, HIWAR_BACKUP_EVERY_HOURS="24", HIWAR_BACKUP_KEEP="2"),
        check=True,
        timeout=120,
    )
    kept = sorted(p.name for p in backups.glob("hiwar-*.tar.gz"))
    assert len(kept) == 2 and "hiwar-20260103T000000Z.tar.gz" in kept  # the new one and the newest old one
    new = next(backups / name for name in kept if name != "hiwar-20260103T000000Z.tar.gz")
    assert tarfile.is_tarfile(new)
