"""The dashboard in headless Chromium against a running server: sign-in, the overview's numbers
against the API, searching and filtering, status and note changes and their effects, read-only
refusals, date ranges, escaping of user text, a shared action raising a ServiceNow ticket (a
local fake of the Table API), a reader choosing the weekly digest, an instance administrator's
instance-wide channels, and a screenshot of every page."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from conftest import ADMIN_PASSWORD, ONE_TIME, Server, change_password, sign_in, signed_in, submit
from fake_servicenow import PASSWORD, USERNAME, FakeServiceNow
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def text(driver, testid: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"[data-testid='{testid}']").text


def shot(driver, screenshots: Path, name: str) -> None:
    driver.save_screenshot(str(screenshots / f"{name}.png"))


def test_the_first_administrator_must_choose_a_password_then_sees_every_organization(browser, server: Server,
                                                                                   screenshots: Path):
    browser.get(server.base + "/")
    assert "/signin" in browser.current_url, "pages need a signed-in person"
    shot(browser, screenshots, "signin")
    sign_in(browser, server, "admin", "not the password at all")
    assert "Wrong user name or password" in browser.page_source
    sign_in(browser, server, "admin", ADMIN_PASSWORD)
    assert browser.current_url.endswith("/account/password")
    assert "for one use only" in browser.page_source
    shot(browser, screenshots, "change-password")
    change_password(browser, ADMIN_PASSWORD, "a very private passphrase")
    assert browser.current_url == server.base + "/"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")
    assert any("Contoso" in row.text for row in rows)
    submit(browser, browser.find_element(By.LINK_TEXT, "Percentage"))
    assert "sort=percentage" in browser.current_url
    shot(browser, screenshots, "organizations")
    # The server searches names and ids, keeping the sort.
    browser.find_element(By.ID, "org-search").send_keys("peer 3")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] button"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")
    assert len(rows) == 1 and "Demo peer 3 (anonymous)" in rows[0].text
    assert "q=peer+3" in browser.current_url and "sort=percentage" in browser.current_url


def test_overview_numbers_equal_the_api(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "olivia", "securityReader")
    browser.get(server.base + "/orgs/contoso")
    score = server.api("/api/v1/organizations/contoso/score")
    assert text(browser, "score").startswith(f"{score['currentScore']:.2f}")
    assert text(browser, "percentage") == f"{score['percentage']:.2f}%"
    assert text(browser, "verified") == f"{score['verifiedScore']:.2f}"
    assert browser.find_element(By.CSS_SELECTOR, "svg.chart title").get_attribute("textContent")
    # The comparison line of the demo's seat band (its anonymous peers make it possible).
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart polyline.comparison")
    # The top five read as a numbered list, one action per line, not laid out like the header.
    top = browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=h-top] ol li")
    assert len(top) == 5
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('section[aria-labelledby=h-top] ol')).display") == "block"
    lefts = {item.rect["x"] for item in top}
    tops = [item.rect["y"] for item in top]
    assert len(lefts) == 1 and tops == sorted(tops) and len(set(tops)) == 5
    shot(browser, screenshots, "overview")


def test_search_filter_and_group_actions(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "sam", "globalReader")
    browser.get(server.base + "/orgs/contoso/actions")
    everything = int(text(browser, "action-count"))
    browser.find_element(By.ID, "f-q").send_keys("multifactor")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    searched = int(text(browser, "action-count"))
    assert 0 < searched < everything
    browser.get(server.base + "/orgs/contoso/actions")
    Select(browser.find_element(By.ID, "f-category")).select_by_visible_text("Identity")
    Select(browser.find_element(By.ID, "f-group")).select_by_visible_text("Status")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    identity = int(text(browser, "action-count"))
    assert 0 < identity < everything
    captions = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "table.actions caption")]
    assert captions, "grouped by status"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.actions tbody tr")
    assert len(rows) == identity
    shot(browser, screenshots, "actions")


def test_a_writer_changes_status_and_note_and_sees_score_history_and_change_log_move(browser, server: Server,
                                                                                    screenshots: Path):
    signed_in(browser, server, "wendy", "securityAdministrator")
    before = server.api("/api/v1/organizations/contoso/score")
    target = next(a for a in before["actions"] if a.get("rank") and not a["externallyManaged"])
    browser.get(server.base + "/orgs/contoso/actions")
    submit(browser, browser.find_element(By.LINK_TEXT, target["title"]))
    assert f"/actions/{target['id']}" in browser.current_url, "the flyout has its own URL"
    Select(browser.find_element(By.ID, "status")).select_by_value("resolvedThirdParty")
    note = browser.find_element(By.ID, "note")
    note.clear()
    note.send_keys("<script>window.pwned = true</script> covered by our partner")
    browser.find_element(By.ID, "expiresAt").send_keys("2027-06-30")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.status-form button[type=submit]"))
    assert "Status saved." in browser.page_source
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_element(By.ID, "note").get_attribute("value").startswith("<script>window.pwned")
    shot(browser, screenshots, "action-details")

    after = server.api("/api/v1/organizations/contoso/score")
    assert after["currentScore"] > before["currentScore"]
    browser.get(server.base + "/orgs/contoso")
    assert text(browser, "score").startswith(f"{after['currentScore']:.2f}")
    browser.get(server.base + "/orgs/contoso/history")
    assert target["id"] in browser.page_source and "wendy" in browser.page_source
    changes = server.api(f"/api/v1/organizations/contoso/changes?actionId={quote(target['id'])}")
    assert any(c["actor"] == "wendy" and c["toStatus"] == "resolvedThirdParty" for c in changes["value"])


def test_read_only_people_see_why_and_cannot_change_anything(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "rita", "securityReader")
    browser.get(server.base + "/orgs/contoso/actions/PIMEnabled")
    status = browser.find_element(By.ID, "status")
    assert not status.is_enabled()
    assert "read-only here" in browser.find_element(By.ID, "locked-reason").text
    shot(browser, screenshots, "action-details-read-only")
    # Even a form forced open is refused by the server.
    browser.execute_script(
        "for (const e of document.querySelectorAll('.status-form [disabled]')) e.removeAttribute('disabled');")
    Select(browser.find_element(By.ID, "status")).select_by_value("planned")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.status-form button[type=submit]"))
    assert "Not allowed" in browser.page_source
    browser.get(server.base + "/orgs/contoso/settings")
    assert not browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/zones'] button").is_enabled()
    shot(browser, screenshots, "settings-read-only")


def test_history_and_metrics_date_ranges(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "hank", "globalReader")
    browser.set_window_size(1280, 900)
    browser.get(server.base + "/orgs/contoso/history")
    wide = int(text(browser, "taken-count"))
    # A page of changes at a time, no sideways scrolling at 1280 px, and a filter by cause.
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")) == 50 < wide
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
    assert "start=50" in browser.current_url and "Showing 51–" in browser.page_source
    submit(browser, browser.find_element(By.LINK_TEXT, "Status changes"))
    assert "cause=status" in browser.current_url and "start=" not in browser.current_url
    assert 0 < int(text(browser, "taken-count")) < wide
    browser.get(server.base + "/orgs/contoso/history")
    browser.execute_script("document.getElementById('r-from').value = '2026-11-20'")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.range button[type=submit]"))
    assert "from=2026-11-20" in browser.current_url
    narrow = int(text(browser, "taken-count"))
    assert narrow < wide
    Select(browser.find_element(By.ID, "r-category")).select_by_visible_text("Identity")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.range button[type=submit]"))
    assert "category=Identity" in browser.current_url
    shot(browser, screenshots, "history")
    browser.get(server.base + "/orgs/contoso/metrics?from=2026-08-01")
    for heading in ("Your Secure Score zone", "Regression trend", "Comparison trend", "Risk acceptance trend",
                    "Score changes"):
        assert heading in browser.page_source
    # The demo's anonymous peers fill its privacy cell: the seat band's average is drawn.
    assert "not enough organizations to compare" not in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart polyline.comparison")
    shot(browser, screenshots, "metrics")
    browser.get(server.base + "/orgs/contoso/metrics?from=2026-11-20&to=2026-01-01")
    assert "From is after To" in browser.page_source


def test_administrators_manage_settings(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "gina", "globalAdministrator")
    browser.get(server.base + "/orgs/contoso/settings")
    browser.find_element(By.ID, "cmp-industry").send_keys("Manufacturing")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/comparison'] button"))
    assert "Custom comparison saved." in browser.page_source
    browser.find_element(By.ID, "c-name").send_keys("sensor")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/clients'] button"))
    assert text(browser, "client-secret")
    shot(browser, screenshots, "settings")


def test_pages_fit_a_phone(phone, server: Server, screenshots: Path):
    signed_in(phone, server, "pete", "securityReader")
    for page in ("", "/actions", "/metrics", "/actions/AdminMFAV2"):
        phone.get(server.base + "/orgs/contoso" + page)
        viewport = phone.execute_script("return window.innerWidth")
        width = phone.execute_script("return document.documentElement.scrollWidth")
        assert viewport <= 400, f"a phone-sized viewport ({viewport}px)"
        assert width <= viewport, f"{page or 'the overview'} scrolls sideways on a phone ({width}px > {viewport}px)"
    phone.get(server.base + "/orgs/contoso")
    shot(phone, screenshots, "overview-phone")


def test_charts_space_days_by_date(browser, server: Server, screenshots: Path):
    """Every chart's day labels sit at x positions proportional to their dates, past and projected
    alike, so 60 projected days are drawn three times as wide as 20 past ones."""
    from datetime import date

    signed_in(browser, server, "tara", "securityReader")
    checked = 0
    for page in ("/orgs/contoso", "/orgs/contoso/metrics?from=2026-08-01"):
        browser.get(server.base + page)
        for chart in browser.find_elements(By.CSS_SELECTOR, "svg.chart"):
            ticks = []
            for label in chart.find_elements(By.CSS_SELECTOR, "text.axis"):
                content = label.get_attribute("textContent")
                if len(content) == 10 and content[4] == "-" and content[7] == "-":
                    ticks.append((date.fromisoformat(content).toordinal(), float(label.get_attribute("x"))))
            if len(ticks) < 3:
                continue
            (first_day, first_x), (last_day, last_x) = ticks[0], ticks[-1]
            per_day = (last_x - first_x) / (last_day - first_day)
            assert per_day > 0
            for day, x in ticks[1:-1]:
                assert abs(first_x + (day - first_day) * per_day - x) < 0.6, f"{page}: {day} is off the time axis"
            checked += 1
    assert checked >= 2, "the overview and metrics draw dated charts"


def test_organizations_page_pages_searches_and_sets_a_status_in_several(browser, server: Server, screenshots: Path):
    token = server.cli("token", "create", "--all", "--scope", "SecurityEvents.ReadWrite.All").strip()

    def call(method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(server.base + path, data=data, method=method,
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    for n in range(46):
        call("POST", "/api/v1/organizations", {"id": f"branch-{n:02d}", "displayName": f"Branch {n:02d}"})
    total = call("GET", "/api/v1/organizations?limit=1")["total"]
    assert total > 50
    one_time = server.cli("user", "add", "ivy", "--instance-admin")
    sign_in(browser, server, "ivy", ONE_TIME.search(one_time).group(1))
    change_password(browser, ONE_TIME.search(one_time).group(1), "quiet harbour lantern 42")
    assert browser.current_url == server.base + "/"
    assert f"Showing 1–50 of {total}." in browser.page_source
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")) == 50
    submit(browser, browser.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
    assert "start=50" in browser.current_url and f"Showing 51–{total} of {total}." in browser.page_source

    browser.find_element(By.ID, "org-search").send_keys("BRANCH-0")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] button"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")
    assert len(rows) == 10 and all("Branch 0" in row.text for row in rows)

    for organization in ("branch-01", "branch-02"):
        browser.find_element(By.CSS_SELECTOR, f"input[name='orgs[]'][value='{organization}']").click()
    Select(browser.find_element(By.ID, "bulk-action")).select_by_value("BlockLegacyAuthentication")
    Select(browser.find_element(By.ID, "bulk-state")).select_by_value("planned")
    browser.find_element(By.ID, "bulk-note").send_keys("Quarterly review")
    shot(browser, screenshots, "organizations-bulk")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#bulk-status button[type=submit]"))
    assert "set for “" in browser.page_source and "in 2 organizations." in browser.page_source
    assert browser.find_element(By.ID, "org-search").get_attribute("value") == "BRANCH-0", "the list keeps its search"
    for organization in ("branch-01", "branch-02", "branch-03"):
        audit = call("GET", f"/api/v1/organizations/{organization}/audit")["value"]
        changes = [entry for entry in audit if entry["action"] == "status.set"]
        expected = [] if organization == "branch-03" else ["ivy"]
        assert [entry["actor"] for entry in changes] == expected, organization


def test_a_writer_connects_the_tenant_and_never_sees_the_secret_again(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "connor", "securityAdministrator")
    browser.get(server.base + "/orgs/contoso/settings")
    assert "This organization has no connection yet." in browser.page_source
    browser.find_element(By.ID, "con-tenant").send_keys("contoso.onmicrosoft.com")
    browser.find_element(By.ID, "con-client").send_keys("11111111-2222-3333-4444-555555555555")
    secret = browser.find_element(By.ID, "con-secret")
    assert secret.get_attribute("type") == "password"
    secret.send_keys("browser~secret~value")
    Select(browser.find_element(By.ID, "con-cloud")).select_by_value("gcc-high")
    browser.find_element(By.ID, "src-sharepoint").click()  # every source starts checked: leave SharePoint out
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/connection'] button"))
    assert "Connection saved." in browser.page_source
    summary = text(browser, "connection")
    assert "GCC High" in summary and "https://graph.microsoft.us" in summary
    assert "Entra ID, Microsoft Secure Score" in summary and "SharePoint" not in summary
    assert "browser~secret~value" not in browser.page_source
    # The form shows the stored choices again; the secret field stays empty.
    assert Select(browser.find_element(By.ID, "con-cloud")).first_selected_option.get_attribute("value") == "gcc-high"
    assert not browser.find_element(By.ID, "src-sharepoint").is_selected()
    assert browser.find_element(By.ID, "con-secret").get_attribute("value") == ""
    shot(browser, screenshots, "settings-connection")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/connection/remove'] button"))
    assert "Connection removed." in browser.page_source


def test_a_writer_raises_a_servicenow_ticket_and_sees_it_on_the_overview(browser, server: Server,
                                                                         screenshots: Path):
    fake = FakeServiceNow()
    try:
        signed_in(browser, server, "tess", "securityAdministrator")
        browser.get(server.base + "/orgs/contoso/settings")
        form = browser.find_element(By.CSS_SELECTOR, "form[data-testid=add-servicenow]")
        form.find_element(By.ID, "sn-name").send_keys("IT desk")
        form.find_element(By.ID, "sn-url").send_keys(fake.base)
        form.find_element(By.ID, "sn-user").send_keys(USERNAME)
        form.find_element(By.ID, "sn-password").send_keys(PASSWORD)
        submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "ServiceNow channel added." in browser.page_source
        assert PASSWORD not in browser.page_source

        browser.get(server.base + "/orgs/contoso/actions/AdminMFAV2")
        share = browser.find_element(By.CSS_SELECTOR, "form[data-testid=share-channel]")
        Select(share.find_element(By.ID, "share-channel")).select_by_visible_text("Raise a ServiceNow ticket: IT desk")
        share.find_element(By.ID, "share-channel-note").send_keys("for Thursday's change board")
        submit(browser, share.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "Shared:" in browser.page_source

        # The delivery queue raises the ticket within seconds; the overview then lists it.
        deadline = time.time() + 30
        while time.time() < deadline and not fake.records:
            time.sleep(0.5)
        assert len(fake.records) == 1, "one ticket raised"
        record = fake.records[0]
        assert record["correlation_id"] == "posture:contoso:AdminMFAV2"
        assert "for Thursday's change board" in record["description"]
        browser.get(server.base + "/orgs/contoso")
        panel = browser.find_element(By.CSS_SELECTOR, "[data-testid=tickets]")
        assert record["number"] in panel.text and "New" in panel.text
        shot(browser, screenshots, "overview-tickets")
        browser.get(server.base + "/orgs/contoso/actions/AdminMFAV2")
        assert record["number"] in browser.find_element(By.CSS_SELECTOR, "[data-testid=action-tickets]").text
        assert "tess → a ticket in ServiceNow: IT desk" in browser.page_source
    finally:
        fake.stop()


def test_a_reader_chooses_the_weekly_digest_for_themselves(browser, server: Server, screenshots: Path):
    server.cli("channel", "add", "--org", "contoso", "--kind", "email", "--name", "Security team",
               "--to", "secops@contoso.example", "--smtp-host", "smtp.contoso.example",
               "--from", "posture@contoso.example", "--events", "score.dropped")
    signed_in(browser, server, "rhea", "globalReader")
    browser.get(server.base + "/orgs/contoso/settings")
    assert "You do not get this organization" in text(browser, "digest-state")
    form = browser.find_element(By.CSS_SELECTOR, "form[data-testid=digest-form]")
    form.find_element(By.ID, "dg-email").send_keys("rhea@contoso.example")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Your weekly digest is set" in browser.page_source
    assert "rhea@contoso.example" in text(browser, "digest-state")
    shot(browser, screenshots, "settings-digest")
    assert "rhea" in server.cli("digest", "list", "--org", "contoso")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/settings/digest/stop'] button"))
    assert "Your weekly digest is stopped." in browser.page_source
    assert "You do not get this organization" in text(browser, "digest-state")


def test_an_instance_administrator_routes_every_organizations_alerts(browser, server: Server, screenshots: Path):
    output = server.cli("user", "add", "ivan", "--instance-admin")
    one_time = ONE_TIME.search(output).group(1)
    sign_in(browser, server, "ivan", one_time)
    change_password(browser, one_time, "instance wide lighthouse 7")
    submit(browser, browser.find_element(By.LINK_TEXT, "Instance alerts"))
    assert browser.current_url.endswith("/instance/alerts")
    assert not browser.find_elements(By.CSS_SELECTOR, "form[data-testid=add-servicenow]"), "no ticket forms here"
    form = browser.find_element(By.CSS_SELECTOR, "form[data-testid=add-webhook]")
    form.find_element(By.ID, "wh-url").send_keys("https://soc.example.com/posture")
    form.find_element(By.CSS_SELECTOR, "input[value='action.regressed']").click()
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    secret = text(browser, "webhook-secret")
    assert secret.startswith("whsec_")
    assert "soc.example.com" in text(browser, "channels")
    shot(browser, screenshots, "instance-alerts")
    browser.get(server.base + "/instance/alerts")
    assert secret not in browser.page_source, "the secret is shown once"
    assert "soc.example.com" not in server.cli("channel", "list", "--org", "contoso")
    assert "soc.example.com" in server.cli("channel", "list", "--instance")
