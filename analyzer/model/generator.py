"""The model interface: what every text generator offers, and the values it takes and returns.

Adapters (``llama.py`` for llama.cpp in this process, ``openai_server.py`` for an
OpenAI-compatible server) implement :class:`TextGenerator`; they import this module and never
each other.  Nothing here loads an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from analyzer.errors import ConfigError
from analyzer.model.gguf_file import KV_TYPE_BYTES, GGUFHeader

#: a chat message: {"role": "system" | "user" | "assistant", "content": str}
Message = Mapping[str, Any]
ProgressCallback = Callable[[int, int], None]
TokenCallback = Callable[[str], None]
FinishReason = Literal["stop", "length"]

#: used when a GGUF carries no tokenizer.chat_template
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


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
    #: None: chosen per model (see ``choose_repeat_penalty``)
    repeat_penalty: float | None = None
    n_batch: int = 512
    #: where KV state of shared prefixes is saved (None: memory only)
    kv_cache_dir: Path | None = None

    def validate(self) -> RuntimeOptions:
        """Return self when consistent, else raise ConfigError."""
        if self.kv_type not in KV_TYPE_BYTES:
            raise ConfigError(f"--kv-type must be one of {', '.join(KV_TYPE_BYTES)}")
        if self.n_ctx is not None and self.n_ctx < 64:
            raise ConfigError("--ctx must be at least 64 tokens")
        if self.threads is not None and self.threads < 1:
            raise ConfigError("--threads must be >= 1")
        if self.temperature < 0:
            raise ConfigError("--temperature must be >= 0")
        if self.repeat_penalty is not None and self.repeat_penalty < 1:
            raise ConfigError("--repeat-penalty must be >= 1 (1 turns it off; below 1 rewards repetition)")
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

    def count_text(self, text: str) -> int:
        """Tokens of plain ``text`` with the model's tokenizer: no chat template, no BOS."""
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
        json_schema: Mapping[str, Any] | None = None,
        stop: Sequence[str] = (),
    ) -> GenerationResult:
        """Generate an answer.  The first ``prefix_messages`` messages are a prefix
        shared with other calls (the repository context) whose KV state is reused.

        Generation ends as soon as the text contains one of ``stop``; the text returned
        (and streamed to ``on_token``) ends before it, with ``finish_reason == "stop"``.

        With ``json_schema`` sampling is constrained to JSON matching the schema;
        when ``max_tokens`` runs out first (``finish_reason == "length"``) the
        truncated text is returned as is: the caller validates.

        Raises:
            ContextOverflowError: the prompt does not fit ``n_ctx - max_tokens``.
            GenerationError: the model failed.
        """
        ...

    def close(self) -> None:
        """Release the model."""
        ...


class Tokenizer(Protocol):
    """A model's tokenizer and chat template without its weights (token counts before generating)."""

    path: Path
    header: GGUFHeader

    def count_text(self, text: str) -> int:
        """Tokens of plain ``text``: no chat template, no BOS."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Prompt tokens of ``messages`` after the chat template is applied."""
        ...

    def close(self) -> None:
        """Release the tokenizer."""
        ...


class StopScanner:
    """Watches streamed text for stop strings: passes on the text that cannot start one, holds the rest.

    ``feed`` each piece as it arrives; it returns True once a stop string has appeared, and the text
    (``text``, and what went to ``on_text``) then ends before it.  ``finish`` passes on what is held.
    """

    def __init__(self, stop: Sequence[str] = (), on_text: TokenCallback | None = None) -> None:
        self.stop = tuple(s for s in stop if s)
        self.stopped = False
        self._on_text = on_text
        self._hold = max((len(s) for s in self.stop), default=1) - 1
        self._text = ""
        self._sent = 0

    @property
    def text(self) -> str:
        """The text so far, cut before a stop string once one appeared."""
        return self._text

    def feed(self, piece: str) -> bool:
        """Add ``piece``; True when a stop string has appeared (feed nothing more)."""
        if self.stopped or not piece:
            return self.stopped
        start = max(len(self._text) - self._hold, 0)
        self._text += piece
        found = [i for i in (self._text.find(s, start) for s in self.stop) if i >= 0]
        if found:
            self._text, self.stopped = self._text[: min(found)], True
            self._send(len(self._text))
        else:
            self._send(len(self._text) - self._hold)
        return self.stopped

    def finish(self) -> str:
        """Pass on the held text; the whole text."""
        self._send(len(self._text))
        return self._text

    def _send(self, end: int) -> None:
        if end > self._sent:
            if self._on_text:
                self._on_text(self._text[self._sent : end])
            self._sent = end


def render_chatml(messages: Sequence[Message]) -> str:
    """``messages`` in ChatML with the generation prompt (what :data:`CHATML_TEMPLATE` renders)."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


#: the repeat penalty's ceiling while sampling under a JSON schema: measured with SmolLM2-135M on
#: fixtures/python/monolith, at 1.3 its strings open with the braces and quotes the penalty pushed
#: out of the JSON's structure ("} The boundary...", "]["); at 1.1 they do not
JSON_REPEAT_PENALTY = 1.1

#: below this many parameters a model gets the stronger repeat penalty
SMALL_MODEL_PARAMETERS = 1_000_000_000


def choose_repeat_penalty(requested: float | None, parameters: int) -> tuple[float, str]:
    """The repeat penalty over the whole answer, and why.

    Measured with SmolLM2-135M on fixtures/python/monolith and bounded_contexts (docs/model.md): at 1.0
    its drafts loop to the 1,024-token limit (81 repeated sentences), at 1.1 one of two still does,
    at 1.3 neither does and the model part takes 7-16 s instead of 75-130 s.  A strong penalty also
    penalizes the file and symbol names a good answer must repeat, so larger models keep 1.1.
    """
    if requested is not None:
        return requested, f"repeat penalty: {requested} over the whole answer (--repeat-penalty)"
    if 0 < parameters < SMALL_MODEL_PARAMETERS:
        return 1.3, "repeat penalty: 1.3 over the whole answer (a model under 1B parameters loops at 1.1)"
    return 1.1, "repeat penalty: 1.1 over the whole answer"
