"""A three-arm study (seed 000: compassion course, relaxation control, waiting list) walked in headless
Chromium. At desktop width a facilitator sets up the two arms' groups and a researcher makes the study
from its template, links the groups, opens it, screens a person and invites them; at phone width (390 px)
the participant consents item by item and sees only the neutral public title; the study randomises them
at consent and staff see the allocation; the participant answers a baseline questionnaire one item per
screen, leaves halfway and comes back to where they stopped. axe-core runs on every page visited;
screenshots go to browser-tests/screenshots/.

    TEND_BIN=.build/debug/tend pytest browser-tests/test_study_walk.py
"""
import datetime
import os
import re
import tempfile
import time

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_platform import browser, choose, click_and_wait, has_left, look, server, set_value  # noqa: F401
from test_between_sessions import check, fill, main_text

PHONE = 390
DESKTOP = 1280
TEMPLATE = "ost-compassion-feasibility"
STAFF_TITLE = "OST three-arm feasibility"
PUBLIC_TITLE = "Stress reduction skills course"
ARM_NAMES = ["Brief compassion course", "Relaxation skills course", "Waiting list"]


def settled_click(d, selector):
    """Clicks the submit button at `selector` and waits for the next page, trying again to find and click
    it while a page that was just opened is still settling. Once a click has landed it is never repeated,
    so a slow page change cannot turn into a press on the next page's first button."""
    for attempt in range(20):
        try:
            WebDriverWait(d, 5).until(lambda x: x.execute_script("return document.readyState") == "complete")
            old = d.find_element(By.TAG_NAME, "html")
            d.find_element(By.CSS_SELECTOR, selector).click()
            break
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 19:
                raise
            time.sleep(0.2)
    WebDriverWait(d, 10).until(lambda _: has_left(old))


def submit_form(d, action_suffix):
    """Submits the form on the page whose action ends with `action_suffix` (a page may hold several)."""
    settled_click(d, f"main form[action$='{action_suffix}'] button[type=submit]")


def submit_main(d):
    settled_click(d, "main form button[type=submit]")


def path_of(d, base):
    return d.current_url.replace(base, "").split("?")[0].split("#")[0]


def invite_staff(d, base, email, role):
    """As the admin on their home page: invites `email` with `role`; returns the link."""
    d.get(base + "/")
    fill(d, email=email)
    choose(d, "role", role)
    submit_main(d)
    return d.find_element(By.ID, "invitation-link").get_attribute("value")


def accept(d, link, name, password):
    d.delete_all_cookies()
    d.get(link)
    fill(d, name=name, password=password, confirm=password)
    submit_main(d)


def test_three_arm_study_from_template_to_baseline_questionnaire(server):
    base, setup_link = server
    staff = browser(DESKTOP)
    phone = browser(PHONE)
    today = datetime.date.today()
    start = today + datetime.timedelta(days=3)
    try:
        # The first admin sets up and invites a facilitator and a researcher.
        staff.get(setup_link)
        fill(staff, name="Ada Admin", email="ada@example.org", password="a long enough secret", confirm="a long enough secret")
        submit_main(staff)
        fran_link = invite_staff(staff, base, "fran@example.org", "facilitator")
        rita_link = invite_staff(staff, base, "rita@example.org", "researcher")

        # The facilitator makes a group for each arm with a programme, starting in three days.
        accept(staff, fran_link, "Fran Facilitator", "another good secret")
        groups = {}
        for arm, programme in (("compassion", "brief-compassion-ost/three-session"),
                               ("relaxation", "relaxation-control-ost/three-session")):
            staff.get(base + "/groups/new")
            fill(staff, name=f"Group {arm[0].upper()}", timeZone="UTC", callLink=f"https://meet.example.org/{arm}")
            choose(staff, "programme", programme)
            set_value(staff, "startDate", start.isoformat())
            choose(staff, "weekday", str(start.isoweekday()))
            set_value(staff, "time", "18:30")
            submit_main(staff)
            WebDriverWait(staff, 10).until(lambda x: "/groups/new" not in x.current_url)
            groups[arm] = path_of(staff, base).split("/")[-1]

        # The researcher makes the study from the seed 000 template.
        accept(staff, rita_link, "Rita Researcher", "a researcher's secret")
        staff.get(base + "/studies/new")
        check(staff, "study-new")
        choose(staff, "template", TEMPLATE)
        fill(staff, title=STAFF_TITLE, publicTitle=PUBLIC_TITLE)
        submit_main(staff)
        WebDriverWait(staff, 10).until(lambda x: "/studies/new" not in x.current_url)
        study = path_of(staff, base)
        assert re.fullmatch(r"/studies/[0-9a-f-]{36}", study), study
        check(staff, "study")
        text = main_text(staff)
        for name in ARM_NAMES:
            assert name in text, f"the researcher sees arm {name}"
        for arm, group in groups.items():
            Select(staff.find_element(By.ID, "arm-" + arm)).select_by_value(group)
        submit_form(staff, "/arm-groups")
        submit_form(staff, "/open")
        check(staff, "study-open")
        assert "Open for recruitment" in main_text(staff)

        # Screening one person: approached today, eligible, agreed, invited.
        staff.get(base + study + "/screening")
        check(staff, "screening-log")
        submit_form(staff, "/screening")
        person = path_of(staff, base)
        code = person.split("/")[-1]
        assert code == "S-0001"
        check(staff, "person")
        fill(staff, **{"q-age": "38", "q-years-using-opioids": "15"})
        for question, answer in (("q-english", "yes"), ("q-substitute-prescribed", "yes"), ("q-medication", "methadone"),
                                 ("q-learning-or-neurological", "no"), ("q-reads-unaided", "yes")):
            choose(staff, question, answer)
        Select(staff.find_element(By.ID, "s-medication")).select_by_value("methadone")
        submit_form(staff, "/eligibility")
        assert "Eligible" in main_text(staff)
        choose(staff, "agreed", "yes")
        submit_form(staff, "/agreement")
        submit_form(staff, "/invitation")
        check(staff, "person-invited")
        link = staff.find_element(By.CSS_SELECTOR, "main a[href*='/study-invitations/']").get_attribute("href")

        # On a phone: the account, then the consent form, one tick box per statement.
        phone.get(link)
        check(phone, "study-join")
        assert PUBLIC_TITLE in main_text(phone) or "Create my account" in main_text(phone)
        fill(phone, email="sam@example.org", password="a calm long password", confirm="a calm long password")
        submit_main(phone)
        WebDriverWait(phone, 10).until(lambda x: "/my/consent" in x.current_url)
        check(phone, "consent")
        page = main_text(phone)
        assert PUBLIC_TITLE in phone.page_source
        assert STAFF_TITLE not in phone.page_source and "opioid substitution" not in phone.page_source
        for name in ARM_NAMES:
            assert name not in phone.page_source, f"the consent page names no arm ({name})"
        boxes = phone.find_elements(By.CSS_SELECTOR, "main input[type=checkbox]")
        assert len(boxes) == 5
        # Ticking only the first: the form comes back naming what is missing, with that tick kept.
        boxes[0].click()
        submit_main(phone)
        check(phone, "consent-error")
        assert "Tick" in main_text(phone)
        boxes = phone.find_elements(By.CSS_SELECTOR, "main input[type=checkbox]")
        assert boxes[0].is_selected()
        for box in boxes[1:]:
            if not box.is_selected():
                box.click()
        submit_main(phone)
        check(phone, "consented")
        assert "You signed version v1 of the consent form" in main_text(phone)
        phone.get(base + "/")
        check(phone, "consented-home")
        assert "Questionnaires to fill in" in main_text(phone), main_text(phone)[:800]
        # Their home names the course they are in (their own arm's programme) and never another arm or "control".
        source = phone.page_source.lower()
        assert sum(name.lower() in source for name in ARM_NAMES) == 1, main_text(phone)[:300]
        assert "waiting list" not in source and "control" not in source

        # Randomised at consent: the researcher (unblinded) sees the arm on the record.
        staff.get(base + person)
        check(staff, "person-allocated")
        record = main_text(staff)
        assert "when they consented: " in record
        assert any(name in record for name in ARM_NAMES[:2]), record[:1500]

        # The baseline questionnaire, one question per screen; leave halfway and come back.
        phone.get(base + "/")
        first = phone.find_element(By.CSS_SELECTOR, "main a[href^='/my/questionnaires/']")
        questionnaire = first.get_attribute("href").replace(base, "")
        click_and_wait(phone, first)
        check(phone, "questionnaire-item")
        progress = phone.find_element(By.ID, "progress-text").text
        total = int(re.fullmatch(r"Question 1 of (\d+)", progress).group(1))
        assert total > 4
        half = total // 2
        for number in range(1, half + 1):
            assert phone.find_element(By.ID, "progress-text").text == f"Question {number} of {total}"
            assert f"Question {number}: Question {number}" not in main_text(phone), "a question without wording is not named twice"
            radios = phone.find_elements(By.CSS_SELECTOR, "main input[type=radio][name=answer]")
            assert len(radios) >= 2
            phone.execute_script("arguments[0].click();", radios[1])
            click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[name=move][value=next]"))
        # Away to the home page, then back: the questionnaire resumes at the first unanswered question.
        phone.get(base + "/")
        check(phone, "home-halfway")
        phone.get(base + questionnaire)
        check(phone, "questionnaire-resumed")
        assert phone.find_element(By.ID, "progress-text").text == f"Question {half + 1} of {total}"
        # Going back shows the answer given before leaving.
        click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[name=move][value=back]"))
        assert phone.find_element(By.ID, "progress-text").text == f"Question {half} of {total}"
        chosen = phone.find_elements(By.CSS_SELECTOR, "main input[type=radio][name=answer]")[1]
        assert chosen.is_selected()
        click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[name=move][value=next]"))
        for number in range(half + 1, total + 1):
            assert phone.find_element(By.ID, "progress-text").text == f"Question {number} of {total}"
            radios = phone.find_elements(By.CSS_SELECTOR, "main input[type=radio][name=answer]")
            phone.execute_script("arguments[0].click();", radios[1])
            click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[name=move][value=next]"))
        check(phone, "questionnaire-review")
        submit_form(phone, "/submit")
        check(phone, "questionnaire-done")
        assert "thank you" in main_text(phone).lower()

        # The researcher's dashboard counts the one person, and the long CSV downloads.
        staff.get(base + study + "/dashboard")
        check(staff, "study-dashboard")
        dashboard = main_text(staff)
        assert "1 allocated" in dashboard, dashboard[:1500]
        staff.get(base + study + "/exports")
        check(staff, "study-exports")
        downloads = tempfile.mkdtemp(prefix="tend-study-walk-")
        staff.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        staff.find_element(By.CSS_SELECTOR, "main a[href$='scores-long.csv']").click()
        WebDriverWait(staff, 20).until(lambda x: any(n.endswith(".csv") for n in os.listdir(downloads)))
        name = next(n for n in os.listdir(downloads) if n.endswith(".csv"))
        with open(os.path.join(downloads, name), encoding="utf-8") as f:
            lines = f.read().splitlines()
        assert lines[0].startswith("study_code,arm,timepoint,measure,score"), lines[:2]
        assert any(line.startswith(code + ",") and ",baseline," in line for line in lines), lines[:5]
    finally:
        staff.quit()
        phone.quit()
