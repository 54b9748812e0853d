"""Every answer keeps browsers to the server's own code: a Content-Security-Policy with no
inline script and no framing, no MIME sniffing. That the pages still work under it is tested
in chromium (test_page_browser.py, test_analyst_browser.py report any CSP violation)."""

import re
from pathlib import Path

import pytest
from server_fixtures import served_app, toy_graph

TEMPLATES = Path(__file__).parent.parent / "server" / "templates"


@pytest.fixture(scope="module")
def app():
    with served_app(toy_graph()) as app:
        yield app


@pytest.mark.parametrize("path,accept", [("/", "text/html"), ("/sparql?query=ASK%7B%7D", None),
                                         ("/health", None), ("/matrix", "text/html"),
                                         ("/explain/Nowhere", "text/html"), ("/static/app.js", None)])
def test_every_answer_carries_the_security_headers(client, path, accept):
    r = client.get(path, headers={"Accept": accept} if accept else {})
    policy = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no other origin
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_templates_hold_no_inline_script_style_or_handler():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
        assert scripts == [], f"{template.name}: inline script {scripts}"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), template.name
