"""Find what a Content-Security-Policy without 'unsafe-inline' would block in an HTML page:
``<script>`` elements with code in them, ``<style>`` elements, ``style=`` attributes, ``on…=``
event-handler attributes and ``javascript:`` links.

``<script type="application/json">`` (what ``json_script`` writes) is data, not code, and the
browser does not run it, so it is allowed.
"""

from __future__ import annotations

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class _InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script: dict | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"line {line}: <{tag} {name}=…> event handler")
            elif name == "style":
                self.found.append(f"line {line}: <{tag} style=…> inline style")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"line {line}: <{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        if tag == "script":
            self._in_script = attributes
            self._script_text = []

    def handle_data(self, data):
        if self._in_script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            attributes, self._in_script = self._in_script, None
            kind = (attributes.get("type") or "").lower()
            if attributes.get("src") is None and kind not in DATA_SCRIPT_TYPES and "".join(self._script_text).strip():
                self.found.append(f"line {self.getpos()[0]}: inline <script>")


def inline_code_in(html: str) -> list[str]:
    """Every piece of inline script or style in ``html``, with its line; empty when none."""
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found
