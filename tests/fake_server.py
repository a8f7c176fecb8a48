"""A scripted OpenAI-compatible server on loopback that records every request, headers included.

For what a real server cannot be made to do on cue: answer without a tokenize endpoint, fail with
an error that echoes the request's headers, redirect.  Its tokenizer is one token per three
characters, so counts are predictable.  Use as a context manager::

    with FakeServer(tokenize=False) as server:
        ... server.url ... server.requests
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def fake_tokens(text: str) -> int:
    return math.ceil(len(text) / 3)


def chatml(messages: list[dict[str, str]]) -> str:
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


@dataclass
class FakeServer:
    """What the server offers and how it answers chat completions."""

    model_id: str = "fake-coder-7b-instruct"
    n_ctx: int = 4096
    #: llama-server's /tokenize and /apply-template (False: Ollama-like, usage only)
    tokenize: bool = True
    #: answer as vLLM does: several models, each with max_model_len; /tokenize takes model + prompt or
    #: messages and answers a count; a chat completion must name a served model (HTTP 404 otherwise)
    vllm_models: tuple[str, ...] = ()
    answer: str = "The monolith has one package."
    #: computes the answer from each chat request (its body) instead of ``answer``
    answer_for: Callable[[dict[str, Any]], str] | None = None
    #: (status, body) for every chat completion instead of a stream; "{headers}" is replaced by the request's
    chat_error: tuple[int, str] | None = None
    #: a Location to answer every chat completion with (HTTP 302)
    redirect_to: str | None = None
    requests: list[Recorded] = field(default_factory=list)

    def __enter__(self) -> FakeServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _record(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            server.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
            return body

        def _json(self, obj: object, code: int = 200) -> None:
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._record()
            if self.path == "/v1/models" and server.vllm_models:
                models = [{"id": m, "object": "model", "max_model_len": server.n_ctx} for m in server.vllm_models]
                return self._json({"object": "list", "data": models})
            if self.path == "/v1/models":
                return self._json({"object": "list", "data": [{"id": server.model_id, "object": "model"}]})
            if self.path == "/props" and server.tokenize:
                return self._json({"default_generation_settings": {"n_ctx": server.n_ctx}})
            self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            req = self._record()
            if server.vllm_models:
                return self._vllm(req)
            if self.path == "/tokenize" and server.tokenize:
                return self._json({"tokens": [0] * fake_tokens(req["content"])})
            if self.path == "/apply-template" and server.tokenize:
                return self._json({"prompt": chatml(req["messages"])})
            if self.path != "/v1/chat/completions":
                return self._json({"error": "not found"}, 404)
            if server.redirect_to:
                self.send_response(302)
                self.send_header("Location", server.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if server.chat_error:
                code, text = server.chat_error
                echoed = "; ".join(f"{k}: {v}" for k, v in self.headers.items())
                data = text.replace("{headers}", echoed).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return self.wfile.write(data)
            self._stream(req)

        def _vllm(self, req: dict) -> None:
            if self.path == "/tokenize":
                if req.get("model") not in server.vllm_models:
                    return self._json({"error": "model not found"}, 404)
                if "prompt" in req:
                    n = fake_tokens(req["prompt"])
                elif "messages" in req:
                    n = fake_tokens(chatml(req["messages"]))
                else:
                    return self._json({"error": "field required: prompt or messages"}, 400)
                return self._json({"count": n, "max_model_len": server.n_ctx, "tokens": [0] * n})
            if self.path != "/v1/chat/completions":
                return self._json({"error": "not found"}, 404)
            if req.get("model") not in server.vllm_models:
                return self._json({"error": f"The model `{req.get('model')}` does not exist."}, 404)
            self._stream(req)

        def _stream(self, req: dict) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            words = (server.answer_for(req) if server.answer_for else server.answer).split(" ")
            pieces = [w + " " for w in words[:-1]] + words[-1:]
            pieces = pieces[: req["max_tokens"]]
            events: list[dict] = [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
            events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            usage = {"prompt_tokens": fake_tokens(chatml(req["messages"])), "completion_tokens": len(pieces)}
            events.append({"choices": [], "usage": usage})
            for event in events:
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler
