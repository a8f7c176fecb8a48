"""The OpenAI-compatible server adapter (llama-server, ``llama_cpp.server``...).

``OpenAIServerGenerator`` implements ``analyzer.model.generator.TextGenerator`` over HTTP:
JSON requests, the server-sent-event stream of ``/v1/chat/completions``, and
the optional tokenizer / template endpoints.  It does not import ``llama_cpp``: local token
counts go through a :class:`~analyzer.model.generator.Tokenizer` the caller hands in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

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
from analyzer.model.server_client import ChatOutcome, ServerClient, chat_body, short_model_name

__all__ = ["ChatOutcome", "OpenAIServerGenerator", "ServerClient", "chat_body"]


class OpenAIServerGenerator:
    """A model behind an OpenAI-compatible server (``--server URL``): llama-server, llama_cpp.server...

    Tokens are counted with ``tokenizer`` (a local GGUF's vocabulary: exact, including the chat
    template) when one is given, else with the server's ``/apply-template`` + ``/tokenize``
    (llama-server), vLLM's ``/tokenize`` or ``/extras/tokenize`` (llama_cpp.server), else (Ollama, hosted
    APIs) estimated from characters and corrected by the ``usage`` each answer reports.  The
    generator owns ``tokenizer`` and closes it, also when construction fails.

    ``api_key`` is sent as a Bearer token; ``api_key_name`` (the environment variable it came
    from) is what the description names.  The transport policy is
    :class:`~analyzer.model.server_client.ServerClient`'s.
    """

    def __init__(
        self,
        base_url: str,
        options: RuntimeOptions | None = None,
        *,
        timeout: float = 600.0,
        tokenizer: Tokenizer | None = None,
        api_key: str | None = None,
        api_key_name: str = "the API key",
        allow_http: bool = False,
        server_model: str | None = None,
    ) -> None:
        self._vocab = tokenizer
        self._requested_model = server_model
        try:
            self.options = (options or RuntimeOptions()).validate()
            self._client = ServerClient(base_url, timeout, api_key=api_key, allow_http=allow_http)
            self._describe_server(api_key_name)
        except BaseException:
            self.close()
            raise

    def _describe_server(self, api_key_name: str) -> None:
        """Ask the server what it runs; choose the context and the token counter; record why."""
        client, opts, vocab = self._client, self.options, self._vocab
        self.base_url = client.base_url
        self._choices = [f"server: {self.base_url} (OpenAI-compatible chat completions, streamed)"]
        self._choices.append(client.describe_transport())
        auth = "Bearer token from" if client.has_api_key else "none;"
        self._choices.append(f"authentication: {auth} ${api_key_name}{'' if client.has_api_key else ' is not set'}")
        client.model = self._choose_model()
        server_ctx, alias = client.context_size()
        served = short_model_name(client.model) if client.model else alias
        how = "--server-model" if self._requested_model else "the first model the server lists"
        self._choices.append(f"server model: {served} ({how})" if served else "server model: not named by the server")
        local = vocab.path.name if vocab is not None else ""
        self._estimate: _CharEstimate | None = None
        if vocab is not None:
            self._choices.append(f"token counts: local tokenizer of {local} (--model)")
        elif client.count_text("token", add_special=False) is not None:
            self._choices.append("token counts: the server's tokenizer (its tokenize endpoint)")
        else:
            self._estimate = _CharEstimate()
            self._choices.append(
                "token counts: estimated from characters, corrected by the usage the server reports "
                "(the server has no tokenize endpoint; --model FILE of the same model counts exactly)"
            )
        header = vocab.header if vocab is not None else None
        if opts.n_ctx:
            self._n_ctx, why = opts.n_ctx, "from --ctx"
        elif server_ctx:
            self._n_ctx, why = server_ctx, "reported by the server"
        elif header is not None and header.context_length:
            self._n_ctx, why = header.context_length, f"trained context of {local}; server did not say"
        else:
            self._n_ctx, why = 4096, "default; neither the server nor a local model said"
        self._choices.append(f"context: {self._n_ctx} tokens ({why})")
        self.model_name = served or (header.name if header else "") or "server"
        self.quantization = header.quantization if header else "unknown"

    def _choose_model(self) -> str | None:
        """The served model every request names: ``--server-model``, else the first one listed.

        Raises:
            ConfigError: the server lists its models and ``--server-model`` is not one of them.
        """
        listed = [m["id"] for m in self._client.models()]
        wanted = self._requested_model
        if wanted is None:
            return listed[0] if listed else None
        if listed and wanted not in listed:
            raise ConfigError(
                f"--server-model {wanted}: the server does not serve it (it lists: {', '.join(listed[:10])})"
            )
        return wanted

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
        if self._estimate is not None:
            return self._estimate.count(render_chatml(messages))
        n = self._client.count_messages(messages)
        return n if n is not None else self._server_count(render_chatml(messages), add_special=True)

    def count_text(self, text: str) -> int:
        if self._vocab is not None:
            return self._vocab.count_text(text)
        if self._estimate is not None:
            return self._estimate.count(text)
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
        stop: Sequence[str] = (),
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
            repeat_penalty=1.1 if opts.repeat_penalty is None else opts.repeat_penalty,
            json_schema=json_schema,
            stop=stop,
            model=self._client.model,
        )
        on_first = None
        if on_prompt_progress:
            on_prompt_progress(0, n_prompt)
            on_first = lambda: on_prompt_progress(n_prompt, n_prompt)
        started = time.perf_counter()
        out = self._client.chat(body, on_token, on_first, stop)
        end = time.perf_counter()
        usage = out.usage
        generated = int(
            usage.get("completion_tokens")
            or (self.count_text(out.text) if self._estimate is None and out.text else out.pieces)
        )
        first = out.first_token_at or end
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        if self._estimate is not None and usage.get("prompt_tokens"):
            self._estimate.learn(len(render_chatml(messages)), int(usage["prompt_tokens"]))
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


class _CharEstimate:
    """Token counts from characters, for a server that cannot tokenize.

    It starts conservative, at 1.8 characters a token: the repository context is dense (2.0-2.4
    characters a token with SmolLM2's 49k vocabulary on this repository and the fixtures; larger
    vocabularies give more), so the first pass fits.  Each answer's ``usage.prompt_tokens`` then
    replaces the ratio with the one measured, less 10% for text that tokenizes worse.
    """

    def __init__(self, chars_per_token: float = 1.8) -> None:
        self.chars_per_token = chars_per_token

    def count(self, text: str) -> int:
        return math.ceil(len(text) / self.chars_per_token)

    def learn(self, chars: int, tokens: int) -> None:
        if chars > 0 and tokens > 0:
            self.chars_per_token = max(0.9 * chars / tokens, 1.0)
