"""Steps a person takes in the browser, shared by the end-to-end tests."""

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait


def click_and_wait(driver, element):
    """Click, then wait for the next page: a form submit returns before the new page is there."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,))
    wait.until(staleness_of(page))
    # The footer comes last: once it is there, the new page has been parsed to the end.
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "footer.site-footer"))


def fill_answers(driver, answers: dict) -> str:
    """Answer the question this page asks (its name is the last part of the address); returns that name."""
    question = driver.current_url.rsplit("/", 1)[1].replace("-", "_")
    for name, value in answers[question].items():
        fields = driver.find_elements(By.NAME, name)
        if fields and fields[0].get_attribute("type") == "radio":
            driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()
        elif fields:
            fields[0].clear()
            fields[0].send_keys(value)
    return question
