"""The organization report in headless Chromium: the overview leads to the page built for print,
whose headline is the overview's, and to its PDF, downloaded with the person's own session."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from conftest import Server, signed_in, submit
from selenium.webdriver.common.by import By


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
