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
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
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
    return [(v["id"], v["impact"], len(v["nodes"]), v["help"]) for v in violations]


def fill(d, **fields):
    for k, v in fields.items():
        el = d.find_element(By.ID, k)
        el.clear()
        el.send_keys(v)


def submit(d):
    d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()


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
