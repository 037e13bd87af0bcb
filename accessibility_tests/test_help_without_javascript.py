"""Journey 3 end to end in Chromium with JavaScript off, in kk, ru and en: book a time at a help point
(after one wrong try), find the booking with its reference and secret code, change its time, cancel it;
and request a home visit."""

import re

import pytest
from selenium.webdriver.common.by import By

from browsing import click_and_wait

CODE = r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"


def _submit(driver):
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def _type(driver, name, text):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def _main(driver):
    return driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_book_change_and_cancel_a_time(base_url, browsers_without_javascript, lang):
    driver = browsers_without_javascript[0]
    driver.delete_all_cookies()
    urls = []
    driver.get(f"{base_url}/{lang}/help")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/book']"))
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/book/example-library-1']"))
    urls.append(driver.current_url)
    click_and_wait(driver, driver.find_elements(By.CSS_SELECTOR, "main ul.days a")[0])
    urls.append(driver.current_url)

    # Send it with nothing chosen first: the error summary leads, and nothing breaks.
    _submit(driver)
    assert driver.find_elements(By.CSS_SELECTOR, ".error-summary li a[href='#time']")
    free = driver.find_elements(By.CSS_SELECTOR, "input[name=time]:not([disabled])")
    free[0].click()
    _type(driver, "name", "Гүлнар Оспанова")
    _type(driver, "phone", "8 701 765 43 21")
    driver.find_element(By.CSS_SELECTOR, "input[name=phone_owner][value=helper]").click()
    _submit(driver)
    assert driver.current_url.endswith(f"/{lang}/help/booked")
    reference, secret = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "strong.big.code")]
    assert re.fullmatch(f"KMK-{CODE}", reference) and re.fullmatch(CODE, secret)
    assert "Гүлнар Оспанова" in _main(driver) and "+7 701 765 43 21" in _main(driver)
    # komek.js would show the print button: hidden proves this browser really runs no JavaScript.
    assert not driver.find_element(By.CSS_SELECTOR, "[data-print]").is_displayed()

    # Find it again with the reference and code, typed in small letters without dashes.
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/find']"))
    _type(driver, "reference", reference.lower().replace("-", ""))
    _type(driver, "secret_code", secret.lower())
    _submit(driver)
    assert driver.current_url.endswith(f"/{lang}/help/booking") and reference in _main(driver)
    before = _main(driver)

    # Change the time: the last day offered, its last free time.
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/booking/change']"))
    click_and_wait(driver, driver.find_elements(By.CSS_SELECTOR, "main ul.days a")[-1])
    urls.append(driver.current_url)
    driver.find_elements(By.CSS_SELECTOR, "input[name=time]:not([disabled])")[-1].click()
    _submit(driver)
    assert driver.current_url.endswith(f"/{lang}/help/booking")
    assert driver.find_elements(By.CSS_SELECTOR, "main .notice[role=status]")
    after = _main(driver)
    assert reference in after and after != before

    # Cancel it, after the "are you sure" page.
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/booking/cancel']"))
    _submit(driver)
    assert driver.current_url.endswith(f"/{lang}/help/booking")
    assert not driver.find_elements(By.CSS_SELECTOR, f"main a[href='/{lang}/help/booking/change']")
    assert driver.find_elements(By.CSS_SELECTOR, f"main a[href='/{lang}/help/book']")

    # Nothing personal ever went into an address.
    for url in urls + [driver.current_url]:
        assert reference not in url and secret not in url and "701" not in url and "%D0" not in url


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_request_a_home_visit(base_url, browsers_without_javascript, lang):
    driver = browsers_without_javascript[1]
    driver.delete_all_cookies()
    driver.get(f"{base_url}/{lang}/help")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/{lang}/help/home-visit']"))
    _type(driver, "name", "Бақыт Сейітова")
    _submit(driver)
    # Errors for what is missing; the name typed is still there.
    assert driver.find_elements(By.CSS_SELECTOR, ".error-summary li a[href='#consent']")
    assert driver.find_element(By.NAME, "name").get_attribute("value") == "Бақыт Сейітова"
    for selector in ("input[name=for_whom][value=other]", "input[name=reason][value=illness]",
                     "input[name=about][value=age-pension]", "input[name=days][value=tue]",
                     "input[name=days][value=sat]", "input[name=times][value=morning]", "input[name=consent]"):
        driver.find_element(By.CSS_SELECTOR, selector).click()
    _type(driver, "address", "Мысал ауылы, Бірінші көше, 5")
    _type(driver, "phone", "+7 702 000 11 22")
    _submit(driver)
    assert driver.current_url.endswith(f"/{lang}/help/home-visit/sent")
    reference, secret = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "strong.big.code")]
    assert re.fullmatch(f"KMK-{CODE}", reference) and re.fullmatch(CODE, secret)
    assert "+7 702 000 11 22" in _main(driver)
    assert "702" not in driver.current_url
