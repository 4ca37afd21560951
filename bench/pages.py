"""Page times on a large data set (not a test): p50/p95 per page next to a trivial view, and query counts.

Builds the data set of the issue in a throw-away HIWAR_HOME (bulk inserts, no services: no mails,
no audit trail written by the services): 10,000 users with profiles, 200 spaces (public, members
only, closed), 10,000 events (mostly exact dates, some of a month or a year, some to be decided;
5% of them in the big space), one public space with 3,020 members and a template's phases, one
event of it with 5,006 confirmed registrations, a few registrations on the other events and an
audit log for the big space. On PostgreSQL the tables are ANALYZEd afterwards (as autovacuum soon
would); SQLite gets what the application gives it.

Then it serves Hiwar with `hiwar serve --workers 1` (gunicorn with one worker, plus its task
worker), signs in as the big space's convenor and requests each page sequentially, in rounds (each
page once per round, after one unmeasured warm-up round), timing each answer with the client's
clock. It prints status, p50 and p95 in ms, the size of the answer in KB, and the number of
database queries the page makes, counted in a separate process with django.test.Client against the
same database (signed in as the same convenor, after a warm-up request). `/healthz` is the trivial
view: what the server, the session and the network cost with no page behind them.

Target (the issue): p95 < 200 ms on every page, on SQLite and on PostgreSQL, and query counts
that do not grow with the data (compare --quick with the full run). Pages over 200 ms are marked;
nothing is asserted. Redirects are not followed: a 302 means the page was not shown.

python bench/pages.py                        # SQLite, full data set, 30 requests per page
python bench/pages.py --quick                # a tenth of the data, 10 requests per page
python bench/pages.py --db postgres --quick  # PostgreSQL: database hiwar_bench_pages (dropped, recreated)
python bench/pages.py --keep                 # keep the HIWAR_HOME (and the PostgreSQL database)

PostgreSQL runs need a server on 127.0.0.1:5432 (user postgres, trust). Run it with the project's
virtualenv Python. It takes about three minutes with the full data set on SQLite.
"""

import argparse
import http.cookiejar
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from processes import alive, descendants, free_port  # bench/processes.py

PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
BENCH_DB = "hiwar_bench_pages"
PASSWORD = "bench-password-2026"  # noqa: S105 (throw-away bench users)
CONVENOR_EMAIL = "convenor@bench.test"
BIG_SPACE = "big-space"
TARGET_MS = 200.0
HIWAR = [sys.executable, "-m", "hiwar.cli"]

FULL = {
    "users": 10_000,
    "spaces": 200,
    "events": 10_000,
    "big_event_registrations": 5_006,
    "big_space_members": 3_020,
}

BUILD_DATA = r"""
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import django

django.setup()
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from hiwar.accounts.choices import Region, Sector, StakeholderGroup
from hiwar.accounts.models import Profile, User
from hiwar.core.arabic import normalise
from hiwar.core.models import AuditEntry
from hiwar.events.models import Event, EventFormat, EventKind, EventStatus, Registration
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.spaces.blueprints import all_blueprints, apply_blueprint
from hiwar.spaces.models import Membership, Role, Space, SpaceKind, SpaceVisibility

size = json.loads(sys.argv[1])
rng = random.Random(2026)
BATCH = 2000
started = time.monotonic()
today = timezone.localdate()


def make_users():
    hashed = make_password(size["password"])  # hashed once: Argon2 is slow on purpose
    users = [User(email=size["email"], name="Bench Convenor", email_verified=True, password=hashed)]
    for i in range(1, size["users"]):
        name = f"مشارك {i}" if i % 3 == 0 else f"Participant {i:05d}"
        users.append(
            User(
                email=f"user{i}@bench.test",
                name=name,
                email_verified=True,
                password=hashed,
                preferred_language=rng.choice(["ar", "en", "fr"]),
            )
        )
    users = User.objects.bulk_create(users, batch_size=BATCH)
    Profile.objects.bulk_create(
        (
            Profile(
                user=user,
                sector=rng.choice(Sector.values),
                stakeholder_group=rng.choice(StakeholderGroup.values),
                region=rng.choice(Region.values),
                working_languages=rng.choice([["ar"], ["en"], ["ar", "en"], ["fr", "ar"]]),
            )
            for user in users
        ),
        batch_size=BATCH,
    )
    return users


def make_spaces(users):
    spaces = []
    for i in range(size["spaces"]):
        slug = size["slug"] if i == 0 else f"space-{i:03d}"
        title = {"en": f"Bench dialogue space {i}", "ar": f"مساحة الحوار {i}"}
        if i == 0:
            visibility = SpaceVisibility.PUBLIC
        else:
            visibility = rng.choices(SpaceVisibility.values, weights=[6, 3, 1])[0]
        spaces.append(
            Space(
                slug=slug,
                title=title,
                kind=SpaceKind.values[i % len(SpaceKind.values)],
                visibility=visibility,
                region=rng.choice(Region.values),
                start_date=today - timedelta(days=rng.randint(0, 900)),
                created_by=users[0] if i == 0 else users[1 + (i * 37) % (len(users) - 1)],
                search_text=normalise(" ".join([slug, *title.values()])),
            )
        )
    spaces = Space.objects.bulk_create(spaces, batch_size=BATCH)
    blueprint = next(iter(all_blueprints().values()))
    spaces[0].template_key = blueprint.key
    spaces[0].save(update_fields=["template_key"])
    apply_blueprint(spaces[0], blueprint)  # phases and checklists for the timeline
    return spaces


def make_memberships(users, spaces):
    members = {}
    rows = []
    big = users[: size["big_space_members"]]
    members[spaces[0].pk] = big
    for n, user in enumerate(big):
        if n == 0:
            role = Role.CONVENOR
        else:
            role = rng.choices(
                [Role.MEMBER, Role.OBSERVER, Role.FACILITATOR, Role.SECRETARIAT], weights=[90, 6, 3, 1]
            )[0]
        rows.append(Membership(space=spaces[0], user=user, role=role))
    convenor_elsewhere = set(rng.sample(range(1, len(spaces)), min(10, len(spaces) - 1)))
    for i, space in enumerate(spaces[1:], 1):
        crowd = [space.created_by, *rng.sample(users[1:], rng.randint(5, 25))]
        if i in convenor_elsewhere:
            crowd.append(users[0])
        crowd = list({user.pk: user for user in crowd}.values())
        members[space.pk] = crowd
        for user in crowd:
            role = Role.CONVENOR if user == space.created_by else Role.MEMBER
            rows.append(Membership(space=space, user=user, role=role))
    Membership.objects.bulk_create(rows, batch_size=BATCH)
    return members


def when_fields(day, exact):
    if exact:
        start = datetime(day.year, day.month, day.day, rng.randint(7, 16), 0, tzinfo=UTC)
        return {
            "precision": Precision.EXACT.value,
            "start": start,
            "end": start + timedelta(hours=rng.choice([1, 2, 3, 6])),
            "date_year": day.year,
            "date_month": day.month,
            "date_day": day.day,
            "earliest": day,
            "latest": day,
        }
    roll = rng.random()
    if roll < 0.35:
        when = PrecisionDate(Precision.MONTH, year=day.year, month=day.month)
    elif roll < 0.65:
        when = PrecisionDate(Precision.YEAR, year=day.year)
    else:
        when = PrecisionDate(Precision.TBD)
    bounds = when.bounds()
    return {
        "precision": when.precision.value,
        "date_year": when.year,
        "date_month": when.month,
        "earliest": bounds[0] if bounds else None,
        "latest": bounds[1] if bounds else None,
    }


def make_events(spaces, users):
    big_count = max(1, size["events"] // 20)
    homes = [spaces[0]] * big_count + [
        rng.choice(spaces[1:]) for _ in range(size["events"] - big_count)
    ]
    events = []
    for i, space in enumerate(homes):
        if i == 0:  # the big event: in three weeks, open, no limit
            fields = when_fields(today + timedelta(days=21), exact=True)
        else:
            fields = when_fields(today + timedelta(days=rng.randint(-730, 730)), exact=rng.random() < 0.85)
        events.append(
            Event(
                space=space,
                kind=rng.choice(EventKind.values),
                title={"en": f"Bench event {i}", "ar": f"لقاء حواري {i}"},
                description={"en": "A dialogue of the bench data set."},
                format=rng.choice(EventFormat.values),
                status=EventStatus.CANCELLED if i and rng.random() < 0.03 else EventStatus.SCHEDULED,
                timezone="UTC",
                registration_mode="open",
                capacity=None,
                created_by=space.created_by,
                **fields,
            )
        )
    return Event.objects.bulk_create(events, batch_size=BATCH)


def make_registrations(events, users, members):
    big_event = events[0]
    rows = [
        Registration(event=big_event, user=user, status=Registration.Status.CONFIRMED)
        for user in users[: size["big_event_registrations"]]
    ]
    for event in events[1:]:
        crowd = members[event.space_id]
        for user in rng.sample(crowd, min(len(crowd), rng.randint(0, 4))):
            rows.append(Registration(event=event, user=user, status=Registration.Status.CONFIRMED))
    Registration.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def make_audit(spaces, users, events):
    big = spaces[0]
    rows = [AuditEntry(actor=space.created_by, action="space.create", space=space, target=str(space)) for space in spaces]
    rows += [
        AuditEntry(actor=users[0], action="membership.add", space=big, target=str(user), data={"role": "member"})
        for user in users[1 : size["big_space_members"]]
    ]
    rows += [
        AuditEntry(actor=users[0], action="event.create", space=big, target=str(event))
        for event in events
        if event.space_id == big.pk
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


with transaction.atomic():
    users = make_users()
    spaces = make_spaces(users)
    members = make_memberships(users, spaces)
    events = make_events(spaces, users)
    registrations = make_registrations(events, users, members)
    audit_entries = make_audit(spaces, users, events)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
print(json.dumps({
    "users": len(users),
    "spaces": len(spaces),
    "events": len(events),
    "big_space_events": sum(e.space_id == spaces[0].pk for e in events),
    "big_space_members": len(members[spaces[0].pk]),
    "big_event": events[0].pk,
    "big_event_registrations": size["big_event_registrations"],
    "registrations": registrations,
    "audit_entries": audit_entries,
    "seconds": round(time.monotonic() - started, 1),
}))
"""

COUNT_QUERIES = r"""
import json
import sys

import django

django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hiwar.accounts.models import User

wanted = json.loads(sys.argv[1])
client = Client()
client.force_login(User.objects.get(email=wanted["email"]))
counts = {}
for path in wanted["paths"]:
    client.get(path)  # warm-up: first-use lookups (content types, site, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    counts[path] = [len(captured.captured_queries), response.status_code]
print(json.dumps(counts))
"""


# Processes ------------------------------------------------------------------------------------------


class Server:
    """`hiwar serve` in its own session; `stop` ends it and whatever it started, each by its pid."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.seen: set[int] = set()  # its children and grandchildren, as last seen

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [*HIWAR, "serve", "--port", str(self.port), "--workers", "1"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_running(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"hiwar serve exited ({self.process.returncode}):\n{tail}")

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            self.seen.update(descendants(self.process.pid))
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5):  # noqa: S310
                    self.seen.update(descendants(self.process.pid))
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"hiwar serve did not answer within {timeout:.0f} s")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 30.0) -> list[int]:
        """SIGTERM, then SIGKILL after `timeout`; returns the pids still alive afterwards (none, we hope)."""
        if self.process is None:
            return []
        if self.process.poll() is None:
            self.seen.update(descendants(self.process.pid))
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        deadline = time.monotonic() + timeout
        below = {pid for pid in self.seen if alive(pid)}
        while below and time.monotonic() < deadline:
            time.sleep(0.1)
            below = {pid for pid in below if alive(pid)}
        for pid in below:  # children the supervisor did not stop in time
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
        return [pid for pid in [self.process.pid, *self.seen] if alive(pid)]


def run(command: list[str], env: dict, timeout: float = 900) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:4])}… failed:\n{done.stderr[-3000:]}")
    return done.stdout


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


# Database and environment ---------------------------------------------------------------------------


def reset_postgres(create: bool = True) -> None:
    import psycopg

    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if create:
            connection.execute(f"CREATE DATABASE {BENCH_DB}")


def environment(args, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIWAR_")}
    env.update(
        HIWAR_HOME=str(home),
        HIWAR_DEBUG="1",
        HIWAR_TASKS="db",
        HIWAR_EMAIL_URL=f"file://{home / 'mails'}",
        HIWAR_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="hiwar.settings",
    )
    if args.db == "postgres":
        env["HIWAR_DATABASE_URL"] = PG_URL.format(name=BENCH_DB)
    return env


def data_size(quick: bool) -> dict:
    if not quick:
        return dict(FULL)
    return {name: max(1, round(value / 10)) for name, value in FULL.items()}


def build(env: dict, size: dict) -> dict:
    wanted = dict(size, password=PASSWORD, email=CONVENOR_EMAIL, slug=BIG_SPACE)
    return last_json(run([sys.executable, "-c", BUILD_DATA, json.dumps(wanted)], env))


def count_queries(env: dict, paths: list[str]) -> dict:
    wanted = {"email": CONVENOR_EMAIL, "paths": paths}
    return last_json(run([sys.executable, "-c", COUNT_QUERIES, json.dumps(wanted)], env, timeout=600))


# HTTP client ----------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we measure, not a hop to follow


class Browser:
    """A signed-in client: a cookie jar, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def get(self, path: str, data: dict | None = None) -> tuple[int, int, float]:
        """Status, body size in bytes and seconds (from sending the request to reading the last byte)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        if body is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                size = len(response.read())
                status = response.status
        except urllib.error.HTTPError as answer:
            size = len(answer.read())
            answer.close()
            status = answer.code
        return status, size, time.perf_counter() - started

    def sign_in(self, email: str, password: str) -> None:
        """Once, and right: sign-in is refused for a while after five failures."""
        status, _size, _seconds = self.get("/en/accounts/login/")
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        if status != 200 or not token:
            raise RuntimeError(f"the sign-in page answered {status} (CSRF cookie: {bool(token)})")
        fields = {"username": email, "password": password, "csrfmiddlewaretoken": token}
        status, _size, _seconds = self.get("/en/accounts/login/", fields)
        if status != 302 or not any(c.name == "sessionid" for c in self.jar):
            raise RuntimeError(f"signing in as {email} failed: HTTP {status}")


# Measuring ------------------------------------------------------------------------------------------


def pages(event_id: int) -> list[tuple[str, str]]:
    space = f"/en/spaces/{BIG_SPACE}/"
    event = f"{space}events/{event_id}/"
    return [
        ("trivial view (healthz)", "/healthz"),
        ("home", "/en/"),
        ("spaces", "/en/spaces/"),
        ("big space", space),
        ("its members", space + "members/"),
        ("events", "/en/events/"),
        ("API events", "/api/v1/events"),
        ("API spaces", "/api/v1/spaces"),
        ("big event", event),
        ("its attendance", event + "attendance/"),
        ("space events", space + "events/"),
        ("space timeline", space + "timeline/"),
        ("space ICS", f"/en/spaces/{BIG_SPACE}/events.ics"),
        ("audit log", space + "audit/"),
    ]


@dataclass
class Page:
    name: str
    path: str
    seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    size: int = 0
    queries: int | None = None

    def percentile(self, share: float) -> float:
        """Nearest rank, in ms."""
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000

    @property
    def status(self) -> str:
        return "/".join(str(s) for s, _n in self.statuses.most_common())


def measure(browser: Browser, server: Server, measured: list[Page], rounds: int) -> None:
    """One unmeasured warm-up round, then `rounds` rounds of each page once, one request at a time."""
    for page in measured:
        browser.get(page.path)
    for _round in range(rounds):
        server.check_running()
        for page in measured:
            status, size, seconds = browser.get(page.path)
            page.seconds.append(seconds)
            page.statuses[status] += 1
            page.size = size


def report(args, data: dict, measured: list[Page], build_seconds: float) -> None:
    print(
        f"\n{args.db}, {'quick' if args.quick else 'full'} data set built in {build_seconds:.0f} s"
        f" (inserts {data['seconds']:.0f} s): {data['users']} users, {data['spaces']} spaces,"
        f" {data['events']} events ({data['big_space_events']} in the big space),"
        f" {data['big_space_members']} members in the big space, {data['big_event_registrations']}"
        f" registrations for the big event ({data['registrations']} in all), {data['audit_entries']}"
        f" audit entries"
    )
    print(f"{args.requests} sequential requests per page, signed in as the big space's convenor\n")
    print(f"{'page':<24}{'status':>8}{'p50 ms':>9}{'p95 ms':>9}{'KB':>8}{'queries':>9}")
    for page in measured:
        p95 = page.percentile(0.95)
        mark = f"  > {TARGET_MS:.0f} ms" if p95 > TARGET_MS else ""
        queries = "-" if page.queries is None else str(page.queries)
        print(
            f"{page.name:<24}{page.status:>8}{statistics.median(page.seconds) * 1000:>9.1f}{p95:>9.1f}"
            f"{page.size / 1024:>8.1f}{queries:>9}{mark}"
        )
    slow = [page.name for page in measured if page.percentile(0.95) > TARGET_MS]
    print(f"\np95 over {TARGET_MS:.0f} ms: {', '.join(slow) if slow else 'none'}")


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, 10 requests per page")
    parser.add_argument("--requests", type=int, default=None, help="requests per page (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep HIWAR_HOME (and the database)")
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 10 if args.quick else 30
    args.requests = max(1, args.requests)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    home = Path(tempfile.mkdtemp(prefix="hiwar-pages-"))
    env = environment(args, home)
    server = Server(env, home / "serve.log")
    leftovers: list[int] = []
    try:
        print(f"building the data set in {home}…", flush=True)
        started = time.monotonic()
        if args.db == "postgres":
            reset_postgres()
        run([*HIWAR, "manage", "migrate", "--no-input", "-v", "0"], env)
        data = build(env, data_size(args.quick))
        build_seconds = time.monotonic() - started
        measured = [Page(name, path) for name, path in pages(data["big_event"])]
        print("serving…", flush=True)
        server.start()
        server.wait_ready()
        browser = Browser(server.base)
        browser.sign_in(CONVENOR_EMAIL, PASSWORD)
        print(f"measuring {len(measured)} pages × {args.requests}…", flush=True)
        measure(browser, server, measured, args.requests)
        leftovers = server.stop()
        print("counting queries…", flush=True)
        counts = count_queries(env, [page.path for page in measured])
        for page in measured:
            page.queries = counts[page.path][0]
        report(args, data, measured, build_seconds)
    finally:
        leftovers = server.stop() or leftovers
        if args.keep:
            print(f"kept {home}" + (f" and the database {BENCH_DB}" if args.db == "postgres" else ""))
        else:
            shutil.rmtree(home, ignore_errors=True)
            if args.db == "postgres":
                reset_postgres(create=False)
    if leftovers:
        print(f"processes still running after the stop: {leftovers}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the server and its worker are stopped already (see main)
        print("interrupted", file=sys.stderr)
        sys.exit(130)
