"""What a screen reader gets, from Chromium's own accessibility tree: headings in order, landmarks, control
names and live-region text on key pages and states. A change that silences an announcement fails here."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

LANDMARK_ROLES = {"banner", "navigation", "main", "contentinfo", "region", "search", "form", "complementary"}


def screen_reader_view(browser) -> dict:
    browser.execute_cdp_cmd("Accessibility.enable", {})
    nodes = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    view = {"headings": [], "landmarks": [], "controls": [], "live": []}
    for node in _in_reading_order(nodes):
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        name = (node.get("name") or {}).get("value", "")
        properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if role == "heading":
            view["headings"].append((properties.get("level"), name))
        elif role in LANDMARK_ROLES and (role != "region" or name) and (role != "form" or name):
            view["landmarks"].append((role, name))
        elif role in {"button", "link", "textbox", "radio", "checkbox", "searchbox", "combobox", "spinbutton"}:
            view["controls"].append((role, name))
        if properties.get("live") in ("polite", "assertive") and role in ("status", "alert"):
            view["live"].append((role, name or ""))
    return view


def _in_reading_order(nodes: list[dict]) -> list[dict]:
    """The tree's nodes as a screen reader walks them: depth first from the root, children in order."""
    by_id = {node["nodeId"]: node for node in nodes}
    ordered, stack = [], [nodes[0]["nodeId"]]
    while stack:
        node = by_id.get(stack.pop())
        if node is None:
            continue
        ordered.append(node)
        stack.extend(reversed(node.get("childIds", [])))
    return ordered


def _live_texts(browser):
    return [element.get_attribute("textContent").strip()
            for element in browser.find_elements(By.CSS_SELECTOR, "[role=status], [role=alert]")
            if element.get_attribute("textContent").strip() and element.is_displayed()]


def _wait(browser, condition):
    return WebDriverWait(browser, 10).until(lambda driver: condition(driver))


def test_every_page_has_the_same_landmarks_and_named_regions(base_url, browser):
    browser.get(f"{base_url}/en/guides/id-card")
    view = screen_reader_view(browser)
    roles = [role for role, _name in view["landmarks"]]
    assert roles[:2] == ["banner", "navigation"] and roles.count("main") == 1 and roles[-1] == "contentinfo"
    assert ("navigation", "Language") in view["landmarks"]
    assert ("region", "Get help from a person") in view["landmarks"]
    assert ("region", "Using a shared computer?") in view["landmarks"]
    levels = [level for level, _name in view["headings"]]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"headings skip a level: {view['headings']}"
    assert view["headings"][0][1] == browser.find_element(By.TAG_NAME, "h1").text


def test_a_question_page_says_the_question_and_names_every_control(base_url, browser):
    browser.delete_all_cookies()
    browser.get(f"{base_url}/en/apply/id-card")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(browser, lambda d: d.current_url.endswith("/for-whom"))
    view = screen_reader_view(browser)
    assert view["headings"][0] == (1, "Who is this application for?")
    radios = [name for role, name in view["controls"] if role == "radio"]
    assert radios == ["For me", "For someone else: a relative, a neighbour or a person I care for"]
    buttons = [name for role, name in view["controls"] if role == "button"]
    assert "Continue" in buttons and "Save and come back later" in buttons and "Finish and clear" in buttons
    # An error state: the alert carries the error, and the title starts with "Error:".
    browser.find_element(By.CSS_SELECTOR, "main form button:not([name])").click()
    _wait(browser, lambda d: d.title.startswith("Error:"))
    assert "Select who the application is for" in " ".join(_live_texts(browser))
    assert any(role == "alert" for role, _name in screen_reader_view(browser)["live"]), "the error is announced"


def test_live_search_count_is_in_a_polite_live_region(base_url, browser):
    browser.get(f"{base_url}/ru/search")
    _wait(browser, lambda d: d.execute_script("return typeof window.htmx === 'object'"))
    browser.find_element(By.ID, "q").send_keys("пенсия")
    _wait(browser, lambda d: d.find_element(By.ID, "search-count").text)
    live = [element for element in browser.find_elements(By.CSS_SELECTOR, "[role=status]") if element.text]
    assert any("Найден" in element.text for element in live)
    view = screen_reader_view(browser)
    assert any(role == "status" for role, _name in view["live"])
    assert ("searchbox", "Поиск услуги") in view["controls"] or ("textbox", "Поиск услуги") in view["controls"]


@pytest.mark.parametrize("lang, name", [("kk", "Тіл"), ("ru", "Язык"), ("en", "Language")])
def test_the_language_switcher_is_named_in_each_language(base_url, browser, lang, name):
    browser.get(f"{base_url}/{lang}/")
    assert ("navigation", name) in screen_reader_view(browser)["landmarks"]
