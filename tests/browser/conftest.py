"""Fixtures of the browser suite: a real `posture serve` (embedded SQLite, demo organization
`contoso`) on a free loopback port, people created with `posture user add`, and headless Chromium
driven by Selenium (Debian's `chromium` and `chromium-driver`; nothing is downloaded).

Environment:
- `POSTURE_BIN`: the posture executable (default `.build/debug/posture` under the repository root).
- `POSTURE_SCREENSHOT_DIR`: where page screenshots go (default `.build/browser-screenshots`).
- `POSTURE_CHROMIUM`, `POSTURE_CHROMEDRIVER`: the browser and driver (default /usr/bin/chromium and
  /usr/bin/chromedriver).
- `POSTURE_OIDC_PYTHON`: a Python with `oidc-provider-mock` (tests/oidc/requirements.txt; default
  .venv/oidc/bin/python). Two providers run on loopback ports, and the server signs people in
  through them: "Test directory", and "Expired directory", whose ID tokens expired two minutes
  before they were issued.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

# tests/support holds what the Python suites share (starting and watching `posture serve`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from posture_process import REPO_ROOT, free_port, posture_binary, wait_ready  # noqa: E402

ADMIN_PASSWORD = "first instance passphrase"
ONE_TIME = re.compile(r"one-time password:\s+(\S+)")


@dataclass
class Server:
    base: str
    data_dir: Path
    binary: Path
    log: Path
    passwords: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["POSTURE_DATA_DIR"] = str(self.data_dir)
        env.pop("POSTURE_CATALOG_DIR", None)
        return env

    def cli(self, *args: str) -> str:
        result = subprocess.run([str(self.binary), *args], cwd=REPO_ROOT, env=self.env(), capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, f"posture {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def add_user(self, name: str, org: str, role: str) -> str:
        """Creates a person and returns the one-time password `posture user add` printed."""
        output = self.cli("user", "add", name, "--org", org, "--role", role)
        password = ONE_TIME.search(output).group(1)
        self.passwords[name] = password
        return password

    def api(self, path: str, scope: str = "SecurityEvents.Read.All") -> dict:
        token = self.cli("token", "create", "--org", "contoso", "--scope", scope).strip()
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@dataclass
class Provider:
    """A running oidc-provider-mock: its issuer and the claims of the people who sign in there."""
    base: str
    process: subprocess.Popen

    def set_user(self, sub: str, claims: dict) -> None:
        request = urllib.request.Request(f"{self.base}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204


def start_provider(log: Path, *arguments: str) -> Provider:
    python = os.environ.get("POSTURE_OIDC_PYTHON", str(REPO_ROOT / ".venv/oidc/bin/python"))
    if not Path(python).exists():
        raise RuntimeError(f"no Python with oidc-provider-mock at {python}: run scripts/test, or set POSTURE_OIDC_PYTHON")
    port = free_port()
    with open(log, "w") as output:
        process = subprocess.Popen([python, "-m", "oidc_provider_mock", "-p", str(port), "-H", "127.0.0.1", *arguments],
                                   stdout=output, stderr=subprocess.STDOUT, env=dict(os.environ, NO_COLOR="1"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("oidc-provider-mock stopped:\n" + log.read_text())
        try:
            with urllib.request.urlopen(base + "/.well-known/openid-configuration", timeout=1):
                return Provider(base=base, process=process)
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("oidc-provider-mock did not start:\n" + log.read_text())


@pytest.fixture(scope="session")
def providers(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("oidc")
    started = {"test": start_provider(directory / "test.log"),
               "expired": start_provider(directory / "expired.log", "--token-max-age=-120")}
    yield started
    for provider in started.values():
        provider.process.terminate()
        provider.process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, providers: dict[str, Provider]):
    binary = posture_binary()
    data_dir = tmp_path_factory.mktemp("posture-browser")
    # One file for both: the directory roles (wids) of "Test directory" apply in contoso, and its
    # groups claim can make someone an instance administrator (a generic provider's mapping).
    issuers = data_dir / "issuers.json"
    issuers.write_text(json.dumps({"issuers": [
        {"issuer": providers["test"].base, "wids": "contoso",
         "roles": [{"claim": "groups", "value": "posture-administrators", "instanceAdministrator": True}],
         "signIn": {"name": "Test directory", "clientId": "posture-dashboard",
                    "clientSecretEnv": "POSTURE_TEST_OIDC_SECRET"}},
        {"issuer": providers["expired"].base, "wids": "contoso",
         "signIn": {"name": "Expired directory", "clientId": "posture-dashboard",
                    "clientSecretEnv": "POSTURE_TEST_OIDC_SECRET"}},
    ]}))
    port = free_port()
    log = data_dir / "server.log"
    # POSTURE_COLLECTIONS=0: no tenant is reachable from a test machine, so the connections the
    # tests make are never collected (the Swift suites test collection against a local Graph).
    # Deliveries run, to the local receivers the tests start (POSTURE_ALLOW_PRIVATE_TARGETS).
    env = dict(os.environ, POSTURE_DATA_DIR=str(data_dir), POSTURE_ADMIN_PASSWORD=ADMIN_PASSWORD,
               POSTURE_LOG_LEVEL="warning", POSTURE_COLLECTIONS="0", POSTURE_DELIVERIES="2",
               POSTURE_ALLOW_PRIVATE_TARGETS="true", POSTURE_OIDC_ISSUERS=str(issuers),
               POSTURE_TEST_OIDC_SECRET="a client secret")
    env.pop("POSTURE_CATALOG_DIR", None)
    with open(log, "w") as output:
        process = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=REPO_ROOT,
                                   env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, timeout=90, alive=lambda: process.poll() is None)
    except (TimeoutError, RuntimeError):
        process.terminate()
        raise RuntimeError("the server did not start:\n" + log.read_text()) from None
    yield Server(base=base, data_dir=data_dir, binary=binary, log=log)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    directory = Path(os.environ.get("POSTURE_SCREENSHOT_DIR", REPO_ROOT / ".build/browser-screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def make_driver(width: int = 1280, height: int = 900, phone: bool = False) -> webdriver.Chrome:
    options = Options()
    if phone:
        # Headless windows have a minimum width; emulating the device gives a true phone viewport.
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    options.binary_location = os.environ.get("POSTURE_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                     "--lang=en-US"):
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("POSTURE_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(2)
    return driver


@pytest.fixture
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def phone():
    driver = make_driver(390, 844, phone=True)
    yield driver
    driver.quit()


def submit(driver: webdriver.Chrome, button) -> None:
    """Clicks a submit button and waits until the next page has replaced this one and loaded."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_: webdriver.Chrome) -> bool:
        try:
            page.tag_name
            return False
        except WebDriverException:
            # Stale, or Chrome's "node does not belong to the document": either way, a new page.
            return True

    WebDriverWait(driver, 20).until(replaced)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver: webdriver.Chrome, server: Server, name: str, password: str) -> None:
    driver.get(server.base + "/signin")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]"))


def change_password(driver: webdriver.Chrome, current: str, new: str) -> None:
    driver.find_element(By.ID, "current").send_keys(current)
    driver.find_element(By.ID, "new").send_keys(new)
    driver.find_element(By.ID, "confirm").send_keys(new)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/account/password'] button[type=submit]"))


def signed_in(driver: webdriver.Chrome, server: Server, name: str, role: str) -> str:
    """Creates `name` with `role` in contoso, signs in with the one-time password and chooses a
    new one, as a newcomer would. Returns the new password."""
    one_time = server.add_user(name, "contoso", role)
    sign_in(driver, server, name, one_time)
    assert driver.current_url.endswith("/account/password"), driver.current_url
    new = "quiet harbour lantern 42"
    change_password(driver, one_time, new)
    assert driver.current_url == server.base + "/", "the new password was accepted"
    server.passwords[name] = new
    return new
