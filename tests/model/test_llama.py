"""The model runtime (analyzer.model.llama) through real llama.cpp: tiny random model + default SmolLM2."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from tiny_model import write_tiny_model

from analyzer.errors import (
    ConfigError,
    ContextOverflowError,
    GenerationError,
    ModelLoadError,
    ModelTooLargeError,
)
from analyzer.model._kv_store import SUFFIX, KVStateStore
from analyzer.model.generator import RuntimeOptions
from analyzer.model.gguf_file import FIXED_COMPUTE
from analyzer.model.llama import LlamaCppGenerator, VocabTokenizer, open_tokenizer
from analyzer.model.openai_server import OpenAIServerGenerator

SYSTEM = {"role": "system", "content": "You describe repositories. " + "module a imports module b. " * 60}
#: only bounded values (enums, booleans, a short string): even random weights finish the object
SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"enum": ["library", "application"]},
        "layers": {"type": "array", "items": {"enum": ["core", "cli", "io"]}, "maxItems": 3},
        "note": {"type": "string", "maxLength": 12},
        "confident": {"type": "boolean"},
    },
    "required": ["kind", "layers", "note", "confident"],
    "additionalProperties": False,
}


def assert_matches_schema(text: str) -> None:
    """``text`` is one JSON object valid against SCHEMA (checked by hand: no jsonschema dependency)."""
    value = json.loads(text)
    assert isinstance(value, dict) and sorted(value) == sorted(SCHEMA["required"])
    assert value["kind"] in ("library", "application")
    assert isinstance(value["layers"], list) and len(value["layers"]) <= 3
    assert all(layer in ("core", "cli", "io") for layer in value["layers"])
    assert isinstance(value["note"], str) and len(value["note"]) <= 12
    assert isinstance(value["confident"], bool)


def ask(question: str) -> list[dict[str, str]]:
    return [SYSTEM, {"role": "user", "content": question}]


def options(model: Path, **kw: object) -> RuntimeOptions:
    return RuntimeOptions(model_path=model, seed=7, temperature=0.0, **kw)  # type: ignore[arg-type]


@pytest.fixture()
def tiny(tiny_model_path: Path) -> Iterator[LlamaCppGenerator]:
    with LlamaCppGenerator(options(tiny_model_path)) as gen:
        yield gen


# --- tokens and budgets -----------------------------------------------------------


def test_count_tokens_includes_the_chat_template(tiny: LlamaCppGenerator) -> None:
    messages = [{"role": "user", "content": "hello"}]
    prompt = tiny.render(messages)
    assert prompt == "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n"
    tokens = tiny.tokenize_messages(messages)
    assert tiny.count_tokens(messages) == len(tokens) == len(tiny.tokenize_text(prompt))
    # the markers are single special tokens, not spelled out piece by piece
    assert tokens.count(tokens[0]) == 2
    assert len(tokens) < len(tiny.tokenize_text(prompt.replace("<|", "< |")))


@pytest.mark.parametrize("text", ["", "hello world", "def f(x):\n    return x  # é\n", "a <|im_end|> b"])
def test_count_text_has_no_template_and_no_bos(tiny: LlamaCppGenerator, tiny_model_path: Path, text: str) -> None:
    bos = len(tiny.tokenize_text(""))  # 1 when the model adds BOS, else 0
    n = tiny.count_text(text)
    assert n == len(tiny.tokenize_text(text)) - bos
    assert (n == 0) == (text == "")
    with VocabTokenizer(tiny_model_path) as vocab:
        assert vocab.count_text(text) == n
        messages = [{"role": "user", "content": text}]
        assert vocab.count_tokens(messages) == tiny.count_tokens(messages)


def test_vocab_tokenizer_errors(tiny_model_path: Path, tmp_path: Path) -> None:
    for bad in (tmp_path / "absent.gguf", tmp_path / "text.gguf"):
        if bad.name == "text.gguf":
            bad.write_text("not a model")
        with pytest.raises(ModelLoadError) as info:
            VocabTokenizer(bad)
        assert bad.name in str(info.value)
    vocab = VocabTokenizer(tiny_model_path)
    vocab.close()
    vocab.close()  # idempotent
    with pytest.raises(GenerationError):
        vocab.count_text("x")


def test_vocab_tokenizer_defaults_to_the_default_model(default_model_path: Path) -> None:
    with VocabTokenizer() as vocab:
        assert vocab.path == default_model_path and vocab.header.quantization == "Q4_1"
        assert 0 < vocab.count_text("import os\nprint(os.getcwd())") < 20


def test_describe_choices_explains_defaults(tiny: LlamaCppGenerator) -> None:
    lines = "\n".join(tiny.describe_choices())
    assert f"context: {tiny.header.context_length} tokens (the trained context)" in lines
    assert "GPU layers:" in lines and "chat template: from the model" in lines
    assert tiny.n_ctx == tiny.header.context_length  # never llama.cpp's default 512


def test_overflow_is_raised_before_eval(tiny_model_path: Path) -> None:
    with LlamaCppGenerator(options(tiny_model_path, n_ctx=256)) as gen:
        messages = ask("why?")
        n = gen.count_tokens(messages)
        assert n > 256
        with pytest.raises(ContextOverflowError) as info:
            gen.generate(messages, max_tokens=16)
        assert (info.value.tokens, info.value.limit) == (n, 256 - 16)
        assert "Requested tokens" not in str(info.value)
        small = [{"role": "user", "content": "hi"}]
        assert gen.available_prompt_tokens(250) == 6
        with pytest.raises(ContextOverflowError):
            gen.generate(small, max_tokens=255)


# --- generation -------------------------------------------------------------------


def test_generate_streams_text_and_stats(tiny: LlamaCppGenerator) -> None:
    progress: list[tuple[int, int]] = []
    pieces: list[str] = []
    messages = ask("what does module a do?")
    result = tiny.generate(
        messages, max_tokens=12, on_prompt_progress=lambda d, t: progress.append((d, t)), on_token=pieces.append
    )
    stats = result.stats
    assert "".join(pieces) == result.text
    assert stats.prompt_tokens == tiny.count_tokens(messages)
    assert 1 <= stats.generated_tokens <= 12
    assert (result.finish_reason == "length") == (stats.generated_tokens == 12)
    assert stats.cached_tokens == 0
    assert progress[0] == (0, stats.prompt_tokens) and progress[-1] == (stats.prompt_tokens,) * 2
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(progress) >= 3  # prompt evaluated in n_batch chunks, reported as it goes
    assert stats.model == "tiny-random-llama" and stats.quantization == "F16"
    assert stats.n_ctx == tiny.n_ctx and stats.prompt_seconds > 0 and stats.tokens_per_second > 0


def test_json_schema_constrains_output(tiny: LlamaCppGenerator) -> None:
    results = [tiny.generate(ask(q), max_tokens=160, json_schema=SCHEMA) for q in ("classify", "layers?")]
    for result in results:
        assert result.finish_reason == "stop", result.text
        assert_matches_schema(result.text)
    unconstrained = tiny.generate(ask("classify"), max_tokens=20)
    assert not unconstrained.text.lstrip().startswith("{")  # random weights: only the grammar makes JSON


def test_json_schema_truncated_output_is_returned_as_is(tiny: LlamaCppGenerator) -> None:
    full = tiny.generate(ask("classify"), max_tokens=160, json_schema=SCHEMA)
    cut = tiny.generate(ask("classify"), max_tokens=6, json_schema=SCHEMA)
    assert cut.finish_reason == "length" and cut.stats.generated_tokens == 6
    assert full.text.startswith(cut.text) and cut.text.startswith("{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.text)


def test_bad_json_schema_is_a_config_error(tiny: LlamaCppGenerator) -> None:
    with pytest.raises(ConfigError):
        tiny.generate(ask("x"), max_tokens=4, json_schema={"type": "object", "properties": {"a": {"$ref": "#/nope"}}})


def test_generation_is_deterministic(tiny_model_path: Path) -> None:
    texts = []
    for _ in range(2):
        with LlamaCppGenerator(options(tiny_model_path)) as gen:
            texts.append(gen.generate(ask("list the modules"), max_tokens=10).text)
    assert texts[0] == texts[1]


def test_quantized_kv_cache_turns_flash_attention_on(
    tiny_model_path: Path, default_model_path: Path, tmp_path: Path
) -> None:
    with LlamaCppGenerator(options(tiny_model_path, kv_type="q8_0")) as gen:
        assert any("flash attention: on" in line for line in gen.describe_choices())
        assert gen.generate(ask("hi"), max_tokens=4).stats.generated_tokens >= 1
    with pytest.raises(ConfigError):
        RuntimeOptions(kv_type="q8_0", flash_attn=False).validate()
    narrow = write_tiny_model(tmp_path / "narrow-heads.gguf", default_model_path, n_head=4)  # head size 16
    with pytest.raises(ConfigError) as info:
        LlamaCppGenerator(options(narrow, kv_type="q4_0"))
    assert "narrow-heads.gguf has 16" in str(info.value)
    with pytest.raises(ConfigError):
        RuntimeOptions(kv_type="q5_k").validate()


# --- prefix reuse -----------------------------------------------------------------


def test_shared_prefix_is_evaluated_once_in_memory(tiny: LlamaCppGenerator) -> None:
    first = tiny.generate(ask("first question"), max_tokens=4, prefix_messages=1)
    second = tiny.generate(ask("second question"), max_tokens=4, prefix_messages=1)
    prefix = len(tiny.tokenize_messages([SYSTEM], add_generation_prompt=False))
    assert first.stats.cached_tokens == 0
    assert second.stats.cached_tokens >= prefix
    assert second.stats.prompt_tokens - second.stats.cached_tokens < second.stats.prompt_tokens - prefix + 8


def test_prefix_state_file_skips_prompt_processing(tiny_model_path: Path, tmp_path: Path) -> None:
    opts = options(tiny_model_path, kv_cache_dir=tmp_path / "kv")
    with LlamaCppGenerator(opts) as gen:
        prefix = len(gen.tokenize_messages([SYSTEM], add_generation_prompt=False))
        cold = gen.generate(ask("what is b?"), max_tokens=6, prefix_messages=1)
    files = list((tmp_path / "kv").glob(f"*{SUFFIX}"))
    assert len(files) == 1 and cold.stats.cached_tokens == 0
    with LlamaCppGenerator(opts) as gen:
        warm = gen.generate(ask("what is b?"), max_tokens=6, prefix_messages=1)
    assert warm.stats.cached_tokens == prefix
    assert warm.text == cold.text


@pytest.mark.parametrize("damage", ["flip-byte", "truncate", "other-magic"])
def test_corrupt_state_file_is_ignored(tiny_model_path: Path, tmp_path: Path, damage: str) -> None:
    opts = options(tiny_model_path, kv_cache_dir=tmp_path / "kv")
    with LlamaCppGenerator(opts) as gen:
        cold = gen.generate(ask("and c?"), max_tokens=6, prefix_messages=1)
    (state,) = (tmp_path / "kv").glob(f"*{SUFFIX}")
    data = bytearray(state.read_bytes())
    if damage == "flip-byte":
        data[-100] ^= 0xFF
    elif damage == "truncate":
        del data[len(data) // 2 :]
    else:
        data[:8] = b"XXXXXXXX"
    state.write_bytes(bytes(data))
    with LlamaCppGenerator(opts) as gen:
        again = gen.generate(ask("and c?"), max_tokens=6, prefix_messages=1)
    assert again.stats.cached_tokens == 0
    assert again.text == cold.text
    assert state.read_bytes() != bytes(data)  # rewritten


def test_state_store_round_trip_and_key(tmp_path: Path) -> None:
    store = KVStateStore(tmp_path, "model|1|2", 2048, "f16")
    store.save([1, 2, 3], b"state-bytes")
    assert store.load([1, 2, 3]) == b"state-bytes"
    assert store.load([1, 2, 4]) is None
    other = KVStateStore(tmp_path, "model|1|2", 4096, "f16")
    assert other.key([1, 2, 3]) != store.key([1, 2, 3]) and other.load([1, 2, 3]) is None
    assert not list(tmp_path.glob(".tmp-*"))


# --- model errors -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "not-gguf", "truncated"])
def test_bad_model_file_is_refused_before_loading(tiny_model_path: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.gguf"
    if kind == "not-gguf":
        path.write_text("hello")
    elif kind == "truncated":
        path.write_bytes(tiny_model_path.read_bytes()[:-1])
    with pytest.raises(ModelLoadError) as info:
        LlamaCppGenerator(options(path))
    assert path.name in str(info.value) and "\n" not in str(info.value)


def test_memory_estimate_refuses_or_caps(tiny_model_path: Path) -> None:
    size = tiny_model_path.stat().st_size
    with pytest.raises(ModelTooLargeError):
        LlamaCppGenerator(options(tiny_model_path, n_ctx=2048), available_memory=size + 1000)
    with pytest.raises(ModelTooLargeError):
        LlamaCppGenerator(options(tiny_model_path), available_memory=size)
    # KV: n_layer * (n_head_kv * head_dim) * (k + v) * f16 bytes; compute: n_head * n_ubatch * 4 bytes
    per_token = 2 * (1 * 32) * 2 * 2 + 2 * 512 * 4
    with LlamaCppGenerator(
        options(tiny_model_path), available_memory=int((size + FIXED_COMPUTE + 1100 * per_token) / 0.9)
    ) as gen:
        assert gen.n_ctx == 1024
        assert any("capped from the trained 2048" in line for line in gen.describe_choices())


# --- OpenAI-compatible server -------------------------------------------------------


def _serve(gen: LlamaCppGenerator) -> tuple[HTTPServer, str]:
    """A minimal OpenAI-style server (streaming chat + llama-server extras) around a real model."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, obj: object, code: int = 200) -> None:
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/props":
                self._json({"default_generation_settings": {"n_ctx": gen.n_ctx}})
            else:
                self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/apply-template":
                return self._json({"prompt": gen.render(req["messages"])})
            if self.path == "/tokenize":
                content = req["content"]
                tokens = gen.tokenize_text(content) if req.get("add_special") else [0] * gen.count_text(content)
                return self._json({"tokens": tokens})
            if self.path != "/v1/chat/completions" or not req.get("stream"):
                return self._json({"error": "not found"}, 404)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()

            def send(obj: object) -> None:
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

            schema = (req.get("response_format") or {}).get("schema")
            result = gen.generate(
                req["messages"],
                req["max_tokens"],
                json_schema=schema,
                on_token=lambda t: send({"choices": [{"index": 0, "delta": {"content": t}}]}),
            )
            send({"choices": [{"index": 0, "delta": {}, "finish_reason": result.finish_reason}]})
            send(
                {
                    "choices": [],
                    "usage": {
                        "prompt_tokens": result.stats.prompt_tokens,
                        "completion_tokens": result.stats.generated_tokens,
                    },
                }
            )
            self.wfile.write(b"data: [DONE]\n\n")

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("local_tokenizer", [True, False], ids=["local-vocab", "server-tokenize"])
def test_server_round_trip(tiny_model_path: Path, tmp_path: Path, local_tokenizer: bool) -> None:
    messages = ask("summarise the repository")
    with LlamaCppGenerator(options(tiny_model_path)) as reference:
        expected = reference.generate(messages, max_tokens=8)
    with LlamaCppGenerator(options(tiny_model_path)) as backend:
        server, url = _serve(backend)
        try:
            model = tiny_model_path if local_tokenizer else tmp_path / "absent.gguf"
            with OpenAIServerGenerator(url + "/v1", options(model), tokenizer=open_tokenizer(model)) as client:
                assert client.n_ctx == backend.n_ctx
                assert client.count_tokens(messages) == expected.stats.prompt_tokens
                assert client.count_text(SYSTEM["content"]) == backend.count_text(SYSTEM["content"])
                pieces: list[str] = []
                result = client.generate(messages, max_tokens=8, on_token=pieces.append)
                structured = client.generate(messages, max_tokens=160, json_schema=SCHEMA)
                with pytest.raises(ContextOverflowError):
                    client.generate(messages, max_tokens=client.n_ctx)
        finally:
            server.shutdown()
            server.server_close()
    assert result.text == expected.text == "".join(pieces)
    assert structured.finish_reason == "stop"
    assert_matches_schema(structured.text)
    assert result.stats.generated_tokens == expected.stats.generated_tokens
    assert result.finish_reason == expected.finish_reason


# --- the default model, end to end ----------------------------------------------------


def test_default_model_answers(default_model_path: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "kv", ignore_errors=True)
    messages = [
        {"role": "system", "content": "You are a concise assistant."},
        {"role": "user", "content": "Name one programming language."},
    ]
    with LlamaCppGenerator(options(default_model_path, n_ctx=2048, kv_cache_dir=tmp_path / "kv")) as gen:
        result = gen.generate(messages, max_tokens=24, prefix_messages=1)
    assert result.text.strip()
    assert result.stats.quantization == "Q4_1" and result.stats.generated_tokens >= 1


def test_repeat_penalty_below_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="--repeat-penalty"):
        RuntimeOptions(repeat_penalty=0.9).validate()


def test_the_repeat_penalty_covers_the_whole_answer(tiny: LlamaCppGenerator) -> None:
    tiny.generate([{"role": "user", "content": "Say something."}], 40)
    assert tiny._llm.last_n_tokens_size == 40  # the sampler's penalty window: every generated token


def test_the_repeat_penalty_is_chosen_by_model_size_unless_given() -> None:
    from analyzer.model.generator import choose_repeat_penalty

    assert choose_repeat_penalty(None, 135_000_000)[0] == 1.3  # SmolLM2-135M loops at 1.1 (docs/model.md)
    assert choose_repeat_penalty(None, 7_000_000_000)[0] == 1.1
    assert choose_repeat_penalty(None, 0)[0] == 1.1  # size unknown: the common default
    assert choose_repeat_penalty(1.05, 135_000_000) == (
        1.05,
        "repeat penalty: 1.05 over the whole answer (--repeat-penalty)",
    )


def test_the_default_model_states_its_repeat_penalty(default_model_path: Path) -> None:
    with LlamaCppGenerator(RuntimeOptions(model_path=default_model_path, n_ctx=512)) as gen:
        assert "repeat penalty: 1.3 over the whole answer (a model under 1B parameters loops at 1.1)" in (
            gen.describe_choices()
        )
