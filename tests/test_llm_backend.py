"""The llm pair judge against a real local HTTP server that plays an OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storydiff.backends.judges import get_pair_judge
from storydiff.backends.llm import LlmEndpointError, LlmJudge, LlmReplyError, first_json_object
from storydiff.errors import ModelUnavailableError, SettingsError
from storydiff.settings import load_settings

KEY_ENV = "STORYDIFF_TEST_LLM_KEY"
SECRET = "sk-test-not-a-real-key-123456"
SOURCE_A = "The talks in Doha lasted just over an hour. Some 50 captives remain in Gaza."
SOURCE_B = "The ministry said 12 people were hurt."


def verdicts_for(request: dict) -> dict:
    """Canned verdicts: a claim with "two" is contradicted, with "ministry" not in the source, else supported."""
    claims = re.findall(r"^(\d+)\. (.*)$", request["messages"][-1]["content"], re.MULTILINE)
    verdicts = []
    for number, claim in claims:
        label = "contradicted" if "two" in claim else "not_in_source" if "ministry" in claim else "supported"
        verdicts.append({"claim": int(number), "label": label, "evidence": "lasted just over an hour",
                         "reason": f"checked claim {number}"})
    return {"verdicts": verdicts}


def chat_reply(content: str) -> dict:
    return {"id": "x", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}


class FakeEndpoint(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        script = self.server.script.pop(0) if self.server.script else "ok"
        if callable(script):
            script = script(body)
        if isinstance(script, tuple):  # (status, raw body)
            status, raw = script
        else:
            status, raw = 200, json.dumps(chat_reply(self.server.wrap(json.dumps(verdicts_for(body)))))
        if status == "sleep":
            time.sleep(raw)
            status, raw = 200, json.dumps(chat_reply(json.dumps(verdicts_for(body))))
        data = raw.encode() if isinstance(raw, str) else raw
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    httpd.requests, httpd.script, httpd.wrap = [], [], (lambda text: text)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    httpd.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setattr(LlmJudge, "retry_delay_s", 0.0)


def make_judge(base_url, **judge):
    settings = load_settings().with_overrides({"judge": {
        "backend": "llm", "llm_base_url": base_url, "llm_model": "test-model", "llm_api_key_env": KEY_ENV, **judge}})
    return get_pair_judge(settings)


ITEMS = [
    (SOURCE_A, "The talks lasted about an hour."),
    (SOURCE_B, "The ministry gave a toll."),
    (SOURCE_A, "The talks lasted two hours."),
    (SOURCE_A, "The ministry confirmed the talks."),
    (SOURCE_B, "12 people were hurt."),
]


def test_request_shape(server):
    judge = make_judge(server.base_url)
    assert isinstance(judge, LlmJudge) and judge.premise_scope == "document" and judge.name == "llm:test-model"
    judge.judge(ITEMS[:1])
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"] and "JSON" in body["messages"][0]["content"]
    assert SOURCE_A in body["messages"][1]["content"]
    assert "1. The talks lasted about an hour." in body["messages"][1]["content"]
    assert "Authorization" not in request["headers"]


def test_api_key_is_sent_only_when_the_variable_is_set(server, monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    judge = make_judge(server.base_url + "/")  # a trailing slash is fine
    judge.judge(ITEMS[:1])
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert SECRET not in repr(judge)


def test_claims_sharing_a_premise_go_in_one_request(server):
    judgements = make_judge(server.base_url).judge(ITEMS)
    assert len(server.requests) == 2
    users = [r["body"]["messages"][1]["content"] for r in server.requests]
    assert SOURCE_A in users[0] and "3. The ministry confirmed the talks." in users[0]
    assert SOURCE_B in users[1] and "2. 12 people were hurt." in users[1]
    # answers come back in the caller's order, with the mapped labels
    assert [j.label for j in judgements] == ["entailment", "neutral", "contradiction", "neutral", "entailment"]
    assert judgements[2].probabilities == {"entailment": 0.0, "contradiction": 1.0, "neutral": 0.0}
    assert judgements[2].reason == 'checked claim 2 Evidence: "lasted just over an hour"'
    assert judgements[4].reason.startswith("checked claim 2")


@pytest.mark.parametrize("wrap", [
    lambda text: f"```json\n{text}\n```",
    lambda text: f"Sure! Here are my verdicts:\n{text}\nLet me know if you need more {{help}}.",
    lambda text: f"```\n{text}\n```",
])
def test_fenced_or_wrapped_json_is_read(server, wrap):
    server.wrap = wrap
    judgements = make_judge(server.base_url).judge(ITEMS[:3])
    assert [j.label for j in judgements] == ["entailment", "neutral", "contradiction"]


def test_first_json_object_skips_braces_that_are_not_json():
    assert first_json_object('I think {this} is it: {"verdicts": []} and {"other": 1}') == {"verdicts": []}
    assert first_json_object("no json here") is None


def test_server_error_is_retried(server):
    server.script = [(500, '{"error": "busy"}'), (503, "overloaded")]
    judgements = make_judge(server.base_url).judge(ITEMS[:1])
    assert judgements[0].label == "entailment"
    assert len(server.requests) == 3


def test_retries_stop_after_two_and_hide_an_echoed_key(server, monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    server.script = [(500, f"down; your key {SECRET}")] * 3 + ["ok"]
    with pytest.raises(LlmEndpointError, match="HTTP 500 after 3 tries") as err:
        make_judge(server.base_url).judge(ITEMS[:1])
    assert len(server.requests) == 3
    assert server.base_url + "/chat/completions" in str(err.value)
    assert "down; your key ***" in str(err.value) and SECRET not in str(err.value)


def test_rate_limit_is_retried(server):
    server.script = [(429, '{"error": "slow down"}')]
    assert make_judge(server.base_url).judge(ITEMS[:1])[0].label == "entailment"
    assert len(server.requests) == 2


def test_unauthorised_names_endpoint_and_hides_key(server, monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    server.script = [(401, json.dumps({"error": f"Incorrect API key provided: {SECRET}"}))]
    with pytest.raises(ModelUnavailableError) as err:
        make_judge(server.base_url).judge(ITEMS[:1])
    message = str(err.value)
    assert "401" in message and server.base_url in message and KEY_ENV in message
    assert SECRET not in message and SECRET[-6:] not in message
    assert len(server.requests) == 1  # not retried


def test_unauthorised_without_key_says_none_was_sent(server):
    server.script = [(401, "{}")]
    with pytest.raises(LlmEndpointError, match=f"no API key was sent.*{KEY_ENV}"):
        make_judge(server.base_url).judge(ITEMS[:1])


def test_server_that_rejects_response_format_gets_plain_prompt(server):
    server.script = [(400, '{"error": "unknown field response_format"}')]
    assert make_judge(server.base_url).judge(ITEMS[:1])[0].label == "entailment"
    assert "response_format" in server.requests[0]["body"]
    assert "response_format" not in server.requests[1]["body"]


def test_connection_refused_names_endpoint():
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(LlmEndpointError) as err:
        make_judge(base_url).judge(ITEMS[:1])
    message = str(err.value)
    assert f"{base_url}/chat/completions" in message and "cannot connect" in message and "running" in message


def test_timeout_is_real_and_retried(server):
    server.script = [("sleep", 1.0)] * 3
    started = time.monotonic()
    with pytest.raises(LlmEndpointError, match=r"no reply within 0.2 s.*llm_timeout_s"):
        make_judge(server.base_url, llm_timeout_s=0.2).judge(ITEMS[:1])
    assert time.monotonic() - started < 3.0
    assert len(server.requests) == 3


@pytest.mark.parametrize("reply, match", [
    ((200, "<html>Welcome to nginx</html>"), "not JSON.*nginx"),
    ((200, json.dumps({"result": "ok"})), "no choices"),
    ((200, json.dumps(chat_reply("I cannot help with that."))), "no JSON object"),
    ((200, json.dumps(chat_reply('{"answer": "yes"}'))), 'no "verdicts" list'),
    ((200, json.dumps(chat_reply('{"verdicts": [{"claim": 1, "label": "supported"}]}'))),
     r"no verdict for claim\(s\) 2, 3 of 3"),
    ((200, json.dumps(chat_reply('{"verdicts": [{"claim": 1, "label": "maybe"}]}'))), "unknown label 'maybe'"),
])
def test_unusable_replies_are_clear_errors(server, monkeypatch, reply, match):
    monkeypatch.setenv(KEY_ENV, SECRET)
    server.script = [reply]
    with pytest.raises(LlmReplyError, match=match) as err:
        make_judge(server.base_url).judge([ITEMS[0], ITEMS[2], ITEMS[3]] if "2, 3" in match else ITEMS[:1])
    assert isinstance(err.value, ModelUnavailableError)
    assert server.base_url in str(err.value) and SECRET not in str(err.value)


def test_missing_settings_say_what_to_set():
    with pytest.raises(SettingsError, match="llm_base_url.*11434"):
        make_judge("")
    with pytest.raises(SettingsError, match="llm_model"):
        get_pair_judge(load_settings().with_overrides(
            {"judge": {"backend": "llm", "llm_base_url": "http://127.0.0.1:9/v1", "llm_model": ""}}))
    with pytest.raises(SettingsError, match="llm_timeout_s"):
        make_judge("http://127.0.0.1:9/v1", llm_timeout_s=0)
