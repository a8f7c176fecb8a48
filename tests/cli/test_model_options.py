"""Model options a user passes on the command line, each run for real (tiny GGUF through llama.cpp)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import FIXTURES

from analyzer.cli import main

PYTHON_FIXTURES = FIXTURES / "python"


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    return tmp_path


def _run(env: Path, model: Path, *extra: str, fixture: str = "monolith", ctx: str = "2048") -> str:
    report = env / "arch.md"
    assert (
        main(
            [
                str(PYTHON_FIXTURES / fixture),
                "--report",
                str(report),
                "--model",
                str(model),
                "--ctx",
                ctx,
                "--max-tokens",
                "16",
                "--no-git",
                "--jobs",
                "1",
                "--free-form",  # the tiny model is under 7B: these options shape the free-form passes
                *extra,
            ]
        )
        == 0
    )
    return report.read_text()


def test_basic_prompt_goal_reasoning_and_runtime_options(env, tiny_model_path, capsys):
    text = _run(
        env,
        tiny_model_path,
        "--prompt",
        "basic",
        "--goal",
        "keep the CLI stable",
        "--keep-reasoning",
        "--kv-type",
        "q8_0",
        "--threads",
        "1",
        "--gpu-layers",
        "0",
    )
    assert "### Reasoning (draft)" in text and "### Critique" in text
    err = capsys.readouterr().err
    assert "KV cache: q8_0" in err and "threads: 1" in err and "GPU layers: 0" in err
    assert "Runtime: KV cache: q8_0" in text  # the choices are recorded in the appendix too


def test_prompt_file_of_the_user(env, tiny_model_path):
    template = env / "mine.md"
    template.write_text("You audit code.\n\n{facts}\n\n{context}\n\n<!-- user -->\n{problem}\n{goal}\n{task}\n")
    text = _run(env, tiny_model_path, "--prompt-file", str(template))
    assert "## Appendix" in text


def test_prompt_file_with_an_unknown_placeholder_is_a_usage_error(env, tiny_model_path, capsys):
    template = env / "bad.md"
    template.write_text("{facts} {context} {nonsense}\n")
    code = main(
        [
            str(PYTHON_FIXTURES / "monolith"),
            "--report",
            str(env / "arch.md"),
            "--model",
            str(tiny_model_path),
            "--prompt-file",
            str(template),
            "--no-git",
        ]
    )
    assert code == 2
    assert "nonsense" in capsys.readouterr().err
    assert not (env / "arch.md").exists()


def test_a_repository_larger_than_the_context_is_mapped_part_by_part(env, tiny_model_path, capsys):
    text = _run(env, tiny_model_path, "--budget", "600", "--verbose", fixture="bounded_contexts", ctx="4096")
    parts = re.search(r"Map-reduce: (\d+) parts summarized first", text)
    assert parts is not None and int(parts.group(1)) >= 2
    err = capsys.readouterr().err
    assert f"pass: map 1/{parts.group(1)}" in err and "pass: final" in err
    coverage = re.search(r"Coverage in full detail: files (\d+)/(\d+)", text)
    assert coverage is not None and int(coverage.group(1)) < int(coverage.group(2))


def test_a_map_step_without_room_is_said_in_the_appendix(env, tiny_model_path):
    text = _run(env, tiny_model_path, "--budget", "600", fixture="bounded_contexts")
    assert "Map-reduce: not run, no room for the per-part summaries" in text


def test_each_model_runtime_line_is_printed_once_with_one_prefix(env, tiny_model_path, capsys):
    _run(env, tiny_model_path)
    err = capsys.readouterr().err
    assert "model: model:" not in err
    path_lines = [line for line in err.splitlines() if str(tiny_model_path) in line]
    assert len(path_lines) == 1 and path_lines[0].startswith(f"model: {tiny_model_path} ("), path_lines
    assert "model: KV cache: f16" in err  # the other choices keep the one prefix
