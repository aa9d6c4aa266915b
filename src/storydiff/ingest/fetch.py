"""Fetching one URL safely: the only place storydiff opens a network connection for input.

    fetch("https://example.org/story", settings) -> Fetched(url, body, content_type)

- only http and https;
- the host is resolved once and EVERY address it resolves to is checked:
  private, loopback, link-local, multicast, reserved and unspecified
  addresses are refused unless `[fetch] allow_private = true` (SSRF). The
  connection then goes to the checked address itself, so a second DNS
  answer cannot swap in another one;
- each redirect is checked the same way, up to `[fetch] max_redirects`;
- connect and read timeouts, plus a deadline for the whole response;
- the body is streamed and refused as soon as it passes `[fetch] max_bytes`.

Every failure is an `InputError` naming the URL and the reason.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import InputError, SettingsError, TooLargeError
from ..settings import Settings, load_settings
from .reading import human_size

__all__ = ["Fetched", "FetchOptions", "fetch", "is_url", "check_address"]

_URL = re.compile(r"^https?://", re.IGNORECASE)
_CHUNK = 65536
_SAVE_HINT = "or save the page first (e.g. `curl -o page.html URL`) and pass the file"


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    body: bytes
    content_type: str  # the media type, lower case, without parameters ("" when absent)


@dataclass(frozen=True)
class FetchOptions:
    allow_private: bool = False
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "storydiff/0.1"

    @classmethod
    def from_settings(cls, settings: Settings | None) -> FetchOptions:
        settings = settings or load_settings()
        get = lambda key: settings.get("fetch", key)  # noqa: E731
        options = cls(
            allow_private=get("allow_private"), connect_timeout_s=get("connect_timeout_s"),
            read_timeout_s=get("read_timeout_s"), total_timeout_s=get("total_timeout_s"),
            max_bytes=get("max_bytes"), max_redirects=get("max_redirects"), user_agent=get("user_agent"))
        if not isinstance(options.allow_private, bool):
            raise SettingsError(f"[fetch] allow_private must be true or false, not {options.allow_private!r}")
        for key in ("connect_timeout_s", "read_timeout_s", "total_timeout_s", "max_bytes"):
            value = getattr(options, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise SettingsError(f"[fetch] {key} must be a positive number, not {value!r}")
        if isinstance(options.max_redirects, bool) or not isinstance(options.max_redirects, int) \
                or options.max_redirects < 0:
            raise SettingsError(f"[fetch] max_redirects must be a whole number >= 0, not {options.max_redirects!r}")
        return options


def check_address(ip: str) -> str | None:
    """Why `ip` is refused without allow_private, or None when it is a public address."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for test, what in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                       ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
                       ("is_private", "private"), ("is_reserved", "reserved")):
        if getattr(addr, test):
            return f"{what} address {addr}"
    if not addr.is_global:
        return f"non-public address {addr}"
    return None


def _resolve(url: str, host: str, port: int, options: FetchOptions) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise InputError(url, f"could not fetch: cannot resolve host {host!r} ({err.strerror or err}); "
                              f"check the URL, {_SAVE_HINT}") from None
    ips = list(dict.fromkeys(info[4][0] for info in infos))
    if not options.allow_private:
        for ip in ips:
            why = check_address(ip)
            if why:
                raise InputError(url, f"refused: {host} resolves to a {why}; storydiff does not fetch private "
                                      "or local addresses unless [fetch] allow_private = true")
    return ips


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, with separate connect and read timeouts."""

    def __init__(self, host: str, port: int, ip: str, connect_timeout: float, read_timeout: float):
        super().__init__(host, port, timeout=connect_timeout)
        self._ip, self._read_timeout = ip, read_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.settimeout(self._read_timeout)


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _open(url: str, options: FetchOptions):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(url, f"refused: only http and https URLs are fetched, not {scheme or 'no'} scheme")
    host = parts.hostname
    if not host:
        raise InputError(url, "is not a valid URL: it names no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise InputError(url, "is not a valid URL: bad port") from None
    ips = _resolve(url, host, port, options)
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last: Exception | None = None
    for ip in ips:
        conn = cls(host, port, ip, options.connect_timeout_s, options.read_timeout_s)
        try:
            conn.request("GET", path, headers={
                "User-Agent": options.user_agent, "Accept-Encoding": "identity",
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"})
            return conn, conn.getresponse()
        except (TimeoutError, socket.timeout):
            conn.close()
            raise InputError(url, f"could not fetch: timed out after {options.read_timeout_s:g} s "
                                  f"([fetch] connect_timeout_s / read_timeout_s); try again later, "
                                  f"{_SAVE_HINT}") from None
        except ssl.SSLError as err:
            conn.close()
            raise InputError(url, f"could not fetch: TLS error ({err.reason or err})") from None
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            last = err
    raise InputError(url, f"could not fetch: {getattr(last, 'strerror', None) or last}; check the URL, "
                          f"{_SAVE_HINT}")


def _read_body(url: str, resp, options: FetchOptions, deadline: float) -> bytes:
    limit = options.max_bytes
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise TooLargeError(url, f"is {human_size(int(length))}, over the {human_size(limit)} limit "
                                 "([fetch] max_bytes); it was not downloaded")
    chunks, size = [], 0
    try:
        while True:
            chunk = resp.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise TooLargeError(url, f"is more than {human_size(limit)}, over the limit ([fetch] max_bytes); "
                                         "download stopped")
            if time.monotonic() > deadline:
                raise InputError(url, f"could not fetch: the response took longer than {options.total_timeout_s:g} s"
                                      " ([fetch] total_timeout_s)")
            chunks.append(chunk)
    except (TimeoutError, socket.timeout):
        raise InputError(url, f"could not fetch: timed out reading the response after {options.read_timeout_s:g} s"
                              " ([fetch] read_timeout_s)") from None
    except (OSError, http.client.HTTPException) as err:
        raise InputError(url, f"could not fetch: the connection failed mid-response ({err})") from None
    return b"".join(chunks)


def fetch(url: str, settings: Settings | None = None, options: FetchOptions | None = None) -> Fetched:
    """GET `url` under the safety rules above; the body as bytes, with the final URL."""
    options = options or FetchOptions.from_settings(settings)
    deadline = time.monotonic() + options.total_timeout_s
    current = url
    for _ in range(options.max_redirects + 1):
        conn, resp = _open(current, options)
        try:
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location")
                if not location:
                    raise InputError(url, f"could not fetch: HTTP {resp.status} redirect without a Location")
                current = urljoin(current, location.strip())
                continue
            if resp.status != 200:
                raise InputError(url, f"could not fetch: HTTP {resp.status} {resp.reason}".rstrip()
                                 + (f" (at {current})" if current != url else ""))
            body = _read_body(url, resp, options, deadline)
            content_type = (resp.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
            return Fetched(current, body, content_type)
        finally:
            conn.close()
    raise InputError(url, f"could not fetch: more than {options.max_redirects} redirects ([fetch] max_redirects)")
