"""Starting, waiting for and stopping `posture serve`, shared by the Python suites under tests/.

The graph, fuzz and browser suites each run a real server on a free loopback port; this module
holds what they do the same way, so that a fix to port retries, readiness or failure reports
reaches all of them. Each conftest.py keeps only what is its own (tokens, clients, browsers).
Plain Python plus pytest: every suite's venv pins its own pytest and nothing else is assumed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, TypeVar

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LOG_TAIL_LINES = 200
PORT_IN_USE = re.compile(r"address already in use|EADDRINUSE|errno 98", re.IGNORECASE)

Started = TypeVar("Started", bound="ServerProcess")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = LOG_TAIL_LINES, start: int = 0) -> str:
    """The last `lines` lines of a text file, read from byte offset `start`."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as error:
        return f"<cannot read {path}: {error}>"
    return "\n".join(text.splitlines()[-lines:])


def wait_ready(
    root_url: str,
    timeout: float,
    alive: Optional[Callable[[], bool]] = None,
    interval: float = 0.2,
) -> None:
    """Polls `GET {root_url}/readyz` until it answers 200.

    Raises TimeoutError after `timeout` seconds, or RuntimeError as soon as `alive()` says the
    process is gone (so that a crash at start is reported at once, not after the timeout)."""
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    while True:
        if alive is not None and not alive():
            raise RuntimeError("the server exited before it became ready")
        try:
            with urllib.request.urlopen(f"{root_url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
                last_problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last_problem = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            last_problem = str(error)
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{root_url}/readyz not ready after {timeout:.0f} s ({last_problem})")
        time.sleep(interval)


def posture_binary() -> Path:
    """POSTURE_BIN, or `.build/debug/posture`; a relative path is taken from the repository root
    so that the suites work from any directory."""
    path = Path(os.environ.get("POSTURE_BIN", ".build/debug/posture"))
    return path if path.is_absolute() else REPO_ROOT / path


def server_environment(data_dir: Path, database_variable: str) -> dict[str, str]:
    """The environment for `posture serve` and the CLI: the data directory, and embedded SQLite
    unless the variable `database_variable` names a database. An inherited DATABASE_URL is
    dropped so that the default run is always the SQLite one."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["POSTURE_DATA_DIR"] = str(data_dir)
    # No tenant or webhook receiver is reachable from a test machine: these servers collect and
    # send nothing on their own (the Swift suites test both against local services).
    env.setdefault("POSTURE_COLLECTIONS", "0")
    env.setdefault("POSTURE_DELIVERIES", "0")
    if os.environ.get(database_variable):
        env["DATABASE_URL"] = os.environ[database_variable]
    return env


@dataclass
class ServerProcess:
    """A `posture serve` started by a suite, with the environment its CLI calls must share."""

    root_url: str
    binary: Path
    data_dir: Path
    log_path: Path
    process: subprocess.Popen
    env: dict[str, str]

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def stop(self) -> None:
        """SIGTERM (the server drains and closes its database), SIGKILL if it takes too long."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def close(self) -> None:
        """Stops the server and removes its data: the SQLite files can be large; the log stays
        for inspection."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @classmethod
    def start(cls: type[Started], binary: Path, work_dir: Path, database_variable: str,
              timeout: float) -> Started:
        """Starts `posture serve` on a free port with data in `work_dir/data` and output appended
        to `work_dir/server.log`, and waits until it is ready. Raises RuntimeError with the log's
        tail when it is not."""
        data_dir = work_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        log_path = work_dir / "server.log"
        env = server_environment(data_dir, database_variable)
        problems = []
        # The port is free when picked but could be taken before the server binds it: retry.
        for attempt in range(3):
            log_start = log_path.stat().st_size if log_path.exists() else 0
            port = free_port()
            root_url = f"http://127.0.0.1:{port}"
            with open(log_path, "ab") as log:
                log.write(f"== attempt {attempt + 1}: posture serve on port {port}\n".encode())
                log.flush()
                process = subprocess.Popen(
                    [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )
            server = cls(root_url=root_url, binary=binary, data_dir=data_dir, log_path=log_path,
                         process=process, env=env)
            try:
                wait_ready(root_url, timeout, alive=server.alive)
                return server
            except RuntimeError as error:
                problems.append(f"attempt {attempt + 1}: {error} (exit code {process.returncode})")
                if not PORT_IN_USE.search(tail(log_path, start=log_start)):
                    break
            except TimeoutError as error:
                server.stop()
                problems.append(str(error))
                break
        raise RuntimeError("posture serve did not become ready:\n  " + "\n  ".join(problems)
                           + f"\n---- {log_path} (tail) ----\n{tail(log_path)}")

    @classmethod
    def start_for_session(cls: type[Started], tmp_path_factory: pytest.TempPathFactory, basename: str,
                          database_variable: str, timeout_variable: str) -> Started:
        """`start` for a session fixture: a missing executable or a server that does not come up
        fails the session with a plain message (no traceback of this module)."""
        binary = posture_binary()
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            pytest.fail(f"posture executable not found at {binary}; run `swift build` first or set POSTURE_BIN",
                        pytrace=False)
        timeout = float(os.environ.get(timeout_variable, "60"))
        try:
            server, problem = cls.start(binary, tmp_path_factory.mktemp(basename), database_variable, timeout), None
        except RuntimeError as error:
            server, problem = None, str(error)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        return server


class FailureLog:
    """A pytest plugin that attaches the part of the server log written during a failed test to
    that test's report, so that a 500 comes with the server's own account of it.

    A conftest registers it in pytest_configure (`config.pluginmanager.register(SERVER_LOG)`) and
    sets `server` while its server runs."""

    def __init__(self, title: str, lines: int = LOG_TAIL_LINES) -> None:
        self.title = title
        self.lines = lines
        self.server: Optional[ServerProcess] = None
        self._offset = pytest.StashKey[int]()

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Notes where the log stands, to attach only this test's part."""
        item.stash[self._offset] = self.server.log_size() if self.server is not None else 0

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        server = self.server
        if not report.failed or server is None:
            return
        with contextlib.suppress(Exception):
            text = tail(server.log_path, lines=self.lines, start=item.stash.get(self._offset, 0))
            state = "" if server.alive() else f" (server exited with {server.process.returncode})"
            report.sections.append((f"{self.title}{state}", text or "<empty>"))
