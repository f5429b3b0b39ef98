"""A person's walk through the portal in a real browser, with the checks every page gets.

:meth:`Journey.check` is called on each page a journey reaches: it saves a full-page
screenshot for a person to look at, and runs axe-core, failing on any *serious* or *critical*
violation (no rule is disabled).  Throughout the journey the browser's own reports are
collected, and :meth:`Journey.assert_no_page_errors` fails on any of them:

* an uncaught JavaScript error (``pageerror``);
* a console error (Chromium reports a blocked inline script or style there too);
* a ``securitypolicyviolation`` event: something the Content-Security-Policy blocked.
"""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import BrowserContext, Page, expect

CHROMIUM = "/usr/bin/chromium"
BLOCKING_IMPACTS = {"serious", "critical"}

# Reports every blocked resource or inline code to the test through an exposed function.
# Added by the browser itself (an init script), so the page's CSP does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.pathname,
  });
});
"""

_axe = Axe()


class Journey:
    def __init__(self, context: BrowserContext, *, base_url: str, name: str, screenshots: Path, password: str,
                 report: list):
        self.context = context
        self.base_url = base_url
        self.name = name
        self.screenshots = screenshots
        self.password = password
        self.report = report
        self.problems: list[str] = []
        self.pages_checked: list[str] = []
        self._shots = 0
        screenshots.mkdir(parents=True, exist_ok=True)
        context.expose_function("__reportCspViolation", self._csp_violation)
        context.add_init_script(CSP_LISTENER)
        self.page: Page = context.new_page()
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript error on {self._path()}: {error}"))
        self.page.on("console", self._console)

    # --- what the browser reports ---------------------------------------------------------

    def _path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def _csp_violation(self, violation: dict) -> None:
        self.problems.append(f"CSP violation on {violation.get('page')}: {violation}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        # A page that answers 403/404 on purpose logs its own status; that is not a fault.
        if self._expected_status and text.startswith("Failed to load resource") and \
                f"status of {self._expected_status}" in text and message.location.get("url") == self.page.url:
            return
        self.problems.append(f"console error on {self._path()}: {text} ({message.location.get('url')})")

    _expected_status: int | None = None

    def assert_no_page_errors(self) -> None:
        assert not self.problems, "the browser reported problems:\n" + "\n".join(self.problems)

    # --- moving around --------------------------------------------------------------------

    def visit(self, path: str, *, status: int = 200) -> None:
        """Open an address the way a person types it, and check the answer's status."""
        self._expected_status = status if status >= 400 else None
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"{path} answered {response.status if response else 'nothing'}, expected {status}")

    def remember_language(self, language: str) -> None:
        """The language cookie a person who chose a language on this computer before carries."""
        self.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base_url}])

    def sign_in(self, username: str) -> None:
        """Sign in through the real login form."""
        page = self.page
        if "/accounts/login/" not in page.url:
            page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(self.password)
        page.locator("form:has(#id_password) button[type=submit]").click()
        expect(page.locator("#id_password")).to_have_count(0)
        user_menu = page.locator("nav[aria-label] .navbar-nav .dropdown-toggle").last
        expect(user_menu).to_contain_text(username_label(username))

    def switch_to(self, username: str) -> None:
        """Another person at the same browser: the session is dropped and they sign in."""
        self.context.clear_cookies()
        self.page.goto("/accounts/login/")
        self.sign_in(username)

    def check(self, label: str) -> None:
        """Screenshot the page and hold it to the accessibility bar."""
        page = self.page
        page.wait_for_load_state("load")
        self._shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        page.screenshot(path=str(self.screenshots / f"{self._shots:02d}-{slug}.png"), full_page=True)
        results = _axe.run(page)
        violations = results.response["violations"]
        self.report.append({
            "journey": self.name, "page": label, "path": self._path(),
            "violations": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations],
        })
        self.pages_checked.append(label)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"accessibility violations on “{label}” ({self._path()}):\n" + describe(blocking)
        forgotten = english_left_on_a_chinese_page(page)
        assert not forgotten, f"English the interface forgot on “{label}” ({self._path()}): {forgotten}"

    def download(self, click) -> Path:
        """Click something that downloads a file; the file, saved with the screenshots."""
        with self.page.expect_download() as info:
            click()
        download = info.value
        target = self.screenshots / download.suggested_filename
        download.save_as(str(target))
        return target


# What a Chinese page must not show: an attribute name as a label (Duration_days, but not a
# code in brackets beside its label, 教师（teacher）, nor text in <code>), and the untranslated
# empty choices of Django and django-filter.
ATTRIBUTE_NAME = re.compile(r"(?<![\w./(（-])[A-Za-z][a-z]+(?:_[a-z]+)+(?![\w./-])")
PLACEHOLDERS = ("- Select an option -", "---------")
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style, code").forEach((node) => node.remove());
  const options = [...document.querySelectorAll("option")].map((option) => option.textContent);
  return body.innerText + "\\n" + options.join("\\n");
}"""


def english_left_on_a_chinese_page(page: Page) -> list[str]:
    """The attribute names and untranslated placeholders a Chinese page shows, if it is one."""
    if page.locator("html").get_attribute("lang") != "zh-Hans":
        return []
    text = page.evaluate(VISIBLE_TEXT)
    found = sorted(set(ATTRIBUTE_NAME.findall(text)))
    found += [placeholder for placeholder in PLACEHOLDERS if placeholder in text]
    return found


def describe(violations: list[dict]) -> str:
    """axe violations as lines a person can act on: impact, rule, and the first elements."""
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = (node.get("failureSummary") or "").splitlines()
            lines.append(f"      {node['target']}: {summary[-1].strip() if summary else ''}")
    return "\n".join(lines)


def username_label(username: str) -> str:
    """What the navigation shows for a demo user: the full name seeded by ``seed_demo``."""
    user = get_user_model().objects.get(username=username)
    return user.get_full_name() or user.username
