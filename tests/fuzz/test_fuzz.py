"""Bounded property-based fuzzing of Posture's HTTP APIs with schemathesis.

Each test runs the schemathesis CLI (pinned in requirements.txt) against the server started by
conftest.py, over one OpenAPI document with one token:

1. native document (served at /api/v1/openapi.json), read-only token (securityReader)
2. Graph document (tests/fuzz/graph-securescore.yaml), read-only token
3. Graph document, read-write token (securityAdministrator)
4. native document, read-write token
5. native document, the operations that act differently for a Global administrator (history
   recompute with apply=true rewrites stored snapshots), with a globalAdministrator token
6. the destructive operations left out of runs 1-5, with the globalAdministrator token, last

Checks on every response: `not_a_server_error` (no 5xx), `status_code_conformance` (the status
is one the document lists), `content_type_conformance` and `response_schema_conformance` (the
body matches the documented schema); after every run the server process must still be alive.

Bounds, so that the stage takes at most about 4 minutes per database on a 2-core machine:
deterministic generation (Hypothesis derandomized: the same requests every run; the fixed seed in
schemathesis.toml only matters if that is turned off), a fixed budget of examples per operation
(max_examples below), no shrinking, Hypothesis deadlines off (schemathesis' default), a
per-request timeout, and the phases examples, coverage and fuzzing (the stateful phase is off:
its length depends on inferred links). POSTURE_FUZZ_MAX_EXAMPLES overrides the budget of every
run and POSTURE_FUZZ_SEED the seed, for longer local explorations.

Excluded from runs 1-5, and why:

- `DELETE /api/v1/organizations/{org}`: with the organization pinned to `contoso`, the first
  accepted request deletes the demo organization and all its history, and every later request
  would test only the 404 path (and runs 1-4 use tokens that may not delete anyway). It runs
  alone in run 6, after everything else, with the Global administrator token, and the test then
  checks that the organization is really gone.
- Signing-key rotation, API clients and user administration have no HTTP operation (they are
  `posture keys`, `posture client` and `posture user` commands), so nothing else is excluded.

Every generated request goes to organization `contoso` (path parameter `org` is pinned: another
value only ever answers 404). So that requests reach existing resources as well as missing ones,
fuzz_hooks.py gives each path parameter an example naming a real resource (used by the examples
and coverage phases), and the fuzzing phase draws action, control-profile and secure-score ids,
the tag and excluded entity of the examples, and valid $filter/$select/$orderby expressions from
dictionaries much of the time. Neither changes a
schema or a documented status.

Each run writes its console output (with a curl command reproducing every failure) and a JUnit
report under .build/fuzz-reports/<sqlite|postgresql>/<run>/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ORG, DemoIds, PostureServer, http_json

HERE = Path(__file__).resolve().parent
GRAPH_DOCUMENT = HERE / "graph-securescore.yaml"
HOOKS = HERE / "fuzz_hooks.py"
SEED = int(os.environ.get("POSTURE_FUZZ_SEED", "20240531"))
REQUEST_TIMEOUT = 20
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
DESTRUCTIVE = ["DELETE /api/v1/organizations/{org}"]
ADMIN_ONLY = ["POST /api/v1/organizations/{org}/history/recompute", "GET /api/v1/reports/organizations"]

# Valid OData expressions, drawn half of the time for $filter/$select/$orderby so that the
# in-memory query engine runs, not only its parser's error paths.
SCORE_FILTERS = [
    "currentScore gt 10", "maxScore le 1000 and currentScore ge 0", "not (currentScore lt 5)",
    "createdDateTime ge 2024-01-01T00:00:00Z", "azureTenantId eq 'contoso' or activeUserCount gt 3",
    "licensedUserCount ne 0",
]
PROFILE_FILTERS = [
    "controlCategory eq 'Identity'", "maxScore ge 5 and deprecated eq false", "rank le 10 or tier eq 'Core'",
    "not (actionType eq 'Config')", "lastModifiedDateTime ge 2024-01-01T00:00:00Z", "title ne 'x'",
]
SCORE_SELECTS = ["currentScore,maxScore", "createdDateTime", "controlScores,averageComparativeScores", "id"]
PROFILE_SELECTS = ["title,maxScore", "controlStateUpdates", "rank,tier,threats", "id"]
SCORE_ORDERS = ["createdDateTime desc", "currentScore", "maxScore asc,createdDateTime desc"]
PROFILE_ORDERS = ["rank", "title desc", "maxScore desc,rank asc"]


@dataclass(frozen=True)
class Run:
    name: str
    document: str  # "native" or "graph"
    token: str  # "read", "write" or "admin" (see conftest.tokens)
    max_examples: int
    only: tuple[str, ...] = ()  # operation names ("METHOD /path"); empty: all but DESTRUCTIVE


RUNS = [
    Run("native-read", "native", "read", max_examples=8),
    Run("graph-read", "graph", "read", max_examples=25),
    Run("graph-write", "graph", "write", max_examples=25),
    Run("native-write", "native", "write", max_examples=8),
    Run("native-admin", "native", "admin", max_examples=20, only=tuple(ADMIN_ONLY)),
    Run("destructive-last", "native", "admin", max_examples=10, only=tuple(DESTRUCTIVE)),
]


# --------------------------------------------------------------------------- configuration


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def toml_table(header: str, entries: dict[str, object]) -> str:
    lines = [header] + [f"{json.dumps(key)} = {toml_value(value)}" for key, value in entries.items()]
    return "\n".join(lines) + "\n"


def schemathesis_config(run: Run, ids: DemoIds) -> str:
    """schemathesis.toml for one run (keys of schemathesis 4.32)."""
    sections = [
        toml_table("", {
            "seed": SEED,
            "workers": 1,
            "request-timeout": REQUEST_TIMEOUT,
            "continue-on-failure": True,
            "hooks": str(HOOKS),
            # The token is taken from the environment, so it is in no file or command line.
            "headers": {"Authorization": "Bearer ${POSTURE_FUZZ_TOKEN}"},
        }),
        toml_table("[generation]", {
            "mode": "all",
            "max-examples": run.max_examples,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
            "with-security-parameters": False,
        }),
        toml_table("[phases.stateful]", {"enabled": False}),
        toml_table("[output.truncation]", {"enabled": False}),
        toml_table("[dictionaries.actions]", {"values": ids.actions}),
        toml_table("[dictionaries.secure-scores]", {"values": ids.secure_scores}),
        # The tag and the excluded entity the examples phase creates (fuzz_hooks.py), so that
        # generated requests also repeat and undo earlier ones.
        toml_table("[dictionaries.example-action]", {"values": [ids.example_action]}),
        toml_table("[dictionaries.tags]", {"values": ["fuzz-tag"]}),
        toml_table("[dictionaries.entities]", {"values": ["breakglass@contoso.example"]}),
        toml_table("[dictionaries.score-filters]", {"values": SCORE_FILTERS}),
        toml_table("[dictionaries.profile-filters]", {"values": PROFILE_FILTERS}),
        toml_table("[dictionaries.score-selects]", {"values": SCORE_SELECTS}),
        toml_table("[dictionaries.profile-selects]", {"values": PROFILE_SELECTS}),
        toml_table("[dictionaries.score-orders]", {"values": SCORE_ORDERS}),
        toml_table("[dictionaries.profile-orders]", {"values": PROFILE_ORDERS}),
        toml_table("[parameters]", {
            "path.org": ORG,
            "path.action": {"dictionary": "actions", "probability": 0.8},
            "query.actionId": {"dictionary": "actions", "probability": 0.5},
            "path.tag": {"dictionary": "tags", "probability": 0.5},
            "path.entity": {"dictionary": "entities", "probability": 0.5},
        }),
    ]
    # Tags and exclusions: PUT is idempotent (201 or 200 for a new or an existing tag) and DELETE
    # undoes it, so the same action/tag pair must come up more than once within the budget.
    sections.append(toml_table("[[operations]]", {
        "include-path-regex": r"/actions/\{action\}/(tags|exclusions)/",
        "parameters": {
            "path.action": {"dictionary": "example-action", "probability": 0.6},
            "path.tag": {"dictionary": "tags", "probability": 0.6},
            "path.entity": {"dictionary": "entities", "probability": 0.6},
        },
    }))
    for regex, kind in ((r"/secureScores", "score"), (r"/secureScoreControlProfiles", "profile")):
        id_dictionary = "secure-scores" if kind == "score" else "actions"
        sections.append(toml_table("[[operations]]", {
            "include-path-regex": regex,
            "parameters": {
                "path.id": {"dictionary": id_dictionary, "probability": 0.8},
                "query.$filter": {"dictionary": f"{kind}-filters", "probability": 0.5},
                "query.$select": {"dictionary": f"{kind}-selects", "probability": 0.5},
                "query.$orderby": {"dictionary": f"{kind}-orders", "probability": 0.5},
            },
        }))
    return "\n".join(sections)


def schemathesis_command(run: Run, server: PostureServer, config: Path, reports: Path) -> list[str]:
    cli = str(Path(sys.executable).with_name("schemathesis"))
    location = f"{server.root_url}/api/v1/openapi.json" if run.document == "native" else str(GRAPH_DOCUMENT)
    command = [
        cli, "--config-file", str(config), "--no-color", "run", location,
        "--url", server.root_url,
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--report", "junit", "--report-dir", str(reports),
    ]
    for name in run.only:
        command += ["--include-name", name]
    if not run.only:
        for name in DESTRUCTIVE:
            command += ["--exclude-name", name]
    return command


def failures_excerpt(output: str, limit: int = 20000) -> str:
    """The FAILURES/ERRORS part of the schemathesis output (it ends with the summary)."""
    for marker in ("FAILURES", "ERRORS", "WARNINGS"):
        index = output.find(marker)
        if index != -1:
            output = output[max(0, output.rfind("\n", 0, index - 5)):]
            break
    return output if len(output) <= limit else output[:limit] + f"\n… ({len(output) - limit} more characters)"


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("run", RUNS, ids=[run.name for run in RUNS])
def test_schemathesis(run: Run, posture_server: PostureServer, tokens: dict[str, str], demo_ids: DemoIds,
                      report_dir: Path) -> None:
    if not posture_server.alive():
        pytest.fail(f"the server is not running (exit code {posture_server.process.returncode})", pytrace=False)
    work = report_dir / run.name
    work.mkdir(parents=True, exist_ok=True)
    config = work / "schemathesis.toml"
    config.write_text(schemathesis_config(run, demo_ids))
    ids = work / "ids.json"
    ids.write_text(json.dumps({"org": ORG, "action": demo_ids.example_action,
                               "secureScore": demo_ids.secure_scores[0]}))
    env = {**os.environ, "POSTURE_FUZZ_TOKEN": tokens[run.token], "POSTURE_FUZZ_IDS": str(ids),
           "PYTHONHASHSEED": "0"}
    command = schemathesis_command(run, posture_server, config, work)
    if "POSTURE_FUZZ_MAX_EXAMPLES" in os.environ:
        command += ["--max-examples", os.environ["POSTURE_FUZZ_MAX_EXAMPLES"]]
    started = time.monotonic()
    result = subprocess.run(command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=900)
    elapsed = time.monotonic() - started
    output = result.stdout + (("\n---- stderr ----\n" + result.stderr) if result.stderr.strip() else "")
    (work / "output.txt").write_text(output)
    print(f"{run.name}: schemathesis exited {result.returncode} after {elapsed:.0f} s; output in {work / 'output.txt'}")

    problems = []
    if not posture_server.alive():
        problems.append(f"the server died during {run.name} (exit code {posture_server.process.returncode})")
    if result.returncode != 0:
        problems.append(f"schemathesis exited with {result.returncode} ({work / 'output.txt'}):\n"
                        + failures_excerpt(output))
    if run.only == tuple(DESTRUCTIVE) and posture_server.alive():
        # The run must have reached the deletion itself, not only its refusals: afterwards the
        # organization is gone (404), or the token is refused because deleting the organization
        # revoked its API clients (401).
        status, body = http_json("GET", f"{posture_server.root_url}/api/v1/organizations/{ORG}", tokens[run.token])
        if status not in (401, 404):
            problems.append(f"after {run.name}, GET /api/v1/organizations/{ORG} answered {status}, so no "
                            f"generated DELETE was accepted: {body}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_server_survived(posture_server: PostureServer) -> None:
    """After every run, including the destructive one, the process still answers /readyz."""
    if not posture_server.alive():
        pytest.fail(f"the server exited with {posture_server.process.returncode}", pytrace=False)
    status, body = http_json("GET", f"{posture_server.root_url}/readyz")
    assert status == 200, body
