"""Signing in to the dashboard through an OpenID Connect provider (oidc-provider-mock), in headless
Chromium: directory roles (`wids`) land people on their organization with the role they map to,
read-only roles are refused on writes, a role removed at the provider is gone at the next sign-in (roles granted in Posture still count),
a groups claim makes an instance administrator (who hands out no access that outlasts the session),
the People page says how people sign in and where their roles come from, sign-out ends the provider's session too, and a tampered state or nonce, a
replayed code and an expired ID token are refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import ONE_TIME, Provider, Server, change_password, sign_in, submit
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

SECURITY_ADMINISTRATOR = "194ae4cb-b126-40b2-bd5b-6091b380977d"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
SECURITY_READER = "5d6b6bb7-de71-4623-b4af-96380a352509"
DEFAULT_USER = "b79fbf4d-3ef9-4689-8143-76b194e85509"


def shot(driver, screenshots: Path, name: str) -> None:
    driver.save_screenshot(str(screenshots / f"{name}.png"))


def at_provider(browser, server: Server, name: str) -> str:
    """Opens the sign-in page, clicks the provider's button and returns the authorization URL."""
    browser.delete_all_cookies()
    browser.get(server.base + "/signin")
    browser.find_element(By.LINK_TEXT, f"Sign in with {name}").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.NAME, "sub"))
    return browser.current_url


def provider_sign_in(browser, server: Server, name: str, sub: str) -> None:
    """Signs in at the provider's form as `sub` and waits until Posture's page has loaded."""
    at_provider(browser, server, name)
    browser.find_element(By.NAME, "sub").send_keys(sub)
    submit(browser, browser.find_element(By.XPATH, "//form[.//input[@name='sub']]//button[@type='submit']"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.startswith(server.base))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorize(url: str, sub: str, **replace: str) -> dict[str, str]:
    """Answers the provider's form outside the browser (with some of the request's parameters
    replaced) and returns the query of the answer it sends back to Posture."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(replace)
    target = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    request = urllib.request.Request(target, data=urllib.parse.urlencode({"sub": sub}).encode(), method="POST")
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 302, error.read()
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(error.headers["Location"]).query))
    raise AssertionError("the provider did not send the browser back")


def refusal(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, "[data-testid='sign-in-refused']").text


def test_directory_roles_land_people_on_their_organization_and_sign_out_ends_both_sessions(
        browser, server: Server, providers: dict[str, Provider], screenshots: Path):
    providers["test"].set_user("sam", {"email": "sam@contoso.example", "name": "Sam Security",
                                       "wids": [DEFAULT_USER, SECURITY_ADMINISTRATOR]})
    browser.delete_all_cookies()
    browser.get(server.base + "/signin")
    assert "Sign in with Test directory" in browser.page_source and "Sign in with Expired directory" in browser.page_source
    shot(browser, screenshots, "sign-in-providers")
    provider_sign_in(browser, server, "Test directory", "sam")
    assert browser.current_url == server.base + "/orgs/contoso"
    assert "Sam Security" in browser.find_element(By.CSS_SELECTOR, ".account .who").text
    assert "Change password" not in browser.find_element(By.CSS_SELECTOR, ".account").text, "no password to change"
    # A Security administrator writes.
    browser.get(server.base + "/orgs/contoso/actions/PIMEnabled")
    assert browser.find_element(By.ID, "status").is_enabled()
    status = Select(browser.find_element(By.ID, "status"))
    current = status.first_selected_option.get_attribute("value")
    choice = next(o.get_attribute("value") for o in status.options
                  if o.is_enabled() and o.get_attribute("value") in {"planned", "toAddress"} - {current})
    status.select_by_value(choice)
    if choice != "planned":
        browser.find_element(By.ID, "targetDate").clear()
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.status-form button[type=submit]"))
    assert "Status saved." in browser.page_source
    changes = server.api("/api/v1/organizations/contoso/changes?actionId=PIMEnabled")["value"]
    assert any(c["actor"] == "sam@contoso.example" and c["toStatus"] == choice for c in changes)

    audit = json.loads(server.cli("audit", "export", "--format", "json"))
    entries = audit if isinstance(audit, list) else audit.get("value", audit.get("entries", []))
    sign_ins = [e for e in entries if e.get("action") == "user.signin" and e.get("target") == "sam@contoso.example"]
    assert sign_ins, "the sign-in is audited"
    after = sign_ins[-1]["after"]
    after = json.loads(after) if isinstance(after, str) else after
    assert after["provider"] == "Test directory" and after["subject"] == "sam"
    assert after["issuer"] == providers["test"].base and after["roles"] == {"contoso": "securityAdministrator"}

    # Signing out ends Posture's session, then the provider's (RP-initiated logout).
    browser.get(server.base + "/orgs/contoso")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/signout'] button"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.startswith(providers["test"].base))
    assert "/oauth2/end_session" in browser.current_url and "post_logout_redirect_uri" in browser.current_url
    submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='End session']"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.startswith(server.base + "/signin"))
    assert "You are signed out." in browser.page_source
    browser.get(server.base + "/orgs/contoso")
    assert "/signin" in browser.current_url, "Posture's session is gone"


def test_a_read_only_directory_role_is_refused_on_writes(browser, server: Server, providers: dict[str, Provider],
                                                          screenshots: Path):
    providers["test"].set_user("gina", {"email": "gina@contoso.example", "name": "Gina Reader",
                                        "wids": [GLOBAL_READER]})
    provider_sign_in(browser, server, "Test directory", "gina")
    assert browser.current_url == server.base + "/orgs/contoso"
    browser.get(server.base + "/orgs/contoso/actions/MFARegistrationV2")
    assert not browser.find_element(By.ID, "status").is_enabled()
    browser.execute_script(
        "for (const e of document.querySelectorAll('.status-form [disabled]')) e.removeAttribute('disabled');")
    Select(browser.find_element(By.ID, "status")).select_by_value("planned")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.status-form button[type=submit]"))
    assert "Not allowed" in browser.page_source
    shot(browser, screenshots, "provider-reader-refused")


def test_a_role_removed_at_the_provider_is_gone_at_the_next_sign_in(browser, server: Server,
                                                                     providers: dict[str, Provider],
                                                                     screenshots: Path):
    test = providers["test"]
    test.set_user("rory", {"email": "rory@contoso.example", "name": "Rory", "wids": [SECURITY_READER]})
    provider_sign_in(browser, server, "Test directory", "rory")
    assert browser.current_url == server.base + "/orgs/contoso"

    test.set_user("rory", {"email": "rory@contoso.example", "name": "Rory", "wids": [DEFAULT_USER]})
    provider_sign_in(browser, server, "Test directory", "rory")
    text = refusal(browser)
    assert "No access to Posture" in text and "signed you in as Rory" in text
    assert "None of your directory roles gives access" in text and "Global reader" in text
    shot(browser, screenshots, "provider-no-access")
    browser.get(server.base + "/orgs/contoso")
    assert "/signin" in browser.current_url, "no session was opened"

    # Without the claim at all, the page says which claim was missing.
    test.set_user("rory", {"email": "rory@contoso.example", "name": "Rory"})
    provider_sign_in(browser, server, "Test directory", "rory")
    assert "no wids claim" in refusal(browser)

    # A role granted in Posture counts without any from the directory.
    server.cli("user", "grant", "rory@contoso.example", "--org", "contoso", "--role", "globalReader")
    provider_sign_in(browser, server, "Test directory", "rory")
    assert browser.current_url == server.base + "/orgs/contoso"


def test_a_groups_claim_makes_an_instance_administrator_who_sees_how_people_sign_in(
        browser, server: Server, providers: dict[str, Provider], screenshots: Path):
    providers["test"].set_user("ida", {"email": "ida@contoso.example", "name": "Ida Admin",
                                       "groups": ["posture-administrators"]})
    provider_sign_in(browser, server, "Test directory", "ida")
    assert browser.current_url == server.base + "/"
    assert "Demo peer" in browser.page_source, "an instance administrator sees every organization"
    # People outlast the session: managing them needs the role granted in Posture.
    browser.get(server.base + "/people")
    assert "comes from your directory sign-in" in browser.page_source

    output = server.cli("user", "add", "pat", "--instance-admin")
    browser.delete_all_cookies()
    sign_in(browser, server, "pat", ONE_TIME.search(output).group(1))
    change_password(browser, ONE_TIME.search(output).group(1), "a second private passphrase")
    browser.get(server.base + "/people")
    rows = {row.find_element(By.CSS_SELECTOR, "td").text: row.text
            for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert "ida@contoso.example" in rows, (browser.current_url, list(rows))
    assert "Test directory" in rows["ida@contoso.example"]
    assert "instance administrator (from Test directory)" in rows["ida@contoso.example"]
    assert "contoso: Security administrator (from Test directory at the last sign-in)" in rows["sam@contoso.example"]
    assert "Password" in rows["pat"] and "Test directory" not in rows["pat"]
    assert "New one-time password" not in rows["sam@contoso.example"], "no password around the provider"
    shot(browser, screenshots, "people-sign-in-methods")


def test_a_tampered_state_or_nonce_and_a_replayed_code_are_refused(browser, server: Server,
                                                                    providers: dict[str, Provider]):
    providers["test"].set_user("tess", {"email": "tess@contoso.example", "name": "Tess", "wids": [GLOBAL_READER]})
    url = at_provider(browser, server, "Test directory")
    answer = authorize(url, "tess")
    browser.get(f"{server.base}/signin/callback?code={answer['code']}&state={answer['state']}x")
    assert "Sign-in link not valid" in refusal(browser)
    # The same sign-in, with the nonce changed on the way to the provider: its ID token is refused.
    answer = authorize(url, "tess", nonce="a nonce of someone else")
    browser.get(f"{server.base}/signin/callback?code={answer['code']}&state={answer['state']}")
    assert "nonce" in refusal(browser)
    browser.get(server.base + "/orgs/contoso")
    assert "/signin" in browser.current_url

    # A code that signed in once: its answer replayed is refused by Posture (the state is used)…
    url = at_provider(browser, server, "Test directory")
    answer = authorize(url, "tess")
    callback = f"{server.base}/signin/callback?code={answer['code']}&state={answer['state']}"
    browser.get(callback)
    assert browser.current_url == server.base + "/orgs/contoso"
    browser.delete_all_cookies()
    browser.get(callback)
    assert "already used" in refusal(browser)
    # …and the code under a fresh state is refused by the provider.
    url = at_provider(browser, server, "Test directory")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["state"]
    browser.get(f"{server.base}/signin/callback?code={answer['code']}&state={state}")
    assert "refused the sign-in code" in refusal(browser)


def test_an_expired_id_token_is_refused(browser, server: Server, providers: dict[str, Provider]):
    providers["expired"].set_user("eve", {"email": "eve@contoso.example", "wids": [SECURITY_READER]})
    provider_sign_in(browser, server, "Expired directory", "eve")
    assert "the ID token has expired" in refusal(browser)
    browser.get(server.base + "/orgs/contoso")
    assert "/signin" in browser.current_url
