"""The OpenAI-compatible server adapter (llama-server, ``llama_cpp.server``...).

``OpenAIServerGenerator`` implements ``analyzer.model.generator.TextGenerator`` over HTTP:
JSON requests, the server-sent-event stream of ``/v1/chat/completions``, and
the optional tokenizer / template endpoints.  It does not import ``llama_cpp``: local token
counts go through a :class:`~analyzer.model.generator.Tokenizer` the caller hands in.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from analyzer.errors import ConfigError, ContextOverflowError, GenerationError
from analyzer.model.generator import (
    GenerationResult,
    GenerationStats,
    Message,
    ProgressCallback,
    RuntimeOptions,
    TokenCallback,
    Tokenizer,
    render_chatml,
)

__all__ = ["ChatOutcome", "OpenAIServerGenerator", "ServerClient", "chat_body"]


@dataclass(frozen=True, slots=True)
class ChatOutcome:
    """What one streamed chat completion returned."""

    text: str
    #: perf_counter() when the first text arrived (None: no text at all)
    first_token_at: float | None
    finish_reason: Literal["stop", "length"]
    #: the final ``usage`` object, when the server sent one
    usage: Mapping[str, Any] = field(default_factory=dict)
    #: number of content deltas (a token-count estimate when usage is missing)
    pieces: int = 0


def chat_body(
    messages: Sequence[Mapping[str, str]],
    max_tokens: int,
    *,
    temperature: float,
    seed: int,
    repeat_penalty: float,
    json_schema: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request body of a streamed chat completion.

    ``json_schema`` becomes llama-server's ``response_format``
    (``{"type": "json_object", "schema": ...}``), which constrains sampling
    with a grammar built from the schema.
    """
    body: dict[str, Any] = {
        "messages": [dict(m) for m in messages],
        "max_tokens": max_tokens,
        "stream": True,
        "temperature": temperature,
        "seed": seed,
        "repeat_penalty": repeat_penalty,
        "cache_prompt": True,
        "stream_options": {"include_usage": True},
    }
    if json_schema is not None:
        body["response_format"] = {"type": "json_object", "schema": dict(json_schema)}
    return body


class ServerClient:
    """JSON over HTTP to one server; every failure of a required call is a GenerationError."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.timeout = timeout

    def get_json(self, endpoint: str) -> dict | None:
        """GET an optional endpoint: the JSON object, or None when missing or failing."""
        return self.post_json(endpoint, None)

    def post_json(self, endpoint: str, body: dict | None) -> dict | None:
        """POST to an optional endpoint: the JSON object, or None when missing or failing."""
        try:
            with urllib.request.urlopen(self._request(endpoint, body), timeout=self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def context_size(self) -> tuple[int | None, str | None]:
        """``(n_ctx, model alias)`` from llama-server's ``/props`` (None where not said)."""
        props = self.get_json("/props") or {}
        settings = props.get("default_generation_settings") or {}
        n_ctx = settings.get("n_ctx") or props.get("n_ctx")
        alias = props.get("model_alias")
        return (n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None, str(alias) if alias else None)

    def apply_template(self, messages: Sequence[Mapping[str, str]]) -> str | None:
        """The server's rendering of ``messages`` (llama-server ``/apply-template``), else None."""
        answer = self.post_json("/apply-template", {"messages": [dict(m) for m in messages]})
        prompt = answer.get("prompt") if answer else None
        return prompt if isinstance(prompt, str) else None

    def count_text(self, text: str, *, add_special: bool) -> int | None:
        """Tokens of ``text`` by the server's tokenizer (special tokens parsed), else None.

        llama-server's ``/tokenize`` takes ``add_special``; ``llama_cpp.server``'s
        ``/extras/tokenize`` always adds BOS, so without ``add_special`` the
        count of an empty text (its BOS, if any) is subtracted.
        """
        answer = self.post_json("/tokenize", {"content": text, "add_special": add_special, "parse_special": True})
        if answer and isinstance(answer.get("tokens"), list):
            return len(answer["tokens"])
        answer = self.post_json("/extras/tokenize", {"input": text})
        if not (answer and isinstance(answer.get("tokens"), list)):
            return None
        n = len(answer["tokens"])
        if not add_special:
            empty = self.post_json("/extras/tokenize", {"input": ""}) or {}
            n -= len(empty.get("tokens") or [])
        return max(n, 0)

    def chat(
        self,
        body: dict[str, Any],
        on_text: Callable[[str], None] | None = None,
        on_first: Callable[[], None] | None = None,
    ) -> ChatOutcome:
        """Run a streamed chat completion, calling ``on_first`` once and ``on_text`` per delta."""
        first: float | None = None
        pieces: list[str] = []
        usage: Mapping[str, Any] = {}
        finish: Literal["stop", "length"] = "length"
        for event in self._stream("/v1/chat/completions", body):
            usage = event.get("usage") or usage
            for choice in event.get("choices") or []:
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    if first is None:
                        first = time.perf_counter()
                        if on_first:
                            on_first()
                    pieces.append(text)
                    if on_text:
                        on_text(text)
                if choice.get("finish_reason") == "stop":
                    finish = "stop"
        return ChatOutcome("".join(pieces), first, finish, usage, len(pieces))

    # --- internals ----------------------------------------------------------------

    def _request(self, endpoint: str, body: dict | None) -> urllib.request.Request:
        data = json.dumps(body).encode() if body is not None else None
        return urllib.request.Request(self.base_url + endpoint, data=data, headers={"Content-Type": "application/json"})

    def _stream(self, endpoint: str, body: dict) -> Iterator[dict]:
        """Yield the JSON events of a server-sent-event stream."""
        try:
            with urllib.request.urlopen(self._request(endpoint, body), timeout=self.timeout) as resp:
                for raw in resp:
                    line = raw.strip()
                    if not line.startswith(b"data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == b"[DONE]":
                        return
                    event = json.loads(payload)
                    if isinstance(event, dict) and event.get("error"):
                        raise GenerationError(f"server {self.base_url} failed: {event['error']}")
                    if isinstance(event, dict):
                        yield event
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:200]
            raise GenerationError(f"server {self.base_url} answered HTTP {e.code}: {detail}") from e
        except (urllib.error.URLError, OSError) as e:
            raise GenerationError(f"cannot reach server {self.base_url}: {getattr(e, 'reason', e)}") from e
        except ValueError as e:
            raise GenerationError(f"server {self.base_url} sent a malformed stream: {e}") from e


class OpenAIServerGenerator:
    """A model behind an OpenAI-compatible server (``--server URL``): llama-server, llama_cpp.server...

    Tokens are counted with ``tokenizer`` (a local GGUF's vocabulary: exact, including the chat
    template) when one is given, else with the server's ``/apply-template`` + ``/tokenize``
    (llama-server) or ``/extras/tokenize`` (llama_cpp.server) endpoints.  The generator owns
    ``tokenizer`` and closes it.
    """

    def __init__(
        self,
        base_url: str,
        options: RuntimeOptions | None = None,
        *,
        timeout: float = 600.0,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.options = opts = (options or RuntimeOptions()).validate()
        self._client = ServerClient(base_url, timeout)
        self.base_url = self._client.base_url
        self._choices = [f"server: {self.base_url} (OpenAI-compatible chat completions, streamed)"]
        self._vocab = tokenizer
        local = tokenizer.path.name if tokenizer is not None else ""
        if tokenizer is not None:
            self._choices.append(f"token counts: local tokenizer of {local}")
        else:
            self._choices.append("token counts: the server's tokenize endpoint (no local GGUF)")
        header = self._vocab.header if self._vocab else None
        server_ctx, alias = self._client.context_size()
        if opts.n_ctx:
            self._n_ctx, why = opts.n_ctx, "from --ctx"
        elif server_ctx:
            self._n_ctx, why = server_ctx, "reported by the server"
        elif header is not None and header.context_length:
            self._n_ctx, why = header.context_length, f"trained context of {local}; server did not say"
        else:
            self._n_ctx, why = 4096, "default; neither the server nor a local model said"
        self._choices.append(f"context: {self._n_ctx} tokens ({why})")
        self.model_name = alias or (header.name if header else "") or "server"
        self.quantization = header.quantization if header else "unknown"

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def describe_choices(self) -> tuple[str, ...]:
        return tuple(self._choices)

    def available_prompt_tokens(self, max_tokens: int) -> int:
        return max(self._n_ctx - max_tokens, 0)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        if self._vocab is not None:
            return self._vocab.count_tokens(messages)
        prompt = self._client.apply_template(messages)
        if prompt is None:
            prompt = render_chatml(messages)
        return self._server_count(prompt, add_special=True)

    def count_text(self, text: str) -> int:
        if self._vocab is not None:
            return self._vocab.count_text(text)
        return self._server_count(text, add_special=False)

    def generate(
        self,
        messages: Sequence[Message],
        max_tokens: int,
        *,
        on_prompt_progress: ProgressCallback | None = None,
        on_token: TokenCallback | None = None,
        prefix_messages: int = 0,
        json_schema: Mapping[str, Any] | None = None,
    ) -> GenerationResult:
        if max_tokens < 1:
            raise ConfigError("max_tokens must be >= 1")
        n_prompt = self.count_tokens(messages)
        limit = self.available_prompt_tokens(max_tokens)
        if n_prompt > limit:
            raise ContextOverflowError(n_prompt, limit)
        opts = self.options
        body = chat_body(
            messages,
            max_tokens,
            temperature=opts.temperature,
            seed=opts.seed,
            repeat_penalty=opts.repeat_penalty,
            json_schema=json_schema,
        )
        on_first = None
        if on_prompt_progress:
            on_prompt_progress(0, n_prompt)
            on_first = lambda: on_prompt_progress(n_prompt, n_prompt)
        started = time.perf_counter()
        out = self._client.chat(body, on_token, on_first)
        end = time.perf_counter()
        usage = out.usage
        generated = int(
            usage.get("completion_tokens")
            or (self.count_text(out.text) if self._vocab is not None and out.text else out.pieces)
        )
        first = out.first_token_at or end
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        stats = GenerationStats(
            prompt_tokens=int(usage.get("prompt_tokens") or n_prompt),
            cached_tokens=int(cached),
            generated_tokens=generated,
            prompt_seconds=first - started,
            gen_seconds=end - first,
            tokens_per_second=generated / (end - first) if end > first else 0.0,
            model=self.model_name,
            quantization=self.quantization,
            n_ctx=self._n_ctx,
            n_gpu_layers=-1,
        )
        return GenerationResult(out.text, stats, out.finish_reason)

    def close(self) -> None:
        vocab, self._vocab = self._vocab, None
        if vocab is not None:
            vocab.close()

    def __enter__(self) -> OpenAIServerGenerator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _server_count(self, text: str, *, add_special: bool) -> int:
        n = self._client.count_text(text, add_special=add_special)
        if n is None:
            raise GenerationError(
                f"cannot count tokens: server {self.base_url} has no tokenize endpoint "
                "and no local GGUF model was given (use --model)"
            )
        return n
