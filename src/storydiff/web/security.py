"""The server's guards: who may write, how big a request may be, which Host names are ours.

- Token: every POST needs `Authorization: Bearer TOKEN` (or `X-Storydiff-Token`,
  or a `token` form field) whenever a token is set ([web] token, or
  $STORYDIFF_TOKEN, which wins). A server listening beyond loopback
  refuses to start without one.
- Body size: a request whose Content-Length is over [web] max_body_bytes is
  refused before its body is read; a body without a length (chunked) is
  counted while it streams in and refused as soon as it passes the limit.
- Host: on loopback only loopback Host names are served, so a web page
  cannot reach this server through DNS rebinding.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os

from ..errors import StorydiffError
from ..settings import Settings

TOKEN_ENV = "STORYDIFF_TOKEN"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


class WebConfigError(StorydiffError):
    """The server cannot start as configured (e.g. beyond loopback without a token)."""

    code = "E302"


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def configured_token(settings: Settings) -> str | None:
    token = os.environ.get(TOKEN_ENV) or settings.get("web", "token")
    if token is not None and not isinstance(token, str):
        raise WebConfigError(f"[web] token must be a string, not {type(token).__name__}")
    return token or None


def required_token(settings: Settings, host: str) -> str | None:
    """The token POSTs must carry (None: open), or WebConfigError when the server must not start."""
    token = configured_token(settings)
    if token is None and not is_loopback(host):
        raise WebConfigError(
            f"refusing to listen on {host} without a token: anyone who can reach it could add articles "
            f"and make it fetch URLs. Set {TOKEN_ENV} (or [web] token in the settings file), "
            "or listen on 127.0.0.1")
    if token is not None and len(token) < 16:
        raise WebConfigError("the web token is shorter than 16 characters; use a long random one, e.g. "
                             "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
    return token


def token_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def bearer(headers) -> str | None:
    auth = headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get("x-storydiff-token")


async def _send_json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: Host check and request body limit, before any route sees the request."""

    def __init__(self, app, *, max_body_bytes: int, allowed_hosts: set[str] | None, refuse=None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts  # None: any Host
        # refuse(scope, status, error, source) -> a Response, so pages get the app's HTML error page;
        # None: JSON for every URL
        self.refuse = refuse

    async def _refuse(self, scope, receive, send, status: int, error: str, source: str) -> None:
        if self.refuse is None:
            return await _send_json(send, status, {"error": error, "source": source})
        response = self.refuse(scope, status, error, source)
        response.headers["connection"] = "close"  # the body, if any, was not read
        await response(scope, receive, send)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.allowed_hosts is not None:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in self.allowed_hosts:
                return await self._refuse(scope, receive, send, 400,
                                          f"this server answers to loopback names only, not Host {host!r}", "Host")
        limit = self.max_body_bytes
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return await self._refuse(scope, receive, send, 400, "Content-Length is not a number",
                                          "Content-Length")
            if int(length) > limit:
                return await self._refuse(scope, receive, send, 413, _too_large(limit), "body")
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        # Read the body here, counting as it streams, so an endless chunked body is cut off at the limit.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await self._refuse(scope, receive, send, 413, _too_large(limit), "body")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


def _too_large(limit: int) -> str:
    return f"request body is larger than {limit:,} bytes ([web] max_body_bytes)"
