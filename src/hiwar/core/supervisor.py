"""`hiwar serve`: keep gunicorn and the task worker running, and stop both when told to.

No Django here. The main process (gunicorn) decides the life of the whole: when it exits, the
helper (the task worker) is stopped and its exit code is returned. The helper is restarted whenever
it exits on its own, with a growing pause, so a worker that died of a database outage comes back.
SIGTERM, SIGINT and SIGHUP stop both children, first politely, then with SIGKILL; the children also
get SIGTERM from the kernel if the supervisor itself is killed, so nothing is left behind.
"""

import ctypes
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
HEALTHY_RUN_SECONDS = 60.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: Ctrl+C still reaches the whole process group


class Supervisor:
    def __init__(
        self,
        *,
        main: list[str],
        helper: list[str] | None,
        env: dict,
        grace_seconds: float = 20.0,
        max_restart_delay: float = 30.0,
    ):
        self.main_command, self.helper_command, self.env = main, helper, env
        self.grace_seconds = grace_seconds
        self.max_restart_delay = max_restart_delay
        self.stopping = False
        self.main: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.helper_restarts = 0
        self.helper_started_at = 0.0

    def _start(self, command: list[str]) -> subprocess.Popen:
        # A session of its own: Ctrl+C in the terminal reaches the supervisor only, which then asks
        # each child once to stop (a second signal would make the task worker abort its task).
        return subprocess.Popen(  # noqa: S603
            command, env=self.env, preexec_fn=_die_with_parent, start_new_session=True
        )

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self.main = self._start(self.main_command)
            if self.helper_command:
                self.helper = self._start(self.helper_command)
                self.helper_started_at = time.monotonic()
            return self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> int:
        next_helper_start = None
        while not self.stopping:
            code = self.main.poll()
            if code is not None:
                print(f"hiwar: the web server exited ({code}); stopping.", file=sys.stderr)
                return code
            if self.helper is not None and self.helper.poll() is not None and next_helper_start is None:
                if time.monotonic() - self.helper_started_at > HEALTHY_RUN_SECONDS:
                    self.helper_restarts = 0  # it ran well for a while: this is a new trouble
                delay = min(self.max_restart_delay, 2.0**self.helper_restarts)
                print(
                    f"hiwar: the task worker exited ({self.helper.returncode}); restarting in {delay:.0f} s.",
                    file=sys.stderr,
                )
                next_helper_start = time.monotonic() + delay
            if next_helper_start is not None and time.monotonic() >= next_helper_start:
                self.helper = self._start(self.helper_command)
                self.helper_started_at = time.monotonic()
                self.helper_restarts += 1
                next_helper_start = None
            time.sleep(0.2)
        return 0

    def _stop_all(self) -> None:
        children = [p for p in (self.helper, self.main) if p is not None and p.poll() is None]
        for process in children:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for process in children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
