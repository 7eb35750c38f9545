"""Practice between sessions in headless Chromium at phone width (390 px): a participant logs a practice,
writes diary entries whose craving rises, uses the thought tool and the breathing pacer (start, pause,
and with reduced motion asked for), and sends a check-in that autosaves while typed; their facilitator
sees the rising-craving flag on the group overview, acknowledges it and replies (the reply autosaves too); the participant reads
the reply. axe-core runs on every page visited; screenshots go to browser-tests/screenshots/.

    TEND_BIN=.build/debug/tend pytest browser-tests/test_between_sessions.py
"""
import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

from test_platform import browser, choose, click_and_wait, look, server, set_value, submit  # noqa: F401
from test_platform import fill as fill_once

PHONE = 390


def check(d, name):
    """Every page visited: a screenshot and no axe-core violations."""
    violations = look(d, name)
    assert violations == [], f"{name}: {violations}"


def fill(d, **fields):
    """Fills fields, trying again while a page that was just opened is still settling."""
    for attempt in range(20):
        try:
            fill_once(d, **fields)
            return
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 19:
                raise
            WebDriverWait(d, 5).until(lambda x: x.execute_script("return document.readyState") == "complete")


def main_text(d):
    return d.find_element(By.TAG_NAME, "main").text


def staff_and_group(d, base, setup_link):
    """The first admin sets up, invites a facilitator who accepts; the facilitator creates a weekly group
    and invites Sam. Returns the group's path and Sam's invitation link."""
    d.get(setup_link)
    fill(d, name="Ada Admin", email="ada@example.org", password="a long enough secret", confirm="a long enough secret")
    submit(d)
    fill(d, email="fran@example.org")
    d.find_element(By.ID, "role").click()  # the first role: facilitator
    submit(d)
    link = d.find_element(By.ID, "invitation-link").get_attribute("value")
    d.delete_all_cookies()
    d.get(link)
    fill(d, name="Fran Facilitator", password="another good secret", confirm="another good secret")
    submit(d)
    start = datetime.date.today() - datetime.timedelta(days=7)
    d.get(base + "/groups/new")
    fill(d, name="Thursday group", timeZone="UTC", callLink="https://meet.example.org/tend-room")
    choose(d, "programme", "compassionate-living-pain/eight-session")
    set_value(d, "startDate", start.isoformat())
    choose(d, "weekday", str(start.isoweekday()))
    set_value(d, "time", "18:30")
    submit(d)
    WebDriverWait(d, 10).until(lambda x: "/groups/new" not in x.current_url)
    group_path = d.current_url.replace(base, "").split("?")[0].split("#")[0]
    fill(d, displayName="Sam Taylor", studyCode="PAIN-001")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[name=invite][value=yes]"))
    return group_path, d.find_element(By.ID, "participant-link").get_attribute("value")


def test_practice_diary_thoughts_pacer_check_in_and_reply(server):
    base, setup_link = server
    staff = browser(PHONE)
    phone = browser(PHONE)
    today = datetime.date.today()
    try:
        group_path, join_link = staff_and_group(staff, base, setup_link)
        assert group_path.startswith("/groups/")

        phone.get(join_link)
        fill(phone, email="sam@example.org", password="a calm long password", confirm="a calm long password")
        submit(phone)
        WebDriverWait(phone, 10).until(lambda x: "/join/" not in x.current_url)
        check(phone, "between-home")

        # The practice log: a practice of one's own, 15 minutes.
        phone.get(base + "/my/practice")
        check(phone, "practice")
        Select(phone.find_element(By.ID, "exercise")).select_by_value("")
        fill(phone, minutes="15", note="Soothing breathing on the bus")
        submit(phone)
        assert "Saved. Thank you for making time for this." in main_text(phone)
        assert "15" in main_text(phone)
        check(phone, "practice-saved")

        # The diary: a medicine, then four days with craving rising 2, 4, 6, 8.
        phone.get(base + "/my/diary/medicines")
        check(phone, "medicines")
        fill(phone, name="Codeine 30 mg", unit="tablet")
        submit(phone)
        for back, craving in ((3, "2"), (2, "4"), (1, "6"), (0, "8")):
            day = today - datetime.timedelta(days=back)
            phone.get(base + "/my/diary?date=" + day.isoformat())
            if back == 3:
                check(phone, "diary")
            fill(phone, pain="5", craving=craving)
            dose = phone.find_element(By.CSS_SELECTOR, "input[id^='dose-']")
            dose.clear()
            dose.send_keys("2")
            submit(phone)
            assert "Saved your diary for" in main_text(phone)
        check(phone, "diary-saved")

        # The thought tool.
        phone.get(base + "/my/thoughts")
        check(phone, "thoughts")
        fill(phone, thought="I am a burden to everyone", caring="You are still good company")
        submit(phone)
        assert "/my/thoughts/" in phone.current_url
        assert "You are still good company" in main_text(phone)
        check(phone, "thought-saved")

        # The pacer waits for Start, runs, pauses.
        phone.get(base + "/my/pacer")
        check(phone, "pacer")
        pacer = phone.find_element(By.CSS_SELECTOR, "[data-pacer]")
        toggle = phone.find_element(By.CSS_SELECTOR, "[data-pacer-toggle]")
        assert "pacer--paused" in pacer.get_attribute("class")
        assert toggle.text == "Start"
        toggle.click()
        assert "pacer--paused" not in pacer.get_attribute("class")
        assert toggle.text == "Pause"
        announce = phone.find_element(By.CSS_SELECTOR, "[data-pacer-announce]")
        assert announce.get_attribute("textContent") == "Breathe in"
        check(phone, "pacer-running")
        toggle.click()
        assert "pacer--paused" in pacer.get_attribute("class")
        assert announce.get_attribute("textContent") == "Paused"
        # With reduced motion asked for, the circle keeps still and changes colour instead.
        circle = phone.find_element(By.CSS_SELECTOR, ".pacer-circle")
        assert phone.execute_script("return getComputedStyle(arguments[0]).animationName", circle) == "pacer-breathe"
        phone.execute_cdp_cmd("Emulation.setEmulatedMedia",
                              {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
        phone.refresh()
        circle = phone.find_element(By.CSS_SELECTOR, ".pacer-circle")
        assert phone.execute_script("return getComputedStyle(arguments[0]).animationName", circle) == "pacer-glow"
        assert phone.execute_script("return getComputedStyle(arguments[0]).transform", circle) == "none"
        check(phone, "pacer-reduced-motion")
        phone.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

        # A check-in: what is typed is autosaved and comes back after leaving the page.
        phone.get(base + "/my/check-ins")
        check(phone, "check-ins")
        message = phone.find_element(By.ID, "message")
        message.send_keys("The craving has been creeping up this week.")
        status = phone.find_element(By.CSS_SELECTOR, "[data-autosave-status]")
        WebDriverWait(phone, 15).until(lambda x: status.text.strip() == "Saved")
        phone.get(base + "/my/practice")
        phone.execute_script("window.localStorage.clear();")  # the server's copy, not the device's
        phone.get(base + "/my/check-ins")
        assert phone.find_element(By.ID, "message").get_attribute("value") == "The craving has been creeping up this week."
        message = phone.find_element(By.ID, "message")
        message.send_keys(" Could we talk about it?")
        submit(phone)
        assert "Could we talk about it?" in main_text(phone)
        assert phone.find_element(By.ID, "message").get_attribute("value") == ""
        check(phone, "check-in-sent")

        # The facilitator sees the flag, acknowledges it and replies.
        staff.get(base + group_path + "/overview")
        check(staff, "overview-flagged")
        text = main_text(staff)
        assert "Flag: Craving rising." in text
        assert "Craving rose in 3 entries running: 2 → 4 → 6 → 8." in text
        assert "15 minutes" in text
        assert "1 record" in text
        assert "1 unread message" in text
        note = staff.find_element(By.CSS_SELECTOR, "textarea[id^='note-']")
        note.send_keys("Will talk with Sam about the craving plan.")
        click_and_wait(staff, note.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(staff, "overview-acknowledged")
        # The flag leaves the open list and stays in the member's flag history with the note.
        assert "Will talk with Sam about the craving plan." in staff.find_element(By.TAG_NAME, "main").get_attribute("textContent")
        assert "Flag: Craving rising." not in main_text(staff)
        staff.find_element(By.CSS_SELECTOR, "a[href$='/check-ins'][href*='/members/']").click()
        WebDriverWait(staff, 10).until(lambda x: "/members/" in x.current_url)
        check(staff, "conversation")
        assert "Could we talk about it?" in main_text(staff)
        # The reply autosaves too: half of it comes back after leaving the page.
        conversation_url = staff.current_url.split("#")[0]
        staff.find_element(By.ID, "message").send_keys("Thank you for telling me.")
        reply_status = staff.find_element(By.CSS_SELECTOR, "[data-autosave-status]")
        WebDriverWait(staff, 15).until(lambda x: reply_status.text.strip() == "Saved")
        staff.get(base + group_path + "/overview")
        staff.execute_script("window.localStorage.clear();")  # the server's copy, not the device's
        staff.get(conversation_url)
        assert staff.find_element(By.ID, "message").get_attribute("value") == "Thank you for telling me."
        staff.find_element(By.ID, "message").send_keys(" Let's talk on Thursday.")
        submit(staff)
        check(staff, "reply-sent")
        assert staff.find_element(By.ID, "message").get_attribute("value") == ""

        # The participant reads the reply, marked new.
        phone.get(base + "/")
        check(phone, "home-with-reply")
        phone.get(base + "/my/check-ins")
        text = main_text(phone)
        assert "Thank you for telling me. Let's talk on Thursday." in text
        assert "1 new message" in text
        check(phone, "reply-read")
        phone.get(base + "/my/notifications")
        assert "Your facilitator has written to you." in main_text(phone)
        check(phone, "notifications")
    finally:
        staff.quit()
        phone.quit()
