"""A small accessibility checker over HTML (no axe offline): the checks we rely on, with html.parser.

- `<html lang>` set; a `<title>`; exactly one `<h1>`, headings never skip a level;
- every visible `<input>`, `<textarea>`, `<select>` has a `<label for=id>` (or is inside a `<label>`);
- radio groups sit in a `<fieldset>` with a `<legend>`; a submit button has a text;
- no `<script>` (the pages work without JavaScript) and no inline event handlers.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.headings: list[int] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.in_label = 0
        self.in_title = False
        self.fieldset = 0
        self.legends = 0
        self.radios_outside_fieldset = 0
        self.scripts = 0
        self.handlers: list[str] = []
        self.button_text: list[str] = []
        self.in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [name for name in found if name.startswith("on")]
        if tag == "html":
            self.lang = found.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self.in_label += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag in ("input", "textarea", "select") and found.get("type") != "hidden":
            self.controls.append({**found, "_wrapped": "1" if self.in_label else None})
            if found.get("type") == "radio" and not self.fieldset:
                self.radios_outside_fieldset += 1
        elif tag == "fieldset":
            self.fieldset += 1
        elif tag == "legend":
            self.legends += 1
        elif tag == "script":
            self.scripts += 1
        elif tag == "button":
            self.in_button = True
            self.button_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "label":
            self.in_label -= 1
        elif tag == "fieldset":
            self.fieldset -= 1
        elif tag == "button":
            self.in_button = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.in_button:
            self.button_text[-1] += data


def accessibility_problems(html: str) -> list[str]:
    page = _Collect()
    page.feed(html)
    problems = []
    if not page.lang:
        problems.append("<html> has no lang")
    if not page.title.strip():
        problems.append("no <title>")
    if page.headings.count(1) != 1:
        problems.append(f"{page.headings.count(1)} <h1> headings, want one")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    for control in page.controls:
        if not control.get("_wrapped") and (control.get("id") or "") not in page.label_for:
            problems.append(f"{control.get('name')!r} has no label")
    if page.radios_outside_fieldset:
        problems.append("radio buttons outside a fieldset")
    if page.fieldset < 0 or (any(c.get("type") == "radio" for c in page.controls) and not page.legends):
        problems.append("radio group without a legend")
    if any(not text.strip() for text in page.button_text):
        problems.append("a button without text")
    if page.scripts or page.handlers:
        problems.append("scripts or inline handlers")
    return problems
