"""The FastAPI app: HTTP API under /api, server-rendered pages, and a `.json` twin for every page.

    app = create_app(load_settings(), "news.db")          # loopback, no token needed
    app = create_app(settings, "news.db", host="0.0.0.0") # needs a token (WebConfigError otherwise)

Routes are thin: they call `web.service` (which calls the library) in a
worker thread, and render `web.templates`, which import the report's own
macros (`report/templates/macros.html`) so pages and `compare --format html`
draw verdicts the same way. Typed library errors become HTTP errors here
and nowhere else.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, PackageLoader
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, ModelUnavailableError, SettingsError, StorydiffError
from ..settings import Settings
from . import service
from .pageview import build_page_view
from .security import LOOPBACK_NAMES, RequestGuard, bearer, is_loopback, required_token, token_matches

_FIELD = Field(default=None, max_length=2000)
_PAGE_HEADERS = {
    # Article text is escaped by the templates; this policy is the second line of defence.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
                               "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# --- request bodies -----------------------------------------------------------------------

class ArticleIn(BaseModel):
    """One article: its `text`, or a `url` to fetch (http/https, public addresses only)."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, description="The article text. When given, `url` is only metadata.")
    url: str | None = Field(default=None, max_length=2000,
                            description="Fetched when `text` is absent (needs the token where one is set).")
    title: str | None = _FIELD
    outlet: str | None = _FIELD
    published: str | None = Field(default=None, max_length=100, description="ISO 8601 date or datetime")

    @model_validator(mode="after")
    def _text_or_url(self):
        if not (self.text and self.text.strip()) and not (self.url and self.url.strip()):
            raise ValueError("give the article's text or its url")
        return self

    def to_input(self) -> service.ArticleInput:
        return service.ArticleInput(self.text, self.url, self.title, self.outlet, self.published)


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"articles": [
        {"text": "The talks lasted just over an hour ...", "outlet": "Al Jazeera"},
        {"url": "https://example.org/news/talks"}]}]})
    articles: list[ArticleIn] = Field(default_factory=list, description="Articles with text or URL, and metadata.")
    texts: list[str] = Field(default_factory=list, description="Shorthand: bare article texts.")
    urls: list[str] = Field(default_factory=list, description="Shorthand: article URLs to fetch.")

    def inputs(self) -> list[service.ArticleInput]:
        return ([a.to_input() for a in self.articles] + [service.ArticleInput(text=t) for t in self.texts]
                + [service.ArticleInput(url=u) for u in self.urls])


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: ArticleIn = Field(description="The original article.")
    derived: ArticleIn = Field(description="The summary or rewrite to check against it.")


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1)


class ErrorOut(BaseModel):
    """Every error's body (docs/web.md, Errors); some add fields, e.g. `failed` or `skipped`."""

    model_config = ConfigDict(extra="allow")
    error: str = Field(description="What went wrong, and what to do about it.")
    source: str | None = Field(default=None, description="What it concerns: an article, a field, a header.")


def _errors(overrides: dict[int, str] | None = None) -> dict:
    """The statuses an API POST answers besides success, so /docs and openapi.json list them all."""
    when = {
        400: "The body is not JSON (or not UTF-8), or the Host is not one this server answers to.",
        401: "No token was sent (only when the server has one).",
        403: "The token is wrong.",
        413: "The body is over [web] max_body_bytes, or holds more than [web] max_articles articles.",
        415: "The body is not application/json.",
        422: "A field is missing or of the wrong type, or an article cannot be read (`source` names it).",
        503: "The server's settings, models or corpus file are unusable.",
    }
    when.update(overrides or {})
    return {status: {"model": ErrorOut, "description": text} for status, text in when.items()}


# --- the app ------------------------------------------------------------------------------

def _json_error(status: int, error: str, source: str | None = None, **extra) -> JSONResponse:
    return JSONResponse({"error": error, "source": source, **extra}, status_code=status)


def _status_for(err: StorydiffError) -> int:
    from ..store import StoreError, UnknownStoryError

    if isinstance(err, UnknownStoryError):
        return 404
    if isinstance(err, service.RequestTooLargeError):
        return 413
    if isinstance(err, InputError):
        return 422
    if isinstance(err, (SettingsError, ModelUnavailableError, StoreError)):
        return 503  # the server's configuration or data, not the request
    return 400


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json") or path.startswith("/openapi")


def _validation_message(errors: list[dict]) -> tuple[str, str | None, int]:
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return f"the request body is not valid JSON ({first.get('ctx', {}).get('error', 'parse error')})", "body", 400
    parts = []
    for e in errors[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    source = ".".join(str(p) for p in first.get("loc", ())) or None
    return "; ".join(parts), source, 422


class HeadAsGet:
    """ASGI middleware: a HEAD request is answered as its GET would be, headers only.

    FastAPI routes declared with `app.get` answer GET alone, so HEAD (what link checkers and
    `curl -I` send) got 405."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # a copy: the server keeps its own scope, and with it knows to send no body
        await self.app({**scope, "method": "GET"}, receive, headers_only)


Term = Annotated[str | None, Query(max_length=60, description='figures about this: "killed", "hostages"')]


def create_app(settings: Settings, db_path: str | Path | None = None, *, host: str = "127.0.0.1") -> FastAPI:
    """The web app over the corpus at `db_path` (None: [store] path), for a server listening on `host`.

    Raises WebConfigError when `host` is beyond loopback and no token is set.
    """
    from ..report.html import environment

    token = required_token(settings, host)
    max_body = int(settings.get("web", "max_body_bytes"))
    heavy = anyio.CapacityLimiter(max(1, int(settings.get("web", "workers"))))
    corpora = service.CorpusPool(db_path, settings)
    env = environment().overlay(loader=ChoiceLoader([PackageLoader("storydiff.web", "templates"),
                                                     PackageLoader("storydiff.report", "templates")]))
    env.globals["hue"] = lambda name: zlib.crc32((name or "").encode()) % 360
    env.globals["auth_required"] = token is not None
    # Messages name commands in backticks (`storydiff stories` lists them): shown as code, escaped first.
    env.filters["code_spans"] = lambda text: Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))

    async def lifespan(app):
        yield
        corpora.close()

    app = FastAPI(
        title="storydiff", lifespan=lifespan, docs_url=None, redoc_url=None,  # /docs is ours: no CDN scripts
        summary="What news sources agree on, where they conflict, and what only one says.",
        description="Every page has a `.json` twin. POST endpoints need `Authorization: Bearer TOKEN` "
                    "whenever the server has a token (always, beyond loopback). See docs/web.md.",
    )
    app.state.settings, app.state.corpora, app.state.token = settings, corpora, token

    async def in_thread(fn, *args, heavy_work: bool = False):
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=heavy if heavy_work else None)

    def page(name: str, status_code: int = 200, **context) -> HTMLResponse:
        html = env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status_code, headers=_PAGE_HEADERS)

    # --- errors at the edge ---------------------------------------------------------------

    def error_response(request: Request, status: int, error: str, source: str | None) -> Response:
        if _wants_json(request):
            return _json_error(status, error, source)
        return page("error.html", status, status=status, error=error, source=source)

    # On loopback, only loopback Host names: a web page cannot reach us through DNS rebinding.
    allowed = LOOPBACK_NAMES | {host.lower()} if is_loopback(host) else None
    app.add_middleware(RequestGuard, max_body_bytes=max_body, allowed_hosts=allowed,
                       refuse=lambda scope, *error: error_response(Request(scope), *error))
    app.add_middleware(HeadAsGet)  # outermost: the guard's refusals to a HEAD lose their body too

    @app.exception_handler(StorydiffError)
    async def _storydiff_error(request: Request, err: StorydiffError):
        source = getattr(err, "source", None)
        message = getattr(err, "reason", None) or str(err)
        for local in corpora.paths():  # the server's file paths are not the client's business
            message = message.replace(local, "the corpus")
        return error_response(request, _status_for(err), message, source)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError):
        message, source, status = _validation_message(list(err.errors()))
        return error_response(request, status, message, source)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException):
        message = err.detail if isinstance(err.detail, str) else json.dumps(err.detail)
        source = None
        if err.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's words when the body does not decode (UTF-16, Latin-1): say what to send instead
            message, source = "the request body is not UTF-8 JSON; send it encoded as UTF-8", "body"
        response = error_response(request, err.status_code, message, source)
        for k, v in (err.headers or {}).items():
            response.headers[k] = v
        return response

    # --- auth -----------------------------------------------------------------------------

    def check_token(given: str | None) -> None:
        if token is None:
            return
        if given is None:
            raise StarletteHTTPException(401, "this server needs a token for POST requests: send "
                                              "`Authorization: Bearer TOKEN`", {"WWW-Authenticate": "Bearer"})
        if not token_matches(token, given):
            raise StarletteHTTPException(403, "the token is wrong")

    async def api_write(request: Request) -> None:
        """Dependency of every API POST: a JSON body (so no cross-site form can post) and the token."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise StarletteHTTPException(415, f"send the body as application/json, not {ctype or 'nothing'}")
        check_token(bearer(request.headers))

    write = [Depends(api_write)]

    # --- API ------------------------------------------------------------------------------

    def stories_payload(q: str | None) -> dict:
        stories = service.list_stories(corpora.get(), q)
        return {"q": q, "count": len(stories), "stories": stories}

    def story_payload(story_id: str) -> tuple[dict, Any]:
        from ..report import to_dict

        summary, report = service.story_report(corpora.get(), story_id)
        return {"story": summary, "report": to_dict(report)}, report

    async def load_story(story_id: str):
        cached = await in_thread(lambda: corpora.get().is_cached(story_id))
        return await in_thread(story_payload, story_id, heavy_work=not cached)

    # What a GET answers besides 200: the server's guard (400) and a corpus it cannot read (503).
    read_errors = {status: text for status, text in _errors({400: "The Host is not one this server answers to."}).items()
                   if status in (400, 503)}

    @app.get("/api/stories", tags=["api"], summary="List or search stories",
             responses={**read_errors, 422: _errors()[422]})
    async def api_stories(q: Annotated[str | None, Query(max_length=200, description="words in a title or outlet")] = None):
        return await in_thread(stories_payload, q)

    @app.get("/api/stories/{story_id}", tags=["api"], summary="A story: its articles and claim comparison",
             responses={**read_errors, 404: {"model": ErrorOut,
                                             "description": "No story has this id, or the prefix fits none."}})
    async def api_story(story_id: str):
        payload, _ = await load_story(story_id)
        return payload

    @app.get("/docs", include_in_schema=False)
    async def api_docs():
        """The API described from its own OpenAPI schema, with no third-party scripts (FastAPI's Swagger
        page loads them from a CDN, so offline it was blank)."""
        operations = []
        schema = app.openapi()
        for path, methods in schema["paths"].items():
            for method, op in methods.items():
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                ref = body.get("$ref", "").rsplit("/", 1)[-1]
                examples = schema.get("components", {}).get("schemas", {}).get(ref, {}).get("examples")
                operations.append({
                    "method": method.upper(), "path": path, "anchor": f"{method}-{path.strip('/').replace('/', '-')}",
                    "summary": op.get("summary"), "description": op.get("description"),
                    "example": json.dumps(examples[0], indent=2) if examples else None,
                    "statuses": ", ".join(sorted(op.get("responses", {}))),
                })
        return page("api.html", operations=operations)

    @app.post("/api/compare", tags=["api"], dependencies=write, summary="Compare articles (texts and/or URLs)",
              responses=_errors(),
              description="Returns exactly the JSON of `storydiff compare --format json` (docs/json-schema.md).")
    async def api_compare(body: CompareIn):
        from ..report import to_dict

        inputs = body.inputs()
        if len(inputs) < 2:
            return _json_error(422, f"give at least two articles to compare ({len(inputs)} given)")
        report = await in_thread(service.compare_inputs, inputs, settings, heavy_work=True)
        if len(report.articles) < 2 and report.skipped:  # as `storydiff compare`, which exits 1
            first = report.skipped[0]
            return _json_error(422, f"fewer than two articles could be read: {first['reason']}", first["source"],
                               skipped=list(report.skipped))
        return to_dict(report)

    @app.post("/api/check", tags=["api"], dependencies=write, summary="Check a derived text against its source",
              responses=_errors({413: "The body is over [web] max_body_bytes."}),
              description="Returns the JSON of `storydiff check --format json`.")
    async def api_check(body: CheckIn):
        return await in_thread(service.check_inputs, body.source.to_input(), body.derived.to_input(), settings,
                               heavy_work=True)

    @app.post("/api/articles", tags=["api"], dependencies=write, summary="Add articles to the corpus",
              response_description="Nothing new: every article was already stored (a duplicate or near-copy).",
              responses={201: {"description": "At least one article was added."}, **_errors({
                  422: "A field is missing or of the wrong type, or no article could be read (the body also "
                       "holds the result: `failed` says why for each)."})})
    async def api_articles(body: ArticlesIn):
        inputs = [a.to_input() for a in body.articles]
        result = await in_thread(lambda: service.add_inputs(corpora.get(), inputs, settings), heavy_work=True)
        stored = result["added"] or result["duplicates"] or result["near_copies"]
        if not stored and result["failed"]:  # nothing could be read: the request, not the corpus, is wrong
            first = result["failed"][0]
            return _json_error(422, f"no article could be read: {first['reason']}", first["source"], **result)
        return JSONResponse(result, status_code=201 if result["added"] else 200)

    # --- pages and their .json twins ------------------------------------------------------

    @app.get("/index.json", tags=["pages"], summary="The story list page as JSON")
    async def index_json(q: Annotated[str | None, Query(max_length=200)] = None):
        return await in_thread(stories_payload, q)

    @app.get("/", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def index(q: Annotated[str | None, Query(max_length=200)] = None):
        payload = await in_thread(stories_payload, q)
        return page("index.html", **payload)

    @app.get("/stories/{story_id}.json", tags=["pages"], summary="The story page as JSON")
    async def story_json(story_id: str):
        payload, _ = await load_story(story_id)
        return payload

    @app.get("/stories/{story_id}", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def story_page(story_id: str):
        resolved, merged = await in_thread(lambda: corpora.get().store.find_story(story_id))
        if merged:  # a story merged into another: its page is the other's
            return RedirectResponse(f"/stories/{resolved}", status_code=307)
        payload, report = await load_story(resolved)
        return page("story.html", story=payload["story"], page=build_page_view(report))

    # --- provenance and the figure timeline of a story ---------------------------------

    @app.get("/stories/{story_id}/provenance.json", tags=["pages"], summary="Who copied whom in a story")
    async def provenance_json(story_id: str):
        summary, prov = await in_thread(service.story_provenance, corpora.get(), story_id, heavy_work=True)
        return {"story": summary, "provenance": prov}

    @app.get("/stories/{story_id}/provenance", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def provenance_page(story_id: str):
        summary, prov = await in_thread(service.story_provenance, corpora.get(), story_id, heavy_work=True)
        return page("provenance.html", story=summary, prov=prov)

    @app.get("/stories/{story_id}/timeline.json", tags=["pages"], summary="Figures a story reports, by date")
    async def timeline_json(story_id: str, term: Term = None):
        summary, points = await in_thread(service.story_timeline, corpora.get(), story_id, term, heavy_work=True)
        return {"story": summary, "term": term, "points": service.timeline_rows(points)}

    @app.get("/stories/{story_id}/timeline.png", tags=["pages"], summary="The figure timeline as a chart")
    async def timeline_png(story_id: str, term: Term = None):
        import tempfile

        from ..timeline import plot_timeline

        def draw():
            _, points = service.story_timeline(corpora.get(), story_id, term)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "timeline.png"
                plot_timeline(points, str(path), f"Figures about “{term}”" if term else None)
                return path.read_bytes()

        return Response(await in_thread(draw, heavy_work=True), media_type="image/png")

    @app.get("/stories/{story_id}/timeline", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def timeline_page(story_id: str, term: Term = None):
        summary, points = await in_thread(service.story_timeline, corpora.get(), story_id, term, heavy_work=True)
        return page("timeline.html", story=summary, term=term, rows=service.timeline_rows(points))

    @app.get("/compare.json", tags=["pages"], summary="The compare page's form, as JSON")
    async def compare_form_json():
        return {"method": "POST", "action": "/compare.json", "fields": list(_FORM_FIELDS),
                "api": "/api/compare", "token_required": token is not None}

    @app.get("/compare", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def compare_form():
        return page("compare.html", form={}, page=None, skipped=())

    async def compare_posted(request: Request):
        form = await _read_form(request)
        check_token(form.get("token") or bearer(request.headers))
        inputs = [service.ArticleInput(text=form.get(f"text{i}") or None, url=form.get(f"url{i}") or None,
                                       outlet=form.get(f"outlet{i}") or None) for i in FORM_SOURCES]
        inputs = [i for i in inputs if i.text or i.url]
        if len(inputs) < 2:
            raise InputError("form", "give at least two articles: paste a text or a URL in two of the sources")
        return form, await in_thread(service.compare_inputs, inputs, settings, heavy_work=True)

    @app.post("/compare.json", tags=["pages"], summary="The compare page's result, as JSON")
    async def compare_result_json(request: Request):
        from ..report import to_dict

        _, report = await compare_posted(request)
        return to_dict(report)

    @app.post("/compare", response_class=HTMLResponse, tags=["pages"], include_in_schema=False)
    async def compare_result(request: Request):
        form, report = await compare_posted(request)
        form.pop("token", None)  # never echo the token back into the page
        return page("compare.html", form=form, page=build_page_view(report), skipped=report.skipped)

    @app.get("/assets/storydiff.js", include_in_schema=False)
    async def script():
        js = resources.files("storydiff.web").joinpath("templates", "storydiff.js").read_text(encoding="utf-8")
        return Response(js, media_type="text/javascript", headers={"Cache-Control": "max-age=3600",
                                                                   "X-Content-Type-Options": "nosniff"})

    return app


# The form takes up to five sources (the API any number): the first two shown, three more folded away.
FORM_SOURCES = range(1, 6)
_FORM_FIELDS = tuple(f"{field}{i}" for i in FORM_SOURCES for field in ("text", "url", "outlet")) + ("token",)


async def _read_form(request: Request) -> dict[str, str]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise StarletteHTTPException(415, "post the compare form as application/x-www-form-urlencoded; "
                                          "for JSON use /api/compare")
    try:
        raw = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise StarletteHTTPException(400, "the form is not UTF-8") from None
    try:
        fields = parse_qs(raw, keep_blank_values=True, max_num_fields=50)
    except ValueError:
        raise StarletteHTTPException(400, "the form has too many fields") from None
    unknown = sorted(set(fields) - set(_FORM_FIELDS))
    if unknown:
        raise StarletteHTTPException(422, f"unknown form field(s): {', '.join(unknown)}; "
                                          f"valid: {', '.join(_FORM_FIELDS)}")
    return {k: v[0] for k, v in fields.items()}
