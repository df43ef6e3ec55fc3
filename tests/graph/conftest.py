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

import json
import os
import subprocess
import sys
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

# tests/support holds what the Python suites share (starting and watching `posture serve`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from posture_process import REPO_ROOT, FailureLog, ServerProcess, wait_ready  # noqa: E402

READ_SCOPE = "SecurityEvents.Read.All"
WRITE_SCOPE = "SecurityEvents.ReadWrite.All"
API_VERSIONS = ("v1.0", "beta")
DATABASE_VARIABLE = "POSTURE_GRAPH_DATABASE_URL"
# A failing test's report gets the server log written during it.
SERVER_LOG = FailureLog("posture server log during this test")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SERVER_LOG, "posture-server-log")
    # The generated request builders warn about their own deprecated configuration classes at
    # import time; that is noise for this suite.
    for message in (
        "This class is deprecated. Please use the generic RequestConfiguration",
        "GetQueryParameters is deprecated",
    ):
        config.addinivalue_line("filterwarnings", f"ignore:{message}:DeprecationWarning")


# --------------------------------------------------------------------------- helpers


def normalize_root_url(url: str) -> str:
    """`http://h:p/v1.0/` -> `http://h:p`: the suite appends the API version itself."""
    url = url.strip().rstrip("/")
    for version in API_VERSIONS:
        if url.endswith("/" + version):
            url = url[: -len(version) - 1]
    return url


def create_client(started: ServerProcess, org: str, scope: str) -> tuple[str, str]:
    """Runs `posture client add` and returns the new client's id and secret."""
    command = [str(started.binary), "client", "add", "--org", org, "--name", f"graph-suite {scope}",
               "--scope", scope, "--format", "json"]
    result = subprocess.run(command, cwd=REPO_ROOT, env=started.env, capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {result.returncode}\nstderr:\n{result.stderr}")
    created = json.loads(result.stdout)
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


def create_token(started: ServerProcess, org: str, scope: str, expires: Optional[str] = None) -> str:
    """Runs `posture token create` and returns the single line it prints."""
    command = [str(started.binary), "token", "create", "--org", org, "--scope", scope]
    if expires:
        command += ["--expires", expires]
    result = subprocess.run(command, cwd=REPO_ROOT, env=started.env, capture_output=True, text=True, timeout=60)
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
    """The server under test: one this suite started (`started`), or an external one."""

    root_url: str
    org: str
    started: Optional[ServerProcess] = None
    external_tokens: dict[str, Optional[str]] = field(default_factory=dict)
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def external(self) -> bool:
        return self.started is None

    def token(self, scope: str, expires: Optional[str] = None) -> Optional[str]:
        """A token as a Graph client gets one: an API client (made once per scope with
        `posture client add`) trades its id and secret at /oauth2/v2.0/token. Tokens with a chosen
        lifetime (for expiry tests) come from `posture token create`."""
        if self.started is None:
            return self.external_tokens.get(scope)
        if expires is not None:
            return create_token(self.started, self.org, scope, expires)
        return client_credentials_token(self.root_url, self.client(scope), scope)

    def client(self, scope: str) -> tuple[str, str]:
        if scope not in self.clients:
            assert self.started is not None
            self.clients[scope] = create_client(self.started, self.org, scope)
        return self.clients[scope]


@pytest.fixture(scope="session")
def posture_server(tmp_path_factory: pytest.TempPathFactory):
    """The server under test (started here unless POSTURE_GRAPH_BASE_URL is set)."""
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
        yield server
        return

    started = ServerProcess.start_for_session(tmp_path_factory, "posture-server", DATABASE_VARIABLE,
                                              "POSTURE_GRAPH_READY_TIMEOUT")
    SERVER_LOG.server = started
    try:
        yield PostureServer(root_url=started.root_url, org=org, started=started)
    finally:
        SERVER_LOG.server = None
        started.close()


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
