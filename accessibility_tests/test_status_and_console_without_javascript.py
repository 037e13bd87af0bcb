"""Journeys 3 and 4 meet the helpers' console, with JavaScript off: a person books a time and checks its
status; a helper signs in, moves it to "Ready", and the person sees it; a locked reference is unlocked by
a helper after the person asks."""

import re

from selenium.webdriver.common.by import By

from browsing import click_and_wait
from test_help_without_javascript import _main, _submit, _type

PASSWORD = "a long enough password"


def _create_helper(app, username):
    from services.staff import create_account, password_hasher
    from web.sessions import utcnow

    with app.extensions["komek_db"]() as db, db.begin():
        create_account(db, password_hasher(app.config), username, PASSWORD, utcnow(), is_admin=True)


def _check_status(driver, base_url, reference, secret):
    driver.get(f"{base_url}/en/status/")
    _type(driver, "reference", reference)
    _type(driver, "secret_code", secret)
    _submit(driver)


def test_a_helper_moves_a_booking_to_ready_and_unlocks_a_locked_reference(app, base_url, browsers_without_javascript):
    person, helper = browsers_without_javascript
    for driver in (person, helper):
        driver.delete_all_cookies()
    _create_helper(app, "aigerim")

    # The person books a time.
    person.get(f"{base_url}/en/help/book/example-library-1")
    click_and_wait(person, person.find_elements(By.CSS_SELECTOR, "main ul.days a")[0])
    person.find_elements(By.CSS_SELECTOR, "input[name=time]:not([disabled])")[0].click()
    _type(person, "name", "Сәуле Жұмабаева")
    _type(person, "phone", "+7 705 111 22 33")
    person.find_element(By.CSS_SELECTOR, "input[name=phone_owner][value=self]").click()
    _submit(person)
    reference, secret = [element.text for element in person.find_elements(By.CSS_SELECTOR, "strong.big.code")]

    _check_status(person, base_url, reference, secret)
    assert person.current_url.endswith("/en/status/result") and "Received" in _main(person)

    # A helper signs in, finds it among the appointments, and marks it ready.
    helper.get(f"{base_url}/en/staff/sign-in")
    _type(helper, "username", "aigerim")
    _type(helper, "password", PASSWORD)
    _submit(helper)
    helper.get(f"{base_url}/en/staff/appointments")
    row = next(element for element in helper.find_elements(By.CSS_SELECTOR, "main tr") if "Сәуле Жұмабаева" in element.text)
    click_and_wait(helper, row.find_element(By.TAG_NAME, "a"))
    helper.find_element(By.CSS_SELECTOR, "input[name=status][value=ready]").click()
    form = helper.find_element(By.XPATH, "//main//form[.//input[@name='status']]")
    click_and_wait(helper, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/staff/records/" in helper.current_url and not re.search(r"KMK|Сәуле|705", helper.current_url)

    _check_status(person, base_url, reference, secret)
    assert "Ready: come to the help point at your time" in _main(person)

    # Five wrong codes lock the reference, even for the right one; a helper unlocks it.
    for _try in range(5):
        _check_status(person, base_url, reference, "2222-3333")
    _check_status(person, base_url, reference, secret)
    assert "locked for 1 hour" in _main(person)
    helper.get(f"{base_url}/en/staff/unlock")
    _type(helper, "reference", reference.lower())
    unlock = helper.find_element(By.XPATH, "//main//form[.//input[@name='reference']]")
    click_and_wait(helper, unlock.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    _check_status(person, base_url, reference, secret)
    assert person.current_url.endswith("/en/status/result")
