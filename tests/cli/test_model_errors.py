"""Model failures through the ``analyze`` command line: one clear line, the documented exit code, nothing left behind.

Exit codes (analyzer/cli.py): 5 model error (missing, not GGUF, truncated,
too large for memory), 6 context error, 130 interrupted.  Every failing run
must print exactly one ``error:`` line (no traceback, not wrapped over several
lines) and leave no report, temporary file or corrupt KV state behind.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import llama_cpp
import pytest
from helpers import FIXTURES, ROOT

from analyzer.cli import main
from analyzer.errors import ContextOverflowError
from analyzer.model import gguf_file, passes

REPO = ROOT
FIXTURE = FIXTURES / "python" / "monolith"
EXIT_MODEL, EXIT_CONTEXT, EXIT_INTERRUPTED = 5, 6, 130


@pytest.fixture
def run_env(tmp_path, monkeypatch):
    """A private cache and a plain (non-terminal, default-width) console for every run."""
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("ANALYZER_MODEL", raising=False)
    out = tmp_path / "out"
    out.mkdir()
    return out


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=os.environ.copy(),
    )


def _error_line(stderr: str) -> str:
    """The single ``error:`` line, which must be the last line and hold the whole message."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert errors[0] == len(lines) - 1, f"the error message runs over several lines:\n{stderr}"
    return lines[-1]


def _cut(source: Path, dest: Path, size: int) -> Path:
    with source.open("rb") as src, dest.open("wb") as dst:
        dst.write(src.read(size))
    return dest


def _bad_model(kind: str, tiny: Path, folder: Path) -> tuple[Path, str]:
    """A broken model file of ``kind`` and a phrase its error message must contain."""
    if kind == "missing":
        return folder / "no-such-model.gguf", "model file not found"
    if kind == "not-gguf":
        path = folder / "notes.gguf"
        path.write_text("this is a text file, not a GGUF model\n" * 50)
        return path, "is not a GGUF model file"
    if kind == "truncated-header":
        return _cut(tiny, folder / "cut-header.gguf", 4096), "corrupt or truncated GGUF header"
    header = gguf_file.read_header(tiny)
    return _cut(tiny, folder / "cut-data.gguf", (header.data_offset + header.data_end) // 2), "is truncated"


@pytest.mark.parametrize("kind", ["missing", "not-gguf", "truncated-header", "truncated-data"])
def test_a_bad_model_file_is_one_clear_error(kind, run_env, tmp_path, tiny_model_path):
    model, phrase = _bad_model(kind, tiny_model_path, tmp_path)
    result = _cli(
        str(FIXTURE),
        "--report",
        str(run_env / "report.md"),
        "--model",
        str(model),
        "--ctx",
        "2048",
        "--max-tokens",
        "32",
        "--no-git",
    )
    assert result.returncode == EXIT_MODEL, result.stderr
    line = _error_line(result.stderr)
    assert phrase in line and str(model) in line
    assert list(run_env.iterdir()) == []


@pytest.mark.parametrize("ctx", [["--ctx", "2048"], []], ids=["with --ctx", "automatic ctx"])
def test_a_model_too_large_for_memory_is_refused_before_loading(ctx, run_env, tiny_model_path, monkeypatch, capsys):
    available = 4 * 2**20  # the tiny model alone is 8 MiB
    header = gguf_file.read_header(tiny_model_path)
    assert header.file_size > available
    monkeypatch.setattr(gguf_file, "available_memory", lambda: available)
    loads: list[dict] = []
    monkeypatch.setattr(llama_cpp, "Llama", lambda **kwargs: loads.append(kwargs))
    code = main(
        [
            str(FIXTURE),
            "--report",
            str(run_env / "report.md"),
            "--model",
            str(tiny_model_path),
            *ctx,
            "--max-tokens",
            "32",
            "--no-git",
            "--jobs",
            "1",
        ]
    )
    assert code == EXIT_MODEL
    assert loads == [], "llama.cpp must not be asked to load a model that cannot fit"
    line = _error_line(capsys.readouterr().err)
    assert "4 MiB" in line and tiny_model_path.name in line
    if ctx:
        estimate = gguf_file.estimate_memory(header, 2048, "f16", available)
        assert f"needs about {estimate.total / 2**20:.0f} MiB" in line and "--ctx 2048" in line
    else:
        assert f"{header.file_size / 2**20:.0f} MiB" in line
    assert list(run_env.iterdir()) == []


@pytest.mark.parametrize("ctx", ["64", "256"])
def test_a_context_too_small_for_the_smallest_map_is_exit_6(ctx, run_env, tiny_model_path):
    result = _cli(
        str(FIXTURE),
        "--report",
        str(run_env / "report.md"),
        "--model",
        str(tiny_model_path),
        "--ctx",
        ctx,
        "--max-tokens",
        "32",
        "--no-git",
        "--free-form",  # the free-form passes need the repository map; structured items only reject
    )
    assert result.returncode == EXIT_CONTEXT, result.stderr
    line = _error_line(result.stderr)
    assert "smallest repository map" in line and "context window" in line and "raise --ctx" in line
    assert list(run_env.iterdir()) == []


def test_the_map_step_never_fails_a_job_whose_own_prompt_fits(run_env, tiny_model_path, capsys, monkeypatch):
    """Around the smallest workable window, once the job's own context has been fitted (the repository
    rolled up to fit), the optional map-reduce step must not turn the run into a context error."""
    max_tokens = 32
    fits: list[tuple[int, bool]] = []  # (max_tokens of the fitted pass, fitted)
    real_fit = passes.fit_repository_context

    def recording_fit(generator, job, graph, ranks, tokens, *args, **kwargs):
        try:
            context = real_fit(generator, job, graph, ranks, tokens, *args, **kwargs)
        except ContextOverflowError:
            fits.append((tokens, False))
            raise
        fits.append((tokens, True))
        return context

    monkeypatch.setattr(passes, "fit_repository_context", recording_fit)
    outcomes, broken = {}, {}
    for ctx in range(1700, 2101, 50):
        fits.clear()
        code = main(
            [
                str(FIXTURE),
                "--report",
                str(run_env / "report.md"),
                "--model",
                str(tiny_model_path),
                "--ctx",
                str(ctx),
                "--max-tokens",
                str(max_tokens),
                "--no-git",
                "--jobs",
                "1",
            ]
        )
        err = capsys.readouterr().err
        outcomes[ctx] = code
        assert code in (0, EXIT_CONTEXT), err
        if code and (max_tokens, True) in fits:
            broken[ctx] = _error_line(err)
        (run_env / "report.md").unlink(missing_ok=True)
    assert broken == {}, "the job's prompt fitted, then the map step failed the run"
    assert 0 in outcomes.values(), outcomes


def _wait_for(stream, needle: str, seen: list[str], timeout: float) -> bool:
    found = threading.Event()

    def reader() -> None:
        for line in stream:
            seen.append(line)
            if needle in line:
                found.set()
        found.set()

    threading.Thread(target=reader, daemon=True).start()
    return found.wait(timeout) and any(needle in line for line in seen)


def _saved_states(kv: Path) -> list[Path]:
    """KV state files completely written (not the ``.tmp-*`` file being written)."""
    return [p for p in kv.glob("*.kvstate") if not p.name.startswith(".")]


def test_ctrl_c_during_generation_exits_130_and_leaves_nothing(run_env, default_model_path):
    report = run_env / "report.md"
    kv = Path(os.environ["ANALYZER_CACHE"]) / "kv"
    # both runs use the same window and output budget, so they share the repository prefix (and its KV state)
    args = [
        str(FIXTURE),
        "--report",
        str(report),
        "--model",
        str(default_model_path),
        "--ctx",
        "4096",
        "--max-tokens",
        "48",
        "--no-git",
        "--free-form",  # interrupted during the draft, a free-form pass
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer", *args, "--verbose"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env=os.environ.copy(),
    )
    seen: list[str] = []
    try:
        assert _wait_for(proc.stderr, "pass: draft", seen, 300), "".join(seen)
        # the shared prefix's KV state is saved once it is evaluated: from then on the draft is being generated
        deadline = time.monotonic() + 600
        while not _saved_states(kv) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted:\n" + "".join(seen)
        assert _saved_states(kv), "the draft's prompt was not evaluated in time"
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    time.sleep(0.2)  # let the reader thread drain the pipe
    stderr = "".join(seen)
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr.splitlines()[-1], stderr
    assert list(run_env.iterdir()) == [], "no report and no temporary file may be left"
    assert not list(kv.glob(".tmp-*")), "a half-written KV state file was left"

    # the same cache still works, and the KV state saved by the interrupted run is valid and reused
    again = _cli(*args, timeout=600)
    assert again.returncode == 0, again.stderr
    text = report.read_text(encoding="utf-8")
    assert text.count("### Assessment") == 1
    draft = re.search(r"Pass draft: (\d+) prompt tokens \((\d+) reused\)", text)
    assert draft and 0 < int(draft.group(2)) < int(draft.group(1)), draft
