"""The task worker: django-tasks-db's worker, made to outlive a locked or lost database.

It beats (a row in WorkerBeat) from a thread of its own, and before each claim it gives back to the
queue the tasks of workers that stopped beating — killed, or on a machine that went away. A task runs
at least once and at most HIWAR_TASK_MAX_ATTEMPTS times; docs/tasks.md says what each task does
about running twice.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from hiwar.core.models import WorkerBeat

logger = logging.getLogger("hiwar.worker")

MAX_BACKOFF_SECONDS = 30.0
# A task that meets a database error this many times is failing of its own (SQLite calls a missing
# column an OperationalError too), not because of an outage: it is failed, not put back again.
MAX_PUT_BACKS = 10
BACKUP_CHECK_SECONDS = 60.0


def reclaim_abandoned_tasks(now=None) -> tuple[int, int]:
    """Put back on the queue the tasks whose worker stopped beating; fail those tried too often.

    Returns (requeued, failed). Safe to run from many workers at once: each update only applies to
    a task still marked running.
    """
    now = now or timezone.now()
    dead_after = timedelta(seconds=settings.HIWAR_WORKER_DEAD_AFTER)
    alive = set(
        WorkerBeat.objects.filter(last_seen__gte=now - dead_after).values_list("worker_id", flat=True)
    )
    requeued = failed = 0
    running = DBTaskResult.objects.running().filter(started_at__lt=now - dead_after)
    for task_id, worker_ids in running.values_list("id", "worker_ids"):
        if worker_ids and worker_ids[-1] in alive:
            continue
        still_running = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING)
        if len(worker_ids or ()) >= settings.HIWAR_TASK_MAX_ATTEMPTS:
            failed += still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="hiwar.core.worker.WorkerLost",
                traceback=f"The worker running this task stopped {len(worker_ids)} times; not tried again.",
            )
        else:
            requeued += still_running.update(status=TaskResultStatus.READY, started_at=None)
    if requeued or failed:
        logger.warning("reclaimed tasks of dead workers: %s queued again, %s failed", requeued, failed)
    return requeued, failed


class Heartbeat(threading.Thread):
    """Updates the worker's WorkerBeat row every few seconds, on its own database connection."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.started_at = timezone.now()

    def beat(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "pid": os.getpid(),
                "host": socket.gethostname()[:255],
                "started_at": self.started_at,
                "last_seen": timezone.now(),
            },
        )

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    self.beat()
                except DatabaseError as error:  # locked or gone: the next beat will tell
                    logger.warning("heartbeat failed: %s", error)
                    close_old_connections()
                self.stopped.wait(settings.HIWAR_WORKER_BEAT_SECONDS)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            pass


class SupervisedWorker(Worker):
    """Claims and runs tasks like django-tasks-db's worker, but never dies of a database error."""

    def __init__(self, *, batch: bool = False, interval: float = 1.0, worker_id: str | None = None):
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.failures = 0
        self.last_run: dict[str, float] = {}

    def claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def wait_after_failure(self, error: Exception) -> None:
        self.failures += 1
        delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(self.failures, 8))
        logger.warning("database unavailable (%s); trying again in %.1f s", error, delay)
        try:
            if transaction.get_connection().in_atomic_block:
                transaction.get_connection().set_rollback(True)
            connection.close()
        except DatabaseError:
            pass
        time.sleep(delay)

    def run(self) -> None:
        logger.info("worker %s starting", self.worker_id)
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            self._loop()
        finally:
            heartbeat.stop()

    def _due(self, name: str, seconds: float) -> bool:
        """Whether `seconds` passed since the housekeeping `name` last ran (then it runs now): checks
        that need not follow every task stay off the loop's hot path."""
        now = time.monotonic()
        if now - self.last_run.get(name, float("-inf")) < seconds:
            return False
        self.last_run[name] = now
        return True

    def schedule_backup(self) -> None:
        """Every minute or so, queue the scheduled backup when it is due; one worker does it (a lock in
        the shared cache), the others see the new archive next time."""
        if not self._due("backup", BACKUP_CHECK_SECONDS):
            return
        from django.core.cache import cache

        from hiwar.core.backup import backup_due
        from hiwar.core.tasks import scheduled_backup

        if backup_due() and cache.add("hiwar.scheduled-backup", self.worker_id, timeout=3600):
            scheduled_backup.enqueue()

    def _loop(self) -> None:
        while self.running:
            try:
                close_old_connections()
                # A dead worker is seen after HIWAR_WORKER_DEAD_AFTER; looking once a beat is enough.
                if self._due("reclaim", settings.HIWAR_WORKER_BEAT_SECONDS):
                    reclaim_abandoned_tasks()
                self.schedule_backup()
                task_result = self.claim()
            except DatabaseError as error:
                if self.batch and self.failures >= 8:
                    raise  # `hiwar worker --once` reports a database that stays away
                self.wait_after_failure(error)
                continue
            self.failures = 0
            if task_result is not None:
                self.run_task(task_result)
                continue
            if self.batch:
                return
            if self.running:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one task. A database error inside it (locked, connection lost) is not the task's
        fault: the task goes back to the queue, to run again when the database answers. Any other
        error fails it for good, with its traceback, as django-tasks-db does."""
        self.running_task = True
        try:
            try:
                task = db_task_result.task
                result = db_task_result.task_result
                value = task.call(*result.args, **result.kwargs)
                db_task_result.set_successful(value)
            except (OperationalError, InterfaceError) as error:
                if len(db_task_result.worker_ids) >= MAX_PUT_BACKS:
                    self._record_failure(db_task_result, error)  # not passing: a fault of the task
                else:
                    self._put_back(db_task_result, error)
            except Exception as error:  # the task's own failure: recorded, not retried
                self._record_failure(db_task_result, error)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _record_failure(self, db_task_result: DBTaskResult, error: Exception) -> None:
        try:
            db_task_result.set_failed(error)
        except DatabaseError as db_error:
            self._put_back(db_task_result, db_error)

    def _put_back(self, db_task_result: DBTaskResult, error: Exception) -> None:
        """Queue the task again (at least once: every task bears a second run); wait for the database
        as long as it takes, since nothing else can be done without it."""
        logger.warning("task %s met a database error (%s); it will run again", db_task_result.id, error)
        while True:
            self.wait_after_failure(error)
            try:
                DBTaskResult.objects.filter(id=db_task_result.id).update(
                    status=TaskResultStatus.READY, started_at=None
                )
                return
            except DatabaseError as again:
                error = again
                if not self.running:
                    return  # stopping: the task stays "running" and is reclaimed by the next worker


def run_worker(*, once: bool = False) -> None:
    worker = SupervisedWorker(batch=once)
    worker.configure_signals()
    worker.run()
