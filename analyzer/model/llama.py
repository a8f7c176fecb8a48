"""The llama.cpp adapter: :class:`LlamaCppGenerator` and :class:`VocabTokenizer`.

The only module that imports ``llama_cpp``.  Everything a user can get wrong is checked here
before llama.cpp sees it: the model file (GGUF header, truncation), memory (weights + KV cache),
and the prompt budget (tokens counted with the model's own tokenizer and chat template), so that
llama.cpp's ``ValueError``/``RuntimeError`` never reach a user.
"""

from __future__ import annotations

import codecs
import ctypes
import json
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from analyzer.errors import ConfigError, ContextOverflowError, GenerationError, ModelLoadError
from analyzer.model import gguf_file as _gguf
from analyzer.model._kv_store import KVStateStore, common_prefix_length, model_identity
from analyzer.model.generator import (
    CHATML_TEMPLATE,
    JSON_REPEAT_PENALTY,
    GenerationResult,
    GenerationStats,
    Message,
    ProgressCallback,
    RuntimeOptions,
    StopScanner,
    TokenCallback,
    choose_repeat_penalty,
)
from analyzer.model.gguf_file import GGUFHeader, default_model_path, read_header

__all__ = ["LlamaCppGenerator", "VocabTokenizer", "open_tokenizer"]

_KV_GGML_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0, "q4_0": llama_cpp.GGML_TYPE_Q4_0}
_log = logging.getLogger(__name__)


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
        threads, flash = self._choose_runtime(opts, avail)
        self._llm = self._load(opts, threads, flash)
        self._vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
        self._chat = _ChatTokenizer(self._llm, self.header, self.path)
        self._choices.append(self._chat.choice)
        self._grammars: dict[str, llama_cpp.LlamaGrammar] = {}
        self._store: KVStateStore | None = None
        if opts.kv_cache_dir is not None:
            self._store = KVStateStore(Path(opts.kv_cache_dir), model_identity(self.path), self._n_ctx, opts.kv_type)
            self._choices.append(f"KV state cache: {opts.kv_cache_dir}")
        else:
            self._choices.append("KV state cache: off (prefix reused in memory only)")

    def _choose_runtime(self, opts: RuntimeOptions, avail: int) -> tuple[int, bool]:
        """Choose context size, GPU layers, flash attention and threads (each choice stated); check memory.

        Sets ``_n_ctx`` and ``n_gpu_layers``; returns the thread count and whether flash attention is on.
        """
        if opts.kv_type != "f16" and (self.header.head_dim_k % 32 or self.header.head_dim_v % 32):
            raise ConfigError(
                f"--kv-type {opts.kv_type} needs attention heads of a multiple of 32 values; "
                f"{self.path.name} has {self.header.head_dim_k}; use --kv-type f16"
            )
        self._n_ctx, why = _gguf.choose_context(self.header, opts.n_ctx, opts.kv_type, avail)
        self._choices.append(f"context: {self._n_ctx} tokens ({why})")
        est = _gguf.check_memory(self.header, self._n_ctx, opts.kv_type, avail)
        self._choices.append(
            f"KV cache: {opts.kv_type}, {est.kv_cache / 2**20:.0f} MiB "
            f"(weights + KV + compute {est.total / 2**20:.0f} MiB of {avail / 2**20:.0f} MiB free)"
        )
        self.n_gpu_layers, why = _gguf.choose_gpu_layers(
            opts.n_gpu_layers, self.header.n_layer, bool(llama_cpp.llama_supports_gpu_offload())
        )
        self._choices.append(f"GPU layers: {why}")
        flash, why = _gguf.choose_flash(opts.flash_attn, opts.kv_type, self.n_gpu_layers)
        self._choices.append(f"flash attention: {why}")
        threads = opts.threads or _gguf.cpu_count()
        self._choices.append(f"threads: {threads}" + ("" if opts.threads else " (all usable cores)"))
        self._repeat_penalty, why = choose_repeat_penalty(opts.repeat_penalty, self.header.parameters)
        self._choices.append(why)
        self._json_repeat_penalty = opts.repeat_penalty or min(self._repeat_penalty, JSON_REPEAT_PENALTY)
        if self._json_repeat_penalty != self._repeat_penalty:
            self._choices.append(
                f"repeat penalty under a JSON schema: {self._json_repeat_penalty} (JSON's own braces and quotes repeat)"
            )
        return threads, flash

    def _load(self, opts: RuntimeOptions, threads: int, flash: bool) -> llama_cpp.Llama:
        """Load the weights into llama.cpp with the chosen settings (its errors become ModelLoadError)."""
        kv = _KV_GGML_TYPES[opts.kv_type]
        try:
            return llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=self._n_ctx,
                n_batch=min(opts.n_batch, self._n_ctx),
                n_ubatch=min(opts.n_batch, self._n_ctx),
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=-1 if self.n_gpu_layers > self.header.n_layer else self.n_gpu_layers,
                flash_attn=flash,
                type_k=kv,
                type_v=kv,
                seed=opts.seed,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelLoadError(f"llama.cpp could not load {self.path}: {e}") from e

    # --- TextGenerator --------------------------------------------------------

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def describe_choices(self) -> tuple[str, ...]:
        return tuple(self._choices)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(self.tokenize_messages(messages))

    def count_text(self, text: str) -> int:
        if self._closed:
            raise GenerationError("the model was closed")
        return self._chat.count_text(text)

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
        json_schema: Mapping[str, Any] | None = None,
        stop: Sequence[str] = (),
    ) -> GenerationResult:
        if self._closed:
            raise GenerationError("the model was closed")
        if max_tokens < 1:
            raise ConfigError("max_tokens must be >= 1")
        grammar = self._grammar(json_schema) if json_schema is not None else None
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
            scanner = StopScanner(stop, on_token)
            return self._sample(tokens, cached, max_tokens, started, on_prompt_progress, scanner, grammar)
        except (RuntimeError, OSError) as e:
            raise GenerationError(f"llama.cpp failed while generating: {e}") from e

    def close(self) -> None:
        if not self._closed and hasattr(self, "_llm"):
            self._closed = True
            self._llm.close()

    def __enter__(self) -> LlamaCppGenerator:
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
        self._eval_chunks(tokens[llm.n_tokens : len(tokens) - 1], done, total, progress)
        return cached

    def _sample(
        self,
        tokens: list[int],
        cached: int,
        max_tokens: int,
        started: float,
        progress: ProgressCallback | None,
        scanner: StopScanner,
        grammar: llama_cpp.LlamaGrammar | None,
    ) -> GenerationResult:
        """Sample up to ``max_tokens``; stop at end of generation or when ``scanner`` sees a stop string."""
        llm, opts = self._llm, self.options
        llm.set_seed(opts.seed)
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        generated, finish = 0, "length"
        prompt_done = gen_start = None
        # The repeat penalty covers the whole answer, not llama-cpp-python's default last 64 tokens:
        # a small model's loops are paragraphs long.  generate() builds its sampler from this attribute.
        llm.last_n_tokens_size = max_tokens
        stream = llm.generate(
            tokens[-1:],
            reset=False,
            temp=opts.temperature,
            top_k=40,
            top_p=0.95,
            min_p=0.05,
            repeat_penalty=self._repeat_penalty if grammar is None else self._json_repeat_penalty,
            grammar=grammar,
        )
        for token in stream:
            if prompt_done is None:
                prompt_done = gen_start = time.perf_counter()
                if progress:
                    progress(len(tokens) - cached, len(tokens) - cached)
            if llama_cpp.llama_vocab_is_eog(self._vocab, token):
                finish = "stop"
                break
            generated += 1
            if scanner.feed(decoder.decode(llm.detokenize([token]))):
                finish = "stop"
                break
            if generated >= max_tokens or llm.n_tokens + 1 >= self._n_ctx:
                break
        stream.close()
        if scanner.feed(decoder.decode(b"", final=True)):
            finish = "stop"
        stats = self._stats(tokens, cached, generated, started, prompt_done, gen_start)
        return GenerationResult(scanner.finish(), stats, finish)  # type: ignore[arg-type]

    def _stats(
        self,
        tokens: list[int],
        cached: int,
        generated: int,
        started: float,
        prompt_done: float | None,
        gen_start: float | None,
    ) -> GenerationStats:
        """Token counts and timings of one generation, ending now."""
        end = time.perf_counter()
        prompt_done = prompt_done or end
        gen_seconds = end - (gen_start or end)
        return GenerationStats(
            prompt_tokens=len(tokens),
            cached_tokens=cached,
            generated_tokens=generated,
            prompt_seconds=prompt_done - started,
            gen_seconds=gen_seconds,
            tokens_per_second=generated / gen_seconds if gen_seconds > 0 else 0.0,
            model=self.header.name,
            quantization=self.header.quantization,
            n_ctx=self._n_ctx,
            n_gpu_layers=self.n_gpu_layers,
        )

    def _grammar(self, schema: Mapping[str, Any]) -> llama_cpp.LlamaGrammar:
        """The GBNF grammar of a JSON schema, built once per schema.

        The answer's fields come in the schema's own order (not sorted): a caller orders them so that a
        model writes what it is about before what it says about it.
        """
        try:
            key = json.dumps(schema)
            grammar = self._grammars.get(key) or llama_cpp.LlamaGrammar.from_json_schema(key, verbose=False)
        except (AssertionError, ValueError, KeyError, TypeError, NotImplementedError, RecursionError) as e:
            # the converter reports an unsupported schema with assert / KeyError / ValueError
            raise ConfigError(f"cannot turn the JSON schema into a grammar: {e}") from e
        self._grammars[key] = grammar
        return grammar

    def _eval_chunks(self, chunk: Sequence[int], done: int, total: int, progress: ProgressCallback | None) -> int:
        step = self._llm.n_batch
        for i in range(0, len(chunk), step):
            part = chunk[i : i + step]
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


class VocabTokenizer:
    """The tokenizer and chat template of a GGUF model, without its weights.

    For fitting text to a token budget before (or without) loading the model:
    loading SmolLM2-135M-Instruct's vocabulary takes about 0.06-0.09 s (measured
    on a 2-core AMD EPYC, llama-cpp-python 0.3.36), the full model about 10x that.
    Use as a context manager.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        """Read the GGUF header, then load only the vocabulary.

        Raises:
            ModelLoadError: missing / not GGUF / truncated file, or llama.cpp refused it.
        """
        self.path = Path(model_path or default_model_path()).expanduser()
        self.header: GGUFHeader = read_header(self.path)
        try:
            self._llm: llama_cpp.Llama | None = llama_cpp.Llama(
                str(self.path), vocab_only=True, n_ctx=64, n_batch=8, verbose=False
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelLoadError(f"llama.cpp could not read the vocabulary of {self.path}: {e}") from e
        self._chat = _ChatTokenizer(self._llm, self.header, self.path)

    def count_text(self, text: str) -> int:
        """Tokens of plain ``text``: no chat template, no BOS (special tokens parsed, as in a prompt)."""
        self._check_open()
        return self._chat.count_text(text)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Prompt tokens of ``messages`` after the chat template is applied."""
        self._check_open()
        return len(self._chat.tokenize(messages))

    def close(self) -> None:
        """Release the vocabulary."""
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    def __enter__(self) -> VocabTokenizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._llm is None:
            raise GenerationError("the tokenizer was closed")


class _ChatTokenizer:
    """Chat template + tokenizer of one model (a full or a vocab-only ``Llama``)."""

    def __init__(self, llm: llama_cpp.Llama, header: GGUFHeader, path: Path) -> None:
        self._llm, self._path = llm, path
        template = header.chat_template
        self.choice = "chat template: from the model" if template else "chat template: ChatML (the model has none)"
        self._bos = self._token_text(llm.token_bos())
        eos = self._token_text(llm.token_eos())
        self._formatters = {
            flag: Jinja2ChatFormatter(
                template=template or CHATML_TEMPLATE, eos_token=eos, bos_token=self._bos, add_generation_prompt=flag
            )
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

    def count_text(self, text: str) -> int:
        # special tokens are parsed as they will be inside a prompt, so counts add up
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", "replace")


@llama_cpp.llama_log_callback
def _route_llama_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    """llama.cpp logs go to the ``analyzer.model.llama`` logger, never straight to stderr."""
    _log.debug("%s", text.decode("utf-8", "replace").rstrip())


llama_cpp.llama_log_set(_route_llama_log, ctypes.c_void_p(0))


def open_tokenizer(model_path: Path | None) -> VocabTokenizer | None:
    """The vocabulary of ``model_path`` (or the default model), or None when it cannot be read."""
    try:
        return VocabTokenizer(model_path)
    except ModelLoadError:
        return None
