"""Pages for people (PRODUCT.md section 5): the index `/` lists the public feeds with subscribe links.

HTML comes from the Jinja2 templates in `templates/` (autoescaped), works without JavaScript and carries
the security headers; the stylesheet is inlined and allowed by its hash, so the CSP allows nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from functools import cache

from jinja2 import Environment, PackageLoader
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from calendar_app.db import read_session
from calendar_app.feeds import public_path, webcal
from calendar_app.web.answers import security_headers as plain_security_headers
from calendar_app.web.database import StoreWatch
from exports import feeds
from exports.models import Feed


@cache
def templates() -> Environment:
    return Environment(loader=PackageLoader("calendar_app.web", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


@cache
def stylesheet() -> tuple[str, str]:
    """The inlined CSS and its CSP source (`'sha256-...'`)."""
    css = templates().get_template("site.css").render()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return css, f"'sha256-{digest}'"


def security_headers() -> dict[str, str]:
    """Those of every answer (`answers.security_headers`), the CSP allowing the inlined stylesheet."""
    _, style_source = stylesheet()
    return plain_security_headers(f"default-src 'none'; style-src {style_source}; base-uri 'none'; "
                                  "form-action 'none'; frame-ancestors 'none'")


def index_page(listed: list[Feed], *, base_url: str) -> str:
    """The index page of `listed` (public feeds), their links under `base_url`."""
    base = base_url.rstrip("/")
    shown = []
    for feed in listed:
        url = base + public_path(feed.name)
        shown.append({"name": feed.name, "description": feed.description, "url": url, "webcal": webcal(url)})
    css, _ = stylesheet()
    return templates().get_template("index.html").render(feeds=shown, stylesheet=css)


def index_endpoint(engine: Engine, *, base_url: str, watch: StoreWatch) -> Callable[[Request], Response]:
    """`GET /`: a sync endpoint, so Starlette runs its query in the thread pool (a `StorageError` is the
    app's 503)."""

    def index(request: Request) -> Response:
        watch.check()
        with read_session(engine) as session:
            listed = [f for f in feeds.list_feeds(session=session) if not f.private]
        return HTMLResponse(index_page(listed, base_url=base_url), headers=security_headers())

    return index
