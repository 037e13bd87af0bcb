import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from models import Submission
from tests.journey_support import example_answers, post_with_token, submit, walk


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _count_submissions(app):
    with app.extensions["komek_db"]() as db:
        return db.scalar(select(func.count()).select_from(Submission))


def test_start_page_says_what_you_get_and_that_the_id_card_needs_you_in_person(page):
    text = page("/en/apply/id-card").get_text(" ", strip=True)
    assert "must go to ЦОН in person" in text
    assert "not an official form" in text and "30 days" in text and "30 minutes" in text


def test_question_pages_have_the_question_as_h1_progress_back_and_save(client, page):
    path = walk(client, "id-card", "en", stop_before="applicant_birth_date")
    soup = page(path)
    assert soup.h1.get_text(strip=True) == "What is your date of birth?"
    assert soup.find("legend").find("h1")
    assert "Question 4 of 6" in soup.get_text()
    assert soup.find("a", string="Back")["href"] == "/en/apply/id-card/applicant-name"
    assert soup.find("button", attrs={"name": "save"})
    assert soup.find(id="applicant_birth_date")["autocomplete"] == "bday-day"


@pytest.mark.parametrize("lang, label", [("en", "What is their date of birth?"), ("ru", "Когда родился этот человек?"),
                                          ("kk", "Оның туған күні қашан?")])
def test_for_someone_else_every_question_speaks_about_them(client, page, lang, label):
    path = walk(client, "id-card", lang, for_other=True, stop_before="applicant_birth_date")
    soup = page(path)
    assert soup.h1.get_text(strip=True) == label
    assert soup.find(id="applicant_birth_date")["autocomplete"] == "off"


def test_check_page_change_returns_to_check(client, page):
    check = walk(client, "id-card", "en")
    soup = page(check)
    change = soup.find("a", href="/en/apply/id-card/applicant-name")
    assert change.get_text(" ", strip=True) == "Change : Your full name"
    response = post_with_token(client, "/en/apply/id-card/applicant-name", {"applicant_name": "Айгүл Нұрланова"})
    assert response.headers["Location"] == "/en/apply/id-card/check"
    assert "Айгүл Нұрланова" in client.get(check).get_data(as_text=True)


def test_a_change_that_adds_a_question_asks_it_before_returning(client):
    client.get(walk(client, "id-card", "en"))
    response = post_with_token(client, "/en/apply/id-card/reason", {"reason": "stolen"})
    assert response.headers["Location"] == "/en/apply/id-card/police-report"


@pytest.mark.parametrize("question, typed, message", [
    ("applicant_iin", {"applicant_iin": "58032740000"}, "The IIN has 11 digits. It needs 12"),
    ("applicant_iin", {"applicant_iin": "580327400004"}, "This IIN is not right. Check each digit"),
    ("applicant_iin", {"applicant_iin": "880101300000"}, "This IIN does not match the date of birth"),
    ("applicant_birth_date", {"applicant_birth_date-day": "30", "applicant_birth_date-month": "2", "applicant_birth_date-year": "1958"},
     "Enter a real date"),
    ("applicant_birth_date", {"applicant_birth_date-day": "1", "applicant_birth_date-month": "1", "applicant_birth_date-year": "2999"},
     "The date must be today or in the past"),
    ("applicant_birth_date", {"applicant_birth_date-day": "1", "applicant_birth_date-month": "", "applicant_birth_date-year": "1958"},
     "The date must include a month"),
    ("applicant_name", {"applicant_name": "<script>alert(1)</script>"}, "A name can have only letters"),
    ("applicant_name", {"applicant_name": "  "}, "Enter the full name"),
    ("circumstances", {"circumstances": "x" * 501}, "Write up to 500 characters. Now there are 501."),
])
def test_bad_answers_get_a_specific_message_and_keep_what_was_typed(client, question, typed, message):
    path = walk(client, "id-card", "en", stop_before=question)
    response = post_with_token(client, path, typed)
    assert response.status_code == 200
    soup = _soup(response)
    assert message in soup.find(class_="error-summary").get_text()
    assert soup.title.get_text().startswith("Error:")
    html = response.get_data(as_text=True)
    for value in typed.values():
        if value.strip() and len(value) < 100:
            assert str(BeautifulSoup(f"<i>{value}</i>", "html.parser").i.string) in soup.get_text(" ") or f'value="{value}"' in html or value in html.replace("&lt;", "<").replace("&gt;", ">")
    assert "<script>alert(1)</script>" not in html


def test_error_messages_are_in_the_readers_language(client):
    path = walk(client, "id-card", "ru", stop_before="applicant_iin")
    soup = _soup(post_with_token(client, path, {"applicant_iin": "123"}))
    assert soup.title.get_text().startswith("Ошибка:")
    assert "ИИН" in soup.find(class_="error-summary").get_text()


def test_phone_in_any_common_form_is_stored_normalised(client, page):
    check = walk(client, "kindergarten-queue", "en")
    assert "+7 701 123 45 67" in page(check).get_text()


def test_confirm_gives_a_readable_reference_and_a_separate_secret_code(client, page):
    done = submit(client, "remove-registered-person", "en")
    reference = re.search(r"KMK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", page(done).get_text()).group(0)
    printout = page("/en/apply/remove-registered-person/answers")
    assert reference in printout.get_text() and "Иван Петров" in printout.get_text()
    assert "Secret code" not in printout.get_text()
    slip = page("/en/apply/remove-registered-person/keep-this").get_text(" ", strip=True)
    assert reference in slip and re.search(r"Secret code: [2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", slip)
    assert printout.response.headers["Cache-Control"] == "no-store"


def test_printout_for_someone_else_names_who_prepared_it_and_tells_the_applicant_to_go_in_person(client, page):
    submit(client, "id-card", "en", for_other=True)
    text = page("/en/apply/id-card/answers").get_text(" ", strip=True)
    assert "Prepared by Ерлан Асқарұлы to help the applicant." in text
    assert "must go to ЦОН in person" in text
    assert "&lt;b&gt;кейін&lt;/b&gt;" not in text and "<b>кейін</b>" in text, "typed HTML is shown as text"


def test_submitting_twice_creates_one_application(app, client):
    check = walk(client, "kindergarten-queue", "kk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(check).get_data(as_text=True)).group(1)
    before = _count_submissions(app)
    first = client.post(check, data={"csrf_token": token})
    second = client.post(check, data={"csrf_token": token})
    assert first.headers["Location"] == second.headers["Location"] == "/kk/apply/kindergarten-queue/done"
    assert _count_submissions(app) == before + 1


def test_old_child_is_warned_with_the_source_not_blocked(client, page):
    walk(client, "kindergarten-queue", "en")
    post_with_token(client, "/en/apply/kindergarten-queue/subject-birth-date",
                    {"subject_birth_date-day": "1", "subject_birth_date-month": "1", "subject_birth_date-year": "2015"})
    soup = page("/en/apply/kindergarten-queue/check")
    assert "The sources say the queue is for children aged 6 or younger" in soup.get_text()
    assert soup.find("form", action="/en/apply/kindergarten-queue/check")


def _return_code(client, slug, lang="en"):
    html = client.get(f"/{lang}/apply/{slug}/save").get_data(as_text=True)
    return re.search(r'class="big code">([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2})<', html).group(1)


def _resume(client, code, day="27", month="3", year="1958"):
    return post_with_token(client, "/en/apply/resume",
                           {"code": code, "birth_date-day": day, "birth_date-month": month, "birth_date-year": year})


def test_save_and_resume_on_another_computer(app, client, page):
    walk(client, "id-card", "en", stop_before="circumstances")
    code = _return_code(client, "id-card")
    other_computer = app.test_client()
    # Small letters, spaces and Cyrillic look-alikes are all accepted.
    typed = code.lower().replace("-", " ").replace("a", "а").replace("e", "е")
    response = _resume(other_computer, typed)
    assert response.status_code == 303 and response.headers["Location"] == "/en/apply/id-card/circumstances"
    assert "Айгүл" in other_computer.get("/en/apply/id-card/applicant-name").get_data(as_text=True)


def test_save_page_asks_the_date_of_birth_when_it_is_not_answered_yet(client, page):
    walk(client, "id-card", "en", stop_before="applicant_name")
    soup = page("/en/apply/id-card/save")
    assert soup.find("legend").get_text(strip=True) == "What is your date of birth?"
    assert "Your return code" in soup.get_text()


def test_wrong_code_and_wrong_date_get_the_same_answer_and_tries_are_limited(app, client):
    walk(client, "id-card", "en", stop_before="circumstances")
    code = _return_code(client, "id-card")
    stranger = app.test_client()
    wrong_date = _soup(_resume(stranger, code, year="1959")).find(class_="error-summary").get_text()
    wrong_code = _soup(_resume(stranger, "2222-3333-44")).find(class_="error-summary").get_text()
    assert wrong_date == wrong_code
    for _try in range(4):
        _resume(stranger, code, year="1960")
    locked = _soup(_resume(stranger, code)).find(class_="error-summary").get_text()
    assert "Too many tries" in locked, "5 failures on a code lock it, even with the right date"


def test_a_late_answer_after_the_visit_ended_is_kept_and_added_after_resuming(app, client):
    walk(client, "id-card", "en", stop_before="circumstances")
    code = _return_code(client, "id-card")
    path = "/en/apply/id-card/circumstances"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    client.delete_cookie("komek_session")  # the visit timed out while the page was open
    late = client.post(path, data={"csrf_token": token, "circumstances": "Lost on the bus"})
    assert late.status_code == 400
    soup = _soup(late)
    assert soup.find("textarea").get_text() == "Lost on the bus"
    assert "your visit ended" in soup.get_text()
    # "Continue" on that page (it carries a token for the new visit) keeps the answer for after resuming.
    fresh_token = re.search(r'name="csrf_token" value="([^"]+)"', late.get_data(as_text=True)).group(1)
    again = client.post(path, data={"csrf_token": fresh_token, "circumstances": "Lost on the bus"})
    assert again.headers["Location"] == "/en/apply/resume"
    assert _resume(client, code).status_code == 303
    assert "Lost on the bus" in client.get("/en/apply/id-card/check").get_data(as_text=True)


def test_unsupported_reason_points_to_1414(client, page):
    walk(client, "id-card", "en", stop_before="reason")
    response = post_with_token(client, "/en/apply/id-card/reason", {"reason": "other"})
    assert response.headers["Location"] == "/en/apply/id-card/not-covered"
    assert "1414" in page("/en/apply/id-card/not-covered").find("main").get_text()


def test_no_personal_data_in_urls_or_cookies(app):
    client = app.test_client()
    seen_locations = []
    answers = example_answers("kindergarten-queue")
    location = post_with_token(client, "/en/apply/kindergarten-queue", {}).headers["Location"]
    while not location.endswith("/check"):
        seen_locations.append(location)
        location = post_with_token(client, location, answers[location.rsplit("/", 1)[1].replace("-", "_")]).headers["Location"]
    seen_locations.append(post_with_token(client, location, {}).headers["Location"])
    personal = ["Айгүл", "Нұрланова", "580327", "1958", "701", "Әлия", "230502"]
    for url in seen_locations:
        assert not any(value in url for value in personal), url
    cookies = {cookie.key: cookie.value for cookie in client._cookies.values()}
    assert set(cookies) <= {"komek_session", "komek_reading"}
    assert not any(value in cookie for value in personal for cookie in cookies.values())


def test_unknown_application_is_404(page):
    page("/en/apply/no-such-thing", expected_status=404)
