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

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

# tests/support holds what the Python suites share (starting and watching `posture serve`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from posture_process import REPO_ROOT, FailureLog, ServerProcess  # noqa: E402

ORG = "contoso"
READ_SCOPE = "SecurityEvents.Read.All"
WRITE_SCOPE = "SecurityEvents.ReadWrite.All"
DATABASE_VARIABLE = "POSTURE_FUZZ_DATABASE_URL"
# A failing test's report gets the last 60 lines of the server log written during it.
SERVER_LOG = FailureLog("posture server log during this test (tail)", lines=60)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SERVER_LOG, "posture-server-log")


# --------------------------------------------------------------------------- helpers


def database_label() -> str:
    return "postgresql" if os.environ.get(DATABASE_VARIABLE) else "sqlite"


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
class PostureServer(ServerProcess):
    """The started server, and the API clients made on it (one per scope and role)."""

    clients: dict[str, tuple[str, str]] = field(default_factory=dict)

    def client(self, scope: str, role: Optional[str] = None) -> tuple[str, str]:
        key = f"{scope} {role or 'default'}"
        if key not in self.clients:
            command = [str(self.binary), "client", "add", "--org", ORG, "--name", f"fuzz {key}",
                       "--scope", scope, "--format", "json"]
            if role:
                command += ["--role", role]
            result = subprocess.run(command, cwd=REPO_ROOT, env=self.env,
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


@pytest.fixture(scope="session")
def posture_server(tmp_path_factory: pytest.TempPathFactory):
    server = PostureServer.start_for_session(tmp_path_factory, "posture-fuzz-server", DATABASE_VARIABLE,
                                             "POSTURE_FUZZ_READY_TIMEOUT")
    SERVER_LOG.server = server
    try:
        yield server
    finally:
        SERVER_LOG.server = None
        server.close()


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
