"""Session fixtures for the fuzz stage (schemathesis over the native and the Graph OpenAPI documents).

One `posture serve` is started per pytest session, on a free loopback port with a fresh data
directory: embedded SQLite by default, or the database named by POSTURE_FUZZ_DATABASE_URL (for
example the throwaway cluster of scripts/lib/postgres.sh; the database must be empty so that the
demo organization `contoso` is created). Tokens come from API clients made with `posture client
add` and traded at the server's own `/oauth2/v2.0/token`, as a Graph client gets them.

Environment:

- `POSTURE_BIN`: the posture executable (default `.build/debug/posture` under the repository root).
- `POSTURE_FUZZ_DATABASE_URL`: run the server on this database instead of embedded SQLite.
- `POSTURE_FUZZ_READY_TIMEOUT`: seconds to wait for `/readyz` (default 60).
- `POSTURE_FUZZ_REPORT_DIR`: where each schemathesis run writes its JUnit report and its console
  output (default `.build/fuzz-reports/<sqlite|postgresql>`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ORG = "contoso"
READ_SCOPE = "SecurityEvents.Read.All"
WRITE_SCOPE = "SecurityEvents.ReadWrite.All"
LOG_TAIL_LINES = 200
PORT_IN_USE = re.compile(r"address already in use|EADDRINUSE|errno 98", re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = LOG_TAIL_LINES, start: int = 0) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as error:
        return f"<cannot read {path}: {error}>"
    return "\n".join(text.splitlines()[-lines:])


def wait_ready(root_url: str, timeout: float, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    while True:
        if not alive():
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
        time.sleep(0.2)


def posture_binary() -> Path:
    path = Path(os.environ.get("POSTURE_BIN", ".build/debug/posture"))
    return path if path.is_absolute() else REPO_ROOT / path


def database_label() -> str:
    return "postgresql" if os.environ.get("POSTURE_FUZZ_DATABASE_URL") else "sqlite"


def server_environment(data_dir: Path) -> dict[str, str]:
    """Environment for `posture serve` and `posture client add`: embedded SQLite in `data_dir`
    unless POSTURE_FUZZ_DATABASE_URL names a database (an inherited DATABASE_URL is dropped)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["POSTURE_DATA_DIR"] = str(data_dir)
    if os.environ.get("POSTURE_FUZZ_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["POSTURE_FUZZ_DATABASE_URL"]
    return env


def http_json(method: str, url: str, token: Optional[str] = None, data: Optional[bytes] = None,
              content_type: Optional[str] = None, timeout: float = 30) -> tuple[int, object]:
    request = urllib.request.Request(url, method=method, data=data)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- server


@dataclass
class PostureServer:
    root_url: str
    binary: Path
    data_dir: Path
    log_path: Path
    process: subprocess.Popen
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def client(self, scope: str, role: Optional[str] = None) -> tuple[str, str]:
        key = f"{scope} {role or 'default'}"
        if key not in self.clients:
            command = [str(self.binary), "client", "add", "--org", ORG, "--name", f"fuzz {key}",
                       "--scope", scope, "--format", "json"]
            if role:
                command += ["--role", role]
            result = subprocess.run(command, cwd=REPO_ROOT, env=server_environment(self.data_dir),
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} exited with {result.returncode}\n{result.stderr}")
            created = json.loads(result.stdout)
            self.clients[key] = (created["clientId"], created["clientSecret"])
        return self.clients[key]

    def token(self, scope: str, role: Optional[str] = None) -> str:
        """Client-credentials grant at the server's token endpoint (tokens live 1 h)."""
        client_id, secret = self.client(scope, role)
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
            "scope": f"https://graph.microsoft.com/{scope}",
        }).encode()
        status, body = http_json("POST", f"{self.root_url}/oauth2/v2.0/token", data=form,
                                 content_type="application/x-www-form-urlencoded")
        if status != 200 or not isinstance(body, dict) or str(body.get("access_token", "")).count(".") != 2:
            raise RuntimeError(f"token endpoint answered {status}: {body}")
        return body["access_token"]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def start_server(binary: Path, work_dir: Path, timeout: float) -> PostureServer:
    data_dir = work_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = work_dir / "server.log"
    env = server_environment(data_dir)
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
        server = PostureServer(root_url, binary, data_dir, log_path, process)
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


_SERVER: Optional[PostureServer] = None


@pytest.fixture(scope="session")
def posture_server(tmp_path_factory: pytest.TempPathFactory):
    global _SERVER
    binary = posture_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"posture executable not found at {binary}; run `swift build` first or set POSTURE_BIN",
                    pytrace=False)
    timeout = float(os.environ.get("POSTURE_FUZZ_READY_TIMEOUT", "60"))
    try:
        server, problem = start_server(binary, tmp_path_factory.mktemp("posture-fuzz-server"), timeout), None
    except RuntimeError as error:
        server, problem = None, str(error)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    _SERVER = server
    try:
        yield server
    finally:
        _SERVER = None
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def tokens(posture_server: PostureServer) -> dict[str, str]:
    """Tokens for `contoso`, minted before any fuzzing (the token endpoint is itself fuzzed and
    rate limited): "read" (SecurityEvents.Read.All, role securityReader), "write"
    (SecurityEvents.ReadWrite.All, role securityAdministrator) and "admin" (read-write scope, role
    globalAdministrator: may also rewrite history and delete the organization)."""
    try:
        result = {
            "read": posture_server.token(READ_SCOPE),
            "write": posture_server.token(WRITE_SCOPE),
            "admin": posture_server.token(WRITE_SCOPE, role="globalAdministrator"),
        }
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
        pytest.fail(f"could not get tokens: {error}", pytrace=False)
    return result


@dataclass
class DemoIds:
    """Real identifiers of the demo organization, fed to schemathesis as dictionaries so that
    generated requests reach existing resources as well as missing ones."""

    actions: list[str]
    secure_scores: list[str]

    @property
    def example_action(self) -> str:
        """The action that path examples name (fuzz_hooks.py)."""
        return "AdminMFAV2" if "AdminMFAV2" in self.actions else self.actions[0]


@pytest.fixture(scope="session")
def demo_ids(posture_server: PostureServer, tokens: dict[str, str]) -> DemoIds:
    root = posture_server.root_url
    status, profiles = http_json("GET", f"{root}/v1.0/security/secureScoreControlProfiles?$select=id&$top=1000",
                                 tokens["read"])
    if status != 200 or not isinstance(profiles, dict):
        pytest.fail(f"listing control profiles answered {status}: {profiles}", pytrace=False)
    status, scores = http_json("GET", f"{root}/v1.0/security/secureScores?$select=id&$top=30", tokens["read"])
    if status != 200 or not isinstance(scores, dict):
        pytest.fail(f"listing secure scores answered {status}: {scores}", pytrace=False)
    actions = [item["id"] for item in profiles.get("value", [])]
    secure_scores = [item["id"] for item in scores.get("value", [])]
    if not actions or not secure_scores:
        pytest.fail(f"the demo organization has no actions ({len(actions)}) or no secure scores "
                    f"({len(secure_scores)}); is the database empty at start?", pytrace=False)
    return DemoIds(actions=actions, secure_scores=secure_scores)


@pytest.fixture(scope="session")
def report_dir() -> Path:
    configured = os.environ.get("POSTURE_FUZZ_REPORT_DIR")
    path = Path(configured) if configured else REPO_ROOT / ".build" / "fuzz-reports" / database_label()
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --------------------------------------------------------------------------- failure reports


_LOG_OFFSET = pytest.StashKey[int]()


def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_LOG_OFFSET] = _SERVER.log_size() if _SERVER is not None else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    server = _SERVER
    if not report.failed or server is None:
        return
    with contextlib.suppress(Exception):
        text = tail(server.log_path, lines=60, start=item.stash.get(_LOG_OFFSET, 0))
        state = "" if server.alive() else f" (server exited with {server.process.returncode})"
        report.sections.append((f"posture server log during this test (tail){state}", text or "<empty>"))
