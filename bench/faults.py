"""Faults while e-mails leave (not a test): the task worker killed at random, the database locked.

Serves Hiwar (`hiwar serve --workers 2`, whose supervisor restarts its task worker), queues an
announcement to N members, and while the worker delivers it to a local SMTP sink, kills the worker
with SIGKILL at random moments; on SQLite it also holds the database locked for a while. Then it
prints what the sink received: sent, lost, duplicated. Target: 0 lost; at most one duplicate per kill
(a worker killed between the SMTP answer and recording it sends that one again — at-least-once).

python bench/faults.py                      # PostgreSQL, 200 e-mails, 5 kills
python bench/faults.py --db sqlite --lock 30
python bench/faults.py --quick              # 60 e-mails, 3 kills, a 5 s lock on SQLite
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from processes import free_port  # bench/processes.py

PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
BENCH_DB = "hiwar_bench_faults"


class Sink:
    """An SMTP server that counts Message-IDs; it answers slowly so kills land mid-run."""

    def __init__(self, delay: float):
        self.delay = delay
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                with self.lock:
                    self.ids[line.split(":", 1)[1].strip()] += 1
                break
        time.sleep(self.delay)  # a real server takes a while too
        return "250 OK"


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def environment(args, home: Path, smtp_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIWAR_")}
    env.update(
        HIWAR_HOME=str(home),
        HIWAR_DEBUG="1",
        HIWAR_TASKS="db",
        HIWAR_EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        HIWAR_WORKER_BEAT_SECONDS="0.5",
        HIWAR_WORKER_DEAD_AFTER="3",
        HIWAR_TASK_MAX_ATTEMPTS="10",
        HIWAR_SQLITE_TIMEOUT="2",
        DJANGO_SETTINGS_MODULE="hiwar.settings",
    )
    if args.db == "postgres":
        env["HIWAR_DATABASE_URL"] = PG_URL.format(name=BENCH_DB)
    return env


QUEUE_ANNOUNCEMENT = """
import django; django.setup()
from django.db import transaction
from hiwar.accounts.models import User
from hiwar.events.services import announcement_send
from hiwar.spaces.services import membership_add, space_create

convenor = User.objects.create_user(email="convenor@bench.test", name="Convenor", password="x" * 12)
convenor.email_verified = True
convenor.save()
space = space_create(title={"en": "Faults"}, created_by=convenor)
for i in range(COUNT - 1):
    person = User.objects.create_user(email=f"person{i}@bench.test", name=f"Person {i}", password="x" * 12)
    membership_add(space=space, user=person)
with transaction.atomic():
    announcement_send(space=space, actor=convenor, subject="Faults", body="Do you read me?")
"""

COUNT_DELIVERIES = """
import django; django.setup()
from hiwar.core.models import EmailDelivery
from django.db.models import Count
print(dict(EmailDelivery.objects.values_list("status").annotate(n=Count("id"))))
"""


def run(command: list[str], env: dict) -> str:
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=600).stdout  # noqa: S603


def task_worker_of(server: subprocess.Popen) -> int | None:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    for pid in map(int, children):
        try:
            if b"hiwar.cli\x00worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except FileNotFoundError:
            continue
    return None


def hold_sqlite_lock(database: Path, seconds: float) -> None:
    """Hold SQLite's write lock, as a long transaction would: every writer waits, then gives up."""
    import sqlite3

    locker = sqlite3.connect(database, isolation_level=None, timeout=30)  # waits for a writer to finish
    locker.execute("BEGIN IMMEDIATE")
    locker.execute("CREATE TABLE bench_lock (x INTEGER)")
    print(f"database locked for {seconds:.0f} s", flush=True)
    time.sleep(seconds)
    locker.execute("ROLLBACK")
    locker.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--lock", type=float, default=30.0, help="seconds the SQLite database is held locked")
    parser.add_argument("--smtp-delay", type=float, default=0.02, help="seconds the sink takes per message")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.emails, args.kills, args.lock = 60, 3, 5.0
    rng = random.Random(args.seed)
    hiwar = [sys.executable, "-m", "hiwar.cli"]

    sink = Sink(args.smtp_delay)
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = None
    with tempfile.TemporaryDirectory(prefix="hiwar-faults-") as tmp:
        home = Path(tmp)
        env = environment(args, home, smtp_port)
        try:
            if args.db == "postgres":
                reset_postgres()
            run([*hiwar, "manage", "migrate", "--no-input", "-v", "0"], env)
            run([sys.executable, "-c", QUEUE_ANNOUNCEMENT.replace("COUNT", str(args.emails))], env)
            started = time.monotonic()
            server = subprocess.Popen(  # noqa: S603
                [*hiwar, "serve", "--port", str(free_port()), "--workers", "2"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            kills = 0
            lock_thread = None
            deadline = started + args.timeout
            while time.monotonic() < deadline and sum(sink.ids.values()) < args.emails * 0.9:
                time.sleep(rng.uniform(0.3, 1.5))
                if kills < args.kills:
                    pid = task_worker_of(server)
                    if pid and sum(sink.ids.values()) > 0:
                        os.kill(pid, signal.SIGKILL)
                        kills += 1
                if args.db == "sqlite" and args.lock and lock_thread is None and kills >= 1:
                    lock_thread = threading.Thread(
                        target=hold_sqlite_lock, args=(home / "hiwar.sqlite3", args.lock)
                    )
                    lock_thread.start()
            if lock_thread:
                lock_thread.join()
            # Let the restarted worker reclaim what the killed ones left "running" and finish.
            while time.monotonic() < deadline and len(sink.ids) < args.emails:
                time.sleep(0.5)
            elapsed = time.monotonic() - started
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
            controller.stop()
        states = run([sys.executable, "-c", COUNT_DELIVERIES], env).strip()
    received = sum(sink.ids.values())
    unique = len(sink.ids)
    print(
        f"database        {args.db}"
        + (f" (locked {args.lock:.0f} s during the run)" if args.db == "sqlite" else "")
    )
    print(f"e-mails queued  {args.emails}")
    print(f"worker kills    {kills}")
    print(f"received        {received} in {elapsed:.1f} s")
    print(f"sent (unique)   {unique}")
    print(f"lost            {args.emails - unique}")
    print(f"duplicated      {received - unique}  (at most one per kill expected)")
    print(f"deliveries      {states}")
    return 0 if unique == args.emails else 1


if __name__ == "__main__":
    sys.exit(main())
