"""``--server URL`` against a real ``python -m llama_cpp.server`` started on loopback.

The server runs the tiny random-weight model (real tokenizer and chat template)
in a subprocess; the tests drive ``OpenAIServerGenerator`` directly and then the
whole CLI through it.  The server's access log proves the requests reached it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import FIXTURES, REPORT_SECTIONS

from analyzer.cli import main
from analyzer.model.generator import RuntimeOptions
from analyzer.model.llama import VocabTokenizer, open_tokenizer
from analyzer.model.openai_server import OpenAIServerGenerator

FIXTURE = FIXTURES / "python" / "monolith"
READY_TIMEOUT_S = 45.0
MESSAGES = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Name one benefit of small modules."},
]


@dataclass(frozen=True)
class Server:
    """A running llama_cpp.server: its root URL and its log file."""

    url: str
    log: Path

    def chat_requests(self) -> int:
        """How many chat completions the server has answered so far (from its access log)."""
        return len(re.findall(r'"POST /v1/chat/completions HTTP/1\.1" 200', self.log.read_text(errors="replace")))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll ``/v1/models`` until it lists a model; fail with the server log on exit or timeout."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/v1/models", timeout=2) as resp:
                if json.loads(resp.read()).get("data"):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.2)
    pytest.fail(f"llama_cpp.server not ready after {READY_TIMEOUT_S}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``python -m llama_cpp.server`` on a free loopback port, always terminated afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("server") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(tiny_model_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        "2",
    ]
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _wait_ready(proc, url, log)
        yield Server(url, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.parametrize("local_tokenizer", [True, False], ids=["local-vocab", "server-tokenize"])
def test_generator_against_llama_cpp_server(
    server: Server, tiny_model_path: Path, tmp_path: Path, local_tokenizer: bool
) -> None:
    model = tiny_model_path if local_tokenizer else tmp_path / "absent.gguf"
    with VocabTokenizer(tiny_model_path) as vocab:
        expected_prompt, expected_text = vocab.count_tokens(MESSAGES), vocab.count_text("hello world")
    before = server.chat_requests()
    with OpenAIServerGenerator(
        server.url + "/v1", RuntimeOptions(model_path=model, n_ctx=2048), tokenizer=open_tokenizer(model)
    ) as gen:
        choices = "\n".join(gen.describe_choices())
        assert f"server: {server.url} " in choices
        assert f"server model: {tiny_model_path.name}" in choices  # llama_cpp.server lists the model's path
        assert ("local tokenizer of" if local_tokenizer else "the server's tokenizer") in choices
        assert gen.n_ctx == 2048
        # the server's /extras/tokenize (BOS subtracted for plain text) agrees with the local vocabulary
        assert gen.count_tokens(MESSAGES) == expected_prompt
        assert gen.count_text("hello world") == expected_text

        pieces: list[str] = []
        progress: list[tuple[int, int]] = []
        result = gen.generate(
            MESSAGES, 16, on_token=pieces.append, on_prompt_progress=lambda done, total: progress.append((done, total))
        )
        assert result.text and "".join(pieces) == result.text
        assert result.finish_reason in ("stop", "length")
        assert 1 <= result.stats.generated_tokens <= 16
        assert result.stats.prompt_tokens == expected_prompt
        assert result.stats.n_ctx == 2048 and result.stats.prompt_seconds >= 0 and result.stats.gen_seconds >= 0
        assert progress == [(0, expected_prompt), (expected_prompt, expected_prompt)]

        # response_format with a schema becomes a grammar on the server: output starts as a JSON object
        schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
        constrained = gen.generate(MESSAGES, 16, json_schema=schema)
        assert constrained.text.lstrip().startswith("{")
    assert server.chat_requests() - before == 2


def test_cli_report_through_llama_cpp_server(
    server: Server, tiny_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "arch.md"
    before = server.chat_requests()
    args = [
        str(FIXTURE),
        "--report",
        str(out),
        "--server",
        server.url,
        "--model",
        str(tiny_model_path),
        "--ctx",
        "2048",
        "--max-tokens",
        "24",
        "--no-git",
    ]
    assert main(args) == 0
    text = out.read_text()
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == REPORT_SECTIONS
    appendix = text.split("## Appendix", 1)[1]
    assert f"server: {server.url} (OpenAI-compatible chat completions, streamed)" in appendix
    assert "context: 2048 tokens (from --ctx)" in appendix
    assert f"server model: {tiny_model_path.name}" in appendix
    assert "token counts: local tokenizer of" in appendix  # --model given: its vocabulary counts
    for name in ("draft", "critique", "final"):
        found = re.search(rf"Pass {name}: (\d+) prompt tokens .*?(\d+) generated", appendix)
        assert found, name
        assert 0 < int(found[1]) <= 2048 - 24 and 1 <= int(found[2]) <= 24
    structured = re.search(r"Structured calls: (\d+), ", appendix)
    assert structured and int(structured[1]) >= 1  # a server also gets the structured tasks
    assert server.chat_requests() - before == 3 + int(structured[1])
