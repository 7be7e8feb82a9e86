"""``lrdsl serve``: the playground's page and its JSON API over HTTP, from the standard library alone.

One process, one thread per connection (:class:`http.server.ThreadingHTTPServer`). What it guards:

* **Where it listens**: ``127.0.0.1`` unless told otherwise; another address is said on start.
* **Who may ask** (DNS rebinding): a request's ``Host`` must name this server as an IP literal,
  ``localhost``, or a name given with ``--allow-host``; anything else is refused with 403 before it
  is read further. A ``POST`` must be ``Content-Type: application/json`` (a page elsewhere cannot
  send that without the browser asking first, and this server answers no such question).
* **How much**: a body of at most :data:`MAX_BODY` bytes (413 otherwise, unread), one request at a
  time per client address (429 while one runs) and at most :data:`MAX_BUSY` at once in all (503).
  Each endpoint bounds its own work by counts (:mod:`lrdsl.serve.handlers`).
* **What it answers**: the page's three files from the package, JSON for ``/api/*`` (``GET
  /api/examples``: the cookbook's schedules); a refused
  request is HTTP 400 with ``{"error": {...}}``; nothing ever answers with a traceback (an
  unexpected failure is logged on the terminal and answered 500 with a one-line message).
"""

from __future__ import annotations

import ipaddress
import json
import sys
import threading
import traceback
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.serve.handlers import ENDPOINTS, error_body

MAX_BODY = 6_000_000
"""Bytes of a request's body (a dropped curve file of up to 4 M characters, in JSON)."""
MAX_BUSY = 4
"""Requests evaluated at once, over all clients."""

PAGES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page_file(name: str) -> bytes:
    """One of the page's files, shipped inside the package (``lrdsl/serve/page/``)."""
    return resources.files("lrdsl.serve").joinpath("page", name).read_bytes()


def host_allowed(header: str | None, allowed: Iterable[str]) -> bool:
    """Whether a ``Host`` header names this server: an IP literal, ``localhost``, or an allowed name."""
    if not header or len(header) > 255:
        return False
    host = header.strip()
    if host.startswith("["):  # [::1]:8765
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    host = host.lower().rstrip(".")
    if host == "localhost" or host in {h.lower() for h in allowed}:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _Gate:
    """At most one request per client address and :data:`MAX_BUSY` in all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[str] = set()

    def enter(self, client: str) -> HTTPStatus | None:
        """``None`` when the request may run (then :meth:`leave` after), else the status to refuse it with."""
        with self._lock:
            if client in self._clients:
                return HTTPStatus.TOO_MANY_REQUESTS
            if len(self._clients) >= MAX_BUSY:
                return HTTPStatus.SERVICE_UNAVAILABLE
            self._clients.add(client)
            return None

    def leave(self, client: str) -> None:
        with self._lock:
            self._clients.discard(client)


class Handler(BaseHTTPRequestHandler):
    """The page at ``GET /``, its script and style, and ``POST /api/NAME``."""

    server_version = "lrdsl-serve"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    allowed_hosts: tuple[str, ...] = ()
    gate = _Gate()
    quiet = False

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, allow_nan=False, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _refuse(self, status: HTTPStatus, message: str, hint: str | None = None) -> None:
        self.close_connection = True
        self._json(status, {"error": {"message": message, "line": None, "column": None, "hint": hint, "text": message}})

    def _host_ok(self) -> bool:
        if host_allowed(self.headers.get("Host"), self.allowed_hosts):
            return True
        self._refuse(HTTPStatus.FORBIDDEN, "this server answers only requests addressed to it by IP or localhost")
        return False

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/api/examples":
            from lrdsl.serve.examples import examples

            self._json(HTTPStatus.OK, {"examples": list(examples())})
            return
        if path == "/favicon.ico":  # browsers ask; the page has none
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            return
        if path not in PAGES:
            self._refuse(HTTPStatus.NOT_FOUND, f"no page {path[:80]!r}", "the playground is at /")
            return
        name, content_type = PAGES[path]
        self._send(HTTPStatus.OK, page_file(name), content_type)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        name = self.path.removeprefix("/api/")
        if not self.path.startswith("/api/") or name not in ENDPOINTS:
            self._refuse(HTTPStatus.NOT_FOUND, f"no endpoint {self.path[:80]!r}", "one of: " + ", ".join(ENDPOINTS))
            return
        if self.headers.get_content_type() != "application/json":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON", "Content-Type: application/json")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "a request needs its Content-Length")
            return
        if not 0 <= length <= MAX_BODY:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request may have at most {MAX_BODY:,} bytes")
            return
        client = self.client_address[0]
        refused = self.gate.enter(client)
        if refused is not None:
            self._refuse(refused, "busy: one request at a time per client", "wait for the answer to the last one")
            return
        try:
            status, payload = self._answer(name, self.rfile.read(length))
        finally:
            self.gate.leave(client)  # before the answer is sent: the client's next request may run
        if status == HTTPStatus.INTERNAL_SERVER_ERROR:
            self.close_connection = True
        self._json(status, payload)

    def _answer(self, name: str, raw: bytes) -> tuple[HTTPStatus, dict[str, Any]]:
        try:
            request = json.loads(raw.decode("utf-8"))
            if not isinstance(request, dict):
                raise LrdslError("the request must be a JSON object", hint='{"expr": "cosine(0.1→0)"}')
            return HTTPStatus.OK, ENDPOINTS[name](request)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            return HTTPStatus.BAD_REQUEST, error_body(LrdslError(f"the request is not JSON: {str(err)[:120]}"))
        except LrdslError as err:
            return HTTPStatus.BAD_REQUEST, error_body(err)
        except Exception:  # a bug: logged here, never sent to the page
            traceback.print_exc(file=sys.stderr)
            message = "internal error: the server's terminal shows it"
            return HTTPStatus.INTERNAL_SERVER_ERROR, {
                "error": {"message": message, "line": None, "column": None, "hint": None, "text": message}
            }


def make_server(host: str = "127.0.0.1", port: int = 8765, allow_hosts: Iterable[str] = ()) -> ThreadingHTTPServer:
    """A server for the playground (not yet serving: call ``serve_forever()``); port 0 picks a free one."""
    handler = type("PlaygroundHandler", (Handler,), {"allowed_hosts": tuple(allow_hosts), "gate": _Gate()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address to listen on) is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
