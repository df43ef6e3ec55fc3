"""Session fixtures for the Microsoft Graph SDK compatibility suite.

By default the suite starts its own `posture serve` on a free loopback port with a fresh data
directory (embedded SQLite, demo organization `contoso`) and mints tokens with
`posture token create`. Environment:

- `POSTURE_BIN`: the posture executable (default `.build/debug/posture` under the repository root).
- `POSTURE_GRAPH_READY_TIMEOUT`: seconds to wait for `/readyz` (default 60).
- `POSTURE_GRAPH_DATABASE_URL`: run the started server on this database (e.g. the throwaway
  PostgreSQL cluster of `scripts/lib/postgres.sh`, whose URL is in POSTURE_TEST_POSTGRES_URL)
  instead of embedded SQLite. The database must be empty so that the demo organization is created.
- `POSTURE_GRAPH_BASE_URL`, `POSTURE_GRAPH_TOKEN_READ`, `POSTURE_GRAPH_TOKEN_WRITE`: run against an
  already running server instead (root URL such as `http://127.0.0.1:8080`; a trailing `/v1.0` or
  `/beta` is ignored). Tests that need a missing token are skipped. Note that the PATCH tests
  append state updates to that server's data.
- `POSTURE_GRAPH_ORG`: the organization the tokens belong to (default `contoso`).
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import httpx
import pytest
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.graph_request_adapter import options as graph_middleware_options
from msgraph_core import GraphClientFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
READ_SCOPE = "SecurityEvents.Read.All"
WRITE_SCOPE = "SecurityEvents.ReadWrite.All"
API_VERSIONS = ("v1.0", "beta")
LOG_TAIL_LINES = 200
PORT_IN_USE = re.compile(r"address already in use|EADDRINUSE|errno 98", re.IGNORECASE)


def pytest_configure(config: pytest.Config) -> None:
    # The generated request builders warn about their own deprecated configuration classes at
    # import time; that is noise for this suite.
    for message in (
        "This class is deprecated. Please use the generic RequestConfiguration",
        "GetQueryParameters is deprecated",
    ):
        config.addinivalue_line("filterwarnings", f"ignore:{message}:DeprecationWarning")


# --------------------------------------------------------------------------- helpers


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def normalize_root_url(url: str) -> str:
    """`http://h:p/v1.0/` -> `http://h:p`: the suite appends the API version itself."""
    url = url.strip().rstrip("/")
    for version in API_VERSIONS:
        if url.endswith("/" + version):
            url = url[: -len(version) - 1]
    return url


def tail(path: Path, lines: int = LOG_TAIL_LINES, start: int = 0) -> str:
    """The last `lines` lines of a text file, read from byte offset `start`."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as error:
        return f"<cannot read {path}: {error}>"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept)


def wait_ready(
    root_url: str,
    timeout: float,
    alive: Optional[Callable[[], bool]] = None,
    interval: float = 0.2,
) -> None:
    """Polls `GET {root_url}/readyz` until it answers 200.

    Raises TimeoutError after `timeout` seconds, or RuntimeError as soon as `alive()` says the
    process is gone."""
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
    configured = os.environ.get("POSTURE_BIN", ".build/debug/posture")
    path = Path(configured)
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


def server_environment(data_dir: Path) -> dict[str, str]:
    """The environment for `posture serve` and `posture token create`: the data directory, and
    embedded SQLite unless POSTURE_GRAPH_DATABASE_URL names a database (an inherited DATABASE_URL
    is dropped so that the default run is always the SQLite one)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["POSTURE_DATA_DIR"] = str(data_dir)
    if os.environ.get("POSTURE_GRAPH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["POSTURE_GRAPH_DATABASE_URL"]
    return env


def create_client(binary: Path, data_dir: Path, org: str, scope: str) -> tuple[str, str]:
    """Runs `posture client add` and returns the new client's id and secret."""
    command = [str(binary), "client", "add", "--org", org, "--name", f"graph-suite {scope}", "--scope", scope,
               "--format", "json"]
    result = subprocess.run(command, cwd=REPO_ROOT, env=server_environment(data_dir), capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {result.returncode}\nstderr:\n{result.stderr}")
    created = __import__("json").loads(result.stdout)
    return created["clientId"], created["clientSecret"]


def client_credentials_token(root_url: str, client: tuple[str, str], scope: str) -> str:
    """The OAuth 2.0 client-credentials grant against the server's own token endpoint."""
    response = httpx.post(
        f"{root_url}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": client[0], "client_secret": client[1],
              "scope": f"https://graph.microsoft.com/{scope}"},
        timeout=30,
    )
    if response.status_code != 200:
        raise RuntimeError(f"token endpoint answered {response.status_code}: {response.text}")
    body = response.json()
    if body.get("token_type") != "Bearer" or body.get("access_token", "").count(".") != 2:
        raise RuntimeError(f"unexpected token response: {body}")
    return body["access_token"]


def create_token(binary: Path, data_dir: Path, org: str, scope: str, expires: Optional[str] = None) -> str:
    """Runs `posture token create` and returns the single line it prints."""
    command = [str(binary), "token", "create", "--org", org, "--scope", scope]
    if expires:
        command += ["--expires", expires]
    env = server_environment(data_dir)
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if len(lines) != 1:
        raise RuntimeError(f"expected one line (the token) on stdout, got:\n{result.stdout}")
    token = lines[0].strip()
    if token.count(".") != 2:
        raise RuntimeError(f"the printed token does not look like a JWT: {token!r}")
    return token


class StaticTokenProvider(AccessTokenProvider):
    """Hands the same bearer token to every request for the allowed hosts."""

    def __init__(self, token: str, allowed_hosts: list[str]) -> None:
        self._token = token
        self._validator = AllowedHostsValidator(allowed_hosts)

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: Optional[dict[str, Any]] = None
    ) -> str:
        return self._token if self._validator.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._validator


def build_graph_client(root_url: str, token: Optional[str], version: str = "v1.0") -> GraphServiceClient:
    """A stock GraphServiceClient whose requests go to `{root_url}/{version}`.

    The httpx client keeps no idle connections, so one GraphServiceClient may be used from
    several `asyncio.run` calls (pooled connections would be bound to a closed event loop)."""
    if version not in API_VERSIONS:
        raise ValueError(f"unknown API version {version!r}")
    base_url = f"{root_url}/{version}"
    host = urlsplit(root_url).hostname or "127.0.0.1"
    auth = BaseBearerTokenAuthenticationProvider(StaticTokenProvider(token or "", [host]))
    http_client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    http_client = GraphClientFactory.create_with_default_middleware(
        client=http_client, options=graph_middleware_options
    )
    adapter = GraphRequestAdapter(auth, client=http_client)
    # Must be set before GraphServiceClient reads it into its path parameters.
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


# --------------------------------------------------------------------------- server


@dataclass
class PostureServer:
    root_url: str
    org: str
    binary: Optional[Path] = None
    data_dir: Optional[Path] = None
    log_path: Optional[Path] = None
    process: Optional[subprocess.Popen] = None
    external_tokens: dict[str, Optional[str]] = field(default_factory=dict)
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def external(self) -> bool:
        return self.process is None

    def token(self, scope: str, expires: Optional[str] = None) -> Optional[str]:
        """A token as a Graph client gets one: an API client (made once per scope with
        `posture client add`) trades its id and secret at /oauth2/v2.0/token. Tokens with a chosen
        lifetime (for expiry tests) come from `posture token create`."""
        if self.external:
            return self.external_tokens.get(scope)
        assert self.binary is not None and self.data_dir is not None
        if expires is not None:
            return create_token(self.binary, self.data_dir, self.org, scope, expires)
        return client_credentials_token(self.root_url, self.client(scope), scope)

    def client(self, scope: str) -> tuple[str, str]:
        if scope not in self.clients:
            assert self.binary is not None and self.data_dir is not None
            self.clients[scope] = create_client(self.binary, self.data_dir, self.org, scope)
        return self.clients[scope]

    def log_size(self) -> int:
        if self.log_path is None:
            return 0
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


_SERVER: Optional[PostureServer] = None


def _start_server(binary: Path, work_dir: Path, org: str, timeout: float) -> PostureServer:
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
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = PostureServer(
            root_url=root_url,
            org=org,
            binary=binary,
            data_dir=data_dir,
            log_path=log_path,
            process=process,
        )
        try:
            wait_ready(root_url, timeout, alive=lambda p=process: p.poll() is None)
            return server
        except RuntimeError as error:
            problems.append(f"attempt {attempt + 1}: {error} (exit code {process.returncode})")
            if not PORT_IN_USE.search(tail(log_path, start=log_start)):
                break
        except TimeoutError as error:
            server.stop()
            problems.append(str(error))
            break
    raise RuntimeError(
        "posture serve did not become ready:\n  "
        + "\n  ".join(problems)
        + f"\n---- {log_path} (tail) ----\n{tail(log_path)}"
    )


@pytest.fixture(scope="session")
def posture_server(tmp_path_factory: pytest.TempPathFactory):
    """The server under test (started here unless POSTURE_GRAPH_BASE_URL is set)."""
    global _SERVER
    org = os.environ.get("POSTURE_GRAPH_ORG", "contoso")
    external_url = os.environ.get("POSTURE_GRAPH_BASE_URL")
    if external_url:
        server = PostureServer(
            root_url=normalize_root_url(external_url),
            org=org,
            external_tokens={
                READ_SCOPE: os.environ.get("POSTURE_GRAPH_TOKEN_READ") or None,
                WRITE_SCOPE: os.environ.get("POSTURE_GRAPH_TOKEN_WRITE") or None,
            },
        )
        try:
            wait_ready(server.root_url, timeout=10)
            problem = None
        except (TimeoutError, RuntimeError) as error:
            problem = f"POSTURE_GRAPH_BASE_URL={external_url}: {error}"
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        _SERVER = server
        yield server
        _SERVER = None
        return

    binary = posture_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(
            f"posture executable not found at {binary}; run `swift build` first or set POSTURE_BIN",
            pytrace=False,
        )
    timeout = float(os.environ.get("POSTURE_GRAPH_READY_TIMEOUT", "60"))
    work_dir = tmp_path_factory.mktemp("posture-server")
    try:
        server = _start_server(binary, work_dir, org, timeout)
    except RuntimeError as error:
        problem = str(error)
    else:
        problem = None
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    _SERVER = server
    try:
        yield server
    finally:
        _SERVER = None
        server.stop()
        # The SQLite files can be large; the log stays for inspection.
        if server.data_dir is not None:
            shutil.rmtree(server.data_dir, ignore_errors=True)


def _token_fixture(server: PostureServer, scope: str, env_name: str) -> str:
    try:
        token, problem = server.token(scope), None
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        token, problem = None, str(error)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    if not token:
        pytest.skip(f"{env_name} is not set (needed with POSTURE_GRAPH_BASE_URL)")
    return token


@pytest.fixture(scope="session")
def read_token(posture_server: PostureServer) -> str:
    """Bearer token with SecurityEvents.Read.All for the test organization."""
    return _token_fixture(posture_server, READ_SCOPE, "POSTURE_GRAPH_TOKEN_READ")


@pytest.fixture(scope="session")
def write_token(posture_server: PostureServer) -> str:
    """Bearer token with SecurityEvents.ReadWrite.All for the test organization."""
    return _token_fixture(posture_server, WRITE_SCOPE, "POSTURE_GRAPH_TOKEN_WRITE")


@pytest.fixture(scope="session")
def graph_client(posture_server: PostureServer) -> Callable[..., GraphServiceClient]:
    """Factory: `graph_client(token, version="v1.0")` -> GraphServiceClient for that token.

    `version` is "v1.0" or "beta" (the v1.0 SDK's request builders work unchanged on /beta for
    these resources). A falsy token sends no Authorization header."""

    def make(token: Optional[str], version: str = "v1.0") -> GraphServiceClient:
        return build_graph_client(posture_server.root_url, token, version)

    return make


@pytest.fixture
def http(posture_server: PostureServer):
    """A plain httpx client on the server's root URL, for checks below the SDK (status codes,
    headers, raw JSON)."""
    with httpx.Client(base_url=posture_server.root_url, timeout=30.0) as client:
        yield client


# --------------------------------------------------------------------------- failure reports


_LOG_OFFSET = pytest.StashKey[int]()


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Remember where the server log stood, to attach only this test's part on failure.
    server = _SERVER
    item.stash[_LOG_OFFSET] = server.log_size() if server is not None else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    server = _SERVER
    if not report.failed or server is None or server.log_path is None:
        return
    start = item.stash.get(_LOG_OFFSET, 0)
    with contextlib.suppress(Exception):
        text = tail(server.log_path, start=start)
        state = ""
        if server.process is not None and server.process.poll() is not None:
            state = f" (server exited with {server.process.returncode})"
        report.sections.append((f"posture server log during this test{state}", text or "<empty>"))
