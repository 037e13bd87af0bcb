"""With JavaScript on, better for a screen-reader user: every htmx-updated state is audited by axe after the
swap in all three languages, focus lands where it should, and announcements are made in live regions."""

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from browsing import fill_answers
from tests.journey_support import example_answers

LANGUAGES = ["kk", "ru", "en"]
ERROR_PREFIX = {"kk": "Қате:", "ru": "Ошибка:", "en": "Error:"}


def _wait(browser, condition, seconds=20):
    return WebDriverWait(browser, seconds).until(lambda driver: condition(driver))


def _active(browser):
    return browser.execute_script("var e = document.activeElement; return [e.tagName, e.id, e.className, e.textContent.trim()];")


def _enhanced(browser, url):
    browser.get(url)
    _wait(browser, lambda d: d.execute_script("return typeof window.htmx === 'object'"))


def _assert_no_violations(auditor, label):
    violations = auditor.audit()
    assert not violations, f"{label}:\n{auditor.describe(violations)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_live_search_announces_the_count_and_keeps_focus_in_the_box(base_url, browser, auditor, lang):
    browser.delete_all_cookies()  # a fresh visit: an earlier page may have put this browser in library mode
    _enhanced(browser, f"{base_url}/{lang}/search")
    box = browser.find_element(By.ID, "q")
    box.click()
    started = time.perf_counter()
    box.send_keys("pasport")
    count = _wait(browser, lambda d: d.find_element(By.ID, "search-count").text)
    elapsed = time.perf_counter() - started
    assert re.search(r"\d+", count) and browser.find_element(By.ID, "search-count").get_attribute("role") == "status"
    assert _active(browser)[1] == "q", "focus stays in the search box"
    _wait(browser, lambda d: d.current_url.endswith("/search?q=pasport"))  # replaced, so it can be shared
    assert browser.find_element(By.CSS_SELECTOR, "#search-results a[href$='/guides/passport']")
    print(f"\nlive search {lang}: keypress to announced count {elapsed:.2f} s (400 ms of it is the typing pause)")
    _assert_no_violations(auditor, f"live search results [{lang}]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instant_settings_apply_at_once_keep_focus_and_announce(base_url, browser, auditor, lang):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/{lang}/settings")
    radio = browser.find_element(By.CSS_SELECTOR, "input[name=scheme][value=cream]")
    radio.click()
    assert browser.execute_script("return document.documentElement.dataset.scheme") == "cream"
    assert _active(browser)[1] == radio.get_attribute("id"), "focus stays on the control that changed"
    label = browser.find_element(By.CSS_SELECTOR, f"label[for='{radio.get_attribute('id')}']").text
    _wait(browser, lambda d: label in d.find_element(By.ID, "announcer").get_attribute("textContent"))
    _assert_no_violations(auditor, f"changed settings [{lang}]")
    browser.refresh()
    assert browser.execute_script("return document.documentElement.dataset.scheme") == "cream", "saved in the cookie"
    browser.find_element(By.CSS_SELECTOR, "input[name=scheme][value=device]").click()
    _wait(browser, lambda d: d.execute_script("return document.documentElement.dataset.scheme") is None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_question_pages_swap_with_focus_title_and_history(base_url, browser, auditor, lang):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/{lang}/apply/id-card")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(browser, lambda d: d.current_url.endswith("/for-whom"))
    first_title = browser.title
    _enhanced(browser, browser.current_url)
    browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
    _wait(browser, lambda d: d.title.startswith(ERROR_PREFIX[lang]))
    assert "error-summary" in _active(browser)[2], "the error summary is focused"
    _assert_no_violations(auditor, f"question with an error [{lang}]")
    browser.find_element(By.ID, "for_whom").click()
    browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
    _wait(browser, lambda d: d.current_url.endswith("/reason"))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert _active(browser)[0] == "H1" and _active(browser)[3] == heading, "focus moves to the new question"
    assert browser.title.startswith(heading)
    _assert_no_violations(auditor, f"next question [{lang}]")
    browser.back()
    _wait(browser, lambda d: d.current_url.endswith("/for-whom") and d.title == first_title)
    browser.forward()
    _wait(browser, lambda d: d.current_url.endswith("/reason") and d.find_element(By.TAG_NAME, "h1").text == heading)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_timeout_warning_is_a_named_modal_dialog_that_continues_or_ends(base_url, browser, auditor, lang):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/{lang}/")
    # Shorten the visit in this page to 121 seconds: the warning (2 minutes before the end) opens in 1 second.
    browser.execute_script("document.querySelector('script[data-idle-seconds]').dataset.idleSeconds = '121';"
                           "document.dispatchEvent(new Event('htmx:after:request'));")
    dialog = browser.find_element(By.ID, "timeout-warning")
    _wait(browser, lambda d: dialog.get_attribute("open") is not None)
    assert browser.execute_script("return document.activeElement.closest('dialog') !== null"), "focus is inside"
    assert dialog.get_attribute("aria-labelledby") == "timeout-title"
    _assert_no_violations(auditor, f"timeout dialog [{lang}]")
    dialog.find_element(By.CSS_SELECTOR, "form[data-keep-alive] button").click()
    _wait(browser, lambda d: dialog.get_attribute("open") is None)
    # And when the time runs out, the browser goes to the "cleared" page by itself.
    browser.execute_script("document.querySelector('script[data-idle-seconds]').dataset.idleSeconds = '2';"
                           "document.dispatchEvent(new Event('htmx:after:request'));")
    _wait(browser, lambda d: "/finished" in d.current_url)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_dropped_connection_is_said_and_nothing_typed_is_lost(base_url, browser, auditor, lang):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/{lang}/apply/id-card")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(browser, lambda d: d.current_url.endswith("/for-whom"))
    _enhanced(browser, browser.current_url)
    browser.find_element(By.ID, "for_whom").click()
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
        notice = browser.find_element(By.ID, "connection-lost")
        _wait(browser, lambda d: notice.is_displayed())
        assert browser.find_element(By.ID, "for_whom").is_selected(), "what was chosen stays"
        _assert_no_violations(auditor, f"connection error [{lang}]")
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    # The next try is an ordinary form submit, and it goes through.
    browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
    _wait(browser, lambda d: d.current_url.endswith("/reason"))


def test_keyboard_only_search_and_application(base_url, browser):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/en/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert _active(browser)[3] == "Skip to main content"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    for _step in range(10):
        if _active(browser)[1] == "q":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert _active(browser)[1] == "q", "the search box is reached by Tab from the skip link"
    browser.switch_to.active_element.send_keys("pension" + Keys.ENTER)
    _wait(browser, lambda d: "/search?q=pension" in d.current_url)
    assert browser.find_element(By.ID, "search-count").text, "the results page says how many were found"

    # A whole application by keyboard alone, with JavaScript on.
    answers = example_answers("kindergarten-queue")
    browser.get(f"{base_url}/en/apply/kindergarten-queue")
    browser.find_element(By.CSS_SELECTOR, "main form button").send_keys(Keys.ENTER)
    _wait(browser, lambda d: "/for-whom" in d.current_url)
    _enhanced(browser, browser.current_url)
    while "/check" not in browser.current_url:
        question = browser.current_url.rsplit("/", 1)[1]
        for name, value in answers[question.replace("-", "_")].items():
            field = browser.find_element(By.CSS_SELECTOR, f"[name='{name}'][value='{value}']" if value in ("self", "none") else f"[name='{name}']")
            if field.get_attribute("type") == "radio":
                field.send_keys(Keys.SPACE)
            else:
                field.clear()
                field.send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").send_keys(Keys.ENTER)
        _wait(browser, lambda d: question not in d.current_url)
        if "/check" not in browser.current_url:
            assert _active(browser)[0] == "H1", f"after {question}, focus is on the next question"
    assert "Check your answers" in browser.find_element(By.TAG_NAME, "h1").text


def test_after_finish_and_clear_at_a_library_terminal_back_shows_nothing_personal(base_url, browser):
    browser.delete_all_cookies()
    _enhanced(browser, f"{base_url}/en/?terminal=library")
    answers = example_answers("id-card")
    browser.get(f"{base_url}/en/apply/id-card")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(browser, lambda d: "/for-whom" in d.current_url)
    while "/check" not in browser.current_url:
        question = fill_answers(browser, answers).replace("_", "-")
        browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
        _wait(browser, lambda d: not d.current_url.endswith("/" + question))
    personal = ["Айгүл", "Нұрланова", "580327", "Базарда"]
    assert any(value in browser.page_source for value in personal), "the check page shows the answers"
    # The prominent button in the header; then the reminder of the return code, then clear.
    browser.find_element(By.CSS_SELECTOR, "header form button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main form input[name=codes_seen]"))
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(browser, lambda d: "/finished" in d.current_url)
    for press in range(3):
        browser.back()
        time.sleep(0.5)
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert not any(value in shown for value in personal), f"Back press {press + 1} shows: {shown[:300]}"
