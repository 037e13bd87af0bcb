"""Journey 2 end to end in Chromium with JavaScript off: every application, for self and for someone
else, in kk, ru and en, with a change from the check page and a resume on a second computer."""

import re
import time

import pytest
from selenium.webdriver.common.by import By

from journeys import APPLICATIONS
from browsing import click_and_wait, fill_answers
from tests.journey_support import example_answers

TIMINGS = {}


def _continue(driver):
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]:not([name])"))


def _answer_current_question(driver, answers):
    fill_answers(driver, answers)
    _continue(driver)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("for_other", [False, True], ids=["self", "someone-else"])
@pytest.mark.parametrize("slug", list(APPLICATIONS))
def test_prepare_an_application(base_url, browsers_without_javascript, slug, for_other, lang):
    first, second = browsers_without_javascript
    for driver in (first, second):
        driver.delete_all_cookies()
    answers = example_answers(slug, for_other)
    started = time.perf_counter()
    first.get(f"{base_url}/{lang}/apply/{slug}")
    click_and_wait(first, first.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    # Answer until the applicant's date of birth is saved, then "Save and come back later".
    while "applicant-iin" not in first.current_url:
        _answer_current_question(first, answers)
    click_and_wait(first, first.find_element(By.CSS_SELECTOR, "button[name=save]"))
    code = first.find_element(By.CSS_SELECTOR, ".code").text
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}", code)

    # The second computer: a different browser, typing the code in small letters without dashes.
    second.get(f"{base_url}/{lang}/apply/resume")
    second.find_element(By.NAME, "code").send_keys(code.lower().replace("-", ""))
    for part, value in (("day", "27"), ("month", "3"), ("year", "1958")):
        second.find_element(By.NAME, f"birth_date-{part}").send_keys(value)
    _continue(second)
    # The (optional, empty) IIN was saved with "Save and come back later": it goes on after it.
    assert second.current_url.endswith(f"/apply/{slug}/" + APPLICATIONS[slug].questions[APPLICATIONS[slug].questions.index(
        APPLICATIONS[slug].question("applicant-iin")) + 1].slug)
    while not second.current_url.endswith("/check"):
        _answer_current_question(second, answers)

    # Change an answer from the check page: it comes back to the check page.
    click_and_wait(second, second.find_element(By.CSS_SELECTOR, "a[href$='/applicant-name']"))
    name = second.find_element(By.NAME, "applicant_name")
    name.clear()
    name.send_keys("Гүлнар Нұрланова")
    _continue(second)
    assert second.current_url.endswith("/check")
    assert "Гүлнар Нұрланова" in second.find_element(By.TAG_NAME, "main").text

    click_and_wait(second, second.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert second.current_url.endswith("/done")
    reference = re.search(r"KMK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", second.find_element(By.TAG_NAME, "main").text).group(0)
    TIMINGS[(slug, for_other, lang)] = time.perf_counter() - started

    second.get(f"{base_url}/{lang}/apply/{slug}/answers")
    # komek.js would show the print button: hidden proves this browser really runs no JavaScript.
    assert not second.find_element(By.CSS_SELECTOR, "[data-print]").is_displayed()
    sheet = second.find_element(By.CSS_SELECTOR, ".sheet").text
    assert reference in sheet and "Гүлнар Нұрланова" in sheet
    if for_other:
        assert "Ерлан Асқарұлы" in sheet
    # Nothing personal ever went into an address.
    for driver in (first, second):
        assert "Нұрланова" not in driver.current_url and "1958" not in driver.current_url


def test_report_journey_times():
    if TIMINGS:
        for (slug, for_other, lang), seconds in sorted(TIMINGS.items()):
            print(f"{slug:28} {'someone else' if for_other else 'self':12} {lang}  {seconds:.2f} s")
