"""The whole pipeline (graph, model, report) runs with the network blocked, and never runs the analyzed code.

``analyze`` runs in-process with the tiny model while every way Python opens
a network connection raises.  The analyzed tree is a copy of the hostile
injection fixture, whose ``setup.py``, package ``__init__``, ``__main__`` and
Node ``postinstall.js`` each write a marker file next to themselves when
executed or imported: none may exist afterwards, and the package must not be
in ``sys.modules``.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys

import pytest
from helpers import FIXTURES

from analyzer.cli import main

INJECTION = FIXTURES / "python" / "injection"


class NetworkBlocked(OSError):
    """Raised by every patched network entry point."""


@pytest.fixture
def no_network(monkeypatch):
    """Block internet sockets, name resolution and outgoing connections; record every attempt."""
    attempts: list[str] = []
    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family != socket.AF_UNIX:
                attempts.append(f"socket(family={family})")
                raise NetworkBlocked("network access attempted during analysis")
            super().__init__(family, type, proto, fileno)

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(f"{name}{args[:2]}")
            raise NetworkBlocked(f"network access attempted during analysis: {name}")

        return blocked

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_network_is_really_blocked(no_network):
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert len(no_network) == 2


def test_full_pipeline_offline_without_running_analyzed_code(no_network, tmp_path, monkeypatch, tiny_model_path):
    repo = tmp_path / "hostile"
    shutil.copytree(INJECTION, repo)
    executable = sorted(
        p.relative_to(repo).as_posix()
        for p in repo.rglob("*")
        if p.is_file() and re.search(r"_WAS_\w+\.marker", p.read_text(encoding="utf-8"))
    )
    assert executable == ["promptbox/__init__.py", "promptbox/__main__.py", "scripts/postinstall.js", "setup.py"]
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "out"
    out.mkdir()
    before = set(sys.modules)

    code = main(
        [
            str(repo),
            "--report",
            str(out / "report.md"),
            "--json",
            str(out / "graph.json"),
            "--model",
            str(tiny_model_path),
            "--ctx",
            "4096",
            "--max-tokens",
            "32",
            "--no-git",
            "--free-form",  # structured tasks and free-form passes both run offline
        ]
    )

    assert code == 0
    assert no_network == [], f"network access attempted: {no_network}"
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "### Assessment" in text and re.search(r"^- Pass final: \d+ prompt tokens", text, re.MULTILINE)
    assert re.search(r"^- Structured calls: [1-9]\d*, ", text, re.MULTILINE)
    assert "promptbox/SYSTEM_PROMPT_OVERRIDE.py" in (out / "graph.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in repo.rglob("*.marker")) == [], "analyzed code was executed"
    assert not [m for m in set(sys.modules) - before if m.split(".")[0] in {"promptbox", "setup", "postinstall"}]


def test_the_markers_do_appear_when_the_code_runs(tmp_path):
    """Guards the test above: importing or running the fixture really writes its markers."""
    repo = tmp_path / "hostile"
    shutil.copytree(INJECTION, repo)
    for command in (["-c", "import promptbox"], ["-m", "promptbox"]):
        subprocess.run([sys.executable, *command], cwd=repo, check=True, capture_output=True, timeout=60)
    assert sorted(p.name for p in repo.rglob("*.marker")) == ["INIT_WAS_IMPORTED.marker", "MAIN_WAS_EXECUTED.marker"]
