"""Repository context vs Repomix ``--compress`` vs Aider's repo map, on the Django sdist (issue 7).

Run from the repository root: ``.venv/bin/python bench/context_bench.py``.  In one run, on the same
tree (``pip download --no-binary :all: --no-deps django==5.2.8``, extracted under ``bench/_work/src``):

- **ours**: ``analyze ROOT --context OUT --no-llm`` (full detail), ``--budget 60000`` and
  ``--budget 8192``, each a fresh process with an empty cache (wall time includes the static pass).
  Files and edges named are read back from the text with ``read_context``, and the round trip is
  checked against the graph restricted to what the coverage line states.
- **repomix** (npm ``repomix``, installed into ``bench/_work/node``):
  ``repomix --compress --style plain -o OUT ROOT`` on a copy of the tree in a temporary directory
  (in place, repomix would apply this repository's ``.gitignore``, which lists ``bench/_work``);
  its own printed token count (tiktoken ``o200k_base``) is recorded next to ours.
- **aider** (``aider-chat==0.86.2`` in ``bench/_work/venv-aider``): ``RepoMap(map_tokens=8192)``
  driven from Python with no model or key, ``get_repo_map(chat_files=[], other_files=<every file>)``;
  its ``main_model.token_count`` is SmolLM2's count, served over a pipe by a child process of the
  project's interpreter (``VocabTokenizer``), so the map is fitted with the same tokenizer we count.

Every output is counted with ONE tokenizer: SmolLM2-135M-Instruct's, via ``analyzer.model.llama.VocabTokenizer``.
*Files named*: analyzed source files (the 2,864 our graph holds) whose repo path appears in the output
as a path token.  *Edges named*: for ours, internal (file -> file) edges the text names (both ends
listed); Repomix and Aider name no dependency edges (Repomix keeps import lines in compressed
output but never says which file they resolve to; resolving them would be our own analysis, not
theirs), so they count 0.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import PIP_PACKAGES, PYTHON, REPO, WORK, fetch_pip, machine, machine_line, md_table, write_json, write_text

from analyzer.config import Settings
from analyzer.context.read import read_context
from analyzer.context.write import graph_to_context_graph
from analyzer.model.llama import VocabTokenizer
from analyzer.pipeline import analyze_static

NODE_DIR = WORK / "node"
AIDER_VENV = WORK / "venv-aider"
AIDER_VERSION = "0.86.2"
OUT = WORK / "context"
BUDGETS: tuple[int | None, ...] = (None, 60_000, 8_192)
AIDER_TOKENS = 8_192

COUNTER_SERVER = """
import json, sys
from analyzer.model.llama import VocabTokenizer
with VocabTokenizer(None) as t:
    for line in sys.stdin:
        sys.stdout.write(str(t.count_text(json.loads(line))) + "\\n")
        sys.stdout.flush()
"""

AIDER_DRIVER = """
import json, os, subprocess, sys, time
root, out, tokens, python, server = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
counter = subprocess.Popen([python, "-c", server], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           cwd=os.environ["BENCH_REPO"])

class SmolLM2Counted:
    name = "smollm2-counted"
    def token_count(self, text):
        if not isinstance(text, str):
            text = json.dumps(text)
        counter.stdin.write(json.dumps(text) + "\\n")
        counter.stdin.flush()
        return int(counter.stdout.readline())

t0 = time.perf_counter()
from aider.io import InputOutput
from aider.repomap import RepoMap
files = sorted(os.path.join(d, f) for d, dirs, fs in os.walk(root) for f in fs
               if ".aider.tags.cache" not in d)
rm = RepoMap(map_tokens=tokens, root=root, main_model=SmolLM2Counted(), io=InputOutput(yes=True, pretty=False))
text = rm.get_repo_map([], files) or ""
wall = time.perf_counter() - t0
open(out, "w").write(text)
json.dump({"inner_wall_s": round(wall, 3), "other_files": len(files)}, sys.stdout)
counter.stdin.close()
counter.wait()
"""


def ensure_repomix() -> Path:
    exe = NODE_DIR / "node_modules" / ".bin" / "repomix"
    if not exe.exists():
        subprocess.run(["npm", "install", "--silent", "--prefix", str(NODE_DIR), "repomix"], check=True)
    return exe


def ensure_aider() -> Path:
    python = AIDER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AIDER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"aider-chat=={AIDER_VERSION}"], check=True)
    return python


def named_paths(text: str, paths: list[str]) -> int:
    """How many of ``paths`` appear in ``text`` as a whole path token (not inside a longer one)."""
    tokens = set(re.findall(r"[\w./-]+", text))
    tokens |= {t.rstrip(".") for t in tokens}
    return sum(1 for p in paths if p in tokens)


def ours(root: Path, tok: VocabTokenizer, whole: Any) -> list[dict[str, Any]]:
    rows = []
    for budget in BUDGETS:
        out = OUT / f"ours-{budget or 'full'}.txt"
        cmd = [str(PYTHON), "-m", "analyzer", str(root), "--context", str(out), "--no-llm"]
        cmd += ["--budget", str(budget)] if budget else []
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
            t0 = time.perf_counter()
            proc = subprocess.run(
                cmd, cwd=REPO, env={**os.environ, "ANALYZER_CACHE": cache}, capture_output=True, text=True
            )
            wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd} failed:\n{proc.stderr[-3000:]}")
        text = out.read_text()
        read = read_context(text)
        cov = read.header.coverage
        assert cov is not None
        lines = read.lines_files
        exact = read.restrict(read.listed, read.detailed, kinds=read.kinds_files, lines=lines) == whole.restrict(
            read.listed, read.detailed, kinds=read.kinds_files, lines=lines
        )
        rows.append(
            {
                "tool": "ours",
                "setting": f"--context --budget {budget}" if budget else "--context (full detail)",
                "budget": budget,
                "tokens_smollm2": tok.count_text(text),
                "tokens_stated": read.header.tokens,
                "bytes": len(text.encode()),
                "files_named": len(read.listed),
                "files_total": cov.files_total,
                "edges_named": len({(e.source, e.target) for e in read.edges}),
                "edges_total": cov.edges_total,
                "files_with_kinds": cov.files_kinds,
                "files_with_lines": cov.files_lines,
                "files_with_symbols": cov.files_full,
                "rolled_up_files": cov.files_total - cov.files_listed,
                "rollup_depth": cov.rollup_depth,
                "round_trip_equal": exact,
                "wall_s": round(wall, 3),
                "level": read.header.level,
                "output": str(out.relative_to(REPO)),
            }
        )
    return rows


def repomix(root: Path, tok: VocabTokenizer, paths: list[str]) -> dict[str, Any]:
    exe = ensure_repomix()
    out = OUT / "repomix-compress.txt"
    # a copy outside this repository: bench/_work is in our .gitignore, which repomix would apply
    with tempfile.TemporaryDirectory(prefix="bench-repomix-") as tmp:
        tree = Path(tmp) / root.name
        shutil.copytree(root, tree, symlinks=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(exe), "--compress", "--style", "plain", "-o", str(out), str(tree)],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"repomix failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    text = out.read_text(errors="replace")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
    own = re.search(r"Total Tokens:\s*([\d,]+)", plain)
    files = re.search(r"Total Files:\s*([\d,]+)", plain)
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "tool": "repomix",
        "setting": f"repomix {version} --compress --style plain",
        "budget": None,
        "tokens_smollm2": tok.count_text(text),
        "tokens_own": int(own.group(1).replace(",", "")) if own else None,
        "own_tokenizer": "o200k_base (tiktoken, repomix default)",
        "files_in_output": int(files.group(1).replace(",", "")) if files else None,
        "bytes": len(text.encode()),
        "files_named": named_paths(text, paths),
        "files_total": len(paths),
        "edges_named": 0,
        "wall_s": round(wall, 3),
        "output": str(out.relative_to(REPO)),
    }


def aider(root: Path, tok: VocabTokenizer, paths: list[str]) -> dict[str, Any]:
    python = ensure_aider()
    out = OUT / "aider-map-8192.txt"
    driver = OUT / "aider_driver.py"
    driver.write_text(AIDER_DRIVER)
    shutil.rmtree(root / ".aider.tags.cache.v4", ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(python), str(driver), str(root), str(out), str(AIDER_TOKENS), str(PYTHON), COUNTER_SERVER],
        capture_output=True,
        text=True,
        cwd=OUT,
        env={**os.environ, "BENCH_REPO": str(REPO)},
    )
    wall = time.perf_counter() - t0
    shutil.rmtree(root / ".aider.tags.cache.v4", ignore_errors=True)  # keep the tree as downloaded
    if proc.returncode != 0:
        raise RuntimeError(f"aider failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    inner = json.loads(proc.stdout.strip().splitlines()[-1])
    text = out.read_text()
    return {
        "tool": "aider",
        "setting": f"aider-chat {AIDER_VERSION} RepoMap(map_tokens={AIDER_TOKENS})",
        "budget": AIDER_TOKENS,
        "tokens_smollm2": tok.count_text(text),
        "bytes": len(text.encode()),
        "files_named": named_paths(text, paths),
        "files_total": len(paths),
        "edges_named": 0,
        "wall_s": round(wall, 3),
        "inner_wall_s": inner["inner_wall_s"],
        "other_files": inner["other_files"],
        "output": str(out.relative_to(REPO)),
    }


def main() -> int:
    root = fetch_pip("django", PIP_PACKAGES["django"])
    OUT.mkdir(parents=True, exist_ok=True)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=os.cpu_count() or 1, use_git_history=False))
    whole = graph_to_context_graph(static.graph)
    paths = sorted(f.path for f in whole.files)
    with VocabTokenizer(None) as tok:
        rows = ours(root, tok, whole)
        rows.append(repomix(root, tok, paths))
        rows.append(aider(root, tok, paths))
    by = {(r["tool"], r["budget"]): r for r in rows}
    full, b60, b8, rx, ad = (
        by[("ours", None)],
        by[("ours", 60_000)],
        by[("ours", 8_192)],
        by[("repomix", None)],
        by[("aider", AIDER_TOKENS)],
    )
    goals = {
        "all_files_and_edges_within_60k": b60["files_named"] == b60["files_total"]
        and b60["edges_named"] == b60["edges_total"]
        and b60["tokens_smollm2"] <= 60_000,
        "beats_aider_at_8192_files": b8["files_named"] > ad["files_named"],
        "beats_aider_at_8192_edges": b8["edges_named"] > ad["edges_named"],
        "ours_8192_within_budget": b8["tokens_smollm2"] <= 8_192,
        "round_trips_exact": all(r["round_trip_equal"] for r in rows if r["tool"] == "ours"),
    }
    data = {
        "project": f"django-{PIP_PACKAGES['django']}",
        "tokenizer": "SmolLM2-135M-Instruct (VocabTokenizer)",
        "machine": machine(),
        "rows": rows,
        "goals": goals,
    }
    write_json("context.json", data)
    table = md_table(
        ["tool", "setting", "tokens (SmolLM2)", "files named", "internal edges named", "wall s"],
        [
            [
                r["tool"],
                r["setting"],
                f"{r['tokens_smollm2']:,}",
                f"{r['files_named']:,}/{r['files_total']:,}",
                f"{r['edges_named']:,}" + (f"/{r['edges_total']:,}" if "edges_total" in r else ""),
                r["wall_s"],
            ]
            for r in rows
        ],
    )
    md = (
        f"# Repository context vs Repomix and Aider on Django {PIP_PACKAGES['django']}\n\n"
        f"{machine_line(data['machine'])}\n\nAll outputs counted with SmolLM2-135M-Instruct's tokenizer "
        "(`analyzer.model.llama.VocabTokenizer`). Files named: analyzed source files whose path appears in the "
        "output. Wall time: the whole command (ours: a fresh process with an empty cache, static pass "
        "included).\n\n" + table + "\n\n"
        f"- Ours, full detail: every file with symbols, edges and first lines ({full['tokens_smollm2']:,} "
        "tokens).\n"
        f"- Ours at 60,000: {b60['level']}.\n"
        f"- Ours at 8,192: {b8['level']}; rolled-up directories at depth {b8['rollup_depth']}.\n"
        f"- Repomix printed {rx['tokens_own']:,} tokens ({rx['own_tokenizer']}) for "
        f"{rx['files_in_output']} files; it names no dependency edges.\n"
        f"- Aider's map was fitted with the same SmolLM2 count (its bisection accepts up to 15% over "
        f"`map_tokens`); it names no dependency edges. Aider saw {ad['other_files']:,} files.\n"
        f"- Round trip (read_context == graph restricted to the stated coverage): "
        f"{'exact for every budget' if goals['round_trips_exact'] else 'FAILED'}.\n\n"
        "Goals: " + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in goals.items()) + ".\n"
    )
    write_text("context.md", md)
    print(md)
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
