"""The web app through FastAPI's TestClient: every endpoint, its .json twin, bad input, limits, auth.

One corpus holding the example story (examples/gaza-talks/) is built once through the
Corpus API; its comparison is cached by the first read, so the other reads are cheap.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from storydiff.settings import Settings, load_settings
from storydiff.web import WebConfigError, create_app

from conftest import EXAMPLE

TOKEN = "test-token-0123456789abcdef"
LOOPBACK = "http://127.0.0.1"
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def web_settings(**web) -> Settings:
    settings = load_settings()
    values = {section: dict(keys) for section, keys in settings.values.items()}
    values["web"].update(web)
    # The near-duplicate settings arrive with stories.py; until they are in defaults.toml, use its defaults.
    stories = values.setdefault("stories", {})
    for key, value in (("duplicate_threshold", 0.8), ("duplicate_num_perm", 128), ("duplicate_shingle_words", 5)):
        stories.setdefault(key, value)
    return Settings(values)


def example_texts() -> tuple[str, str]:
    return ((EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8"),
            (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory):
    from storydiff.corpus import Corpus

    path = tmp_path_factory.mktemp("web") / "corpus.db"
    with Corpus(path, web_settings()) as corpus:
        summary = corpus.add([str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")])
        assert summary.ok and len(summary.added) == 2
        assert len(set(summary.stories.values())) == 1, "the example pair should be one story"
    return path


@pytest.fixture(scope="module")
def client(corpus_path):
    with TestClient(create_app(web_settings(), corpus_path), base_url=LOOPBACK) as c:
        yield c


@pytest.fixture(scope="module")
def story_id(client) -> str:
    stories = client.get("/api/stories").json()["stories"]
    assert len(stories) == 1
    return stories[0]["id"]


@pytest.fixture(scope="module")
def story(client, story_id) -> dict:
    response = client.get(f"/api/stories/{story_id}")  # computes and caches the comparison
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def compared(client) -> dict:
    a, b = example_texts()
    response = client.post("/api/compare", json={"articles": [{"text": a, "outlet": "Al Jazeera"},
                                                              {"text": b, "outlet": "Rewrite"}]})
    assert response.status_code == 200, response.text
    return response.json()


def duration_conflict(report: dict) -> dict:
    found = [v for v in report["verdicts"] if v["label"] == "conflict" and v["conflict_kind"] == "duration"]
    assert found, [v["reason"] for v in report["verdicts"] if v["label"] == "conflict"]
    return found[0]


def highlighted(verdict: dict) -> set[str]:
    return {h["text"] for e in verdict["evidence"] for h in e["highlights"]}


# --- stories ------------------------------------------------------------------------------

def test_story_list_has_the_example_story_with_coverage_per_outlet(client, story_id):
    payload = client.get("/api/stories").json()
    assert payload["count"] == 1 and payload["q"] is None
    story = payload["stories"][0]
    assert story["size"] == 2 and story["url"] == f"/stories/{story_id}"
    assert {c["outlet"]: c["articles"] for c in story["coverage"]} == {"Al Jazeera": 1, "Rewrite": 1}
    assert client.get("/index.json").json() == payload  # the page's twin is the API's answer


def test_story_search(client, story_id):
    assert [s["id"] for s in client.get("/api/stories", params={"q": "jazeera"}).json()["stories"]] == [story_id]
    assert client.get("/api/stories", params={"q": "ceasefire amidst"}).json()["count"] == 1  # a title
    assert client.get("/index.json", params={"q": "no such outlet"}).json() == {
        "q": "no such outlet", "count": 0, "stories": []}
    assert client.get("/api/stories", params={"q": "x" * 201}).status_code == 422


def test_story_holds_articles_and_the_comparison(client, story_id, story):
    assert story["story"]["id"] == story_id
    assert {a["outlet"] for a in story["story"]["articles"]} == {"Al Jazeera", "Rewrite"}
    report = story["report"]
    assert report["schema"] == "storydiff.report" and len(report["articles"]) == 2
    assert {"just over an hour", "about two hours"} <= highlighted(duration_conflict(report))
    assert client.get(f"/stories/{story_id}.json").json() == story
    assert client.get(f"/api/stories/{story_id[:6]}").json()["story"]["id"] == story_id  # a unique prefix


def test_unknown_story_is_404_in_json_and_html(client, corpus_path):
    for path in ("/api/stories/nope", "/stories/nope.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert "no story 'nope'" in response.json()["error"]
        assert str(corpus_path) not in response.text  # server paths stay on the server
    page = client.get("/stories/nope")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no story &#39;nope&#39;" in page.text
    assert "<code>storydiff stories</code> lists them" in page.text and "`" not in page.text.split("<main>")[1]


def test_a_merged_away_story_redirects_to_the_story_it_went_into(tmp_path):
    from storydiff.corpus import Corpus

    path = tmp_path / "merged.db"
    with Corpus(path, web_settings()) as corpus:
        corpus.add([str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")])
        kept, = corpus.store.story_ids()
        rewrite = next(a.id for a in corpus.store.articles() if a.source.endswith("rewrite.txt"))
        gone = corpus.split(kept, [rewrite])  # by hand, then back: the split-off story's id is gone
        corpus.merge(kept, gone)
    with TestClient(create_app(web_settings(), path), base_url=LOOPBACK) as c:
        page = c.get(f"/stories/{gone}", follow_redirects=False)
        assert page.status_code == 307 and page.headers["location"] == f"/stories/{kept}"
        assert c.get(f"/stories/{gone}").status_code == 200  # followed
        assert c.get(f"/api/stories/{gone}").json()["story"]["id"] == kept
        assert c.get(f"/stories/{kept[:6]}", follow_redirects=False).status_code == 200  # a prefix is not a move


def test_story_page_shows_conflicts_first_with_linked_claims(client, story_id, story):
    page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200
    html = page.text
    order = [html.index(f'id="{section}"') for section in ("conflicts", "agreements", "only-in", "articles")]
    assert order == sorted(order)
    assert "<mark>just over an hour</mark>" in html and "<mark>about two hours</mark>" in html
    # every card sentence links to an element of the full text with that id
    targets = set(re.findall(r'href="#(claim-[A-Za-z0-9_-]+)"', html))
    ids = set(re.findall(r'<span class="claim [a-z_]+" id="(claim-[A-Za-z0-9_-]+)"', html))
    assert targets and targets <= ids
    conflict = duration_conflict(story["report"])
    for evidence in conflict["evidence"]:
        assert f'id="claim-{evidence["claim_id"].replace(":", "-")}"' in html
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_index_page_has_coverage_bars(client, story_id):
    html = client.get("/").text
    assert f'href="/stories/{story_id}"' in html
    assert 'class="coverage"' in html and 'title="Al Jazeera: 1 article"' in html


# --- compare ------------------------------------------------------------------------------

def test_api_compare_finds_the_meeting_length_conflict(compared):
    from test_report import validate  # the schema validator the report tests use

    from storydiff.report import load_schema

    validate(compared, load_schema())
    conflict = duration_conflict(compared)
    assert highlighted(conflict) >= {"just over an hour", "about two hours"}
    assert [a["outlet"] for a in compared["articles"]] == ["Al Jazeera", "Rewrite"]
    assert compared["skipped"] == []


def test_api_compare_equals_the_cli_json(compared, tmp_path):
    from click.testing import CliRunner

    from storydiff.cli import main

    out = tmp_path / "cli.json"
    result = CliRunner().invoke(main, ["compare", str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt"),
                                       "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cli = json.loads(out.read_text())
    assert set(cli) == set(compared)
    assert [v["reason"] for v in cli["verdicts"]] == [v["reason"] for v in compared["verdicts"]]


def test_api_compare_lists_unreadable_inputs_as_skipped(client):
    a, _ = example_texts()
    response = client.post("/api/compare", json={"texts": [a, "too short"]})
    # fewer than two readable articles: `storydiff compare` exits 1, the API answers 422 naming the input
    assert response.status_code == 422
    body = response.json()
    assert body["skipped"] == [{"source": "article 2", "reason": body["skipped"][0]["reason"]}]
    assert "min_article_chars" in body["skipped"][0]["reason"]
    assert body["source"] == "article 2" and body["error"].startswith("fewer than two articles could be read")
    nothing = client.post("/api/compare", json={"articles": []})
    assert nothing.status_code == 422 and "at least two articles" in nothing.json()["error"]


def test_api_articles_answers_422_when_no_article_could_be_read(client):
    response = client.post("/api/articles", json={"articles": [{"text": "too short"}]})
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("no article could be read") and body["counts"]["failed"] == 1


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "not valid JSON"),
    ('{"texts": ["Caf\u00e9 au lait"]}'.encode("latin-1"), 400, "not UTF-8 JSON"),  # a Latin-1 body
    (b"[]", 422, "body"),
    (b'{"articles": [{"title": "no text"}]}', 422, "text or its url"),
    (b'{"articles": [{"text": 5}]}', 422, "articles.0.text"),
    (b'{"articles": [], "extra": 1}', 422, "extra"),
    (b'{"texts": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]}', 413, "max_articles"),
])
def test_api_compare_bad_input_is_a_clear_4xx(client, body, status, words):
    response = client.post("/api/compare", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert words in response.json()["error"]


def test_api_posts_must_be_json(client):
    response = client.post("/api/compare", content=b"texts=a", headers={"content-type": "text/plain"})
    assert response.status_code == 415 and "application/json" in response.json()["error"]


def test_compare_page_form_and_json_twin(client):
    a, b = example_texts()
    assert 'name="text1"' in client.get("/compare").text
    assert client.get("/compare.json").json()["api"] == "/api/compare"
    page = client.post("/compare", data={"text1": a, "outlet1": "Al Jazeera", "text2": b, "outlet2": "Rewrite"})
    assert page.status_code == 200
    assert "<mark>just over an hour</mark>" in page.text and 'class="claim-link"' in page.text
    twin = client.post("/compare.json", data={"text1": a, "text2": b})
    assert duration_conflict(twin.json())
    missing = client.post("/compare", data={"text1": a})
    assert missing.status_code == 422 and "two articles" in missing.text
    assert client.post("/compare.json", data={"nope": "1"}).status_code == 422


def test_compare_page_takes_more_sources_and_shows_a_point_once(client):
    a, b = example_texts()
    repost = a.rsplit("\n", 2)[0]  # the Al Jazeera text less its last paragraph: a third source saying the same
    form = {"text1": a, "outlet1": "Al Jazeera", "text2": b, "outlet2": "Rewrite", "text3": repost, "outlet3": "Repost"}
    assert 'name="text5"' in client.get("/compare").text
    page = client.post("/compare", data=form)
    assert page.status_code == 200 and "<details class=\"more-sources\" open>" in page.text
    report = client.post("/compare.json", data=form).json()
    assert [a["outlet"] for a in report["articles"]] == ["Al Jazeera", "Rewrite", "Repost"]
    [meeting] = [p for p in report["points"] if p["conflict_kind"] == "duration"]
    assert len(meeting["articles"]) == 3 and len(meeting["verdicts"]) == 2  # one card, two pairs
    assert "“just over an hour” (Al Jazeera, Repost)" in meeting["reason"]


# --- check and articles -------------------------------------------------------------------

def test_api_check(client):
    a, b = example_texts()
    response = client.post("/api/check", json={"source": {"text": a}, "derived": {"text": b}})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verdict"] in ("consistent", "inconsistent") and result["claims"]
    assert any(c["label"] == "contradicted" for c in result["claims"])
    bad = client.post("/api/check", json={"source": {"text": a}, "derived": {"text": "tiny"}})
    assert bad.status_code == 422 and bad.json()["source"] == "derived"
    assert client.post("/api/check", json={"source": {"text": a}}).status_code == 422
    # a one-line summary is a normal derived text; [ingest] min_article_chars is for the source
    one_line = "The talks lasted two hours."
    assert client.post("/api/check", json={"source": {"text": a}, "derived": {"text": one_line}}).status_code == 200
    short_source = client.post("/api/check", json={"source": {"text": one_line}, "derived": {"text": b}})
    assert short_source.status_code == 422 and "min_article_chars" in short_source.text


def test_api_articles_adds_and_is_idempotent(tmp_path):
    text = ("The city council voted 7 to 2 on Monday to close the Riverside library branch, "
            "citing a budget shortfall of 1.2 million dollars, the mayor said.")
    with TestClient(create_app(web_settings(), tmp_path / "c.db"), base_url=LOOPBACK) as client:
        first = client.post("/api/articles", json={"articles": [{"text": text, "outlet": "Gazette"}, {"text": "x"}]})
        assert first.status_code == 201, first.text
        body = first.json()
        assert len(body["added"]) == 1 and body["added"][0]["story_id"]
        assert body["failed"] and "min_article_chars" in body["failed"][0]["reason"]
        assert body["failed"][0]["source"] == "record 2 of the request"
        again = client.post("/api/articles", json={"articles": [{"text": text}]})
        assert again.status_code == 200 and again.json()["counts"]["duplicate"] == 1
        stories = client.get("/api/stories").json()["stories"]
        assert [c["outlet"] for c in stories[0]["coverage"]] == ["Gazette"]
        # no headline was given: the story is named by its opening line, on the list and its page
        assert stories[0]["title"] is None and stories[0]["lead"].startswith("The city council voted 7 to 2")
        assert "The city council voted 7 to 2" in client.get("/").text
        assert "<h1>The city council voted 7 to 2" in client.get(stories[0]["url"]).text
        assert client.post("/api/articles", json={"articles": []}).status_code == 422


# --- limits, auth, hosts ------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(corpus_path):
    with TestClient(create_app(web_settings(max_body_bytes=1000), corpus_path), base_url=LOOPBACK) as c:
        yield c


def test_oversized_body_is_413_on_content_length(small):
    response = small.post("/api/compare", json={"texts": ["word " * 400, "b"]})
    assert response.status_code == 413 and "max_body_bytes" in response.json()["error"]
    assert small.post("/compare", data={"text1": "w" * 2000}).status_code == 413


def test_oversized_streamed_body_is_413(small):
    def chunks():  # no Content-Length: counted while it streams
        for _ in range(100):
            yield b"x" * 100

    response = small.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_loopback_serves_loopback_host_names_only(small):
    assert small.get("/index.json", headers={"host": "localhost:8000"}).status_code == 200
    rebound = small.get("/index.json", headers={"host": "evil.example"})
    assert rebound.status_code == 400 and "loopback" in rebound.json()["error"]


def test_a_refused_host_gets_an_html_page_on_page_urls_and_json_on_the_api(small):
    page = small.get("/stories/x", headers={"host": "<b>evil.example</b>"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "loopback names only" in page.text and "&lt;b&gt;evil.example" in page.text and "<b>evil" not in page.text
    for path in ("/api/stories", "/index.json"):
        api = small.get(path, headers={"host": "evil.example"})
        assert api.status_code == 400 and api.json()["source"] == "Host", path


def test_refuses_to_listen_beyond_loopback_without_a_token(monkeypatch):
    monkeypatch.delenv("STORYDIFF_TOKEN", raising=False)
    with pytest.raises(WebConfigError, match="without a token"):
        create_app(web_settings(), host="0.0.0.0")
    with pytest.raises(WebConfigError, match="shorter than 16"):
        create_app(web_settings(token="short"), host="0.0.0.0")


@pytest.mark.parametrize("from_env", [False, True])
def test_token_guards_every_post(corpus_path, monkeypatch, from_env):
    if from_env:
        monkeypatch.setenv("STORYDIFF_TOKEN", TOKEN)
        settings = web_settings()
    else:
        monkeypatch.delenv("STORYDIFF_TOKEN", raising=False)
        settings = web_settings(token=TOKEN)
    app = create_app(settings, corpus_path, host="0.0.0.0")
    with TestClient(app, base_url="http://news.example.org") as client:
        body = {"texts": ["only one text, long enough to be read as an article by storydiff's ingest rules"]}
        for path in ("/api/compare", "/api/articles", "/api/check"):
            missing = client.post(path, json=body)
            assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
            wrong = client.post(path, json=body, headers={"Authorization": "Bearer wrong-token-123456789"})
            assert wrong.status_code == 403
        # past the token, the one text is the request's own fault: 422, not 401 / 403
        ok = client.post("/api/compare", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 422 and "at least two articles" in ok.json()["error"]
        assert client.post("/api/compare", json=body, headers={"X-Storydiff-Token": TOKEN}).status_code == 422
        assert client.post("/compare", data={"text1": "a", "text2": "b"}).status_code == 401
        assert 'name="token"' in client.get("/compare").text
        assert client.get("/index.json").status_code == 200  # reads stay open


def test_head_is_answered_like_get_without_a_body(client, story_id):
    # link checkers and `curl -I` send HEAD; FastAPI's GET routes answered it 405
    for path in ("/", "/index.json", f"/stories/{story_id}", f"/stories/{story_id}.json", "/api/stories",
                 f"/api/stories/{story_id}", "/compare", "/docs"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        for header in ("content-type", "content-length"):
            assert head.headers[header] == got.headers[header], (path, header)
    missing = client.head("/stories/no-such-story")
    assert missing.status_code == 404 and missing.content == b""
    assert client.head("/api/compare").status_code == 405  # POST only, as before


def test_openapi_documents_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/compare", "/api/check", "/api/articles"} <= set(paths)
    assert client.get("/assets/storydiff.js").headers["content-type"].startswith("text/javascript")


def test_openapi_declares_every_status_the_api_answers(client, small):
    responses = {path: client.app.openapi()["paths"][path]["post"]["responses"]
                 for path in ("/api/articles", "/api/compare", "/api/check")}
    for path, declared in responses.items():
        assert {"400", "401", "403", "413", "415", "422", "503"} <= set(declared), path
        assert declared["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), path
    assert {"200", "201"} <= set(responses["/api/articles"])
    # what /api/articles really answers to bad requests is among what it declares
    answered = {
        small.post("/api/articles", content=b"{", headers={"content-type": "application/json"}).status_code,
        small.post("/api/articles", json={"articles": [{"text": "w " * 600}]}).status_code,
        small.post("/api/articles", content=b"{}", headers={"content-type": "text/plain"}).status_code,
        small.post("/api/articles", json={"articles": []}).status_code,
    }
    assert answered == {400, 413, 415, 422} and {str(s) for s in answered} <= set(responses["/api/articles"])
    # the GETs too: an unknown story is a declared 404
    story = client.app.openapi()["paths"]["/api/stories/{story_id}"]["get"]["responses"]
    missing = client.get("/api/stories/0000dead")
    assert missing.status_code == 404 and "404" in story and {"400", "503"} <= set(story)


# --- hostile article content --------------------------------------------------------------

def test_hostile_article_content_is_escaped_everywhere(tmp_path):
    a, b = example_texts()
    hostile = {"title": HOSTILE, "outlet": f"Evil{HOSTILE}", "url": "javascript:alert(3)"}
    with TestClient(create_app(web_settings(), tmp_path / "x.db"), base_url=LOOPBACK) as client:
        added = client.post("/api/articles", json={"articles": [
            {"text": a.replace("just over an hour", f"just over an hour {HOSTILE}"), **hostile},
            {"text": b, "title": HOSTILE, "outlet": "Rewrite", "url": 'https://ok.example/"onmouseover="alert(4)'}]})
        assert added.status_code == 201, added.text
        story_id = added.json()["added"][0]["story_id"]
        pages = {
            "index": client.get("/").text,
            "search": client.get("/", params={"q": HOSTILE}).text,
            "story": client.get(f"/stories/{story_id}").text,
            "compare": client.post("/compare", data={"text1": a + HOSTILE, "outlet1": HOSTILE, "url1": HOSTILE,
                                                     "text2": b, "outlet2": "javascript:alert(5)"}).text,
            "error": client.get("/stories/" + "%3Cscript%3Ealert(6)%3C%2Fscript%3E").text,
        }
    for name, html in pages.items():
        assert "<script>alert" not in html, name
        assert "<img src=x" not in html, name
        assert 'href="javascript:' not in html.lower(), name
        assert '"onmouseover="' not in html, name
        assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/assets/storydiff.js" defer>'], name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["story"]
    assert "&#34;onmouseover=&#34;" in pages["story"] or "onmouseover" not in pages["story"]


def test_story_provenance_page_and_twin(client, story_id):
    data = client.get(f"/stories/{story_id}/provenance.json").json()
    prov = data["provenance"]
    assert prov["independent_sources"] == 2 and len(prov["graph"]["nodes"]) == 2
    passages = [x for p in prov["pairs"] for x in p["passages"]]
    assert any("finish the job in Gaza" in x["left_text"] for x in passages)
    page = client.get(f"/stories/{story_id}/provenance")
    assert page.status_code == 200 and "Who copied whom" in page.text and "finish the job in Gaza" in page.text
    assert f'href="/stories/{story_id}/provenance"' in client.get(f"/stories/{story_id}").text


def test_story_timeline_page_twin_and_chart(client, story_id):
    data = client.get(f"/stories/{story_id}/timeline.json", params={"term": "killed"}).json()
    figures = {row["figure"] for row in data["points"]}
    assert {"at least 57,575", "over 57,500"} <= figures and data["term"] == "killed"
    assert "136,879" not in figures  # wounded, not killed
    page = client.get(f"/stories/{story_id}/timeline", params={"term": "killed"})
    assert page.status_code == 200 and "<mark>at least 57,575</mark>" in page.text
    chart = client.get(f"/stories/{story_id}/timeline.png", params={"term": "killed"})
    assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    assert client.get("/stories/no-such-story/timeline.json").status_code == 404


def test_the_api_page_works_offline(client):
    # FastAPI's Swagger page loads its scripts from a CDN: offline it was blank
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for endpoint in ("POST /api/compare", "POST /api/check", "POST /api/articles", "GET /api/stories"):
        assert endpoint in page.text
    assert 'id="post-api-compare"' in page.text  # the /compare form links here
    assert "<script src=\"http" not in page.text and "cdn." not in page.text
