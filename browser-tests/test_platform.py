"""Browser tests of `tend serve` in real headless Chromium: the first admin's setup, sign-in, inviting a
facilitator, accepting the invitation, the audit trail and access control, with axe-core checks on every
page and screenshots at phone and laptop widths (saved under browser-tests/screenshots/).

    pytest browser-tests            # needs chromium, chromium-driver, selenium, selenium-axe-python
    TEND_BIN=.build/debug/tend pytest browser-tests
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, "browser-tests", "screenshots")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def server():
    """A fresh `tend serve` on a random loopback port with its own data directory; stopped afterwards."""
    binary = os.environ.get("TEND_BIN", os.path.join(ROOT, ".build", "debug", "tend"))
    data = tempfile.mkdtemp(prefix="tend-browser-")
    port = free_port()
    log = open(os.path.join(data, "server.log"), "w+")
    env = dict(os.environ, TEND_DATA_DIR=data, TEND_LOG_LEVEL="warning")
    proc = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    link = None
    try:
        for _ in range(300):
            time.sleep(0.1)
            log.seek(0)
            m = re.search(r"(http://127\.0\.0\.1:\d+/setup/\S+)", log.read())
            if m:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    link = m.group(1)
                    break
                except OSError:
                    pass
            if proc.poll() is not None:
                break
        if link is None:
            log.seek(0)
            raise RuntimeError("tend serve did not start:\n" + log.read())
        yield base, link
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def browser(width):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},900", "--hide-scrollbars"]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.implicitly_wait(5)  # a submitted form's next page may still be loading
    d.width = width
    return d


def look(d, name):
    """Full-page screenshot and an axe-core run; returns the violations."""
    os.makedirs(SHOTS, exist_ok=True)
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": d.width, "height": 900, "deviceScaleFactor": 1, "mobile": d.width < 600})
    height = d.execute_script("return document.documentElement.scrollHeight")
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": d.width, "height": max(900, min(height, 4000)), "deviceScaleFactor": 1, "mobile": d.width < 600})
    d.save_screenshot(os.path.join(SHOTS, f"{name}-{d.width}.png"))
    axe = Axe(d)
    axe.inject()
    violations = axe.run()["violations"]
    if violations:
        with open(os.path.join(SHOTS, f"{name}-{d.width}.html"), "w") as f:
            f.write(d.page_source)
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in violations]


def fill(d, **fields):
    for k, v in fields.items():
        el = d.find_element(By.ID, k)
        el.clear()
        el.send_keys(v)


def click_and_wait(d, element):
    """Clicks a submit button and waits until the browser has left the page (the next one is loading or
    loaded), so the test never reads or navigates away from a page that is still being replaced."""
    old = d.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(d, 10).until(lambda _: has_left(old))


def has_left(old):
    """True once `old` (an element of the page being replaced) is no longer in the document. While the
    page is swapped, the driver may say so as a stale reference or as a node that "does not belong to the
    document"; both mean the browser has left."""
    try:
        old.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return True
        raise


def submit(d):
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "main button[type=submit]"))


def test_admin_setup_invite_and_accept(server):
    base, setup_link = server
    for width in (390, 1280):
        d = browser(width)
        try:
            if width == 390:
                d.get(setup_link)
                assert look(d, "setup") == []
                fill(d, name="Ada Admin", email="ada@", password="short", confirm="short")
                submit(d)
                assert look(d, "setup-error") == []
                # The error summary names the fields, and what was typed is kept (never the password).
                assert "Ada Admin" == d.find_element(By.ID, "name").get_attribute("value")
                assert d.find_element(By.ID, "password").get_attribute("value") == ""
                fill(d, name="Ada Admin", email="ada@example.org", password="a long enough secret",
                     confirm="a long enough secret")
                submit(d)
            else:
                d.get(base + "/login")
                fill(d, email="ada@example.org", password="wrong password")
                submit(d)
                assert look(d, "login-error") == []
                fill(d, email="ada@example.org", password="a long enough secret")
                submit(d)
            assert look(d, "admin-home") == []
            fill(d, email="not-an-address")
            submit(d)
            assert look(d, "invite-error") == []
            fill(d, email=f"fran{width}@example.org")
            d.find_element(By.ID, "role").click()  # the first role: facilitator
            submit(d)
            assert look(d, "invite-created") == []
            link = d.find_element(By.ID, "invitation-link").get_attribute("value")
            assert link.startswith(base + "/")
            d.get(base + "/admin/audit")
            assert look(d, "audit") == []
            d.delete_all_cookies()
            d.get(link)
            assert look(d, "accept") == []
            fill(d, name="Fran Facilitator", password="another good secret", confirm="another good secret")
            submit(d)
            assert look(d, "welcome") == []
            assert "Fran" in d.page_source
            d.get(link)
            assert look(d, "invitation-used") == []
            d.get(base + "/admin/audit")
            assert look(d, "forbidden") == []
            assert "You do not have access to this page" in d.page_source
        finally:
            d.quit()


def set_value(d, element_id, value):
    """Sets an input's value directly (date and time inputs take typed text in the browser's locale)."""
    el = d.find_element(By.ID, element_id)
    d.execute_script("arguments[0].value = arguments[1];", el, value)


def choose(d, name, value):
    el = d.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    d.execute_script("arguments[0].click();", el)


def test_group_participant_first_module_and_attendance(server):
    """A facilitator (invited in the test above) creates a group that began two weeks ago, adds a
    participant with an invitation link; the participant sets a password on a phone, sees their home
    and opens the first session and a handout; the facilitator records the first session's attendance."""
    import datetime
    base, _ = server
    start = datetime.date.today() - datetime.timedelta(days=14)
    staff = browser(1280)
    phone = browser(390)
    try:
        staff.get(base + "/login")
        fill(staff, email="fran1280@example.org", password="another good secret")
        submit(staff)
        staff.get(base + "/groups/new")
        assert look(staff, "group-new") == []
        fill(staff, name="Tuesday evening group", timeZone="Europe/London", callLink="https://meet.example.org/tend-room")
        choose(staff, "programme", "compassionate-living-pain/eight-session")
        set_value(staff, "startDate", start.isoformat())
        choose(staff, "weekday", str(start.isoweekday()))
        set_value(staff, "time", "18:30")
        submit(staff)
        WebDriverWait(staff, 10).until(lambda d: "/groups/new" not in d.current_url)
        assert "Tuesday evening group" in staff.page_source, staff.find_element(By.TAG_NAME, "main").text[:600]
        assert look(staff, "group") == []
        fill(staff, displayName="Sam Taylor", studyCode="PAIN-001")
        click_and_wait(staff, staff.find_element(By.CSS_SELECTOR, "button[name=invite][value=yes]"))
        assert look(staff, "participant-invited") == []
        link = staff.find_element(By.ID, "participant-link").get_attribute("value")
        assert "/join/" in link

        phone.get(link)
        assert look(phone, "join") == []
        fill(phone, email="sam@example.org", password="a calm long password", confirm="a different password")
        submit(phone)
        assert look(phone, "join-error") == []
        assert phone.find_element(By.ID, "email").get_attribute("value") == "sam@example.org"
        fill(phone, password="a calm long password", confirm="a calm long password")
        submit(phone)
        WebDriverWait(phone, 10).until(lambda d: "/join/" not in d.current_url)
        assert look(phone, "participant-home") == []
        assert "Session 1" in phone.page_source
        assert "control" not in phone.page_source.lower()
        phone.get(base + "/my/sessions/1")
        assert look(phone, "first-session") == []
        assert "The words of the exercise" in phone.page_source
        handout = phone.find_element(By.CSS_SELECTOR, "a[href^='/my/handouts/']").get_attribute("href")
        phone.get(handout)
        assert look(phone, "handout") == []
        assert phone.find_element(By.CSS_SELECTOR, "a[href$='/pdf']")

        staff.refresh()
        register = staff.find_element(By.CSS_SELECTOR, "#session-1 details summary")
        staff.execute_script("arguments[0].click();", register)
        choose_in = staff.find_element(By.CSS_SELECTOR, "#session-1 input[value=attended]")
        staff.execute_script("arguments[0].click();", choose_in)
        click_and_wait(staff, staff.find_element(By.CSS_SELECTOR, "#session-1 button[type=submit]"))
        WebDriverWait(staff, 10).until(lambda d: "Attended 1" in d.find_element(By.ID, "session-1").text)
        assert look(staff, "attendance-saved") == []
    finally:
        staff.quit()
        phone.quit()
