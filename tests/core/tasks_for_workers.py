"""A task for the worker tests: the first run hangs (so the test can kill its worker), later runs finish."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hang_the_first_time(folder: str) -> int:
    folder_path = Path(folder)
    runs = len(list(folder_path.glob("run-*")))
    (folder_path / f"run-{runs + 1}-{os.getpid()}").write_text("started")
    if runs == 0:
        time.sleep(120)
    (folder_path / "done").write_text(str(runs + 1))
    return runs + 1


@task()
def database_lost_the_first_time(folder: str) -> int:
    """The first run meets the database gone (as when PostgreSQL restarts mid-task)."""
    from django.db import OperationalError

    folder_path = Path(folder)
    runs = len(list(folder_path.glob("run-*"))) + 1
    (folder_path / f"run-{runs}").write_text("started")
    if runs == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return runs


@task()
def always_meets_a_database_error() -> None:
    from django.db import OperationalError

    raise OperationalError("no such column: nowhere")
