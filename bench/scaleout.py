"""Scale-out on PostgreSQL (not a test): one server against two, and task workers sharing the queue.

Runs the same mixed load against two setups on one PostgreSQL database and prints the throughput of
each; it asserts nothing about times.

  A  one `hiwar serve --workers 1` (gunicorn with one worker, plus its supervised task worker)
  B  two `hiwar serve --workers 1 --no-worker` on two ports, plus two `hiwar worker` processes

A few client threads send requests for a fixed time; a round-robin client alternates between the
ports. About 80% of the actions are anonymous reads (the events and spaces lists, an event page,
the events API); 20% are registrations: a fresh verified user gets the sign-in page, signs in and
registers for an event (three requests, each possibly on another server), which queues a
confirmation e-mail for the task workers. E-mails go to files (HIWAR_EMAIL_URL=file://…).

After the load it waits until the queue is empty, then checks that no task ran twice (one worker
id per task, one attempt per e-mail, each Message-ID once in the mail files) and that none was lost
(no task left queued, running or failed; every e-mail sent and found in the files). On setup B it
also checks that throttling holds across both servers: eight wrong-password sign-ins for one
account, alternating between the ports; the 6th and later must be refused (HTTP 429) by both,
because the counters live in the shared cache (the database cache, or Redis with --cache redis).

python bench/scaleout.py                  # 20 s of load per setup, database cache
python bench/scaleout.py --quick          # about 5 s per setup
python bench/scaleout.py --quick --cache redis

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and, for --cache redis, Redis on
127.0.0.1:6379 (database 7 is emptied). Run it with the project's virtualenv Python.
"""

import argparse
import http.cookiejar
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from processes import alive, descendants, free_port  # bench/processes.py

PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
BENCH_DB = "hiwar_bench_scaleout"
REDIS_URL = "redis://127.0.0.1:6379/7"
PASSWORD = "bench-password-2026"  # noqa: S105 (throw-away bench users)
THROTTLE_EMAIL = "throttled@bench.test"
THROTTLE_TRIES = 8
THROTTLE_LIMIT = 5  # settings.HIWAR_THROTTLE_RATES["login_account"]: 5 failures per 15 minutes
HIWAR = [sys.executable, "-m", "hiwar.cli"]

SETUP_DATA = """
import json
from datetime import timedelta

import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation
from hiwar.accounts.models import User
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.events.services import event_create
from hiwar.spaces.services import space_create

hashed = make_password(PASSWORD)  # hashed once: Argon2 is slow on purpose
convenor = User.objects.create(email="convenor@bench.test", name="Convenor", email_verified=True, password=hashed)
space = space_create(title={"en": "Bench"}, created_by=convenor)
User.objects.create(email=THROTTLE_EMAIL, name="Throttled", email_verified=True, password=hashed)
User.objects.bulk_create(
    User(email=f"{prefix}{i}@bench.test", name=f"{prefix} {i}", email_verified=True, password=hashed)
    for prefix in PREFIXES
    for i in range(USERS)
)
start = (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
translation.activate("en")
events = []
for i in range(EVENTS):
    event = event_create(
        space=space, actor=convenor, title={"en": f"Bench dialogue {i}"}, kind="dialogue",
        when=PrecisionDate(Precision.EXACT), start=start + timedelta(days=i), end=start + timedelta(days=i, hours=1),
        registration_mode="open", capacity=50, timezone="UTC",
    )
    page = event.get_absolute_url()
    events.append({"page": page, "register": page + "register/"})
print(json.dumps({"events": events}))
"""


# Processes ------------------------------------------------------------------------------------------


class Processes:
    """The processes this bench started; `stop_all` ends each by its pid, politely, then with SIGKILL."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started.append((name, process))
        return process

    def stop_all(self, timeout: float = 30.0) -> None:
        running = [p for _name, p in self.started if p.poll() is None]
        below = {pid for p in running for pid in descendants(p.pid)}
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        while below and time.monotonic() < deadline:
            below = {pid for pid in below if alive(pid)}
            time.sleep(0.1)
        for pid in below:  # children of a supervisor that did not stop them in time
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.started.clear()

    def check_running(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited ({process.returncode}):\n{tail}")


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:4])}… failed:\n{done.stderr[-3000:]}")
    return done.stdout


# Database, cache and environment --------------------------------------------------------------------


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def reset_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def query(sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(PG_URL.format(name=BENCH_DB), autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def environment(args, home: Path, mails: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIWAR_")}
    env.update(
        HIWAR_HOME=str(home),
        HIWAR_DEBUG="1",
        HIWAR_TASKS="db",
        HIWAR_EMAIL_URL=f"file://{mails}",
        HIWAR_ALLOWED_HOSTS="127.0.0.1,localhost",
        HIWAR_DATABASE_URL=PG_URL.format(name=BENCH_DB),
        DJANGO_SETTINGS_MODULE="hiwar.settings",
    )
    if args.cache == "redis":
        env["HIWAR_CACHE_URL"] = REDIS_URL
    return env


def create_data(env: dict, prefixes: list[str], users: int, events: int) -> dict:
    script = (
        SETUP_DATA.replace("PASSWORD", repr(PASSWORD))
        .replace("THROTTLE_EMAIL", repr(THROTTLE_EMAIL))
        .replace("PREFIXES", repr(prefixes))
        .replace("USERS", str(users))
        .replace("EVENTS", str(events))
    )
    return json.loads(run([sys.executable, "-c", script], env).strip().splitlines()[-1])


# HTTP client ----------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we measure, not a hop to follow


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    throttled: int = 0
    registrations: int = 0
    failed_registrations: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class RoundRobin:
    """Sends each request to the next port in turn; keeps the figures of every request."""

    def __init__(self, ports: list[int], stats: Stats):
        self._ports = itertools.cycle(ports)
        self._lock = threading.Lock()
        self.stats = stats

    def base(self) -> str:
        with self._lock:
            return f"http://127.0.0.1:{next(self._ports)}"

    def request(self, opener, path: str, data: dict | None = None, headers: dict | None = None) -> int:
        base = self.base()
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base + path, data=body, headers=headers or {})  # noqa: S310
        if body is not None:
            request.add_header("Referer", base + path)
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as answer:
            answer.read()
            answer.close()
            status = answer.code
        except OSError:
            status = 0
        elapsed = time.perf_counter() - started
        with self.stats.lock:
            self.stats.latencies.append(elapsed)
            if status == 429:
                self.stats.throttled += 1
            elif not 200 <= status < 400:
                self.stats.errors += 1
        return status


def csrf_token(jar: http.cookiejar.CookieJar) -> str:
    return next((cookie.value for cookie in jar if cookie.name == "csrftoken"), "")


def post_form(client: RoundRobin, opener, jar, path: str, fields: dict) -> int:
    token = csrf_token(jar)
    return client.request(opener, path, {**fields, "csrfmiddlewaretoken": token}, {"X-CSRFToken": token})


def sign_in(client: RoundRobin, email: str, password: str) -> tuple[int, object, http.cookiejar.CookieJar]:
    """Get the sign-in page (for the CSRF cookie) and post the form; returns the POST's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    if client.request(opener, "/en/accounts/login/") != 200:
        return 0, opener, jar
    status = post_form(client, opener, jar, "/en/accounts/login/", {"username": email, "password": password})
    return status, opener, jar


def register(client: RoundRobin, email: str, event: dict) -> bool:
    status, opener, jar = sign_in(client, email, PASSWORD)
    if status != 302:
        return False
    return post_form(client, opener, jar, event["register"], {}) == 302


def read(client: RoundRobin, opener, rng: random.Random, events: list[dict]) -> None:
    path = rng.choice(["/en/events/", "/en/spaces/", "/api/v1/events", None])
    client.request(opener, path or rng.choice(events)["page"])


def load_thread(client, users, events, deadline: float, share: float, seed: int) -> None:
    rng = random.Random(seed)
    anonymous = urllib.request.build_opener(_NoRedirect)
    while time.monotonic() < deadline:
        email = None
        if rng.random() < share:
            with client.stats.lock:
                email = users.pop() if users else None
        if email is None:
            read(client, anonymous, rng, events)
            continue
        ok = register(client, email, rng.choice(events))
        with client.stats.lock:
            client.stats.registrations += ok
            client.stats.failed_registrations += not ok


def run_load(ports: list[int], users: list[str], events: list[dict], args) -> tuple[Stats, float]:
    stats = Stats()
    client = RoundRobin(ports, stats)
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(
            target=load_thread, args=(client, users, events, deadline, args.share, n), daemon=True
        )
        for n in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    return stats, time.monotonic() - started


def wait_ready(ports: list[int], processes: Processes, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting and time.monotonic() < deadline:
        processes.check_running()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{waiting[0]}/healthz", timeout=5):  # noqa: S310
                waiting.pop(0)
                continue
        except OSError:
            time.sleep(0.3)
    if waiting:
        raise RuntimeError(f"the server on port {waiting[0]} did not answer within {timeout:.0f} s")


# Checks ---------------------------------------------------------------------------------------------


def task_states(since) -> dict[str, int]:
    """Tasks by status; a task waiting for a later time (an event reminder) counts as SCHEDULED.

    A task to run at once has run_after 9999-01-01 (django-tasks-db's "no time set").
    """
    sql = (
        "SELECT CASE WHEN status = 'READY' AND run_after > now() AND run_after < '9000-01-01'"
        " THEN 'SCHEDULED' ELSE status END, count(*)"
        " FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= %s GROUP BY 1"
    )
    return dict(query(sql, (since,)))


def wait_for_queue(since, timeout: float) -> bool:
    """Wait until no task enqueued since `since` is due or running; False when the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = task_states(since)
        if not states.get("READY") and not states.get("RUNNING"):
            return True
        time.sleep(0.5)
    return False


MESSAGE_ID = re.compile(rb"^Message-ID: *(\S+)", re.MULTILINE | re.IGNORECASE)


def mail_ids(mails: Path) -> list[str]:
    """Every Message-ID in the mail files (the file backend may append several mails to one file)."""
    return [m.decode() for path in mails.glob("*") for m in MESSAGE_ID.findall(path.read_bytes())]


@dataclass
class Outcome:
    tasks: dict
    tasks_per_worker: list[int]
    duplicates: int
    lost: int
    details: str


def check_tasks(since, first_delivery: int, mails: Path) -> Outcome:
    tasks = task_states(since)
    (ran_twice,) = query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult"
        " WHERE enqueued_at >= %s AND jsonb_array_length(worker_ids) > 1",
        (since,),
    )[0]
    per_worker = [
        n
        for (n,) in query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= %s"
            " AND jsonb_array_length(worker_ids) > 0 GROUP BY worker_ids->>0 ORDER BY 1 DESC",
            (since,),
        )
    ]
    deliveries = query(
        "SELECT message_id, status, attempts FROM core_emaildelivery WHERE id >= %s", (first_delivery,)
    )
    sent = {mid for mid, status, _attempts in deliveries if status == "sent"}
    tried_twice = sum(attempts > 1 for _mid, _status, attempts in deliveries)
    in_files = mail_ids(mails)
    unique_files = set(in_files)
    file_duplicates = len(in_files) - len(unique_files)
    unsent = len(deliveries) - len(sent)
    missing_files = len(sent - unique_files)
    pending = tasks.get("READY", 0) + tasks.get("RUNNING", 0)
    details = (
        f"tasks {tasks}; e-mails: {len(deliveries)} recorded, {len(sent)} sent, {len(in_files)} in files"
        f" ({len(unique_files)} distinct); tasks with 2+ workers {ran_twice}, e-mails tried twice {tried_twice}"
    )
    return Outcome(
        tasks=tasks,
        tasks_per_worker=per_worker,
        duplicates=ran_twice + tried_twice + file_duplicates,
        lost=pending + tasks.get("FAILED", 0) + unsent + missing_files,
        details=details,
    )


def check_throttling(ports: list[int]) -> tuple[bool, str]:
    """Wrong passwords for one account, alternating servers: the 6th and later must get 429 on each."""
    answers = []
    for attempt in range(THROTTLE_TRIES):
        port = ports[attempt % len(ports)]
        status, _opener, _jar = sign_in(RoundRobin([port], Stats()), THROTTLE_EMAIL, "wrong-password-1234")
        answers.append((port, status))
    allowed, refused = answers[:THROTTLE_LIMIT], answers[THROTTLE_LIMIT:]
    holds = (
        all(status == 200 for _port, status in allowed)
        and all(status == 429 for _port, status in refused)
        and len({port for port, _status in refused}) == len(ports)
    )
    return holds, " ".join(f"{status}@{port}" for port, status in answers)


def shared_counters(cache: str) -> int:
    """How many throttle counters the shared cache holds (django-ratelimit's keys start with rl:)."""
    if cache == "redis":
        import redis

        return sum(1 for _key in redis.Redis.from_url(REDIS_URL).scan_iter(match="*:rl:*"))
    return query("SELECT count(*) FROM hiwar_cache WHERE cache_key LIKE %s", ("%:rl:%",))[0][0]


# Setups ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50: float
    p95: float
    errors: int
    throttled: int
    registrations: int
    failed_registrations: int
    outcome: Outcome
    throttling: tuple[bool, str] | None = None


def start_setup(name: str, processes: Processes, env: dict) -> list[int]:
    ports = [free_port()]
    if name == "A":
        processes.start("A-serve", [*HIWAR, "serve", "--port", str(ports[0]), "--workers", "1"], env)
        return ports
    ports.append(free_port())
    for n, port in enumerate(ports, 1):
        command = [*HIWAR, "serve", "--port", str(port), "--workers", "1", "--no-worker"]
        processes.start(f"B-serve{n}", command, env)
    for n in (1, 2):
        processes.start(f"B-worker{n}", [*HIWAR, "worker"], env)
    return ports


def run_setup(name: str, args, base_env: dict, tmp: Path, users: list[str], events: list[dict]) -> Result:
    mails = tmp / f"mails-{name}"
    mails.mkdir()
    env = dict(base_env, HIWAR_EMAIL_URL=f"file://{mails}")
    since = query("SELECT now()")[0][0]
    first_delivery = query("SELECT coalesce(max(id), 0) + 1 FROM core_emaildelivery")[0][0]
    processes = Processes(tmp)
    try:
        ports = start_setup(name, processes, env)
        wait_ready(ports, processes)
        stats, seconds = run_load(ports, users, events, args)
        throttling = check_throttling(ports) if len(ports) > 1 else None
        drained = wait_for_queue(since, args.drain_timeout)
        processes.check_running()
    finally:
        processes.stop_all()
    outcome = check_tasks(since, first_delivery, mails)
    if not drained:
        outcome.details += f"; the queue was not empty after {args.drain_timeout:.0f} s"
    latencies = sorted(stats.latencies) or [0.0]
    return Result(
        name=name,
        requests=len(stats.latencies),
        seconds=seconds,
        p50=statistics.median(latencies) * 1000,
        p95=latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        errors=stats.errors,
        throttled=stats.throttled,
        registrations=stats.registrations,
        failed_registrations=stats.failed_registrations,
        outcome=outcome,
        throttling=throttling,
    )


SETUPS = {
    "A": "1 server, 1 worker",
    "B": "2 servers + 2 workers",
}


def report(results: list[Result], args) -> None:
    print(
        f"\nPostgreSQL, cache {args.cache}; {args.threads} client threads, {args.seconds:.0f} s per setup,"
        f" {args.share:.0%} registrations (sign-in page, sign-in, register)"
    )
    header = f"{'setup':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}"
    header += f"{'regs':>6}{'tasks':>7}{'dup':>5}{'lost':>6}"
    print(header)
    for r in results:
        print(
            f"{r.name + ' ' + SETUPS[r.name]:<24}{r.requests:>9}{r.requests / r.seconds:>8.1f}{r.p50:>8.0f}"
            f"{r.p95:>8.0f}{r.errors:>7}{r.registrations:>6}{r.outcome.tasks.get('SUCCESSFUL', 0):>7}"
            f"{r.outcome.duplicates:>5}{r.outcome.lost:>6}"
        )
    for r in results:
        print(f"{r.name}: {r.outcome.details}; tasks per worker {r.outcome.tasks_per_worker}")
        if r.failed_registrations or r.throttled:
            print(f"{r.name}: {r.failed_registrations} registrations failed, {r.throttled} answers were 429")
    for r in results:
        if r.throttling:
            holds, answers = r.throttling
            verdict = "holds across both servers" if holds else "DOES NOT HOLD"
            print(f"throttling ({args.cache} cache): {verdict}; sign-in answers {answers}")
            print(f"  throttle counters in the shared {args.cache} cache: {shared_counters(args.cache)}")


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", choices=["db", "redis"], default="db")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per setup")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--share", type=float, default=0.2, help="share of registrations among actions")
    parser.add_argument("--users", type=int, default=400, help="fresh users per setup")
    parser.add_argument("--events", type=int, default=8)
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="about 5 s per setup")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.users = 5.0, 150
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="hiwar-scaleout-") as tmp_name:
        tmp = Path(tmp_name)
        env = environment(args, tmp / "home", tmp / "mails")
        print("preparing the database…", flush=True)
        reset_postgres()
        if args.cache == "redis":
            reset_redis()
        run([*HIWAR, "manage", "migrate", "--no-input", "-v", "0"], env)
        data = create_data(env, [name.lower() for name in SETUPS], args.users, args.events)
        results = []
        for name in SETUPS:
            print(f"setup {name}: {SETUPS[name]}…", flush=True)
            users = [f"{name}{i}@bench.test".lower() for i in range(args.users)]
            results.append(run_setup(name, args, env, tmp, users, data["events"]))
        report(results, args)
    ok = all(r.outcome.duplicates == 0 and r.outcome.lost == 0 for r in results)
    return 0 if ok and all(r.throttling[0] for r in results if r.throttling) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers and workers are stopped already (see run_setup)
        print("interrupted", file=sys.stderr)
        sys.exit(130)
