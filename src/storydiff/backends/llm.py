"""A chat model as a pair judge: [judge] backend = "llm".

Any OpenAI-compatible endpoint works (OpenAI, Ollama, vLLM, llama.cpp server,
LM Studio): POST {llm_base_url}/chat/completions. Only the standard library
is used. Claims that share a source go to the model together, in one request
per source (split when there are very many claims), and the model answers
with strict JSON, one verdict per numbered claim.

An LLM gives a verdict, not a distribution: `probabilities` is 1.0 for the
verdict and 0.0 for the rest, and `reason` carries the model's reason and the
source passage it quoted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from typing import Literal

from ..errors import ModelUnavailableError, SettingsError
from ..settings import Settings
from .judges import PairJudgement

VERDICTS = {  # the model's word -> storydiff's label; the first three are what the prompt asks for
    "supported": "entailment", "contradicted": "contradiction", "not_in_source": "neutral",
    "entailment": "entailment", "contradiction": "contradiction", "neutral": "neutral",
    "not_supported": "neutral", "unsupported": "neutral", "not_enough_info": "neutral",
}
MAX_CLAIMS_PER_REQUEST = 40  # keeps each reply short enough to finish within the timeout
MAX_RETRIES = 2  # on 429 and 5xx, and on timeouts

SYSTEM_PROMPT = """You check claims against a source text, like a careful fact-checker.
For each numbered claim decide, using ONLY the source:
- "supported": the source states it or it follows directly from the source;
- "contradicted": the source states something incompatible with it (a different number, date, name, place, or outcome);
- "not_in_source": the source neither states nor contradicts it.
Reply with one JSON object and nothing else, in this form:
{"verdicts": [{"claim": 1, "label": "supported", "evidence": "the exact source sentence you relied on, or empty", "reason": "one short sentence"}]}
Give exactly one verdict for every claim number."""


class LlmEndpointError(ModelUnavailableError):
    """The endpoint could not be reached, refused the request, or timed out."""

    def __init__(self, endpoint: str, problem: str, advice: str):
        self.endpoint = endpoint
        super().__init__(f"LLM endpoint {endpoint}: {problem}. {advice}")


class LlmReplyError(LlmEndpointError):
    """The endpoint answered, but not with a verdict for every claim."""


class LlmJudge:
    premise_scope: Literal["evidence", "document"] = "document"
    retry_delay_s = 1.0  # doubled after each retry

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 60,
                 api_key_env: str = ""):
        if not base_url:
            raise SettingsError(
                '[judge] backend = "llm" needs [judge] llm_base_url, an OpenAI-compatible endpoint, e.g. '
                '"http://localhost:11434/v1" (Ollama), "http://localhost:8000/v1" (vLLM) or "https://api.openai.com/v1"'
            )
        if not model:
            raise SettingsError('[judge] backend = "llm" needs [judge] llm_model, the model the endpoint serves, '
                                'e.g. "llama3.1:8b" (Ollama) or "gpt-4o-mini" (OpenAI)')
        if not float(timeout_s) > 0:
            raise SettingsError(f"[judge] llm_timeout_s must be a positive number of seconds, not {timeout_s!r}")
        self.endpoint = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.name = f"llm:{model}"
        self.timeout_s = float(timeout_s)
        self._api_key = api_key or None
        self._api_key_env = api_key_env
        self._json_mode = True  # dropped if the server rejects response_format

    @classmethod
    def from_settings(cls, settings: Settings) -> LlmJudge:
        env = settings.get("judge", "llm_api_key_env")
        return cls(
            settings.get("judge", "llm_base_url"),
            settings.get("judge", "llm_model"),
            api_key=os.environ.get(env) if env else None,
            timeout_s=settings.get("judge", "llm_timeout_s"),
            api_key_env=env,
        )

    def __repr__(self) -> str:  # never show the key
        return f"LlmJudge(endpoint={self.endpoint!r}, model={self.model!r})"

    def judge(self, items: list[tuple[str, str]]) -> list[PairJudgement]:
        by_premise: dict[str, list[int]] = {}
        for index, (premise, _) in enumerate(items):
            by_premise.setdefault(premise, []).append(index)
        judgements: list[PairJudgement | None] = [None] * len(items)
        for premise, indices in by_premise.items():
            for start in range(0, len(indices), MAX_CLAIMS_PER_REQUEST):
                chunk = indices[start:start + MAX_CLAIMS_PER_REQUEST]
                verdicts = self._judge_claims(premise, [items[i][1] for i in chunk])
                for i, judgement in zip(chunk, verdicts):
                    judgements[i] = judgement
        return judgements  # type: ignore[return-value]

    # -- one request ---------------------------------------------------------

    def _judge_claims(self, source: str, claims: list[str]) -> list[PairJudgement]:
        numbered = "\n".join(f"{n}. {claim}" for n, claim in enumerate(claims, 1))
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"SOURCE:\n<<<\n{source}\n>>>\n\nCLAIMS:\n{numbered}"},
        ]
        reply = self._post(messages)
        return parse_verdicts(self._content(reply), len(claims), self.endpoint)

    def _post(self, messages: list[dict]) -> dict:
        body = {"model": self.model, "messages": messages, "temperature": 0}
        if self._json_mode:
            body["response_format"] = {"type": "json_object"}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.endpoint, data=json.dumps(body).encode("utf-8"), headers=headers,
                                         method="POST")
        for attempt in range(MAX_RETRIES + 1):
            last = attempt == MAX_RETRIES
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    raw = response.read()
            except urllib.error.HTTPError as err:
                detail = self._scrub(err.read().decode("utf-8", "replace")[:300])
                if err.code == 400 and self._json_mode and "response_format" in detail:
                    self._json_mode = False  # an older server: ask for JSON in the prompt only
                    return self._post(messages)
                if (err.code == 429 or err.code >= 500) and not last:
                    self._wait(attempt, err.headers.get("Retry-After"))
                    continue
                raise self._http_error(err.code, detail) from None
            except (TimeoutError, socket.timeout) as err:
                if not last:
                    self._wait(attempt)
                    continue
                raise LlmEndpointError(self.endpoint, f"no reply within {self.timeout_s:g} s ({MAX_RETRIES + 1} tries)",
                                       "Check the server is not overloaded, or raise [judge] llm_timeout_s") from err
            except urllib.error.URLError as err:
                reason = err.reason
                if isinstance(reason, (TimeoutError, socket.timeout)) and not last:
                    self._wait(attempt)
                    continue
                raise LlmEndpointError(self.endpoint, f"cannot connect ({self._scrub(str(reason))})",
                                       "Is the server running, and is [judge] llm_base_url right?") from None
            except (ConnectionError, OSError) as err:
                raise LlmEndpointError(self.endpoint, f"connection failed ({self._scrub(str(err))})",
                                       "Is the server running, and is [judge] llm_base_url right?") from None
            try:
                return json.loads(raw)
            except ValueError:
                raise LlmReplyError(self.endpoint, f"the reply is not JSON: {self._scrub(_snippet(raw))!r}",
                                    "Is [judge] llm_base_url an OpenAI-compatible API (it usually ends in /v1)?") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, attempt: int, retry_after: str | None = None) -> None:
        delay = self.retry_delay_s * 2**attempt
        if retry_after and retry_after.strip().isdigit():
            delay = min(max(delay, float(retry_after)), 30.0)
        time.sleep(delay)

    def _http_error(self, code: int, detail: str) -> LlmEndpointError:
        if code in (401, 403):
            key = (f"${self._api_key_env} is set but was refused" if self._api_key
                   else f"no API key was sent (${self._api_key_env or '[judge] llm_api_key_env'} is not set)")
            return LlmEndpointError(self.endpoint, f"HTTP {code}, not authorised: {key}",
                                    "Set a valid key in the environment variable named by [judge] llm_api_key_env")
        if code == 404:
            return LlmEndpointError(self.endpoint, f"HTTP 404 ({detail})",
                                    f"Check [judge] llm_base_url (usually ends in /v1) and that the server "
                                    f"serves model {self.model!r}")
        if code == 429 or code >= 500:
            return LlmEndpointError(self.endpoint, f"HTTP {code} after {MAX_RETRIES + 1} tries ({detail})",
                                    "The server is overloaded or failing; try again later")
        return LlmEndpointError(self.endpoint, f"HTTP {code} ({detail})",
                                f"Check [judge] llm_model {self.model!r} and the server's log")

    def _content(self, reply: dict) -> str:
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LlmReplyError(self.endpoint, f"the reply has no choices[0].message.content: "
                                f"{self._scrub(_snippet(json.dumps(reply)))!r}",
                                "Is [judge] llm_base_url an OpenAI-compatible chat API?") from None
        if not isinstance(content, str) or not content.strip():
            raise LlmReplyError(self.endpoint, "the model's reply is empty", "Try another [judge] llm_model")
        return content

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


def _snippet(raw: bytes | str, limit: int = 200) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return text if len(text) <= limit else text[:limit] + "..."


def first_json_object(text: str) -> dict | None:
    """The first JSON object in a reply, inside ```json fences or prose or neither."""
    fenced = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
    candidates = [fenced.group(1)] if fenced else []
    decoder = json.JSONDecoder()
    for text_ in (*candidates, text):
        for match in re.finditer(r"\{", text_):
            try:
                value, _ = decoder.raw_decode(text_, match.start())
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def parse_verdicts(content: str, n_claims: int, endpoint: str) -> list[PairJudgement]:
    """The model's JSON reply -> one PairJudgement per claim, in claim order."""
    advice = "The model did not follow the JSON format; try a stronger [judge] llm_model"
    data = first_json_object(content)
    if data is None:
        raise LlmReplyError(endpoint, f"the model's reply holds no JSON object: {_snippet(content)!r}", advice)
    verdicts = data.get("verdicts")
    if not isinstance(verdicts, list):
        raise LlmReplyError(endpoint, f"the model's JSON has no \"verdicts\" list: {_snippet(json.dumps(data))!r}",
                            advice)
    found: dict[int, PairJudgement] = {}
    for verdict in verdicts:
        if not isinstance(verdict, dict):
            continue
        try:
            number = int(verdict.get("claim"))
        except (TypeError, ValueError):
            continue
        word = re.sub(r"[\s\-]+", "_", str(verdict.get("label", "")).strip().lower())
        if word not in VERDICTS:
            raise LlmReplyError(endpoint, f"claim {number} has the unknown label {verdict.get('label')!r}",
                                advice + " (labels: supported, contradicted, not_in_source)")
        if 1 <= number <= n_claims and number not in found:
            label = VERDICTS[word]
            one_hot = {key: float(key == label) for key in ("entailment", "contradiction", "neutral")}
            found[number] = PairJudgement(label=label, probabilities=one_hot, reason=_reason(verdict))
    missing = [n for n in range(1, n_claims + 1) if n not in found]
    if missing:
        raise LlmReplyError(endpoint, f"no verdict for claim(s) {', '.join(map(str, missing))} of {n_claims}", advice)
    return [found[n] for n in range(1, n_claims + 1)]


def _reason(verdict: dict) -> str | None:
    reason = str(verdict.get("reason") or "").strip()
    evidence = str(verdict.get("evidence") or "").strip()
    if evidence:
        reason = f'{reason} Evidence: "{evidence}"'.strip()
    return reason or None
