"""The organization report in headless Chromium: the overview leads to the page built for print,
whose headline is the overview's, and to its PDF, downloaded with the person's own session."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from conftest import Server, signed_in, submit
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def test_a_reader_opens_the_report_and_downloads_its_pdf(browser, server: Server, screenshots: Path):
    signed_in(browser, server, "remy", "globalReader")
    browser.get(server.base + "/orgs/contoso")
    percentage = browser.find_element(By.CSS_SELECTOR, "[data-testid='percentage']").text
    pdf_link = browser.find_element(By.CSS_SELECTOR, "[data-testid='report-pdf']").get_attribute("href")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid='report-link']"))
    assert browser.current_url.startswith(server.base + "/orgs/contoso/report")
    headline = browser.find_element(By.CSS_SELECTOR, "[data-testid='headline']").text
    assert percentage in headline, (percentage, headline)
    rows = browser.find_elements(By.CSS_SELECTOR, "[data-testid='top-actions'] tbody tr")
    assert len(rows) == 10
    browser.save_screenshot(str(screenshots / "report.png"))

    cookie = browser.get_cookie("posture_session")["value"]
    request = urllib.request.Request(pdf_link, headers={"Cookie": f"posture_session={cookie}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.read(5) == b"%PDF-"


def test_a_security_administrator_schedules_the_monthly_report(browser, server: Server, screenshots: Path):
    server.cli("channel", "add", "--org", "contoso", "--kind", "email", "--name", "Reports",
               "--to", "reports@contoso.example", "--smtp-host", "smtp.contoso.example",
               "--from", "posture@contoso.example", "--events", "score.dropped")
    signed_in(browser, server, "selma", "securityAdministrator")
    browser.get(server.base + "/orgs/contoso/settings#reports")
    form = browser.find_element(By.CSS_SELECTOR, "form[data-testid=report-schedule-form]")
    Select(form.find_element(By.ID, "rs-cadence")).select_by_value("monthly")
    form.find_element(By.ID, "rs-to").send_keys("board@elsewhere.example")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "must be at one of the organization's mail domains" in browser.page_source

    form = browser.find_element(By.CSS_SELECTOR, "form[data-testid=report-schedule-form]")
    form.find_element(By.ID, "rs-to").send_keys("ciso@contoso.example, board@contoso.example")
    Select(form.find_element(By.ID, "rs-paper")).select_by_value("letter")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Report scheduled" in browser.page_source
    row = browser.find_element(By.CSS_SELECTOR, "[data-testid=report-schedules] tbody tr").text
    assert "ciso@contoso.example, board@contoso.example" in row and "US Letter" in row, row
    assert "07:00 UTC" in row and "not yet" in row, row
    browser.save_screenshot(str(screenshots / "settings-reports.png"))

    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/send'] button"))
    assert "Report queued" in browser.page_source
    assert "report.scheduled" in server.cli("channel", "deliveries", "--org", "contoso")
    schedule = server.cli("report", "schedule", "list", "contoso").splitlines()[1].split()[0]
    assert schedule.startswith("rpt_")
    submit(browser, browser.find_element(By.CSS_SELECTOR, f"form[action$='/reports/{schedule}/remove'] button"))
    assert "Scheduled report removed." in browser.page_source
    assert "has no scheduled report" in server.cli("report", "schedule", "list", "contoso")
