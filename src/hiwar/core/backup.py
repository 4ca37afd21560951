"""`hiwar backup` and `hiwar restore`: one archive holds the database, the media files and a manifest.

SQLite is copied through its online backup API (consistent while Hiwar serves and writes);
PostgreSQL through `pg_dump` in its custom format. The manifest lists versions, the rows of every
table and a SHA-256 of every file; a restore checks them all before it touches anything, and
refuses a target that already holds data unless told to replace it.
"""

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, nothing was changed."""


@dataclass
class RestoreResult:
    engine: str
    counts: dict[str, int]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (the manifest's, and the operator's check after)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._default_manager.using("default").count()
    return dict(sorted(counts.items()))


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgresql://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _dump_database(folder: Path) -> str:
    if _engine() == "sqlite":
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent copy, even while others write
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", "--no-owner", f"--file={folder / PG_MEMBER}", _pg_url()],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return PG_MEMBER


def make_backup(out: Path | None = None) -> Path:
    """Write the archive (default: HIWAR_HOME/backups/hiwar-<time>.tar.gz) and return its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(out) if out else Path(settings.HIWAR_BACKUP_DIR) / f"hiwar-{stamp}.tar.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hiwar-backup-") as tmp:
        folder = Path(tmp)
        counts = table_counts()
        database = _dump_database(folder)
        files = {database: _sha256(folder / database)}
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for path in media_files:
            files["media/" + path.relative_to(media).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(),
            "engine": _engine(),
            "versions": {"hiwar": _version(), "django": django.get_version()},
            "counts": counts,
            "files": files,
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(folder / database, arcname=database)
            for path in media_files:
                archive.add(path, arcname="media/" + path.relative_to(media).as_posix())
        partial.replace(out)  # a crash mid-way never leaves a file that looks complete
    return out


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hiwar")
    except PackageNotFoundError:
        return "unknown"


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a Hiwar backup ({error}).") from error
    if manifest.get("format") != FORMAT or "files" not in manifest:
        raise BackupError(f"{archive_path} is not a Hiwar backup of a format this version reads.")
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _unpack_and_check(archive_path: Path, folder: Path, manifest: dict) -> None:
    """Extract the listed files only, then check every checksum, before anything is restored."""
    expected = manifest["files"]
    if not all(_safe_name(name) for name in expected):
        raise BackupError("The backup names files outside its own folders; refused.")
    with tarfile.open(archive_path, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        missing = sorted(set(expected) - set(members))
        if missing:
            raise BackupError(f"The backup is incomplete: {', '.join(missing[:5])} missing.")
        for name in expected:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(members[name])
            with target.open("wb") as handle:
                shutil.copyfileobj(source, handle)
    for name, checksum in expected.items():
        if _sha256(folder / name) != checksum:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")


def target_is_empty() -> bool:
    """No user, no space: a fresh database (migrated or not) that a restore may fill."""
    from django.db.utils import DatabaseError

    try:
        tables = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table in {"accounts_user", "spaces_space"} & tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return False
    except DatabaseError:
        return True
    return True


def restore_backup(archive_path: Path, *, replace: bool = False) -> RestoreResult:
    manifest = read_manifest(archive_path)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['engine']} database and Hiwar runs on {engine}; "
            "restore it on the same kind, then use `hiwar move-to` to change."
        )
    if not replace and not target_is_empty():
        raise BackupError("The target database already holds data; restore with --replace to overwrite it.")
    with tempfile.TemporaryDirectory(prefix="hiwar-restore-") as tmp:
        folder = Path(tmp)
        _unpack_and_check(archive_path, folder, manifest)
        connection.close()
        if engine == "sqlite":
            database = Path(settings.DATABASES["default"]["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            staged = database.with_name(database.name + ".restoring")
            shutil.copyfile(folder / SQLITE_MEMBER, staged)
            staged.replace(database)
        else:
            if shutil.which("pg_restore") is None:
                raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client).")
            result = subprocess.run(  # noqa: S603
                ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_pg_url()}",  # noqa: S607
                 str(folder / PG_MEMBER)],
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
        media = Path(settings.MEDIA_ROOT)
        if (folder / "media").exists():
            if replace and media.exists():
                shutil.rmtree(media)
            shutil.copytree(folder / "media", media, dirs_exist_ok=True)
    counts = table_counts()
    return RestoreResult(engine=engine, counts=counts)


# Scheduled backups (the task worker) ----------------------------------------------------------------------

ARCHIVE_GLOB = "hiwar-*.tar.gz"


def list_backups(folder: Path | None = None) -> list[Path]:
    """The archives `hiwar backup` wrote into the backup folder, newest first."""
    folder = Path(folder or settings.HIWAR_BACKUP_DIR)
    if not folder.exists():
        return []
    return sorted(folder.glob(ARCHIVE_GLOB), key=lambda path: path.stat().st_mtime, reverse=True)


def prune_backups(folder: Path | None = None, keep: int | None = None) -> list[Path]:
    """Delete the oldest archives beyond `keep` (HIWAR_BACKUP_KEEP); returns what was deleted."""
    keep = settings.HIWAR_BACKUP_KEEP if keep is None else keep
    removed = list_backups(folder)[max(keep, 1) :]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_due(
    folder: Path | None = None, every_hours: float | None = None, now: float | None = None
) -> bool:
    """Whether the newest archive is older than HIWAR_BACKUP_EVERY_HOURS (0: never scheduled)."""
    import time

    every_hours = settings.HIWAR_BACKUP_EVERY_HOURS if every_hours is None else every_hours
    if not every_hours:
        return False
    backups = list_backups(folder)
    now = time.time() if now is None else now
    return not backups or now - backups[0].stat().st_mtime >= every_hours * 3600
