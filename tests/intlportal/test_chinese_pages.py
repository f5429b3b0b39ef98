"""A Chinese-speaking user's pages hold no English the interface forgot (issue 16): no label that
is an attribute name (Duration_days), none of Django's or django-filter's untranslated
placeholders, and times in Beijing time, not UTC.

Each role walks the demo university from its home page through the menu, every list, the first
record of each list and its forms, as a browser would follow links."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

PASSWORD = "demo-pass-123"
# An attribute name shown as a label: "Duration_days", "Status_label", "domains_display".
# A code in brackets beside its label (教师（teacher）) is meant.
ATTRIBUTE_NAME = re.compile(r"(?<![\w./(（-])[A-Za-z][a-z]+(?:_[a-z]+)+(?![\w./-])")
PLACEHOLDERS = ["- Select an option -", "---------", "Select an option", ">Unknown<"]
SKIP = ("/api/", "/admin/", "/accounts/logout", "/logout", "/static/", "/media/", "export=", "/download",
        "/history/")
PAGES_PER_ROLE = 220


class _Text(HTMLParser):
    """The visible text of a page (no script or style) and its same-site links."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    # a code shown as a code (<code>faculty</code> beside 学院) is meant
    HIDDEN = ("script", "style", "code")

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "mailto:", "javascript:")):
                self.links.append(href)
        if tag == "option":
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _walk(client: Client, start: str) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = [start]
    per_path: dict[str, int] = {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        path = urlsplit(url).path
        # a few pages of each kind: the first record of a list, not all of them
        shape = re.sub(r"\d+", "N", path)
        if url in seen or any(part in url for part in SKIP) or per_path.get(shape, 0) >= 2:
            continue
        per_path[shape] = per_path.get(shape, 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        seen[url] = " ".join(parser.text)
        for link in parser.links:
            target = urljoin(url, link)
            if urlsplit(target).netloc in ("", "testserver") and urlsplit(target).path.startswith("/"):
                queue.append(urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query
                                                      and "page=" not in target else ""))
    return seen


@pytest.fixture
def demo(db, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", password=PASSWORD, verbosity=0)


@pytest.mark.parametrize("username", ["office", "leader", "coordinator"])
def test_no_page_of_a_chinese_user_shows_english_the_interface_forgot(demo, username):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    pages = _walk(client, "/")
    assert len(pages) > 20, f"{username} reached only {len(pages)} pages"

    problems = []
    for url, text in pages.items():
        for word in sorted(set(ATTRIBUTE_NAME.findall(text))):
            problems.append(f"{url}: attribute name as a label: {word}")
        for placeholder in PLACEHOLDERS:
            if placeholder.strip("<>") in text and (placeholder != ">Unknown<" or " Unknown " in f" {text} "):
                problems.append(f"{url}: untranslated placeholder {placeholder!r}")
    assert not problems, "\n".join(problems[:40])


@pytest.mark.django_db
def test_times_show_in_beijing_time_on_lists_records_and_the_work_queue(office_client, faculty_a):
    from tests.factories import MobilityFactory

    moment = datetime.datetime(2026, 2, 1, 4, 51, tzinfo=datetime.UTC)  # 12:51 in Beijing
    mobility = MobilityFactory(faculty=faculty_a, status="submitted", submitted_at=moment)
    beijing, utc = "2026-02-01 12:51", "2026-02-01 04:51"
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == beijing

    for url in (mobility.get_absolute_url(), "/workqueue/"):
        text = office_client.get(url).content.decode()
        assert utc not in text, f"{url} shows UTC"
    assert beijing in office_client.get(mobility.get_absolute_url()).content.decode()
