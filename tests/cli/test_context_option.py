"""``analyze PATH --context FILE|- [--budget N]``: the repository context as a product.

Runs the real CLI (``python -m analyzer``) on the analyzer's own source tree and counts
every output with the default model's real tokenizer (SmolLM2 via ``VocabTokenizer``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT

from analyzer.context.read import BEGIN, END, read_context
from analyzer.model.llama import VocabTokenizer

REPO = ROOT
TREE = REPO / "analyzer"
FIXTURE = FIXTURES / "python" / "monolith"


@pytest.fixture(scope="module")
def tokenizer(default_model_path: Path) -> Iterator[VocabTokenizer]:
    with VocabTokenizer(default_model_path) as t:
        yield t


def run(args: list[str], cache: Path, model: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANALYZER_CACHE": str(cache), "ANALYZER_MODEL": str(model)}
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def test_context_to_stdout_states_budget_tokens_and_coverage(
    tmp_path: Path, default_model_path: Path, tokenizer: VocabTokenizer
) -> None:
    proc = run([str(FIXTURE), "--context", "-", "--no-git"], tmp_path / "cache", default_model_path)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    lines = text.split("\n")
    assert lines[0] == BEGIN and text.endswith(END + "\n")  # stdout holds the context and nothing else
    tokens = tokenizer.count_text(text)
    stated = re.fullmatch(r"# tokens: (\d+) used of (\d+) budget", lines[1])
    assert stated is not None and int(stated.group(1)) == tokens
    assert tokens <= int(stated.group(2)) < 2 * tokens  # no budget given: the full context's own size
    assert lines[2].startswith("# coverage: files ") and "(100%) listed" in lines[2]
    assert lines[3] == "# dropped: nothing"
    read = read_context(text)
    assert read.header.coverage is not None and read.header.coverage.is_complete
    assert read.header.tokens == tokens


def test_budget_is_never_exceeded(tmp_path: Path, default_model_path: Path, tokenizer: VocabTokenizer) -> None:
    full_path = tmp_path / "full.txt"
    assert run([str(TREE), "--context", str(full_path), "--no-git"], tmp_path / "c", default_model_path).returncode == 0
    full = tokenizer.count_text(full_path.read_text())
    levels = set()
    for budget in (full * 9 // 10, full // 3, full // 12, 1500):
        out = tmp_path / f"ctx-{budget}.txt"
        proc = run(
            [str(TREE), "--context", str(out), "--budget", str(budget), "--no-git"], tmp_path / "c", default_model_path
        )
        assert proc.returncode == 0, proc.stderr
        text = out.read_text()
        tokens = tokenizer.count_text(text)
        assert tokens <= budget
        read = read_context(text)
        assert read.header.tokens == tokens and read.header.budget == budget
        cov = read.header.coverage
        assert cov is not None and not cov.is_complete
        levels.add((cov.files_listed == cov.files_total, cov.files_full > 0))
    assert len(levels) >= 2  # the budgets reach different rungs of the ladder
    proc = run(
        [str(TREE), "--context", str(tmp_path / "none.txt"), "--budget", "20", "--no-git"],
        tmp_path / "c",
        default_model_path,
    )
    assert proc.returncode == 6 and "directories only" in proc.stderr
    assert not (tmp_path / "none.txt").exists()


def test_same_tree_gives_byte_identical_output(tmp_path: Path, default_model_path: Path) -> None:
    texts = []
    for i, budget in enumerate(([], [], ["--budget", "3000"], ["--budget", "3000"])):
        out = tmp_path / f"ctx{i}.txt"
        cache = tmp_path / ("warm" if i % 2 else f"cold{i}")  # a cold and a warm cache per budget
        proc = run([str(TREE), "--context", str(out), *budget, "--no-git"], cache, default_model_path)
        assert proc.returncode == 0, proc.stderr
        texts.append(out.read_bytes())
    assert texts[0] == texts[1] and texts[2] == texts[3] and texts[0] != texts[2]


def test_context_with_static_report_and_json_in_one_run(
    tmp_path: Path, default_model_path: Path, tokenizer: VocabTokenizer
) -> None:
    report, data, ctx = tmp_path / "arch.md", tmp_path / "graph.json", tmp_path / "ctx.txt"
    proc = run(
        [
            str(FIXTURE),
            "--no-llm",
            "--report",
            str(report),
            "--json",
            str(data),
            "--context",
            str(ctx),
            "--budget",
            "2000",
            "--no-git",
        ],
        tmp_path / "cache",
        default_model_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert report.read_text().startswith("#")
    nodes = json.loads(data.read_text())
    text = ctx.read_text()
    assert tokenizer.count_text(text) <= 2000
    read = read_context(text)
    files = {f.path for f in read.files}
    assert files and all(path in data.read_text() for path in files)  # the same graph in both outputs
    assert isinstance(nodes, dict)


def test_context_written_with_a_model_run_is_the_one_the_model_read(tmp_path, tiny_model_path, monkeypatch):
    from analyzer.cli import main

    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    report, context = tmp_path / "arch.md", tmp_path / "context.txt"
    assert (
        main(
            [
                str(FIXTURE),
                "--report",
                str(report),
                "--plan",
                str(tmp_path / "plan.md"),
                "--context",
                str(context),
                "--model",
                str(tiny_model_path),
                "--ctx",
                "2048",
                "--max-tokens",
                "16",
                "--no-git",
                "--free-form",  # the repository context is read by the free-form passes
            ]
        )
        == 0
    )
    stated = re.search(r"# tokens: (\d+) used of (\d+) budget", context.read_text())
    assert stated is not None
    used, budget = stated.groups()
    for doc in (report, tmp_path / "plan.md"):  # one context, shared by every pass of both documents
        assert f"Context: {used} of {budget} budget tokens" in doc.read_text()
