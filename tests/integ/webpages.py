"""Helpers for tests of Hearth's own pages: a browser-like session that
logs in through the login form and sends forms with their CSRF token."""
import re

import requests

from conftest import PASSWORD

CSRF_RE = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(html):
    """The CSRF token of the first form in a page."""
    m = CSRF_RE.search(html)
    assert m, "no form with a CSRF token in the page"
    return m.group(1)


class Browser:
    """A cookie-keeping HTTP client for one visitor of srv."""

    def __init__(self, srv):
        self.srv = srv
        self.s = requests.Session()
        self.csrf = None

    def get(self, path, **kw):
        r = self.s.get(self.srv.url + path, allow_redirects=kw.pop("allow_redirects", False), **kw)
        if "text/html" in r.headers.get("Content-Type", "") and CSRF_RE.search(r.text):
            self.csrf = csrf_of(r.text)
        return r

    def post(self, path, data=None, files=None, csrf=True, **kw):
        """POSTs a form; the token of the last page seen is added unless csrf is False."""
        data = dict(data or {})
        if csrf and "csrf" not in data:
            if self.csrf is None:
                self.get("/login")
            data["csrf"] = self.csrf
        return self.s.post(self.srv.url + path, data=data, files=files, allow_redirects=False, **kw)

    def login(self, name, password=PASSWORD):
        self.get("/login")
        r = self.post("/login", {"username": name, "password": password})
        assert r.status_code == 303, (r.status_code, r.text[:300])
        self.get("/home")
        return r
