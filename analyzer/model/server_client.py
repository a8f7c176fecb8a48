"""HTTP to an OpenAI-compatible server: the transport policy and the endpoints the server adapter uses.

The policy, checked before the first request:

- ``https://`` verifies the server against the system's certificates (``ssl.create_default_context``:
  OpenSSL's default trust store, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``);
- ``http://`` is allowed to a loopback host (``localhost``, ``127.0.0.0/8``, ``::1``, decided from the
  literal host, never by a DNS lookup), and to any other host only with ``allow_http``: the repository
  context is the architecture of code that may not leave the building;
- an API key travels as ``Authorization: Bearer`` on every request and is never part of a message,
  a ``repr`` or a description: error text the server sends back is redacted before it is raised;
- redirects are not followed (urllib would carry the Authorization header to the new host), and
  proxies from the environment are bypassed for loopback hosts (clear text would reach the proxy).

Stdlib ``urllib`` on purpose: a handful of JSON calls and one server-sent-event stream need no
client library, and the analyzer installs on machines with no package index.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from analyzer.errors import ConfigError, GenerationError
from analyzer.model.generator import StopScanner

__all__ = ["ChatOutcome", "ServerClient", "chat_body", "is_loopback_host"]

_REDACTED = "[redacted]"
#: stop strings the OpenAI API accepts in one request (the rest are cut locally)
MAX_STOP = 4


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
    stop: Sequence[str] = (),
    model: str | None = None,
) -> dict[str, Any]:
    """The request body of a streamed chat completion.

    ``model`` names the served model to use (vLLM and Ollama need it; a server that serves one
    model ignores it); ``None`` leaves it out.

    ``stop`` goes to the server as its first :data:`MAX_STOP` strings (the API's limit);
    :meth:`ServerClient.chat` cuts at all of them locally.

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
    if model is not None:
        body["model"] = model
    if json_schema is not None:
        body["response_format"] = {"type": "json_object", "schema": dict(json_schema)}
    stops = [s for s in stop if s][:MAX_STOP]
    if stops:
        body["stop"] = stops
    return body


def is_loopback_host(host: str) -> bool:
    """Whether the literal ``host`` names this machine: ``localhost``, ``127.0.0.0/8`` or ``::1``.

    No name is resolved: ``gpu-box`` is not loopback even if a hosts file says so.
    """
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class ServerClient:
    """JSON over HTTP(S) to one server; every failure of a required call is a GenerationError.

    Raises:
        ConfigError: ``base_url`` is not an http(s) URL, carries credentials, or is ``http://``
            to a host that is not loopback without ``allow_http``; ``api_key`` cannot be a header.
    """

    def __init__(self, base_url: str, timeout: float, *, api_key: str | None = None, allow_http: bool = False) -> None:
        parts = _check_url(base_url, allow_http)
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.timeout = timeout
        self.is_loopback = is_loopback_host(parts.hostname or "")
        self.is_https = parts.scheme == "https"
        #: the trust store an https request is verified against (None for http)
        self.tls_context = ssl.create_default_context() if self.is_https else None
        self._api_key = _check_key(api_key)
        handlers: list[urllib.request.BaseHandler] = [_RefuseRedirect()]
        handlers.append(urllib.request.ProxyHandler({}) if self.is_loopback else urllib.request.ProxyHandler())
        if self.tls_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.tls_context))
        self._opener = urllib.request.build_opener(*handlers)
        self._tokenize: str | None = None  # the tokenize dialect that answered: "llama", "vllm" or "extras"
        self._bos = 0  # tokens /extras/tokenize adds to every text
        #: the served model named in vLLM's tokenize requests (set once chosen)
        self.model: str | None = None

    def __repr__(self) -> str:
        return f"ServerClient({self.base_url!r})"  # never the key

    @property
    def has_api_key(self) -> bool:
        return self._api_key is not None

    def describe_transport(self) -> str:
        """One line on how requests travel (never the key)."""
        if self.is_https:
            return "transport: HTTPS, certificate verified against the system's trust store"
        if self.is_loopback:
            return "transport: HTTP to a loopback address (this machine)"
        return "transport: HTTP in clear text to a host that is not loopback (--allow-http)"

    def get_json(self, endpoint: str) -> dict | None:
        """GET an optional endpoint: the JSON object, or None when missing or failing."""
        return self.post_json(endpoint, None)

    def post_json(self, endpoint: str, body: dict | None) -> dict | None:
        """POST to an optional endpoint: the JSON object, or None when missing or failing."""
        try:
            with self._opener.open(self._request(endpoint, body), timeout=self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def context_size(self) -> tuple[int | None, str | None]:
        """``(n_ctx, model alias)`` from llama-server's ``/props``, else the ``max_model_len`` vLLM lists
        for :attr:`model` in ``/v1/models`` (None where not said)."""
        props = self.get_json("/props") or {}
        settings = props.get("default_generation_settings") or {}
        n_ctx = settings.get("n_ctx") or props.get("n_ctx")
        alias = props.get("model_alias") or props.get("model_path")
        if not (isinstance(n_ctx, int) and n_ctx > 0):
            listed = [m for m in self.models() if m.get("id") == self.model] or self.models()[:1]
            n_ctx = listed[0].get("max_model_len") if listed else None
        return (n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None, str(alias) if alias else None)

    def models(self) -> list[dict[str, Any]]:
        """The models ``/v1/models`` lists (each a dict with an ``id``), in the server's order."""
        data = (self.get_json("/v1/models") or {}).get("data")
        return (
            [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)] if isinstance(data, list) else []
        )

    def model_id(self) -> str | None:
        """The first model ``/v1/models`` lists (a file path shortened to its name), else None."""
        listed = self.models()
        return short_model_name(listed[0]["id"]) if listed and listed[0]["id"] else None

    def apply_template(self, messages: Sequence[Mapping[str, str]]) -> str | None:
        """The server's rendering of ``messages`` (llama-server ``/apply-template``), else None."""
        answer = self.post_json("/apply-template", {"messages": [dict(m) for m in messages]})
        prompt = answer.get("prompt") if answer else None
        return prompt if isinstance(prompt, str) else None

    def count_messages(self, messages: Sequence[Mapping[str, str]]) -> int | None:
        """Prompt tokens of ``messages`` with the server's own chat template, else None.

        vLLM's ``/tokenize`` renders chat messages itself; llama-server's ``/apply-template``
        renders them and ``/tokenize`` counts the result.
        """
        if self._tokenize in (None, "vllm"):
            body = {"messages": [dict(m) for m in messages], "add_generation_prompt": True}
            n = _token_count(self.post_json("/tokenize", self._with_model(body)), key="count")
            if n is not None:
                self._tokenize = "vllm"
                return n
        prompt = self.apply_template(messages)
        return None if prompt is None else self.count_text(prompt, add_special=True)

    def count_text(self, text: str, *, add_special: bool) -> int | None:
        """Tokens of ``text`` by the server's tokenizer (special tokens parsed), else None.

        Three dialects, tried in this order and the one that answers remembered: llama-server's
        ``/tokenize`` (``content``, ``add_special``), vLLM's ``/tokenize`` (``model``, ``prompt``,
        ``add_special_tokens``; it answers ``count``), and ``llama_cpp.server``'s ``/extras/tokenize``,
        which always adds BOS, so without ``add_special`` the count of an empty text (its BOS, if
        any) is subtracted.
        """
        if self._tokenize in (None, "llama"):
            body = {"content": text, "add_special": add_special, "parse_special": True}
            n = _token_count(self.post_json("/tokenize", body), key="tokens")
            if n is not None:
                self._tokenize = "llama"
                return n
        if self._tokenize in (None, "vllm"):
            body = {"prompt": text, "add_special_tokens": add_special}
            n = _token_count(self.post_json("/tokenize", self._with_model(body)), key="count")
            if n is not None:
                self._tokenize = "vllm"
                return n
        n = _token_count(self.post_json("/extras/tokenize", {"input": text}), key="tokens")
        if n is None:
            return None
        if self._tokenize != "extras":
            self._tokenize = "extras"
            self._bos = _token_count(self.post_json("/extras/tokenize", {"input": ""}), key="tokens") or 0
        return max(n if add_special else n - self._bos, 0)

    def _with_model(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"model": self.model, **body} if self.model else body

    def chat(
        self,
        body: dict[str, Any],
        on_text: Callable[[str], None] | None = None,
        on_first: Callable[[], None] | None = None,
        stop: Sequence[str] = (),
    ) -> ChatOutcome:
        """Run a streamed chat completion, calling ``on_first`` once and ``on_text`` per delta.

        The text is cut before the first of ``stop`` (should the server ignore the body's ``stop``),
        and the stream closed there.
        """
        first: float | None = None
        scanner = StopScanner(stop, on_text)
        pieces = 0
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
                    pieces += 1
                    scanner.feed(text)
                if choice.get("finish_reason") == "stop" or scanner.stopped:
                    finish = "stop"
            if scanner.stopped:
                break
        return ChatOutcome(scanner.finish(), first, finish, usage, pieces)

    def redact(self, text: str) -> str:
        """``text`` with the API key (should a server echo it) replaced."""
        return text.replace(self._api_key, _REDACTED) if self._api_key else text

    # --- internals ----------------------------------------------------------------

    def _request(self, endpoint: str, body: dict | None) -> urllib.request.Request:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return urllib.request.Request(self.base_url + endpoint, data=data, headers=headers)

    def _stream(self, endpoint: str, body: dict) -> Iterator[dict]:
        """Yield the JSON events of a server-sent-event stream."""
        try:
            with self._opener.open(self._request(endpoint, body), timeout=self.timeout) as resp:
                for raw in resp:
                    line = raw.strip()
                    if not line.startswith(b"data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == b"[DONE]":
                        return
                    event = json.loads(payload)
                    if isinstance(event, dict) and event.get("error"):
                        raise self._failure(f"server {self.base_url} failed: {event['error']}")
                    if isinstance(event, dict):
                        yield event
        except urllib.error.HTTPError as e:
            detail = self.redact(e.read().decode("utf-8", "replace"))[:300]  # redact first: a cut key is a leak
            hint = " (redirects are not followed; give the server's final URL)" if 300 <= e.code < 400 else ""
            raise self._failure(f"server {self.base_url} answered HTTP {e.code}{hint}: {detail}") from e
        except (urllib.error.URLError, OSError) as e:
            raise self._failure(f"cannot reach server {self.base_url}: {getattr(e, 'reason', e)}") from e
        except ValueError as e:
            raise self._failure(f"server {self.base_url} sent a malformed stream: {e}") from e

    def _failure(self, message: str) -> GenerationError:
        # what a server sends back may echo the request's headers
        return GenerationError(self.redact(message))


class _RefuseRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every redirect into the HTTPError it answers: urllib would resend Authorization to the new host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def short_model_name(name: str) -> str:
    """A model id as the appendix names it: a GGUF file path shortened to the file's name."""
    return name.replace("\\", "/").rsplit("/", 1)[-1] if name.lower().endswith(".gguf") else name


def _token_count(answer: dict | None, *, key: str) -> int | None:
    """The token count a tokenize endpoint answered, else None.

    ``key`` is what the dialect answers with: ``"tokens"`` (a list: llama-server, llama_cpp.server)
    or ``"count"`` (vLLM).  llama-server answers a body without ``content`` with an empty token
    list, so a vLLM request is believed only when the answer has a ``count``.
    """
    value = (answer or {}).get(key)
    if key == "tokens":
        return len(value) if isinstance(value, list) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _check_url(url: str, allow_http: bool) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("--server: give a URL that starts with http:// or https:// and names a host")
    if parts.username is not None or parts.password is not None:
        # the URL is echoed in messages and the report: the secret belongs in the environment
        raise ConfigError(
            "--server: the URL carries credentials; put the API key in an environment variable (--api-key-env)"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as e:
        raise ConfigError(f"--server {url}: {e}") from None
    if parts.scheme == "http" and not allow_http and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"--server {url}: refusing to send the repository context in clear text to {parts.hostname}, "
            "which is not a loopback address; use https://, or pass --allow-http if that network is trusted"
        )
    return parts


def _check_key(api_key: str | None) -> str | None:
    if api_key is None:
        return None
    key = api_key.strip()
    if not key:
        return None
    # http.client would reject such a header with a ValueError that quotes the value
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in key):
        raise ConfigError("the API key holds spaces, control or non-ASCII characters; it cannot be sent as a header")
    return key
