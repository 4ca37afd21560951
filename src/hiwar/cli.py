"""The `hiwar` command: demo, serve, worker, createsuperuser, manage (and more as apps grow).

Commands only parse arguments and call Django management commands or services, and are safe to rerun.
"""

import argparse
import os
import sys


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hiwar.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def serving_environment(host: str, port: int, environ: dict | None = None) -> dict:
    """The children's environment. Links in e-mails and calendars follow how Hiwar is served
    (`hiwar demo --port 8731` mails links to port 8731) unless HIWAR_BASE_URL says otherwise."""
    env = dict(os.environ if environ is None else environ, DJANGO_SETTINGS_MODULE="hiwar.settings")
    if not env.get("HIWAR_BASE_URL"):
        shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)  # noqa: S104
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        env["HIWAR_BASE_URL"] = f"http://{shown}:{port}"
    return env


def _serve(port: int, workers: int, host: str = "127.0.0.1", with_worker: bool = True) -> int:
    """gunicorn for the pages and API, and a background-task worker beside it (unless told not to)."""
    from hiwar.core.supervisor import Supervisor

    env = serving_environment(host, port)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "hiwar.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    worker = [sys.executable, "-m", "hiwar.cli", "worker"] if with_worker else None
    # Compile the grouping kernels now, into Numba's disk cache, so that gunicorn's workers load
    # them in a moment instead of compiling for tens of seconds in the first composition's request.
    from hiwar.grouping.solver import start_warm_up

    start_warm_up()
    return Supervisor(main=gunicorn, helper=worker, env=env).run()


def cmd_demo(args) -> int:
    # The demo runs on plain http://127.0.0.1 (no HTTPS-only cookies), without debug pages.
    os.environ.setdefault("HIWAR_INSECURE_HTTP", "1")
    _setup_django()
    from hiwar.demo.loader import DEMO_ADMIN, DEMO_CONVENOR, DEMO_PASSWORD, load_demo

    _manage("migrate", "--no-input", "--verbosity", "0")
    print("Loading the demo (the first time also compiles the grouping solver: up to half a minute)…")
    created = load_demo()
    print("Hiwar demo data " + ("loaded." if created else "already present (nothing changed)."))
    print(f"  Convenor:      {DEMO_CONVENOR} / {DEMO_PASSWORD}")
    print(f"  Administrator: {DEMO_ADMIN} / {DEMO_PASSWORD}")
    if args.no_serve:
        return 0
    print(f"  Open http://127.0.0.1:{args.port}/  (Ctrl+C stops)")
    return _serve(args.port, workers=2)


def cmd_serve(args) -> int:
    _setup_django()
    _manage("migrate", "--no-input", "--verbosity", "0")
    from django.conf import settings

    if not settings.DEBUG:
        _manage("collectstatic", "--no-input", "--verbosity", "0")
    return _serve(args.port, args.workers, host=args.host, with_worker=not args.no_worker)


def cmd_worker(args) -> int:
    _setup_django()
    from hiwar.core.worker import run_worker
    from hiwar.grouping.solver import start_warm_up

    start_warm_up()  # a background composition then finds the kernels compiled
    run_worker(once=args.once)
    return 0


def cmd_backup(args) -> int:
    _setup_django()
    from hiwar.core.backup import BackupError, make_backup

    try:
        path = make_backup(args.out)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"backup written: {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args) -> int:
    _setup_django()
    from pathlib import Path

    from hiwar.core.backup import BackupError, restore_backup

    try:
        result = restore_backup(Path(args.archive), replace=args.replace)
    except BackupError as error:
        print(error, file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 2
    _manage("migrate", "--no-input", "--verbosity", "0")  # a backup of an older version catches up
    print(f"restored ({result.engine}):")
    for table, count in result.counts.items():
        if count:
            print(f"  {table:<40} {count:>8}")
    return 0


def cmd_createsuperuser(args) -> int:
    _setup_django()
    _manage("createsuperuser", *args.rest)
    return 0


def cmd_manage(args) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hiwar manage", *args.rest])
    return 0


def cmd_groups_solve(args) -> int:
    """Solve one MDGPLIB instance: no Django, no database — the pure solver."""
    import json

    from hiwar.grouping.mdgplib import read_instance
    from hiwar.grouping.solver import InfeasibleError, solve

    try:
        problem = read_instance(args.file)
        solution = solve(problem, time_limit=args.time_limit, seed=args.seed)
    except (OSError, InfeasibleError) as error:
        if args.json:
            print(json.dumps({"feasible": False, "error": str(error)}, ensure_ascii=False))
        else:
            print(
                f"Infeasible: {error}" if isinstance(error, InfeasibleError) else str(error), file=sys.stderr
            )
        return 2
    if args.json:
        result = {"objective": solution.objective, "feasible": True, "groups": solution.groups()}
        print(json.dumps(result))
    else:
        print(f"{solution.objective:.6f}")
    return 0


def cmd_groups_compose(args) -> int:
    """Tables from a participants CSV: nothing is written when a row is wrong."""
    from pathlib import Path

    from hiwar.grouping.offline import CompositionInputError, compose, summary, write_groups
    from hiwar.grouping.solver import InfeasibleError

    try:
        composition = compose(
            Path(args.participants),
            args.tables,
            Path(args.facilitators) if args.facilitators else None,
            organisations_apart=not args.allow_same_organisation,
            time_limit=args.time_limit,
            seed=args.seed,
        )
    except CompositionInputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 2
    except InfeasibleError as error:
        print(f"Infeasible: {error}\nNothing was written.", file=sys.stderr)
        return 2
    except ValueError as error:
        # What the checks above did not foresee still ends with a message, not a traceback.
        print(f"{error}\nNothing was written.", file=sys.stderr)
        return 2
    write_groups(composition, Path(args.out))
    print(summary(composition))
    print(f"written: {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hiwar", description="Hiwar: multi-stakeholder dialogues, end to end."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, load the Arabic demo data (idempotent) and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load the data and stop")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve with gunicorn (and a task worker)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--no-worker", action="store_true", help="run background tasks elsewhere (hiwar worker)"
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks (e-mails, long computations)")
    worker.add_argument("--once", action="store_true", help="run what is queued, then stop")
    worker.set_defaults(func=cmd_worker)

    backup = sub.add_parser("backup", help="write the database, media files and a manifest to one archive")
    backup.add_argument(
        "out", nargs="?", help="the archive to write (default: HIWAR_BACKUP_DIR/hiwar-<time>.tar.gz)"
    )
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore an archive of `hiwar backup` into an empty database")
    restore.add_argument("archive")
    restore.add_argument("--replace", action="store_true", help="overwrite a database that holds data")
    restore.set_defaults(func=cmd_restore)

    su = sub.add_parser("createsuperuser", help="create an administrator")
    su.add_argument("rest", nargs=argparse.REMAINDER)
    su.set_defaults(func=cmd_createsuperuser)

    groups = sub.add_parser("groups", help="diverse discussion groups")
    groups_sub = groups.add_subparsers(dest="groups_command", required=True)
    solve = groups_sub.add_parser("solve", help="solve an MDGPLIB instance and print the objective")
    solve.add_argument("file", help="an instance in the MDGPLIB format")
    solve.add_argument("--time-limit", type=float, default=2.0, help="seconds (default 2)")
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--json", action="store_true", help='print {"objective", "feasible", "groups"}')
    solve.set_defaults(func=cmd_groups_solve)
    offline = groups_sub.add_parser("compose", help="compose diverse tables from a participants CSV")
    offline.add_argument("participants", help="CSV with a header row; columns in the README")
    offline.add_argument("--tables", type=int, required=True, help="number of tables")
    offline.add_argument("--facilitators", help="CSV of facilitators, one per table (same columns)")
    offline.add_argument("--out", required=True, help="where to write the tables (CSV)")
    offline.add_argument("--time-limit", type=float, default=2.0)
    offline.add_argument("--seed", type=int, default=0)
    offline.add_argument(
        "--allow-same-organisation",
        action="store_true",
        help="let two people of one organisation share a table",
    )
    offline.set_defaults(func=cmd_groups_compose)

    manage = sub.add_parser("manage", help="any Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
