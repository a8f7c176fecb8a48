"""The local model runtime: ``TextGenerator`` Protocol and its llama.cpp / OpenAI-server adapters.

This is the only module that imports ``llama_cpp``.  Everything a user can
get wrong is checked here before llama.cpp sees it: the model file (GGUF
header, truncation), memory (weights + KV cache), and the prompt budget
(tokens counted with the model's own tokenizer and chat template), so that
llama.cpp's ``ValueError``/``RuntimeError`` never reach a user.
"""

from __future__ import annotations

import codecs
import ctypes
import json
import logging
import os
import urllib.error
import urllib.request
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Protocol, Sequence

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from . import _gguf
from ._gguf import (
    KV_TYPE_BYTES, GGUFHeader, ModelInfo, default_model_path, list_models, read_header,
)
from ._kvcache import KVStateStore, common_prefix_length, model_identity
from .errors import (
    ConfigError, ContextOverflowError, GenerationError, ModelLoadError, ModelTooLargeError,
)

__all__ = [
    "CHATML_TEMPLATE", "GenerationResult", "GenerationStats", "LlamaCppGenerator", "Message",
    "ModelInfo", "OpenAIServerGenerator", "RuntimeOptions", "TextGenerator", "default_model_path",
    "list_models", "read_header",
]

#: a chat message: {"role": "system" | "user" | "assistant", "content": str}
Message = Mapping[str, str]
ProgressCallback = Callable[[int, int], None]
TokenCallback = Callable[[str], None]
FinishReason = Literal["stop", "length"]

#: used when a GGUF carries no tokenizer.chat_template
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
_KV_GGML_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0,
                  "q4_0": llama_cpp.GGML_TYPE_Q4_0}
_MIN_AUTO_CTX = 512
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    """How to run the model.  ``None`` means "choose for me" (see ``describe_choices``)."""

    model_path: Path | None = None
    n_ctx: int | None = None
    n_gpu_layers: int | None = None
    threads: int | None = None
    flash_attn: bool | None = None
    kv_type: str = "f16"
    seed: int = 0
    temperature: float = 0.0
    repeat_penalty: float = 1.1
    n_batch: int = 512
    #: where KV state of shared prefixes is saved (None: memory only)
    kv_cache_dir: Path | None = None

    def validate(self) -> "RuntimeOptions":
        """Return self when consistent, else raise ConfigError."""
        if self.kv_type not in KV_TYPE_BYTES:
            raise ConfigError(f"--kv-type must be one of {', '.join(KV_TYPE_BYTES)}")
        if self.n_ctx is not None and self.n_ctx < 64:
            raise ConfigError("--ctx must be at least 64 tokens")
        if self.threads is not None and self.threads < 1:
            raise ConfigError("--threads must be >= 1")
        if self.temperature < 0:
            raise ConfigError("--temperature must be >= 0")
        if self.n_batch < 1:
            raise ConfigError("batch size must be >= 1")
        if self.kv_type != "f16" and self.flash_attn is False:
            raise ConfigError(f"--kv-type {self.kv_type} needs flash attention; drop --no-flash-attn")
        return self


@dataclass(frozen=True, slots=True)
class GenerationStats:
    """What one generate call cost."""

    prompt_tokens: int
    cached_tokens: int
    generated_tokens: int
    prompt_seconds: float
    gen_seconds: float
    tokens_per_second: float
    model: str
    quantization: str
    n_ctx: int
    n_gpu_layers: int


@dataclass(frozen=True, slots=True)
class GenerationResult:
    """Generated text, why generation stopped, and its statistics."""

    text: str
    stats: GenerationStats
    finish_reason: FinishReason


class TextGenerator(Protocol):
    """Anything that turns chat messages into text within a token budget."""

    @property
    def n_ctx(self) -> int:
        """Context window in tokens (prompt + generated)."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Prompt tokens of ``messages`` after the chat template is applied."""
        ...

    def available_prompt_tokens(self, max_tokens: int) -> int:
        """Tokens a prompt may use when ``max_tokens`` are reserved for the answer."""
        ...

    def describe_choices(self) -> tuple[str, ...]:
        """Human-readable lines: what was chosen and why."""
        ...

    def generate(
        self,
        messages: Sequence[Message],
        max_tokens: int,
        *,
        on_prompt_progress: ProgressCallback | None = None,
        on_token: TokenCallback | None = None,
        prefix_messages: int = 0,
    ) -> GenerationResult:
        """Generate an answer.  The first ``prefix_messages`` messages are a prefix
        shared with other calls (the repository context) whose KV state is reused.

        Raises:
            ContextOverflowError: the prompt does not fit ``n_ctx - max_tokens``.
            GenerationError: the model failed.
        """
        ...

    def close(self) -> None:
        """Release the model."""
        ...


class LlamaCppGenerator:
    """A GGUF model run in-process by llama.cpp.  Use as a context manager."""

    def __init__(self, options: RuntimeOptions | None = None, *, available_memory: int | None = None) -> None:
        """Check the model file and memory, then load it.

        Raises:
            ModelLoadError: missing / not GGUF / truncated file, or llama.cpp refused it.
            ModelTooLargeError: weights + KV cache exceed ``available_memory``
                (default: MemAvailable).
            ConfigError: inconsistent options.
        """
        self._closed = False
        self.options = opts = (options or RuntimeOptions()).validate()
        self.path = Path(opts.model_path or default_model_path()).expanduser()
        self.header: GGUFHeader = read_header(self.path)
        avail = _gguf.available_memory() if available_memory is None else available_memory
        self._choices: list[str] = [
            f"model: {self.path} ({self.header.architecture}, "
            f"{self.header.parameters / 1e6:.0f}M parameters, {self.header.quantization}, "
            f"{self.header.file_size / 2**20:.0f} MiB)"
        ]
        if opts.kv_type != "f16" and (self.header.head_dim_k % 32 or self.header.head_dim_v % 32):
            raise ConfigError(f"--kv-type {opts.kv_type} needs attention heads of a multiple of 32 values; "
                              f"{self.path.name} has {self.header.head_dim_k}; use --kv-type f16")
        self._n_ctx = self._choose_ctx(avail)
        est = _gguf.check_memory(self.header, self._n_ctx, opts.kv_type, avail)
        self._choices.append(f"KV cache: {opts.kv_type}, {est.kv_cache / 2**20:.0f} MiB "
                             f"(weights + KV {est.total / 2**20:.0f} MiB of {avail / 2**20:.0f} MiB free)")
        self.n_gpu_layers = self._choose_gpu_layers()
        flash = self._choose_flash(self.n_gpu_layers)
        threads = opts.threads or _cpu_count()
        self._choices.append(f"threads: {threads}" + ("" if opts.threads else " (all usable cores)"))
        kv = _KV_GGML_TYPES[opts.kv_type]
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(self.path), n_ctx=self._n_ctx, n_batch=min(opts.n_batch, self._n_ctx),
                n_ubatch=min(opts.n_batch, self._n_ctx), n_threads=threads, n_threads_batch=threads,
                n_gpu_layers=-1 if self.n_gpu_layers > self.header.n_layer else self.n_gpu_layers,
                flash_attn=flash, type_k=kv, type_v=kv, seed=opts.seed, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelLoadError(f"llama.cpp could not load {self.path}: {e}") from e
        self._vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
        self._chat = _ChatTokenizer(self._llm, self.header, self.path)
        self._choices.append(self._chat.choice)
        self._store: KVStateStore | None = None
        if opts.kv_cache_dir is not None:
            self._store = KVStateStore(Path(opts.kv_cache_dir), model_identity(self.path),
                                       self._n_ctx, opts.kv_type)
            self._choices.append(f"KV state cache: {opts.kv_cache_dir}")
        else:
            self._choices.append("KV state cache: off (prefix reused in memory only)")

    # --- TextGenerator --------------------------------------------------------

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def describe_choices(self) -> tuple[str, ...]:
        return tuple(self._choices)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(self.tokenize_messages(messages))

    def available_prompt_tokens(self, max_tokens: int) -> int:
        return max(self._n_ctx - max_tokens, 0)

    def render(self, messages: Sequence[Message]) -> str:
        """The prompt text: ``messages`` through the chat template, generation prompt added."""
        return self._chat.render(messages)

    def tokenize_text(self, text: str) -> list[int]:
        """Tokens of raw prompt text (special tokens parsed, BOS added as the model wants)."""
        if self._closed:
            raise GenerationError("the model was closed")
        return self._chat.tokenize_text(text)

    def tokenize_messages(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> list[int]:
        """Prompt tokens of ``messages`` rendered with the model's chat template."""
        if self._closed:
            raise GenerationError("the model was closed")
        return self._chat.tokenize(messages, add_generation_prompt)

    def generate(
        self,
        messages: Sequence[Message],
        max_tokens: int,
        *,
        on_prompt_progress: ProgressCallback | None = None,
        on_token: TokenCallback | None = None,
        prefix_messages: int = 0,
    ) -> GenerationResult:
        if self._closed:
            raise GenerationError("the model was closed")
        if max_tokens < 1:
            raise ConfigError("max_tokens must be >= 1")
        tokens = self.tokenize_messages(messages)
        limit = self.available_prompt_tokens(max_tokens)
        if len(tokens) > limit:
            raise ContextOverflowError(len(tokens), limit)
        prefix = 0
        if prefix_messages > 0:
            shared = self.tokenize_messages(messages[:prefix_messages], add_generation_prompt=False)
            prefix = min(common_prefix_length(shared, tokens), len(tokens) - 1)
        started = time.perf_counter()
        try:
            cached = self._prepare_prompt(tokens, prefix, on_prompt_progress)
            return self._sample(tokens, cached, max_tokens, started, on_prompt_progress, on_token)
        except (RuntimeError, OSError) as e:
            raise GenerationError(f"llama.cpp failed while generating: {e}") from e

    def close(self) -> None:
        if not self._closed and hasattr(self, "_llm"):
            self._closed = True
            self._llm.close()

    def __enter__(self) -> "LlamaCppGenerator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ------------------------------------------------------------

    def _prepare_prompt(self, tokens: list[int], prefix: int, progress: ProgressCallback | None) -> int:
        """Evaluate all but the last prompt token, reusing memory / disk KV state.

        Returns the number of tokens that did not need evaluating.
        """
        llm = self._llm
        cached = min(common_prefix_length(llm.input_ids[: llm.n_tokens].tolist(), tokens), len(tokens) - 1)
        if cached < llm.n_tokens and not self._truncate_kv(cached):
            cached = 0
        llm.n_tokens = cached
        if self._store is not None and prefix > cached:
            state = self._store.load(tokens[:prefix])
            if state is not None and self._set_state(state, tokens[:prefix]):
                cached = prefix
        total, done = len(tokens) - cached, 0
        if progress:
            progress(0, total)
        if self._store is not None and prefix > cached:
            done = self._eval_chunks(tokens[cached:prefix], done, total, progress)
            self._store.save(tokens[:prefix], self._get_state())
        self._eval_chunks(tokens[llm.n_tokens: len(tokens) - 1], done, total, progress)
        return cached

    def _sample(self, tokens: list[int], cached: int, max_tokens: int, started: float,
                progress: ProgressCallback | None, on_token: TokenCallback | None) -> GenerationResult:
        llm, opts = self._llm, self.options
        llm.set_seed(opts.seed)
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pieces: list[str] = []
        generated, finish = 0, "length"
        prompt_done = gen_start = None
        stream = llm.generate(tokens[-1:], reset=False, temp=opts.temperature, top_k=40, top_p=0.95,
                              min_p=0.05, repeat_penalty=opts.repeat_penalty)
        for token in stream:
            if prompt_done is None:
                prompt_done = gen_start = time.perf_counter()
                if progress:
                    progress(len(tokens) - cached, len(tokens) - cached)
            if llama_cpp.llama_vocab_is_eog(self._vocab, token):
                finish = "stop"
                break
            generated += 1
            piece = decoder.decode(llm.detokenize([token]))
            if piece:
                pieces.append(piece)
                if on_token:
                    on_token(piece)
            if generated >= max_tokens or llm.n_tokens + 1 >= self._n_ctx:
                break
        stream.close()
        tail = decoder.decode(b"", final=True)
        if tail:
            pieces.append(tail)
            if on_token:
                on_token(tail)
        end = time.perf_counter()
        prompt_done = prompt_done or end
        gen_seconds = end - (gen_start or end)
        stats = GenerationStats(
            prompt_tokens=len(tokens), cached_tokens=cached, generated_tokens=generated,
            prompt_seconds=prompt_done - started, gen_seconds=gen_seconds,
            tokens_per_second=generated / gen_seconds if gen_seconds > 0 else 0.0,
            model=self.header.name, quantization=self.header.quantization, n_ctx=self._n_ctx,
            n_gpu_layers=self.n_gpu_layers,
        )
        return GenerationResult("".join(pieces), stats, finish)  # type: ignore[arg-type]

    def _eval_chunks(self, chunk: Sequence[int], done: int, total: int, progress: ProgressCallback | None) -> int:
        step = self._llm.n_batch
        for i in range(0, len(chunk), step):
            part = chunk[i: i + step]
            self._llm.eval(part)
            done += len(part)
            if progress:
                progress(done, total)
        return done

    def _truncate_kv(self, n: int) -> bool:
        mem = llama_cpp.llama_get_memory(self._llm.ctx)
        return mem is not None and bool(llama_cpp.llama_memory_seq_rm(mem, 0, n, -1))

    def _get_state(self) -> bytes:
        ctx = self._llm.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_get_data(ctx, buf, size)
        return bytes(buf)[:n]

    def _set_state(self, state: bytes, tokens: Sequence[int]) -> bool:
        buf = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if llama_cpp.llama_state_set_data(self._llm.ctx, buf, len(state)) != len(state):
            self._llm.reset()
            return False
        self._llm.input_ids[: len(tokens)] = tokens
        self._llm.n_tokens = len(tokens)
        return True

    def _choose_ctx(self, avail: int) -> int:
        trained = self.header.context_length
        if self.options.n_ctx is not None:
            note = f" (exceeds the trained {trained})" if trained and self.options.n_ctx > trained else ""
            self._choices.append(f"context: {self.options.n_ctx} tokens (from --ctx){note}")
            return self.options.n_ctx
        fit = _gguf.fit_context(self.header, self.options.kv_type, avail)
        if fit < _MIN_AUTO_CTX:
            raise ModelTooLargeError(
                f"model {self.path.name} ({self.header.file_size / 2**20:.0f} MiB) leaves no room for a "
                f"{_MIN_AUTO_CTX}-token KV cache in {avail / 2**20:.0f} MiB of free memory; "
                "pick a smaller model or free memory"
            )
        why = ("the trained context" if fit == trained
               else f"capped from the trained {trained} so weights + KV cache fit in free memory")
        self._choices.append(f"context: {fit} tokens ({why})")
        return fit

    def _choose_gpu_layers(self) -> int:
        if self.options.n_gpu_layers is not None:
            self._choices.append(f"GPU layers: {self.options.n_gpu_layers} (from --gpu-layers)")
            return self.options.n_gpu_layers
        if llama_cpp.llama_supports_gpu_offload():
            self._choices.append("GPU layers: all (llama.cpp was built with GPU offload)")
            return self.header.n_layer + 1
        self._choices.append("GPU layers: 0 (llama.cpp was built without GPU support)")
        return 0

    def _choose_flash(self, gpu_layers: int) -> bool:
        opts = self.options
        if opts.flash_attn is not None:
            self._choices.append(f"flash attention: {'on' if opts.flash_attn else 'off'} (from options)")
            return opts.flash_attn
        if opts.kv_type != "f16":
            self._choices.append(f"flash attention: on (required by --kv-type {opts.kv_type})")
            return True
        on = gpu_layers > 0
        self._choices.append(f"flash attention: {'on (GPU offload)' if on else 'off (CPU only)'}")
        return on


class OpenAIServerGenerator:
    """A model behind an OpenAI-compatible server (``--server URL``): llama-server, llama_cpp.server...

    Tokens are counted with a local vocab-only copy of the GGUF when the model
    file is available (exact, including the chat template), else with the
    server's ``/apply-template`` + ``/tokenize`` (llama-server) or
    ``/extras/tokenize`` (llama_cpp.server) endpoints.
    """

    def __init__(self, base_url: str, options: RuntimeOptions | None = None, *, timeout: float = 600.0) -> None:
        self.options = opts = (options or RuntimeOptions()).validate()
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.timeout = timeout
        self._choices = [f"server: {self.base_url} (OpenAI-compatible chat completions, streamed)"]
        self._vocab_llm: llama_cpp.Llama | None = None
        self._chat: _ChatTokenizer | None = None
        path = Path(opts.model_path or default_model_path()).expanduser()
        header: GGUFHeader | None = None
        try:
            header = read_header(path)
            self._vocab_llm = llama_cpp.Llama(str(path), vocab_only=True, n_ctx=64, n_batch=8, verbose=False)
            self._chat = _ChatTokenizer(self._vocab_llm, header, path)
            self._choices.append(f"token counts: local tokenizer of {path.name}")
        except (ModelLoadError, ValueError, RuntimeError):
            self._choices.append("token counts: the server's tokenize endpoint (no local GGUF)")
        props = self._get_json("/props") or {}
        settings = props.get("default_generation_settings") or {}
        server_ctx = settings.get("n_ctx") or props.get("n_ctx")
        if opts.n_ctx:
            self._n_ctx, why = opts.n_ctx, "from --ctx"
        elif isinstance(server_ctx, int) and server_ctx > 0:
            self._n_ctx, why = server_ctx, "reported by the server"
        elif header is not None and header.context_length:
            self._n_ctx, why = header.context_length, f"trained context of {path.name}; server did not say"
        else:
            self._n_ctx, why = 4096, "default; neither the server nor a local model said"
        self._choices.append(f"context: {self._n_ctx} tokens ({why})")
        self.model_name = str(props.get("model_alias") or (header.name if header else "") or "server")
        self.quantization = header.quantization if header else "unknown"

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def describe_choices(self) -> tuple[str, ...]:
        return tuple(self._choices)

    def available_prompt_tokens(self, max_tokens: int) -> int:
        return max(self._n_ctx - max_tokens, 0)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        if self._chat is not None:
            return len(self._chat.tokenize(messages))
        plain: Any = [dict(m) for m in messages]
        rendered = self._post_json("/apply-template", {"messages": plain})
        prompt = rendered.get("prompt") if rendered else None
        if not isinstance(prompt, str):
            prompt = Jinja2ChatFormatter(CHATML_TEMPLATE, "", "")(messages=plain).prompt
        for endpoint, body in (("/tokenize", {"content": prompt, "add_special": True, "parse_special": True}),
                               ("/extras/tokenize", {"input": prompt})):
            answer = self._post_json(endpoint, body)
            if answer and isinstance(answer.get("tokens"), list):
                return len(answer["tokens"])
        raise GenerationError(f"cannot count tokens: server {self.base_url} has no tokenize endpoint "
                              "and no local GGUF model was given (use --model)")

    def generate(
        self,
        messages: Sequence[Message],
        max_tokens: int,
        *,
        on_prompt_progress: ProgressCallback | None = None,
        on_token: TokenCallback | None = None,
        prefix_messages: int = 0,
    ) -> GenerationResult:
        if max_tokens < 1:
            raise ConfigError("max_tokens must be >= 1")
        n_prompt = self.count_tokens(messages)
        limit = self.available_prompt_tokens(max_tokens)
        if n_prompt > limit:
            raise ContextOverflowError(n_prompt, limit)
        body = {"messages": [dict(m) for m in messages], "max_tokens": max_tokens, "stream": True,
                "temperature": self.options.temperature, "seed": self.options.seed,
                "repeat_penalty": self.options.repeat_penalty, "cache_prompt": True,
                "stream_options": {"include_usage": True}}
        if on_prompt_progress:
            on_prompt_progress(0, n_prompt)
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        usage: dict = {}
        finish: FinishReason = "length"
        for event in self._stream("/v1/chat/completions", body):
            usage = event.get("usage") or usage
            for choice in event.get("choices") or []:
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    if first is None:
                        first = time.perf_counter()
                        if on_prompt_progress:
                            on_prompt_progress(n_prompt, n_prompt)
                    pieces.append(text)
                    if on_token:
                        on_token(text)
                if choice.get("finish_reason") == "stop":
                    finish = "stop"
        end = time.perf_counter()
        text = "".join(pieces)
        generated = usage.get("completion_tokens") or (
            len(self._vocab_llm.tokenize(text.encode(), add_bos=False)) if self._vocab_llm and text else len(pieces))
        gen_seconds = end - (first or end)
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        stats = GenerationStats(
            prompt_tokens=int(usage.get("prompt_tokens") or n_prompt), cached_tokens=int(cached),
            generated_tokens=int(generated), prompt_seconds=(first or end) - started, gen_seconds=gen_seconds,
            tokens_per_second=generated / gen_seconds if gen_seconds > 0 else 0.0, model=self.model_name,
            quantization=self.quantization, n_ctx=self._n_ctx, n_gpu_layers=-1,
        )
        return GenerationResult(text, stats, finish)

    def close(self) -> None:
        llm, self._vocab_llm = self._vocab_llm, None
        if llm is not None:
            llm.close()

    def __enter__(self) -> "OpenAIServerGenerator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, endpoint: str, body: dict | None) -> urllib.request.Request:
        data = json.dumps(body).encode() if body is not None else None
        return urllib.request.Request(self.base_url + endpoint, data=data,
                                      headers={"Content-Type": "application/json"})

    def _get_json(self, endpoint: str) -> dict | None:
        return self._post_json(endpoint, None)

    def _post_json(self, endpoint: str, body: dict | None) -> dict | None:
        """The JSON answer, or None when the endpoint is missing or fails (optional endpoints)."""
        try:
            with urllib.request.urlopen(self._request(endpoint, body), timeout=self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def _stream(self, endpoint: str, body: dict):
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


class _ChatTokenizer:
    """Chat template + tokenizer of one model (a full or a vocab-only ``Llama``)."""

    def __init__(self, llm: llama_cpp.Llama, header: GGUFHeader, path: Path) -> None:
        self._llm, self._path = llm, path
        template = header.chat_template
        self.choice = ("chat template: from the model" if template
                       else "chat template: ChatML (the model has none)")
        self._bos = self._token_text(llm.token_bos())
        eos = self._token_text(llm.token_eos())
        self._formatters = {
            flag: Jinja2ChatFormatter(template=template or CHATML_TEMPLATE, eos_token=eos,
                                      bos_token=self._bos, add_generation_prompt=flag)
            for flag in (True, False)
        }
        self._add_bos = bool(llama_cpp.llama_vocab_get_add_bos(llama_cpp.llama_model_get_vocab(llm.model)))

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
        try:
            plain: Any = [dict(m) for m in messages]
            return self._formatters[add_generation_prompt](messages=plain).prompt
        except ValueError as e:  # raise_exception() inside the template
            raise GenerationError(f"the chat template of {self._path.name} rejected the messages: {e}") from e

    def tokenize_text(self, text: str) -> list[int]:
        add_bos = self._add_bos and not (self._bos and text.startswith(self._bos))
        return self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def tokenize(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> list[int]:
        return self.tokenize_text(self.render(messages, add_generation_prompt))

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", "replace")


@llama_cpp.llama_log_callback
def _route_llama_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    """llama.cpp logs go to the ``analyzer.llm`` logger, never straight to stderr."""
    _log.debug("%s", text.decode("utf-8", "replace").rstrip())


llama_cpp.llama_log_set(_route_llama_log, ctypes.c_void_p(0))


def _cpu_count() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1

