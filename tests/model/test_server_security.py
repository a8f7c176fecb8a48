"""``--server`` as a shared box: the transport policy, the API key, and token counts without a local model.

Everything runs against scripted servers on loopback (``fake_server.FakeServer``), which record
each request with its headers.  No test resolves a name or leaves this machine.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request

import pytest
from fake_server import FakeServer, chatml, fake_tokens

from analyzer.errors import ConfigError, GenerationError
from analyzer.model.generator import RuntimeOptions
from analyzer.model.openai_server import OpenAIServerGenerator
from analyzer.model.server_client import ServerClient, is_loopback_host

KEY = "sk-test-0123456789abcdefSECRET"
MESSAGES = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Name one benefit of small modules."},
]


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every name lookup and outgoing connection."""
    attempts: list[str] = []

    def refuse(name: str):
        def blocked(*args: object, **kwargs: object) -> None:
            attempts.append(f"{name}{args[:2]}")
            raise OSError(f"network access attempted: {name}")

        return blocked

    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.45.6.7", "::1", "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    ["gpu-box", "10.0.0.7", "192.168.1.2", "127.0.0.1.example.com", "localhost.example.com", "0177.0.0.1", "::2"],
)
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize("url", ["http://gpu-box:8080", "http://10.0.0.7:8080/v1", "HTTP://Gpu-Box.example"])
def test_plain_http_to_another_host_is_refused_before_any_request(url: str, network_attempts: list[str]) -> None:
    with pytest.raises(ConfigError, match="--allow-http") as refused:
        OpenAIServerGenerator(url, api_key=KEY)
    assert "clear text" in str(refused.value) and refused.value.exit_code == 2
    assert network_attempts == []
    # with --allow-http the client may be built (it sends nothing until asked) and says how it talks
    client = ServerClient(url, 5.0, allow_http=True)
    assert "clear text" in client.describe_transport() and network_attempts == []


def test_https_verifies_against_the_system_trust_store() -> None:
    client = ServerClient("https://gpu-box.example:8443/v1", 5.0)
    ctx = client.tls_context
    assert ctx is not None and ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.cert_store_stats() == ssl.create_default_context().cert_store_stats()
    handlers = [h for h in client._opener.handlers if isinstance(h, urllib.request.HTTPSHandler)]
    assert [h._context for h in handlers] == [ctx]  # type: ignore[attr-defined]
    assert client.describe_transport().startswith("transport: HTTPS")
    assert ServerClient("http://127.0.0.1:1", 5.0).tls_context is None


def test_https_url_speaks_tls() -> None:
    """An https URL to a plain-HTTP server fails in the TLS handshake: no HTTP request arrives."""
    with FakeServer() as server:
        url = server.url.replace("http://", "https://")
        client = ServerClient(url, 5.0, api_key=KEY)
        with pytest.raises(GenerationError, match="cannot reach server") as failed:
            client.chat({"messages": MESSAGES, "max_tokens": 4, "stream": True})
    assert KEY not in str(failed.value)
    assert server.requests == []


@pytest.mark.parametrize("url", ["gpu-box:8080", "ftp://127.0.0.1/", "http://", "127.0.0.1:8080"])
def test_urls_that_are_not_http_are_usage_errors(url: str) -> None:
    with pytest.raises(ConfigError, match="http:// or https://"):
        ServerClient(url, 5.0)


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError, match="--api-key-env") as refused:
        ServerClient(f"https://user:{KEY}@gpu-box.example/v1", 5.0)
    assert KEY not in str(refused.value)


@pytest.mark.parametrize("bad", [KEY + "\nX-Injected: 1", KEY + " tail", KEY + "é"])
def test_a_key_that_cannot_be_a_header_is_refused_without_echoing_it(bad: str) -> None:
    with pytest.raises(ConfigError, match="API key") as refused:
        ServerClient("http://127.0.0.1:1", 5.0, api_key=bad)
    assert KEY not in str(refused.value)


def test_key_is_sent_as_bearer_on_every_request_and_named_never_shown() -> None:
    with FakeServer() as server:
        with OpenAIServerGenerator(server.url + "/v1", api_key=KEY, api_key_name="TEAM_KEY") as gen:
            gen.count_tokens(MESSAGES)
            gen.count_text("hello world")
            result = gen.generate(MESSAGES, 8)
            choices = "\n".join(gen.describe_choices())
            shown = [choices, repr(gen), repr(gen._client), repr(result)]
    assert len(server.requests) >= 5 and server.chat_requests()
    assert {r.headers.get("Authorization") for r in server.requests} == {f"Bearer {KEY}"}
    assert "authentication: Bearer token from $TEAM_KEY" in choices
    assert "transport: HTTP to a loopback address" in choices
    assert not any(KEY in text for text in shown)


def test_no_key_no_header() -> None:
    with FakeServer() as server:
        with OpenAIServerGenerator(server.url, api_key="  ", api_key_name="OPENAI_API_KEY") as gen:
            gen.generate(MESSAGES, 4)
            assert "authentication: none; $OPENAI_API_KEY is not set" in gen.describe_choices()
    assert all("Authorization" not in r.headers for r in server.requests)


@pytest.mark.parametrize(
    "error",
    [(401, "unauthorized; you sent {headers}"), (200, 'data: {"error": "bad request: {headers}"}\n\n')],
    ids=["http-error", "stream-error"],
)
def test_errors_that_echo_the_headers_are_redacted(error: tuple[int, str]) -> None:
    with FakeServer(chat_error=error) as server:
        with OpenAIServerGenerator(server.url, api_key=KEY) as gen:
            with pytest.raises(GenerationError) as failed:
                gen.generate(MESSAGES, 4)
    assert server.chat_requests()[0].headers["Authorization"] == f"Bearer {KEY}"  # it was echoed...
    chain = [failed.value, failed.value.__cause__]
    assert "Bearer [redacted]" in str(failed.value)  # ...and removed from what the user sees
    assert not any(KEY[:12] in str(e) for e in chain if e is not None)  # not even cut short


def test_redirects_are_not_followed() -> None:
    """urllib would carry the Authorization header to wherever a redirect points."""
    with FakeServer() as elsewhere, FakeServer(redirect_to=elsewhere.url) as server:
        with OpenAIServerGenerator(server.url, api_key=KEY) as gen:
            with pytest.raises(GenerationError, match="HTTP 302 .redirects are not followed"):
                gen.generate(MESSAGES, 4)
    assert elsewhere.requests == []


def test_loopback_bypasses_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeServer() as proxy, FakeServer() as server:
        for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
        with OpenAIServerGenerator(server.url, api_key=KEY) as gen:
            gen.generate(MESSAGES, 4)
    assert proxy.requests == [] and server.chat_requests()


def test_server_tokenizer_and_model_name_without_a_local_model() -> None:
    with FakeServer(model_id="/srv/models/Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf", n_ctx=8192) as server:
        with OpenAIServerGenerator(server.url) as gen:
            choices = gen.describe_choices()
            assert gen.count_tokens(MESSAGES) == fake_tokens(chatml(MESSAGES))
            assert gen.count_text("hello world") == fake_tokens("hello world")
            result = gen.generate(MESSAGES, 8)
    assert "server model: Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf (the first model the server lists)" in choices
    assert "token counts: the server's tokenizer (its tokenize endpoint)" in choices
    assert "context: 8192 tokens (reported by the server)" in choices
    assert result.stats.model == "Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf"
    assert result.stats.prompt_tokens == fake_tokens(chatml(MESSAGES))


def test_without_tokenize_endpoints_counts_are_estimated_then_corrected_by_usage() -> None:
    """vLLM / Ollama / hosted APIs: characters first (conservative), then the usage the server reports."""
    text = "word " * 300
    with FakeServer(tokenize=False) as server:
        with OpenAIServerGenerator(server.url, RuntimeOptions(n_ctx=4096)) as gen:
            choices = "\n".join(gen.describe_choices())
            before = gen.count_text(text)
            assert before >= fake_tokens(text)  # conservative: never fewer than the server counts
            result = gen.generate(MESSAGES, 8)
            after = gen.count_text(text)
    assert "token counts: estimated from characters, corrected by the usage the server reports" in choices
    assert "server model: fake-coder-7b-instruct" in choices
    assert result.stats.prompt_tokens == fake_tokens(chatml(MESSAGES))  # the server's own count
    assert result.stats.generated_tokens == 5
    # one token per three characters measured: the estimate now sits within the 10% margin above it
    assert fake_tokens(text) <= after <= 1.12 * fake_tokens(text) < before
    probes = [r.path for r in server.requests if r.path in ("/tokenize", "/extras/tokenize")]
    # each dialect asked once, when the generator was built: llama-server's, vLLM's, llama_cpp.server's
    assert probes == ["/tokenize", "/tokenize", "/extras/tokenize"]


def test_a_failed_construction_closes_the_local_tokenizer() -> None:
    class Vocab:
        closed = False

        def close(self) -> None:
            self.closed = True

    vocab = Vocab()
    with pytest.raises(ConfigError):
        OpenAIServerGenerator("http://gpu-box:8080", tokenizer=vocab)  # type: ignore[arg-type]
    assert vocab.closed


VLLM_MODELS = ("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-Coder-32B-Instruct")


def test_vllm_counts_with_its_tokenizer_and_names_the_first_model() -> None:
    """vLLM: /tokenize takes model + prompt (or messages) and answers a count; /v1/models has max_model_len."""
    with FakeServer(vllm_models=VLLM_MODELS, n_ctx=32768) as server:
        with OpenAIServerGenerator(server.url) as gen:
            choices = gen.describe_choices()
            assert gen.count_tokens(MESSAGES) == fake_tokens(chatml(MESSAGES))
            assert gen.count_text("hello world") == fake_tokens("hello world")
            result = gen.generate(MESSAGES, 8)
    assert f"server model: {VLLM_MODELS[0]} (the first model the server lists)" in choices
    assert "token counts: the server's tokenizer (its tokenize endpoint)" in choices
    assert "context: 32768 tokens (reported by the server)" in choices
    assert result.stats.model == VLLM_MODELS[0] and result.text
    assert [r.body["model"] for r in server.chat_requests()] == [VLLM_MODELS[0]]
    tokenize = [r.body for r in server.requests if r.path == "/tokenize" and "content" not in r.body]
    assert tokenize and all(b["model"] == VLLM_MODELS[0] for b in tokenize)
    assert any("messages" in b for b in tokenize)  # the chat prompt counted with the server's own template


def test_server_model_chooses_among_the_served_models() -> None:
    with FakeServer(vllm_models=VLLM_MODELS) as server:
        with OpenAIServerGenerator(server.url, server_model=VLLM_MODELS[1]) as gen:
            choices = gen.describe_choices()
            gen.generate(MESSAGES, 4)
    assert f"server model: {VLLM_MODELS[1]} (--server-model)" in choices
    assert [r.body["model"] for r in server.chat_requests()] == [VLLM_MODELS[1]]


def test_a_server_model_the_server_does_not_serve_is_a_usage_error_naming_what_it_serves() -> None:
    with FakeServer(vllm_models=VLLM_MODELS) as server:
        with pytest.raises(ConfigError, match="does not serve it") as e:
            OpenAIServerGenerator(server.url, server_model="gpt-4o")
    assert VLLM_MODELS[0] in str(e.value) and VLLM_MODELS[1] in str(e.value)
    assert server.chat_requests() == []


def test_llama_server_requests_name_its_one_model_and_an_empty_token_list_is_not_a_vllm_count() -> None:
    """llama-server answers a /tokenize body without ``content`` with ``{"tokens": []}``: never read as 0 tokens."""
    with FakeServer(model_id="coder.gguf") as server, OpenAIServerGenerator(server.url) as gen:
        assert gen.count_tokens(MESSAGES) == fake_tokens(chatml(MESSAGES))
        gen.generate(MESSAGES, 4)
    assert server.chat_requests()[0].body["model"] == "coder.gguf"
