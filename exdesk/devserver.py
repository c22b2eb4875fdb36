"""Start a real exdesk — web processes and task worker, as `exdesk run` does — on a fresh
database, for integration tests and benchmarks. No Django import at module level: the
caller may be a plain script."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlparse, urlunparse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"exdesk did not start on port {port}")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards."""
    import psycopg

    name = f"exdesk_tmp_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class RunningExdesk:
    url: str
    data_dir: str
    env: dict
    command: list = field(default_factory=list)
    processes: list = field(default_factory=list)

    @property
    def mail_port(self) -> int:
        """The SMTP receiver's port (``exdesk run`` starts it beside the web server)."""
        return int(self.env["EXDESK_MAIL_RECEIVER_PORT"])

    def manage(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "exdesk.cli", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def _start(self, command: list, env: dict | None = None) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "exdesk.cli", *command],
            env={**self.env, **(env or {})},
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # one process group: web workers and task worker
        )
        self.processes.append(process)
        wait_until_up(int(command[command.index("--port") + 1]))
        return process

    def start(self) -> None:
        self._start(self.command)

    def wait_for_mail(self) -> None:
        """Until the SMTP receiver (started beside the web server) takes connections."""
        wait_until_up(self.mail_port)

    def start_peer(self) -> str:
        """Another web process on its own port, sharing the database (and Redis): a
        second app machine behind a load balancer. Returns its URL."""
        port = free_port()
        # The first server owns the SMTP receiver's port.
        peer = ["run", "--port", str(port), "--workers", "1", "--no-task-worker"]
        self._start(peer, {"EXDESK_MAIL_RECEIVER_PORT": "0"})
        return f"http://127.0.0.1:{port}"

    def kill(self) -> None:
        """SIGKILL every process: no shutdown code runs, as in a crash."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.processes.clear()

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


@contextmanager
def running_exdesk(
    *,
    postgres_server_url: str | None = None,
    web_workers: int = 1,
    task_worker: bool = True,
    setup_code: str = "",
    env: dict | None = None,
) -> Iterator[RunningExdesk]:
    databases = postgres_database(postgres_server_url) if postgres_server_url else nullcontext("")
    with tempfile.TemporaryDirectory(prefix="exdesk-run-") as data_dir, databases as db_url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        full_env = {
            **os.environ,
            "EXDESK_DATA_DIR": data_dir,
            "EXDESK_SECRET_KEY": "devserver-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "EXDESK_SITE_URL": url,
            "EXDESK_LOG_LEVEL": "WARNING",
            "DATABASE_URL": db_url,
            # Servers started side by side may share one Redis: keep their names apart.
            "EXDESK_REDIS_PREFIX": f"exdesk-test-{port}",
            # Each server its own SMTP receiver port (tests send real mail to it).
            "EXDESK_MAIL_RECEIVER_PORT": str(free_port()),
            "DJANGO_SETTINGS_MODULE": "exdesk.settings",
            **(env or {}),
        }
        command = ["run", "--port", str(port), "--workers", str(web_workers)]
        if not task_worker:
            command.append("--no-task-worker")
        running = RunningExdesk(url, data_dir, full_env, command)
        running.manage("migrate", "-v0")
        if setup_code:
            running.manage("shell", "-c", setup_code)
        try:
            running.start()
            yield running
        finally:
            running.stop()
