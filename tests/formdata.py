"""What a browser would send back from a page's form: the fields of the form (with their
current values) parsed from the HTML, ready to change a few and post."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.setdefault(name, []).append(a.get("value") or "on")
                return
            self._form.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self._form.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._form[self._select].append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form[self._select].append(self._select_first)  # a browser sends the first option
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.setdefault(self._textarea, []).append("".join(self._text).removeprefix("\n"))
            self._textarea = None


def form_data(html: str, must_have: str = "version") -> dict[str, list[str] | str]:
    """The fields of the page's form that has a ``must_have`` field (the record form)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if must_have in form:
            form.pop("csrfmiddlewaretoken", None)
            return {name: values[0] if len(values) == 1 else values for name, values in form.items()}
    raise AssertionError(f"no form with a {must_have!r} field on the page")
