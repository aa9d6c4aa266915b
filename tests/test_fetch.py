"""URL fetching against a real local HTTP server: SSRF refusals, limits, timeouts, feeds and OPML.

Nothing here leaves the machine: the server listens on 127.0.0.1, and the
refusal tests fail before any connection is made.
"""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from storydiff.errors import InputError, TooLargeError
from storydiff.ingest import load
from storydiff.ingest.fetch import check_address, fetch
from storydiff.settings import load_settings

from conftest import EXAMPLE, FIXTURES

ARTICLE_HTML = (FIXTURES / "aljazeera.html").read_bytes()
REWRITE = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")


def _page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    seen_agents: list = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.seen_agents.append(self.headers.get("User-Agent"))
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        kind, value = route
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", value)
            self.end_headers()
        elif kind == "slow":
            time.sleep(value)
            self._send(b"<html><body><p>late</p></body></html>", "text/html")
        elif kind == "endless":  # no Content-Length: must be stopped while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(value):
                    self.wfile.write(b"<p>" + b"x" * 8000 + b"</p>")
            except OSError:
                pass
        else:
            self._send(value, kind)

    def _send(self, body: bytes, ctype: str):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {
        "/article.html": ("text/html", ARTICLE_HTML),
        "/rewrite.html": ("text/html", _page("Trump and Netanyahu meet again", REWRITE)),
        "/moved": ("redirect", "/article.html"),
        "/to-file": ("redirect", "file:///etc/passwd"),
        "/slow": ("slow", 3),
        "/big.html": ("text/html", b"<html><body>" + b"<p>" + b"y" * 300_000 + b"</p></body></html>"),
        "/endless": ("endless", 200),
    }
    yield base
    httpd.shutdown()


@pytest.fixture
def open_settings():
    return load_settings().with_overrides({"fetch": {"allow_private": True, "read_timeout_s": 1,
                                                     "connect_timeout_s": 2}})


# --- refused by default -----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://localhost/", "http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://10.0.0.1/",
    "http://192.168.1.1/", "http://172.16.0.5/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://224.0.0.1/", "http://240.0.0.1/",
])
def test_private_and_local_addresses_are_refused_by_default(url):
    with pytest.raises(InputError) as info:
        fetch(url, load_settings())
    assert info.value.source == url
    assert "refused" in info.value.reason and "allow_private" in info.value.reason


def test_the_local_server_itself_is_refused_by_default(server):
    with pytest.raises(InputError, match="loopback address 127.0.0.1"):
        load(server + "/article.html", load_settings())


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://x/"])
def test_only_http_and_https(url, open_settings):
    from storydiff.ingest.fetch import _open, FetchOptions

    with pytest.raises(InputError, match="only http and https"):
        _open(url, FetchOptions(allow_private=True))


def test_check_address_classifies():
    assert check_address("93.184.216.34") is None
    assert check_address("2606:4700:4700::1111") is None
    assert "loopback" in check_address("127.0.0.1")
    assert "link-local" in check_address("169.254.169.254")
    assert "private" in check_address("10.1.2.3")
    assert "loopback" in check_address("::ffff:127.0.0.1")  # IPv4-mapped IPv6 is unwrapped


# --- allowed when opted in ---------------------------------------------------------------


def test_an_article_page_is_fetched_when_private_is_allowed(server, open_settings):
    _Handler.seen_agents.clear()
    [article] = load(server + "/article.html", open_settings)
    assert article.source == server + "/article.html"
    assert "Netanyahu" in article.text and article.title
    assert _Handler.seen_agents and _Handler.seen_agents[-1].startswith("storydiff/")


def test_redirects_are_followed_and_rechecked(server, open_settings):
    fetched = fetch(server + "/moved", open_settings)
    assert fetched.url == server + "/article.html" and fetched.body == ARTICLE_HTML
    with pytest.raises(InputError, match="only http and https"):
        fetch(server + "/to-file", open_settings)


def test_http_errors_name_the_status(server, open_settings):
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(server + "/missing", open_settings)


def test_a_response_over_the_size_limit_is_refused(server, open_settings):
    small = open_settings.with_overrides({"fetch": {"max_bytes": 100_000}})
    with pytest.raises(TooLargeError, match="over the 100.0 KB limit"):  # from Content-Length
        fetch(server + "/big.html", small)
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="download stopped"):  # streamed, no Content-Length
        fetch(server + "/endless", small)
    assert time.monotonic() - started < 5


def test_a_slow_server_hits_the_timeout(server, open_settings):
    started = time.monotonic()
    with pytest.raises(InputError, match="timed out"):
        fetch(server + "/slow", open_settings)  # read_timeout_s = 1, the server waits 3 s
    assert time.monotonic() - started < 2.5


def test_a_refused_host_is_not_contacted(server):
    _Handler.seen_agents.clear()
    with pytest.raises(InputError):
        fetch(server + "/article.html", load_settings())
    assert _Handler.seen_agents == []


# --- feeds and OPML ----------------------------------------------------------------------


def _rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{link}</link><pubDate>Tue, 08 Jul 2025 20:00:00 GMT</pubDate>"
        f"<description><![CDATA[{desc}]]></description></item>" for t, link, desc in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>'
            f"<link>{base}/</link>{entries}</channel></rss>").encode()


def test_feed_entries_follow_their_links(server, open_settings):
    from storydiff.ingest import feeds

    data = _rss(server, [("Meeting", "/article.html", "Short teaser."), ("Again", "/rewrite.html", "Teaser.")])
    entries = feeds.feed_entries(server + "/feed.xml", data)
    assert [e.link for e in entries] == [server + "/article.html", server + "/rewrite.html"]
    articles = [feeds.entry_article(e, open_settings) for e in entries]
    assert "Netanyahu" in articles[0].text and articles[1].url == server + "/rewrite.html"
    assert articles[1].outlet == "Local Wire"  # the page names no site; the feed's title stands in


def test_full_text_entries_are_used_without_fetching(open_settings):
    from storydiff.ingest import feeds

    body = "".join(f"<p>{p}</p>" for p in REWRITE.split("\n") if p.strip())
    data = _rss("http://203.0.113.9", [("Rewrite", "/never-fetched", body)])  # TEST-NET: unroutable
    [entry] = feeds.feed_entries("feed.xml", data)
    article = feeds.entry_article(entry, open_settings)
    assert article.title == "Rewrite" and "Netanyahu" in article.text
    assert article.url == "http://203.0.113.9/never-fetched"


def test_corpus_follows_a_served_feed_and_opml(server, open_settings, tmp_path, stories_module):
    from storydiff.corpus import Corpus

    _Handler.routes["/feed.xml"] = ("application/rss+xml",
                                    _rss(server, [("Meeting", "/article.html", "Teaser."),
                                                  ("Again", "/rewrite.html", "Teaser."),
                                                  ("Gone", "/missing", "Teaser.")]))
    _Handler.routes["/feeds.opml"] = ("text/x-opml", (
        '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
        f'<outline text="wire" type="rss" xmlUrl="{server}/feed.xml"/></body></opml>').encode())
    with Corpus(tmp_path / "c.db", open_settings) as corpus:
        summary = corpus.add([server + "/feeds.opml"])
        assert len(summary.added) + len(summary.near_copies) == 2
        assert [e.source for e in summary.failed] == [server + "/missing"]
        assert "HTTP 404" in summary.failed[0].reason
        urls = {a.url for a in corpus.store.articles()}
        assert server + "/rewrite.html" in urls
        # A second run does not fetch entries already stored under their link.
        _Handler.seen_agents.clear()
        again = corpus.add([server + "/feed.xml"])
        assert again.added == [] and len(_Handler.seen_agents) == 2  # the feed and the missing page


def test_a_local_opml_file_lists_feeds(server, open_settings, tmp_path, stories_module):
    from storydiff.corpus import Corpus

    _Handler.routes["/feed2.xml"] = ("application/rss+xml", _rss(server, [("Meeting", "/article.html", "x")]))
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<opml version="1.0"><body><outline xmlUrl="{server}/feed2.xml"/></body></opml>')
    with Corpus(tmp_path / "c.db", open_settings) as corpus:
        summary = corpus.add([str(opml)])
        assert summary.ok and len(summary.added) == 1


def test_an_opml_file_without_feeds_is_a_named_failure(tmp_path, stories_module):
    from storydiff.corpus import Corpus

    opml = tmp_path / "empty.opml"
    opml.write_text('<opml version="1.0"><body><outline text="folder"/></body></opml>')
    with Corpus(tmp_path / "c.db") as corpus:
        summary = corpus.add([str(opml)])
    assert [e.source for e in summary.failed] == [str(opml)] and "lists no feeds" in summary.failed[0].reason


def test_default_settings_refuse_private():
    assert load_settings().get("fetch", "allow_private") is False
    assert Path(load_settings().get("store", "path")).name == "storydiff.db"
