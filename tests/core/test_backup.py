"""`hiwar backup` and `hiwar restore` as an operator runs them, each on a home of its own."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGE = """
import django, json, re; django.setup()
from django.test import Client
from hiwar.core.backup import table_counts
page = Client().get("/en/spaces/").content.decode()
print(json.dumps({"counts": table_counts(), "page": re.sub(r'value="\\w{30,}"', "", page)}))
"""


def _env(home: Path, database_url: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIWAR_", "PYTEST", "DJANGO_"))}
    env.update(HIWAR_HOME=str(home), HIWAR_DEBUG="1", DJANGO_SETTINGS_MODULE="hiwar.settings")
    if database_url:
        env["HIWAR_DATABASE_URL"] = database_url
    return env


def hiwar(home: Path, *args: str, database_url: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hiwar.cli", *args],
        env=_env(home, database_url), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def state(home: Path, database_url: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PAGE], env=_env(home, database_url), capture_output=True, text=True, timeout=120,
        check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory) -> tuple[Path, Path]:
    """The demo, with a media file, backed up once for the tests of this module."""
    home = tmp_path_factory.mktemp("demo-home")
    assert hiwar(home, "demo", "--no-serve").returncode == 0
    (home / "media" / "events" / "1").mkdir(parents=True)
    (home / "media" / "events" / "1" / "agenda.pdf").write_bytes(b"%PDF-1.4 an agenda")
    archive = home / "demo.tar.gz"
    result = hiwar(home, "backup", str(archive))
    assert result.returncode == 0, result.stderr
    return home, archive


def test_the_demo_restores_into_a_fresh_home_with_the_same_rows_pages_and_files(demo_backup, tmp_path):
    home, archive = demo_backup
    result = hiwar(tmp_path, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    before, after = state(home), state(tmp_path)
    assert after["counts"] == before["counts"] and after["counts"]["events_event"] > 0
    assert after["page"] == before["page"]
    assert (tmp_path / "media" / "events" / "1" / "agenda.pdf").read_bytes() == b"%PDF-1.4 an agenda"


def test_a_home_that_holds_data_is_not_overwritten_unless_told(demo_backup, tmp_path):
    home, archive = demo_backup
    result = hiwar(home, "restore", str(archive))
    assert result.returncode == 2
    assert "already holds data" in result.stderr and "Nothing was changed." in result.stderr
    assert hiwar(home, "restore", str(archive), "--replace").returncode == 0


def _tables(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _rewrite(archive: Path, out: Path, change) -> None:
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""
            name, data = change(member.name, data)
            member.name, member.size = name, len(data)
            target.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda name, data: (name, data[:-100] + b"x" * 100) if name == "database.sqlite3" else (name, data),
         "does not match its checksum"),
        (lambda name, data: (name, data.replace(b'"media/events/1/agenda.pdf"', b'"../../etc/agenda.pdf"'))
         if name == "manifest.json" else (name, data), "outside its own folders"),
        (lambda name, data: ("notes.txt", data) if name == "manifest.json" else (name, data),
         "is not a Hiwar backup"),
    ],
    ids=["damaged", "escaping", "foreign"],
)  # fmt: skip
def test_a_damaged_or_foreign_archive_is_refused_and_changes_nothing(demo_backup, tmp_path, damage, message):
    _home, archive = demo_backup
    bad = tmp_path / "bad.tar.gz"
    _rewrite(archive, bad, damage)
    target = tmp_path / "home"
    result = hiwar(target, "restore", str(bad))
    assert result.returncode == 2 and message in result.stderr
    assert _tables(target / "hiwar.sqlite3") == set()  # nothing was written
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.postgres_only
def test_a_postgresql_backup_restores_into_an_empty_database(tmp_path):
    base = os.environ.get("HIWAR_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("needs HIWAR_TEST_DATABASE_URL on PostgreSQL")
    import psycopg

    names = [f"hiwar_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f"CREATE DATABASE {name}")
    urls = [base.rsplit("/", 1)[0] + f"/{name}" for name in names]
    try:
        assert hiwar(tmp_path / "a", "demo", "--no-serve", database_url=urls[0]).returncode == 0
        archive = tmp_path / "pg.tar.gz"
        assert hiwar(tmp_path / "a", "backup", str(archive), database_url=urls[0]).returncode == 0
        result = hiwar(tmp_path / "b", "restore", str(archive), database_url=urls[1])
        assert result.returncode == 0, result.stderr
        assert state(tmp_path / "b", urls[1])["counts"] == state(tmp_path / "a", urls[0])["counts"]
        # A SQLite home cannot take it: it says how to move instead.
        result = hiwar(tmp_path / "c", "restore", str(archive))
        assert result.returncode == 2 and "hiwar move-to" in result.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_administrators_see_the_backups_and_nobody_else(client, db, settings, tmp_path):
    from tests.factories import UserFactory

    settings.HIWAR_BACKUP_DIR = tmp_path
    (tmp_path / "hiwar-20261125T030000Z.tar.gz").write_bytes(b"x" * 2048)
    client.force_login(UserFactory())
    assert client.get("/en/admin/backups/").status_code == 302  # to the sign-in page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/en/admin/backups/").content.decode()
    assert "hiwar-20261125T030000Z.tar.gz" in page and "2.0\xa0KB" in page
