"""``analyze --server`` on a shared box: the API key, clear text refused, the server's own tokenizer.

The server is ``fake_server.FakeServer`` on loopback, which records each request with its headers;
the whole pipeline runs through it.  No test leaves this machine.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fake_server import FakeServer
from helpers import FIXTURES

import analyzer.model.llama
from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"
KEY = "sk-cli-test-9f8e7d6c5b4aSECRET"


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path


def _args(env: Path, server: str, *extra: str) -> list[str]:
    return [str(FIXTURE), "--report", str(env / "arch.md"), "--server", server, "--max-tokens", "24", "--no-git",
            "--jobs", "1", *extra]  # fmt: skip


def test_report_through_a_keyed_server_with_its_own_tokenizer(env, monkeypatch, capsys):
    """No --model: the default local model is never opened; counts and the model's name come from the server."""

    def no_local_vocabulary(*args: object, **kwargs: object) -> None:
        raise AssertionError("a local tokenizer was opened although --model was not given")

    monkeypatch.setattr(analyzer.model.llama, "VocabTokenizer", no_local_vocabulary)
    monkeypatch.setenv("TEAM_GPU_KEY", KEY)
    with FakeServer(model_id="qwen2.5-coder-14b-instruct", n_ctx=4096) as server:
        assert main(_args(env, server.url + "/v1", "--api-key-env", "TEAM_GPU_KEY")) == 0
    captured = capsys.readouterr()
    report = (env / "arch.md").read_text()
    appendix = report.split("## Appendix", 1)[1]
    assert "server model: qwen2.5-coder-14b-instruct" in appendix
    assert "token counts: the server's tokenizer (its tokenize endpoint)" in appendix
    assert "authentication: Bearer token from $TEAM_GPU_KEY" in appendix
    assert "context: 4096 tokens (reported by the server)" in appendix
    assert "model qwen2.5-coder-14b-instruct" in appendix  # each pass's line names it too
    assert len(server.chat_requests()) >= 3
    assert {r.headers.get("Authorization") for r in server.requests} == {f"Bearer {KEY}"}
    assert [r for r in server.requests if r.path == "/tokenize"]
    # the key is in no output, no message and no file the run wrote (cache included)
    written = [p.read_bytes() for p in env.rglob("*") if p.is_file()]
    assert KEY not in captured.out + captured.err
    assert not any(KEY.encode() in data for data in written)


def test_plain_http_to_another_host_is_a_usage_error_before_any_request(env, monkeypatch, capsys):
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(str(args[:1]))
        raise OSError("network access attempted")

    for name in ("getaddrinfo", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    assert main(_args(env, "http://gpu-box.internal:8080")) == 2
    err = capsys.readouterr().err
    assert "--allow-http" in err and "gpu-box.internal" in err
    assert attempts == [] and not (env / "arch.md").exists()


def test_an_api_key_variable_that_is_not_set_is_a_usage_error(env, capsys):
    with FakeServer() as server:
        assert main(_args(env, server.url, "--api-key-env", "NO_SUCH_KEY_VARIABLE")) == 2
    assert "NO_SUCH_KEY_VARIABLE" in capsys.readouterr().err
    assert server.requests == []


def test_a_server_error_that_echoes_the_key_is_redacted(env, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeServer(chat_error=(403, "forbidden for {headers}")) as server:
        assert main(_args(env, server.url)) == 7
    err = capsys.readouterr().err
    assert "HTTP 403" in err and "[redacted]" in err and KEY[:12] not in err
    assert server.chat_requests()[0].headers["Authorization"] == f"Bearer {KEY}"


def test_server_model_on_a_vllm_server(env, capsys):
    served = ("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-Coder-32B-Instruct")
    with FakeServer(vllm_models=served, n_ctx=8192) as server:
        assert main(_args(env, server.url, "--server-model", served[1])) == 0
        chats = server.chat_requests()
    appendix = (env / "arch.md").read_text().split("## Appendix", 1)[1]
    assert f"server model: {served[1]} (--server-model)" in appendix
    assert "context: 8192 tokens (reported by the server)" in appendix
    assert chats and {r.body["model"] for r in chats} == {served[1]}


def test_a_server_model_the_server_lacks_is_a_usage_error(env, capsys):
    with FakeServer(vllm_models=("a/one",)) as server:
        assert main(_args(env, server.url, "--server-model", "b/two")) == 2
    assert "--server-model b/two" in capsys.readouterr().err
    assert not (env / "arch.md").exists()
