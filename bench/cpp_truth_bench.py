"""C++ edges against clang: precision and recall of the analyzer's file pairs, per edge kind.

clang is the truth: ``bench/_clang_refs.py`` runs under ``bench/_work/venv-clang`` (created here with
``pip install libclang==18.1.1``, whose wheel carries libclang.so; never a dependency of the project).
It parses each ``.cc``/``.cpp`` file as a translation unit with ``-std=c++17`` and the include
directories a build would pass, guessed from the layout (the project's ``include/`` directories and
its root), and resolves every reference of the unit's and its project headers' cursors (each header
walked once) to the file declaring it.  Kinds: ``import`` (an ``#include``), ``inherit`` (a base
specifier), ``type`` (a type or template named), ``call`` (a call, a member, a declaration or a macro
used).  A file's references to itself do not count.  Only the files clang walked are compared: a unit
with a fatal error (a header not found, as GoogleTest, which the Debian archives strip) is left out,
and so are the headers only such units, or none, include.

The analyzer runs ``-m analyzer ROOT --no-llm --no-cache --json`` from ``--repo`` (default: this
checkout; ``--repo /work/main --label before`` measures another checkout).  All kinds together
compare (source, target) pairs of C/C++ sources; precision also of the pairs with a symbol edge (those
the reference pass makes: an include inside an ``#if`` clang does not take is the include resolver's);
recall is split into pairs a name written in the file gives (clang saw an include, a base or a type
named) and pairs seen only through calls and members (``db->Get()`` reaches ``db.h`` by ``db``'s type).
The analyzer's wall time is the whole command's, median of ``--reps`` runs.

    .venv/bin/python bench/cpp_truth_bench.py [--only leveldb] [--repo DIR] [--label after] [--reps 3]

Writes ``bench/results/cpp_truth.json`` (one entry per label) and ``cpp_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import _common as c
from real_code_bench import fetch

REFS = c.BENCH / "_clang_refs.py"
VENV = c.WORK / "venv-clang"
CLANG_PY = VENV / "bin" / "python"
#: the C++ projects of real_code_bench.PROJECTS -> the projects whose headers they use (spdlog's
#: Debian archive strips its bundled fmt: it is built with fmt's headers, as Debian does)
PROJECTS: dict[str, tuple[str, ...]] = {"leveldb": (), "fmt": (), "yaml-cpp": (), "spdlog": ("fmt",)}
#: compiler flags of each project's build besides the include directories
FLAGS = {"leveldb": ("-DLEVELDB_PLATFORM_POSIX=1",), "spdlog": ("-DSPDLOG_FMT_EXTERNAL", "-DSPDLOG_COMPILED_LIB")}
KINDS = ("import", "inherit", "type", "call")
#: the analyzer's C and C++ file extensions (its edges from other languages are not compared)
_NATIVE = (".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl", ".tpp")
Pairs = set[tuple[str, str, str]]


def _venv() -> Path:
    if not CLANG_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(CLANG_PY), "-m", "pip", "install", "--quiet", "libclang==18.1.1"], check=True)
    return CLANG_PY


def include_dirs(root: Path) -> list[Path]:
    """What a build would pass as ``-I``: every directory named ``include`` (not under tests), the root."""
    found = sorted(p for p in root.rglob("include") if p.is_dir() and "test" not in p.relative_to(root).parts)
    return [*found, root]


def clang_pairs(name: str, root: Path) -> tuple[Pairs, set[str]]:
    """clang's (source, target, kind) triples and the files it walked, cached per project in bench/_work."""
    cache = c.WORK / "cpp_truth" / f"{name}.tsv"
    if not cache.exists() or cache.stat().st_mtime < REFS.stat().st_mtime:
        args = [str(_venv()), str(REFS), str(root), *FLAGS.get(name, ())]
        for d in include_dirs(root) + [fetch(other) / "include" for other in PROJECTS[name]]:
            args.append(f"-I{d}")
        proc = subprocess.run(args, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"_clang_refs.py failed:\n{proc.stderr[-3000:]}")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(proc.stdout)
        cache.with_suffix(".log").write_text(proc.stderr)
    rows = [line.split("\t") for line in cache.read_text().splitlines()]
    return {(r[0], r[1], r[2]) for r in rows if len(r) == 3}, {r[1] for r in rows if r[0] == "#walked"}


def analyzer_pairs(root: Path, repo: Path) -> tuple[Pairs, dict[str, float]]:
    """The analyzer's (source, target, kind) triples from C/C++ files, and the run's times."""
    edges, times = c.analyzer_edges(root, repo)
    return {e for e in edges if e[0].endswith(_NATIVE)}, times


def compare(truth: Pairs, ours: Pairs) -> dict[str, Any]:
    """``_common.compare_pairs`` (named pairs: those clang saw an include, a base or a type for), and
    the precision of the pairs the reference pass makes (with a symbol edge)."""
    named = {(s, t) for s, t, k in truth if k != "call"}
    symbols = {(s, t) for s, t, k in ours if k != "import"}
    t_all = {(s, t) for s, t, _ in truth}
    return c.compare_pairs(truth, ours, named, "clang") | {
        "precision_symbols": c.ratio(len(symbols & t_all), len(symbols))
    }


def render(results: dict[str, Any]) -> str:
    lines = [
        "# C++ edges against clang",
        "",
        f"Written by `bench/cpp_truth_bench.py`. {results.get('machine', '')}",
        "",
    ]
    headers = ["project", "clang pairs", "analyzer pairs", "precision", "precision (symbol pairs)", "recall"]
    headers += ["recall (named)"]
    headers += ["recall (inferred)", *(f"{k} P / R" for k in KINDS), "files", "analyze s"]
    for label, projects in sorted(results["labels"].items()):
        rows = [
            [name, r["clang_pairs"], r["analyzer_pairs"], r["precision"], r.get("precision_symbols"), r["recall"]]
            + [r["recall_named"], r["recall_inferred"]]
            + [f"{r['kinds'][k]['precision']} / {r['kinds'][k]['recall']}" for k in KINDS]
            + [r.get("files_compared"), r.get("analyze_s")]
            for name, r in sorted((k, v) for k, v in projects.items() if not k.startswith("_"))
        ]
        lines += [f"## {label} ({c.label_repos(projects)})", "", c.md_table(headers, rows), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    ap.add_argument("--reps", type=int, default=1)
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("cpp_truth.json", args.label, args.repo)
    for name in names:
        root = fetch(name)
        truth, walked = clang_pairs(name, root)
        runs = [analyzer_pairs(root, args.repo.resolve()) for _ in range(max(1, args.reps))]
        times = {k: round(statistics.median(r[1].get(k, 0.0) for r in runs), 2) for k in runs[0][1]}
        ours = {t for t in runs[0][0] if t[0] in walked}
        projects[name] = compare(truth, ours) | {"reps": len(runs), "files_compared": len(walked)} | times
        print(name, json.dumps(projects[name]), flush=True)
    results["machine"] = c.machine_line(c.machine())
    c.write_json("cpp_truth.json", results)
    c.write_text("cpp_truth.md", render(results))


if __name__ == "__main__":
    main()
