"""The `tend analyse --report` page in headless Chromium: no axe-core violations, and it renders at phone
and laptop widths (screenshots under browser-tests/screenshots/)."""
import os
import subprocess
import tempfile

from selenium.webdriver.common.by import By

from test_platform import ROOT, browser, look


def test_analysis_report_is_accessible_and_renders():
    binary = os.environ.get("TEND_BIN", os.path.join(ROOT, ".build", "debug", "tend"))
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.html")
        subprocess.run([binary, "analyse", os.path.join(ROOT, "examples", "fabricated-seed000-scores.csv"),
                        "--pre", "baseline", "--post", "follow-up", "--ci", "0.80",
                        "--funnel", "approached=103,agreed=69", "--reliability", "dass21.stress=0.9",
                        "--criterion", "dass21.stress=a", "--report", report],
                       check=True, capture_output=True, cwd=ROOT)
        for width in (390, 1280):
            d = browser(width)
            try:
                d.get("file://" + report)
                assert look(d, "report") == []
                # Every measure has its section, and the charts are inline SVG with an accessible name.
                assert len(d.find_elements(By.CSS_SELECTOR, "section[id^=m-]")) == 9
                charts = d.find_elements(By.CSS_SELECTOR, "svg.chart")
                assert charts and all(c.get_attribute("role") == "img" for c in charts)
            finally:
                d.quit()
